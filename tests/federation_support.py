"""Generated SERVICE and LOAD spellings, and endpoints on 127.0.0.1 that count who calls them.

``spellings(seed, count, targets)`` writes queries and updates that call the given endpoints in every place the
grammar allows SERVICE and LOAD, spelled every way it allows (prefixed names, BASE, escapes, case, SILENT, a
variable bound by VALUES) and with every kind of separator between the tokens: spaces, tabs, LF, CR, CRLF,
nothing at all, comments ended by each of those or by the end of the text, comments that hold ``#``, ``<``, ``{``,
``"`` or a whole SERVICE clause, and characters the grammar does not count as whitespace. Most cases are valid
SPARQL; many are not; the properties under test hold for both. The same seed gives the same cases.
"""

from __future__ import annotations

import http.server
import random
import threading
from dataclasses import dataclass

# Separators between tokens: what the grammar counts as whitespace, comments with every end, and what it does not.
SEPARATORS = [" ", " ", " ", "\t", "\n", "\r", "\r\n", "", "  \t ", "\n\n"]
COMMENT_BODIES = ["", " x", "#", "<", "{", '"', "'", "SERVICE", " } SERVICE <{t}> {{ }} ", "<{t}>", "\\u0053"]
COMMENT_ENDS = ["\n", "\r", "\r\n"]
NOT_WHITESPACE = ["\f", "\v", "\u00a0", "\u2028", "\x85", "\u3000"]
EMPTY_RESULTS = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'


@dataclass(frozen=True)
class Case:
    kind: str  # "query" | "update"
    text: str
    variable: bool = False  # the endpoint is a variable (refused by design, whatever it is bound to)
    runs: bool = False  # valid SPARQL (by the W3C grammar) that names its endpoints as the allow-list spells them


class _Flags:
    """What the spelling of one case did to it."""

    def __init__(self):
        self.valid = True  # by the W3C grammar, tokens matched longest first
        self.exact = True  # every endpoint spelled so that it resolves to the URL itself


_flags = _Flags()


def _sep(rng: random.Random, target: str, before_name: bool = False) -> str:
    """A separator; ``before_name``: the next token starts with a letter or ':' (nothing is not a separator)."""
    r = rng.random()
    if r < 0.70:
        sep = rng.choice(SEPARATORS)
        if sep == "" and before_name:
            _flags.valid = False  # the two run together into one name (the engine may still split them)
        return sep
    if r < 0.93:
        body = rng.choice(COMMENT_BODIES).replace("{t}", target).replace("{{", "{").replace("}}", "}")
        return " #" + body + rng.choice(COMMENT_ENDS)
    _flags.valid = False
    return rng.choice(NOT_WHITESPACE)


def _case_of(word: str, rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.4:
        return word
    if choice < 0.6:
        return word.lower()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in word)


def _escape(text: str, rng: random.Random) -> str:
    out = []
    for c in text:
        r = rng.random()
        if r < 0.15:
            out.append(f"\\u{ord(c):04X}")
        elif r < 0.2:
            out.append(f"\\U{ord(c):08X}")
        else:
            out.append(c)
    return "".join(out)


def _target(url: str, rng: random.Random) -> tuple[str, str, bool]:
    """(prologue, spelling of the endpoint, whether it is a variable)"""
    base, _, local = url.rpartition("/")
    r = rng.random()
    if r < 0.25:
        return "", f"<{url}>", False
    if r < 0.4:
        return "", f"<{_escape(url, rng)}>", False
    if r < 0.55:
        return f"PREFIX p: <{base}/> ", f"p:{local}", False
    if r < 0.65:
        return f"PREFIX : <{_escape(base, rng)}/> ", f":{local}", False
    if r < 0.75:
        return f"BASE <{base}/> ", f"<{local}>", False
    if r < 0.82:
        return f"BASE <{base}/> PREFIX q: <> ", f"q:{local}", False
    if r < 0.9:
        _flags.exact = False
        return "", f"<{url.replace('127.0.0.1', 'localhost')}>", False
    return "", "?endpoint", True


QUERY_PLACES = [
    "SELECT * WHERE {{ {S} }}",
    "SELECT * WHERE {{ ?s ?p ?o {S} }}",
    "SELECT * WHERE {{ {S} }} LIMIT 1",
    "ASK {{ {S} }}",
    "CONSTRUCT {{ ?x ?y ?z }} WHERE {{ {S} }}",
    "DESCRIBE ?x WHERE {{ {S} }}",
    "SELECT * {{ OPTIONAL {{ {S} }} }}",
    "SELECT * {{ {{ }} UNION {{ {S} }} }}",
    "SELECT * {{ {S} UNION {{ }} }}",
    "SELECT * {{ FILTER EXISTS {{ {S} }} }}",
    "SELECT * {{ FILTER NOT EXISTS {{ {S} }} }}",
    "SELECT * {{ {{ SELECT * {{ {S} }} }} }}",
    "SELECT * {{ BIND(1 AS ?one) {S} }}",
    "SELECT * {{ VALUES ?v {{ 1 }} {S} }}",
    "SELECT * {{ ?s ?p ?o MINUS {{ {S} }} }}",
    "SELECT * {{ GRAPH <urn:g> {{ {S} }} }}",
    "SELECT (\"SERVICE <{T}> {{ }}\" AS ?decoy) {{ {S} }}",
    "SELECT * {{ ?s ?p ?o . {S} . }}",
    "SELECT * {{ {S} {S2} }}",
]
UPDATE_PLACES = [
    "INSERT {{ <urn:a> <urn:b> ?x }} WHERE {{ {S} }}",
    "DELETE {{ ?x ?y ?z }} WHERE {{ OPTIONAL {{ {S} }} }}",
    "{L}",
    "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ;{SEP}{L}",
    "{L} ;{SEP}INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "DELETE WHERE {{ ?s <urn:nothing> ?o }} ;{SEP}{L}",
]


def _named(token: str) -> bool:
    return token[:1].isalpha() or token[:1] == ":"


def _service(url: str, rng: random.Random) -> tuple[str, str, bool]:
    prologue, target, variable = _target(url, rng)
    word = _case_of("SERVICE", rng)
    if rng.random() < 0.05:
        word = _escape(word, rng)  # not SPARQL outside an IRI or a string: refused by the engine too
        _flags.valid = False
    silent = "SILENT" if rng.random() < 0.3 else ""
    after_word = _sep(rng, url, _named(silent or target))
    silent = (_case_of(silent, rng) + _sep(rng, url, _named(target))) if silent else ""
    clause = (f"{word}{after_word}{silent}{target}{_sep(rng, url)}{{{_sep(rng, url)}?x{_sep(rng, url)}?y"
              f"{_sep(rng, url)}?z{_sep(rng, url)}}}")
    if variable:
        clause = f"VALUES ?endpoint {{ <{url}> }}{_sep(rng, url, True)}{clause}"
    return prologue, clause, variable


def _load(url: str, rng: random.Random) -> tuple[str, str, bool]:
    prologue, target, variable = _target(url, rng)
    if variable:
        prologue, target, variable = "", f"<{url}>", False
    silent = "SILENT" if rng.random() < 0.3 else ""
    after_word = _sep(rng, url, _named(silent or target))
    silent = (_case_of(silent, rng) + _sep(rng, url, _named(target))) if silent else ""
    into = (f"{_sep(rng, url, True)}INTO{_sep(rng, url, True)}GRAPH{_sep(rng, url)}<urn:g>"
            if rng.random() < 0.4 else "")
    return prologue, f"{_case_of('LOAD', rng)}{after_word}{silent}{target}{into}", False


def spellings(seed: int, count: int, targets: list[str], updates: bool = True) -> list[Case]:
    """``count`` cases calling the ``targets`` (one or two of them per case)."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        _flags.valid = _flags.exact = True
        url = rng.choice(targets)
        if updates and rng.random() < 0.3:
            place = rng.choice(UPDATE_PLACES)
            if "{L}" in place:
                prologue, call, variable = _load(url, rng)
                text = prologue + place.format(L=call, SEP=_sep(rng, url, True))
            else:
                prologue, call, variable = _service(url, rng)
                text = prologue + place.format(S=call)
            cases.append(Case("update", text, variable, _flags.valid and _flags.exact and not variable))
            continue
        place = rng.choice(QUERY_PLACES)
        prologue, call, variable = _service(url, rng)
        second = ""
        if "{S2}" in place:
            p2, second, v2 = _service(rng.choice(targets), rng)
            variable = variable or v2
            if p2 and prologue and p2 != prologue:
                _flags.exact = False  # a second BASE or prefix of the same name changes what the first names
            prologue += "" if p2 in prologue else p2
        text = prologue + place.format(S=call, S2=second, T=url)
        if rng.random() < 0.2:  # the whole text on one line, as curl and programs send it
            text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        cases.append(Case("query", text, variable, _flags.valid and _flags.exact and not variable))
    return cases


class Endpoint:
    """A SPARQL endpoint on 127.0.0.1 that counts every connection (before anything is read) and answers every
    request with one solution (x = "remote"), or an empty Turtle document to a GET (a LOAD)."""

    def __init__(self, path: str = "/sparql"):
        outer = self
        self.connections = 0
        self.requests: list[tuple[str, str, bytes]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                outer.requests.append(("POST", self.path, body))
                self._answer(EMPTY_RESULTS, "application/sparql-results+json")

            def do_GET(self):
                outer.requests.append(("GET", self.path, b""))
                self._answer(b"<urn:loaded> <urn:from> <urn:remote> .\n", "text/turtle")

            def _answer(self, body: bytes, media: str):
                self.send_response(200)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                request = super().get_request()
                outer.connections += 1
                return request

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}{path}"

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
