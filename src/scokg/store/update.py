"""Rewrites of an update's text that the SPARQL 1.1 Protocol asks for: using-graph-uri as USING clauses, and
CLEAR of a graph the store does not keep."""

from __future__ import annotations

import re

from .inspect import code_only

_BRACE_OR_WHERE = re.compile(r"[{}]|(?<![?$\w:])WHERE(?![\w:-])", re.I)


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
    code = code_only(text)
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
    code = code_only(text)
    for m in reversed(list(_CLEAR.finditer(code))):
        text = text[:m.end()] + " SILENT" + text[m.end():]
    return text
