"""Reading the pages for people in tests: the release's files as rdflib sees them (the expectation, not the server),
and the parts of an HTML page (statement rows, visible text) with the standard library's parser."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import Namespace

from scokg.namespaces import SCO

OA = Namespace("http://www.w3.org/ns/oa#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@lru_cache(maxsize=4)
def files_graph(root: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for folder in ("ontology", "data"):
        for path in sorted((Path(root) / folder).rglob("*.ttl")):
            g.parse(path, format="turtle")
    return g


def quote_words(g: rdflib.Graph, quote) -> rdflib.Literal | None:
    """A quote's exact words: oa:exact of its TextQuoteSelector."""
    for selector in g.objects(quote, OA.hasSelector):
        for words in g.objects(selector, OA.exact):
            return words
    return None


def statements(g: rdflib.Graph):
    """(subject, property, value, quotes) of every reified statement derived from quotes."""
    out = []
    for st in g.subjects(rdflib.RDF.type, rdflib.RDF.Statement):
        quotes = [q for q in g.objects(st, rdflib.PROV.wasDerivedFrom) if (q, rdflib.RDF.type, SCO.Quote) in g]
        out.append((g.value(st, rdflib.RDF.subject), g.value(st, rdflib.RDF.predicate), g.value(st, rdflib.RDF.object),
                    quotes))
    return out


def statement_rows(page: str) -> list[str]:
    """The HTML of each statement row: one value with the sources under it."""
    return re.findall(r'<tr class="statement">(.*?)</tr>', page, re.S)


def text(fragment: str) -> str:
    """Visible text of an HTML fragment, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def local(iri) -> str:
    return "/" + str(iri).split("https://w3id.org/scokg/", 1)[1]
