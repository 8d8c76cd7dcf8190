"""The one reading of a query or update: what it reaches outside and the text the engine runs.

``inspect_query`` and ``inspect_update`` read the client's text once (``lexer``) and return an ``Inspection``:
the canonical text (the only text any engine is given), how deep it nests, its LIMIT and form, whether it names
its own dataset, and every SERVICE and LOAD with its endpoint, resolved as the engine would resolve it. The
allow-list is checked on that reading (``check_targets``), and the calls it allows are made by scokg itself
(``federation``), so the engine is never handed a text that could reach outside.

>>> i = inspect_query('PREFIX w: <http://x/> SELECT * { SERVICE<http://127.0.0.1:9/> {} OPTIONAL { SERVICE w:y {} } }')
>>> i.services
('http://127.0.0.1:9/', 'http://x/y')
>>> i.text
'SELECT * { SERVICE<http://127.0.0.1:9/> {} OPTIONAL { SERVICE <http://x/y> {} } }'
>>> inspect_query('SELECT * FROM NAMED <urn:g> { ?s ?p ?o }').has_dataset
True
>>> inspect_query('SELECT ?from { ?s <urn:service> ?from }').services
()
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from ..errors import BadRequest, QuerySyntaxError, ServiceRefused
from .lexer import Token, join, line_col, resolve, tokens_of

# The readings of recent queries, bounded by the characters of their texts (a reading takes about 20 bytes per
# character of its text): a varied stream must not grow a worker by tens of megabytes, nor an executor, which
# reads each text once, past its retirement mark (seen: an executor replaced every 1,500 queries).
CACHE_CHARS = 1 << 18
# Deeper nesting than any real query needs; the engine's recursive parser must never see the 10,000-deep kind.
MAX_NESTING = 100
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_OPEN = frozenset(("{", "(", "[", "<<", "<<(", "{|"))
_CLOSE = frozenset(("}", ")", "]", ">>", ")>>", "|}"))
_ENGINE_POSITION = re.compile(r"\berror at 1:(\d+)")


@dataclass(frozen=True)
class Call:
    """One SERVICE or LOAD: its endpoint (an absolute IRI, or ``?name`` for a variable), whether SILENT, and the
    tokens it spans (``start`` to ``end``, exclusive); a SERVICE's group pattern is ``tokens[group:end]``."""

    kind: str  # "service" | "load"
    target: str
    silent: bool
    start: int
    end: int
    group: int = 0
    into: str | None = None  # LOAD … INTO GRAPH <into>
    base: str | None = None  # the base IRI in force where it stands


@dataclass(frozen=True)
class Inspection:
    """What a request will do, known before it runs; ``text`` is what the engine runs."""

    text: str
    tokens: tuple[Token, ...]
    depth: int = 0
    limit: int | None = None  # the top-level LIMIT: the answer has at most this many rows
    form: str = ""  # SELECT, ASK, CONSTRUCT or DESCRIBE; an update's first keyword for an update
    has_dataset: bool = False
    calls: tuple[Call, ...] = ()
    names_dataset: bool = False
    updates: bool = False  # it uses an update keyword (none of them is a query's)
    source: str = ""  # the client's text, for positions
    offsets: tuple[int, ...] = ()  # where each token starts in ``text``

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(c.target for c in self.calls if c.kind == "service")

    @property
    def loads(self) -> tuple[str, ...]:
        return tuple(c.target for c in self.calls if c.kind == "load")

    @property
    def is_update(self) -> bool:
        return self.updates

    def position(self, message: str) -> str:
        """An engine message about the canonical text ("error at 1:57"), told in the client's lines and columns."""
        m = _ENGINE_POSITION.search(message)
        if m is None:
            return message
        offset, at = int(m.group(1)) - 1, 0
        for token, begins in zip(self.tokens, self.offsets, strict=True):
            if begins > offset:
                break
            at = token.start + (offset - begins if offset - begins < len(token.text) and token.kind in (
                "word", "var", "punct", "number", "bnode", "lang") else 0)
        else:
            at = len(self.source)
        return message[:m.start()] + "error at " + line_col(self.source, at) + message[m.end():]


def _read(text: str, base_iri: str | None) -> Inspection:
    tokens = tokens_of(text, base_iri)
    depth = deepest = 0
    limit = None
    form = ""
    calls: list[Call] = []
    base = base_iri
    has_dataset = names_dataset = updates = False
    for i, t in enumerate(tokens):
        if t.kind == "punct":
            if t.text in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif t.text in _CLOSE:
                depth = max(0, depth - 1)
            continue
        if t.kind == "iri" and i and tokens[i - 1].is_word("BASE"):
            base = resolve(t.value, base)
            continue
        if t.kind != "word":
            continue
        word = t.value
        if not form and word in FORMS + UPDATE_WORDS:
            form = word
        updates = updates or word in UPDATE_WORDS
        if word == "LIMIT" and depth == 0 and i + 1 < len(tokens) and tokens[i + 1].kind == "number":
            limit = int(tokens[i + 1].text) if tokens[i + 1].text.isdigit() else None
        elif word == "FROM":
            has_dataset = True
        elif word in ("USING", "WITH"):
            names_dataset = True
        elif word in ("SERVICE", "LOAD"):
            calls.append(_call(tokens, i, base, text))
    offsets, at = [], 0
    for n, t in enumerate(tokens):
        at += 0 if t.glued or n == 0 else 1  # as ``join`` writes them
        offsets.append(at)
        at += len(t.text)
    return Inspection(join(tokens), tuple(tokens), deepest, limit, form, has_dataset, tuple(calls), names_dataset,
                      updates, source=text, offsets=tuple(offsets))


def _call(tokens: list[Token], i: int, base: str | None, text: str) -> Call:
    """The SERVICE or LOAD at ``tokens[i]``; an endpoint that cannot be established is a syntax error here."""
    kind = tokens[i].value.lower()
    j = i + 1
    silent = j < len(tokens) and tokens[j].is_word("SILENT")
    j += silent
    target = tokens[j] if j < len(tokens) else None
    where = f"error at {line_col(text, tokens[i].start)}"
    if target is not None and target.kind == "var" and kind == "service":
        endpoint = "?" + target.text[1:]
    elif target is not None and target.kind == "iri":
        endpoint = resolve(target.value, base, text, target.start)
    else:
        raise QuerySyntaxError(f"malformed query: {where}: {tokens[i].value} must name its endpoint")
    j += 1
    if kind == "load":
        into = None
        if j + 2 < len(tokens) and tokens[j].is_word("INTO") and tokens[j + 1].is_word("GRAPH") \
                and tokens[j + 2].kind == "iri":
            into, j = resolve(tokens[j + 2].value, base, text, tokens[j + 2].start), j + 3
        return Call("load", endpoint, silent, i, j, into=into, base=base)
    if j >= len(tokens) or tokens[j].text != "{":
        raise QuerySyntaxError(f"malformed query: SERVICE {endpoint} must be followed by a group pattern {{ … }}")
    depth, k = 0, j
    for k in range(j, len(tokens)):
        if tokens[k].text in ("{", "{|"):
            depth += 1
        elif tokens[k].text in ("}", "|}"):
            depth -= 1
            if depth == 0:
                break
    else:
        raise QuerySyntaxError(f"malformed query: the group pattern of SERVICE {endpoint} is not closed")
    return Call("service", endpoint, silent, i, k + 1, group=j, base=base)


class _Readings:
    """A least-recently-used cache of readings, bounded by the characters of the texts it holds."""

    def __init__(self, chars: int):
        self.chars = chars
        self._held = 0
        self._entries: OrderedDict[tuple[str, str | None], Inspection] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str | None]) -> Inspection | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str | None], value: Inspection) -> None:
        cost = len(key[0]) + 64
        with self._lock:
            if key in self._entries or cost > self.chars:
                return
            self._entries[key] = value
            self._held += cost
            while self._held > self.chars:
                old, _ = self._entries.popitem(last=False)
                self._held -= len(old[0]) + 64

    def resize(self, chars: int) -> None:
        with self._lock:
            self.chars = chars
            while self._entries and self._held > chars:
                old, _ = self._entries.popitem(last=False)
                self._held -= len(old[0]) + 64

    def __len__(self) -> int:
        return len(self._entries)


READINGS = _Readings(CACHE_CHARS)


def inspect_query(text: str, base_iri: str | None = None) -> Inspection:
    """The one reading of a query (cached: the check, the lane and the engine's text all ask for it)."""
    key = (text, base_iri)
    found = READINGS.get(key)
    if found is None:
        found = _read(text, base_iri)
        READINGS.put(key, found)
    return found


@lru_cache(maxsize=256)
def inspect_update(text: str, base_iri: str | None = None) -> Inspection:
    try:
        return _read(text, base_iri)
    except QuerySyntaxError as exc:
        raise QuerySyntaxError(exc.message.replace("malformed query", "malformed update", 1), exc.hint) from None


def looks_like_update(text: str, base_iri: str | None = None) -> bool:
    """True when the text uses an update's keyword (none of them is a query's).

    >>> looks_like_update('INSERT DATA { <a> <b> <c> }'), looks_like_update('SELECT ?insert { ?s <urn:delete> ?o }')
    (True, False)
    """
    try:
        return inspect_query(text, base_iri).is_update
    except QuerySyntaxError:
        return False


def admit(info: Inspection, allow: tuple[str, ...], what: str = "query") -> None:
    """Everything a reading must pass before an engine sees its text: the nesting limit and the allow-list."""
    if info.depth > MAX_NESTING:
        raise BadRequest(f"the {what} nests {info.depth} levels deep; the limit is {MAX_NESTING}")
    check_targets(info, allow, what)


def check_targets(info: Inspection, allow: tuple[str, ...], what: str = "query") -> None:
    """Refuse, before anything runs, a SERVICE or LOAD whose endpoint is off the allow-list.

    >>> check_targets(inspect_query('ASK { SERVICE <http://x/> {} }'), ('http://y/',))
    Traceback (most recent call last):
    scokg.errors.ServiceRefused: SERVICE <http://x/> is not allowed (SERVICE and LOAD may reach only ...)
    """
    hint = "SERVICE and LOAD may reach only the allow-listed endpoints: " + (
        ", ".join(allow) or "none (federation is off)")
    for call in info.calls:
        word = call.kind.upper()
        if call.target.startswith("?"):
            raise ServiceRefused(f"{word} {call.target} is not allowed: a variable endpoint is known only while "
                                 f"the {what} runs", hint=hint)
        if call.target not in allow:
            raise ServiceRefused(f"{word} <{call.target}> is not allowed", hint=hint)
