"""Rewrites of an update that the SPARQL 1.1 Protocol asks for, made on its one reading (``inspect``): the
using-graph-uri parameters as USING clauses, and CLEAR of a graph the store does not keep. Each returns canonical
text, which the store reads again like any other."""

from __future__ import annotations

from .federation import splice
from .inspect import Inspection, inspect_update  # noqa: F401 - the doctests use it


def add_using(info: Inspection, using: list[str], using_named: list[str]) -> str:
    """Give every DELETE/INSERT … WHERE operation of an update the protocol's dataset as USING clauses.

    That is what using-graph-uri and using-named-graph-uri mean (SPARQL 1.1 Protocol, 2.2.3). Operations
    without a WHERE clause, and the DELETE WHERE shorthand (which cannot take USING), are left as they are.

    >>> add_using(inspect_update('INSERT { <urn:a> <urn:b> ?o } WHERE { ?s ?p ?o }'), ['urn:g'], ['urn:h'])
    'INSERT { <urn:a> <urn:b> ?o } USING <urn:g> USING NAMED <urn:h> WHERE { ?s ?p ?o }'
    >>> add_using(inspect_update('DELETE WHERE { ?s ?p ?o }'), ['urn:g'], [])
    'DELETE WHERE { ?s ?p ?o }'
    """
    clauses = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    spans = {}
    depth = 0
    for i, token in enumerate(info.tokens):
        if token.text in ("{", "{|"):
            depth += 1
        elif token.text in ("}", "|}"):
            depth = max(0, depth - 1)
        elif token.is_word("WHERE") and depth == 0 and i and info.tokens[i - 1].text == "}":
            spans[i] = (i + 1, f"{clauses} {token.text}")
    return splice(info, spans)


def clear_silently(info: Inspection) -> str:
    """Make CLEAR succeed on a graph that does not exist, as for stores that keep no empty graphs.

    SPARQL 1.1 Update 3.2.2 allows both; the W3C protocol tests expect success, and queries never see
    empty graphs here anyway.

    >>> clear_silently(inspect_update('CLEAR GRAPH <urn:g> ; clear silent default ; '
    ...                               'INSERT DATA { <urn:clear> <urn:p> "CLEAR" }'))
    'CLEAR SILENT GRAPH <urn:g> ; clear silent default ; INSERT DATA { <urn:clear> <urn:p> "CLEAR" }'
    """
    tokens = info.tokens
    spans = {i: (i + 1, f"{t.text} SILENT") for i, t in enumerate(tokens)
             if t.is_word("CLEAR") and not (i + 1 < len(tokens) and tokens[i + 1].is_word("SILENT"))}
    return splice(info, spans)
