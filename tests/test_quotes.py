"""The graph's words against the texts: every quote occurs letter for letter in its source's text in
data/sources/, and every entity is labelled in English and German.

Generated from the tree: each quote in data/ and each data file is a test of its own.
"""

from __future__ import annotations

import functools
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from shape_support import ROOT, SCO, parse_tree

PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SOURCES_BASE = "https://w3id.org/scokg/sources/"
ID_BASE = "https://w3id.org/scokg/id/"
DATA = ROOT / "data"
SOURCE_TEXTS = DATA / "sources"


@functools.cache
def data_graph() -> Graph:
    return parse_tree(DATA)


def _quotes() -> list[URIRef]:
    return sorted(data_graph().subjects(RDF.type, SCO.Quote), key=str)


def _data_files() -> list[Path]:
    return sorted(DATA.rglob("*.ttl"))


def pytest_generate_tests(metafunc):
    if "quote" in metafunc.fixturenames:
        quotes = _quotes()
        metafunc.parametrize("quote", quotes, ids=[str(q).removeprefix(ID_BASE) for q in quotes])
    if "data_file" in metafunc.fixturenames:
        files = _data_files()
        metafunc.parametrize("data_file", files, ids=[str(f.relative_to(DATA)) for f in files])


def text_file_of(g: Graph, source) -> Path:
    """The copy of a source's text: named by its dcat:downloadURL, or by the source's own IRI under sources/."""
    for iri in (g.value(source, DCAT.downloadURL), source):
        if iri is not None and str(iri).startswith(SOURCES_BASE):
            return SOURCE_TEXTS / str(iri).removeprefix(SOURCES_BASE)
    raise AssertionError(f"{source} names no text: give it dcat:downloadURL <{SOURCES_BASE}<file>>")


def test_quote_occurs_letter_for_letter_in_its_source(quote):
    g = data_graph()
    texts = list(g.objects(quote, SCO.quoteText))
    sources = list(g.objects(quote, PROV.wasQuotedFrom))
    assert len(texts) == 1 and len(sources) == 1, f"{quote}: one sco:quoteText and one prov:wasQuotedFrom"
    words, source = texts[0], sources[0]
    path = text_file_of(g, source)
    assert path.is_file(), f"{source}'s text {path.name} is missing from data/sources/"
    assert str(words).strip() == str(words) and str(words), f"{quote}: no surrounding blanks, not empty"
    assert str(words) in path.read_text(encoding="utf-8"), f"{quote}: {str(words)!r} is not in {path.name}"
    assert isinstance(words, Literal) and words.language == str(g.value(source, DCTERMS.language)), (
        f"{quote} is tagged @{words.language}, its source is in {g.value(source, DCTERMS.language)}")


def test_quotes_exist_in_both_languages():
    langs = {lit.language for q in _quotes() for lit in data_graph().objects(q, SCO.quoteText)}
    assert {"en", "de"} <= langs


def test_every_quote_is_evidence_for_something():
    g = data_graph()
    unused = set(_quotes()) - set(g.objects(None, SCO.evidence))
    assert not unused, f"quotes that support nothing: {sorted(map(str, unused))}"


def test_every_source_text_is_named_by_a_source():
    """A text in data/sources/ that no sco:Source names is published without provenance."""
    g = data_graph()
    named = {text_file_of(g, s).name for s in g.subjects(RDF.type, SCO.Source)
             if g.value(s, DCAT.downloadURL) is not None or str(s).startswith(SOURCES_BASE)}
    on_disk = {p.name for p in SOURCE_TEXTS.glob("*.txt")}
    assert on_disk and on_disk <= named, f"not described by any sco:Source: {sorted(on_disk - named)}"


def test_every_entity_is_labelled_in_english_and_german(data_file):
    """Each resource the file describes (or links, in data/links/) has exactly one rdfs:label @en and one @de,
    wherever in data/ the labels are written."""
    g, local = data_graph(), Graph().parse(data_file)
    entities = sorted({s for s in local.subjects() if str(s).startswith(ID_BASE)}, key=str)
    assert entities, f"{data_file.name} describes no https://w3id.org/scokg/id/ resource"
    missing = []
    for s in entities:
        langs = sorted(lit.language or "" for lit in g.objects(s, RDFS.label) if isinstance(lit, Literal))
        if langs != ["de", "en"]:
            missing.append(f"{s.removeprefix(ID_BASE)}: {langs}")
    assert not missing, "labels must be one @en and one @de:\n" + "\n".join(missing)
