"""A graph written in a page format of the table, with scokg's prefixes; RDF/XML refuses what XML cannot carry."""

from __future__ import annotations

from rdflib import Graph

from .. import formats
from ..errors import NotAcceptable
from ..formats import NOT_IN_XML
from ..namespaces import PREFIXES


def serialize(graph: Graph, media: str) -> bytes:
    for k, v in PREFIXES.items():
        graph.bind(k, v, replace=True)
    fmt = formats.get(media).rdflib
    if fmt == "xml":
        for term in graph.all_nodes():
            bad = NOT_IN_XML.search(str(term))
            if bad:
                raise NotAcceptable(f"the description holds U+{ord(bad.group()):04X}, which XML cannot carry",
                                    hint="ask for Turtle (text/turtle), N-Triples or JSON-LD")
    if fmt == "json-ld":
        used = {k: v for k, v in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=used, auto_compact=True).encode("utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")
