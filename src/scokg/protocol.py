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
