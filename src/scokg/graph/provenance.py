"""The gate's rules that read the source texts, and the list of statements that rest on an inference.

Everything that can be checked in the graph alone is a SHACL shape in ``shapes/`` (a statement's quote names its
value, years and dates are in their quotes, the priorities' order is the order of their quotes, …). What SHACL
cannot see is the text of the sources: ``check_quote_anchors`` reads ``data/sources/`` and refuses a quote whose
words are not the exact text at its selector's position (RFC 5147 character offsets), whose prefix or suffix is
not the text around it, or whose published text is not that of the source it names.

>>> data = rdflib.Graph().parse(format="turtle", data='''
... @prefix oa: <http://www.w3.org/ns/oa#> .
... <urn:q> a <https://w3id.org/scokg/ontology#Quote> ; oa:hasSource <https://w3id.org/scokg/sources/t.txt> ;
...     oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "two"@en ] ,
...                    [ a oa:TextPositionSelector ; oa:start 4 ; oa:end 7 ] .''')
>>> problems_of_quote(data, rdflib.URIRef("urn:q"), lambda iri: "one two three")
[]
>>> print(problems_of_quote(data, rdflib.URIRef("urn:q"), lambda iri: "one too three")[0])
the text at characters 4-7 of t.txt is “too”, not the quote’s words “two”: run scokg anchor, or copy the words ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCAT, PROV, XSD

from ..errors import LoadError
from ..namespaces import SCO
from .anchor import OA, SOURCES_BASE, source_text
from .load import SOURCE_GRAPHS, parse_file, source_files, to_rdflib
from .report import Violation, short_name

QUOTE_ANCHOR_RULE = "gate:QuoteAnchorRule"


def _one(g: rdflib.Graph, s, p):
    values = list(g.objects(s, p))
    return values[0] if len(values) == 1 else None


def _selector(g: rdflib.Graph, quote, kind):
    found = [s for s in g.objects(quote, OA.hasSelector) if (s, RDF.type, kind) in g]
    return found[0] if len(found) == 1 else None


def _int(term) -> int | None:
    try:
        return int(term) if isinstance(term, Literal) and str(term).isdigit() else None
    except ValueError:
        return None


def problems_of_quote(data: rdflib.Graph, quote, read_text: Callable[[str], str]) -> list[str]:
    """What is wrong with one quote's anchoring; ``read_text`` gives the text of a published source IRI."""
    text_iri = _one(data, quote, OA.hasSource)
    if not isinstance(text_iri, URIRef) or not str(text_iri).startswith(SOURCES_BASE):
        return [f"give one oa:hasSource: the published text the words are in ({SOURCES_BASE}<file>)"]
    name = str(text_iri).removeprefix(SOURCES_BASE)
    problems = []
    source = _one(data, quote, PROV.wasQuotedFrom)
    if source is not None and (source, DCAT.downloadURL, None) in data and (source, DCAT.downloadURL, text_iri) \
            not in data:
        problems.append(f"oa:hasSource is {name}, but the quote's source {short_name(source)} is published as "
                        f"{data.value(source, DCAT.downloadURL)}")
    words_selector = _selector(data, quote, OA.TextQuoteSelector)
    place = _selector(data, quote, OA.TextPositionSelector)
    exact = _one(data, words_selector, OA.exact) if words_selector is not None else None
    start = _int(_one(data, place, OA.start)) if place is not None else None
    end = _int(_one(data, place, OA.end)) if place is not None else None
    if exact is None or start is None or end is None:
        return [*problems, "give one oa:TextQuoteSelector with its oa:exact and one oa:TextPositionSelector with its "
                           "oa:start and oa:end (run scokg anchor)"]
    try:
        text = read_text(str(text_iri))
    except LoadError as exc:
        return [*problems, exc.message]
    words, found = str(exact), text[start:end]
    if found != words:
        return [*problems, f"the text at characters {start}-{end} of {name} is “{found}”, not the quote’s words "
                           f"“{words}”: run scokg anchor, or copy the words letter for letter"]
    before, after = _one(data, words_selector, OA.prefix), _one(data, words_selector, OA.suffix)
    if before is not None and not text[:start].endswith(str(before)):
        problems.append(f"oa:prefix “{before}” is not the text before the words in {name}: run scokg anchor")
    if after is not None and not text[end:].startswith(str(after)):
        problems.append(f"oa:suffix “{after}” is not the text after the words in {name}: run scokg anchor")
    return problems


def check_quote_anchors(data: rdflib.Graph, sources_dir: Path, origin: dict | None = None) -> list[Violation]:
    """One violation per problem of each quote (sco:Quote) against the texts in ``sources_dir``."""
    origin = origin or {}
    texts: dict[str, str] = {}

    def read_text(iri: str) -> str:
        if iri not in texts:
            texts[iri] = source_text(sources_dir, iri)
        return texts[iri]

    violations = []
    for quote in sorted(set(data.subjects(RDF.type, SCO.Quote)), key=str):
        for problem in problems_of_quote(data, quote, read_text):
            violations.append(Violation(
                focus=short_name(quote), path="oa:hasSelector", constraint=QUOTE_ANCHOR_RULE,
                message=f"The quote is not anchored in its source: {problem}.", severity="Violation",
                shape=QUOTE_ANCHOR_RULE, source_file=origin.get(quote, "")))
    return violations


@dataclass(frozen=True)
class Inference:
    """A statement whose quotes do not name its value, and why it follows all the same."""

    subject: str
    predicate: str
    value: str
    note: str
    quotes: tuple[str, ...]

    def format(self) -> str:
        return f"{self.subject}  {self.predicate}  {self.value}\n    {self.note}\n    from: {', '.join(self.quotes)}"


def list_inferences(data: rdflib.Graph) -> list[Inference]:
    """Every statement carrying an sco:inferenceNote, with the note in English, in a stable order."""
    found = []
    for st in set(data.subjects(SCO.inferenceNote, None)):
        notes = {n.language: str(n) for n in data.objects(st, SCO.inferenceNote) if isinstance(n, Literal)}
        value = data.value(st, RDF.object)
        found.append(Inference(
            subject=short_name(data.value(st, RDF.subject)), predicate=short_name(data.value(st, RDF.predicate)),
            value=value.n3().replace(f"<{XSD}", "xsd:").replace(">", "") if isinstance(value, Literal)
            else short_name(value),
            note=notes.get("en") or next(iter(notes.values()), ""),
            quotes=tuple(sorted(short_name(q) for q in data.objects(st, PROV.wasDerivedFrom)))))
    return sorted(found, key=lambda i: (i.subject, i.predicate, i.value))


def inferences_of(root: str | Path) -> list[Inference]:
    """The inferences in a project's data/ (what ``scokg validate --inferred`` lists)."""
    data = rdflib.Graph()
    for f in source_files(root):
        if f.graph == SOURCE_GRAPHS["data"]:
            for q in parse_file(f):
                data.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return list_inferences(data)
