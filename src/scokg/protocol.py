"""Checks on a query's text before it runs: updates in disguise and SERVICE targets.

>>> service_iris('PREFIX w: <http://x/> SELECT * { SERVICE w:sparql { ?s ?p ?o } }  # SERVICE <http://no/>')
['http://x/sparql']
>>> looks_like_update('INSERT DATA { <a> <b> <c> }')
True
"""

from __future__ import annotations

import re

# Strings, IRIs and comments, so that keywords inside them are not mistaken for syntax.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*',
    re.S,
)
_UPDATE_WORDS = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
_SERVICE = re.compile(r"\bSERVICE\s+(?:SILENT\s+)?(<[^>]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*|[?$]\w+)", re.I)


def _mask(text: str) -> tuple[str, str]:
    """Return (text with strings and comments blanked, text with only comments blanked)."""
    code, keep_iris = [], []
    last = 0
    for m in _TOKEN.finditer(text):
        code.append(text[last:m.start()])
        keep_iris.append(text[last:m.start()])
        tok = m.group(0)
        if tok.startswith("<"):
            code.append(tok)
            keep_iris.append(tok)
        else:
            code.append(" " * len(tok))
            keep_iris.append(" " * len(tok) if tok.startswith("#") else tok)
        last = m.end()
    code.append(text[last:])
    keep_iris.append(text[last:])
    return "".join(code), "".join(keep_iris)


def looks_like_update(text: str) -> bool:
    """True when the text, outside strings and comments, uses an update keyword."""
    code, _ = _mask(text)
    return bool(_UPDATE_WORDS.search(re.sub(r"<[^>]*>", " ", code)))


def service_iris(text: str) -> list[str]:
    """The endpoints a query's SERVICE clauses name; a variable endpoint is returned as '?var'."""
    code, _ = _mask(text)
    prefixes = {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(code)}
    out = []
    for m in _SERVICE.finditer(code):
        ref = m.group(1)
        if ref.startswith("<"):
            out.append(ref[1:-1])
        elif ref[0] in "?$":
            out.append(ref)
        else:
            pfx, _, local = ref.partition(":")
            out.append(prefixes.get(pfx, ref + " (undeclared prefix)") + local if pfx in prefixes else ref)
    return out


_LOAD = re.compile(r"\bLOAD\s+(?:SILENT\s+)?<([^>]*)>", re.I)


def load_iris(text: str) -> list[str]:
    """The documents an update's LOAD operations would fetch.

    >>> load_iris('LOAD SILENT <http://x/a.ttl> INTO GRAPH <urn:g> ; LOAD <http://y/b.ttl>')
    ['http://x/a.ttl', 'http://y/b.ttl']
    """
    code, _ = _mask(text)
    return _LOAD.findall(code)


def nesting_depth(text: str) -> int:
    """How deep braces, parentheses and brackets nest outside strings, IRIs and comments.

    >>> nesting_depth('SELECT * { ?s ?p "{{{" FILTER((?o)) }')
    3
    """
    code, _ = _mask(text)
    code = re.sub(r"<[^>]*>", " ", code)
    depth = deepest = 0
    for ch in code:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth = max(0, depth - 1)
    return deepest


_DATASET_WORDS = re.compile(r"(?<![?$\w:])(USING|WITH)(?![\w:-])", re.I)
_BRACE_OR_WHERE = re.compile(r"[{}]|(?<![?$\w:])WHERE(?![\w:-])", re.I)


def _code_without_iris(text: str) -> str:
    """The text with strings, comments and IRIs blanked, positions unchanged."""
    code, _ = _mask(text)
    return re.sub(r"<[^>]*>", lambda m: " " * len(m.group(0)), code)


def names_update_dataset(text: str) -> bool:
    """True when an update names its own dataset with USING or WITH.

    >>> names_update_dataset('WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }')
    True
    >>> names_update_dataset('INSERT { ?s <urn:with> "USING" } WHERE { ?s ?with ?o }')
    False
    """
    return bool(_DATASET_WORDS.search(_code_without_iris(text)))


def add_using(text: str, using: list[str], using_named: list[str]) -> str:
    """Give every DELETE/INSERT … WHERE operation of an update the protocol's dataset as USING clauses.

    That is what using-graph-uri and using-named-graph-uri mean (SPARQL 1.1 Protocol, 2.2.3). Operations
    without a WHERE clause, and the DELETE WHERE shorthand (which cannot take USING), are left as they are.

    >>> add_using('INSERT { <urn:a> <urn:b> ?o } WHERE { ?s ?p ?o }', ['urn:g'], ['urn:h'])
    'INSERT { <urn:a> <urn:b> ?o } USING <urn:g> USING NAMED <urn:h> WHERE { ?s ?p ?o }'
    >>> add_using('DELETE WHERE { ?s ?p ?o }', ['urn:g'], [])
    'DELETE WHERE { ?s ?p ?o }'
    """
    clauses = "".join(f"USING <{g}> " for g in using) + "".join(f"USING NAMED <{g}> " for g in using_named)
    if not clauses:
        return text
    code = _code_without_iris(text)
    depth, spots = 0, []
    for m in _BRACE_OR_WHERE.finditer(code):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and code[:m.start()].rstrip().endswith("}"):
            spots.append(m.start())
    for at in reversed(spots):
        text = text[:at] + clauses + text[at:]
    return text


_CLEAR = re.compile(r"(?<![?$\w:])CLEAR(?![\w:-])(?!\s+SILENT\b)", re.I)


def clear_silently(text: str) -> str:
    """Make CLEAR succeed on a graph that does not exist, as for stores that keep no empty graphs.

    SPARQL 1.1 Update 3.2.2 allows both; the W3C protocol tests expect success, and queries never see
    empty graphs here anyway.

    >>> clear_silently('CLEAR GRAPH <urn:g> ; clear silent default ; INSERT DATA { <urn:clear> <urn:p> "CLEAR" }')
    'CLEAR SILENT GRAPH <urn:g> ; clear silent default ; INSERT DATA { <urn:clear> <urn:p> "CLEAR" }'
    """
    code = _code_without_iris(text)
    for m in reversed(list(_CLEAR.finditer(code))):
        text = text[:m.end()] + " SILENT" + text[m.end():]
    return text
