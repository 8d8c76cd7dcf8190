"""The graph's words against the texts: every quote is the exact text at its selector's position in its source's
text in data/sources/ (positions found here with plain string search, not with scokg's code), every fact about a
priority, initiative, event or place points at its words in English and German, and every entity is labelled in
English and German.

Generated from the tree: each quote in data/ and each data file is a test of its own.
"""

from __future__ import annotations

import functools
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from scokg.graph.anchor import anchor_quotes
from shape_support import ROOT, SCO, parse_tree

PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
OA = Namespace("http://www.w3.org/ns/oa#")
SOURCES_BASE = "https://w3id.org/scokg/sources/"
ID_BASE = "https://w3id.org/scokg/id/"
DATA = ROOT / "data"
SOURCE_TEXTS = DATA / "sources"
# Kinds whose facts are quoted from both language versions (unless the versions differ there).
QUOTED_KINDS = ("Priority", "Agenda", "Initiative", "Event", "Location", "Agent")


@functools.cache
def data_graph() -> Graph:
    return parse_tree(DATA)


@functools.cache
def ontology_graph() -> Graph:
    return parse_tree(ROOT / "ontology")


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


def _selector(g: Graph, quote, kind):
    found = [s for s in g.objects(quote, OA.hasSelector) if (s, RDF.type, kind) in g]
    assert len(found) == 1, f"{quote}: one {kind}"
    return found[0]


def test_quote_is_the_text_at_its_place_in_its_source(quote):
    g = data_graph()
    sources = list(g.objects(quote, PROV.wasQuotedFrom))
    assert len(sources) == 1, f"{quote}: one prov:wasQuotedFrom"
    source = sources[0]
    path = text_file_of(g, source)
    assert path.is_file(), f"{source}'s text {path.name} is missing from data/sources/"
    assert g.value(quote, OA.hasSource) == g.value(source, DCAT.downloadURL), f"{quote}: oa:hasSource is not its text"
    words_selector, place = _selector(g, quote, OA.TextQuoteSelector), _selector(g, quote, OA.TextPositionSelector)
    words = g.value(words_selector, OA.exact)
    text = path.read_bytes().decode("utf-8")
    start, end = int(g.value(place, OA.start)), int(g.value(place, OA.end))
    assert str(words).strip() == str(words) and str(words), f"{quote}: no surrounding blanks, not empty"
    assert text[start:end] == str(words), f"{quote}: {str(words)!r} is not at characters {start}-{end}"
    prefix, suffix = str(g.value(words_selector, OA.prefix)), str(g.value(words_selector, OA.suffix))
    assert text[:start].endswith(prefix) and text[end:].startswith(suffix)
    assert text.count(prefix + str(words) + suffix) == 1, f"{quote}: prefix and suffix do not single out the words"
    assert isinstance(words, Literal) and words.language == str(g.value(source, DCTERMS.language)), (
        f"{quote} is tagged @{words.language}, its source is in {g.value(source, DCTERMS.language)}")


def test_anchor_would_write_the_quotes_as_they_are():
    """`scokg anchor --check`: data/quotes.ttl is what anchor computes from the words (nobody typed a position)."""
    assert not anchor_quotes(ROOT, write=False).changed


def test_quotes_exist_in_both_languages():
    langs = {lit.language for q in _quotes() for s in data_graph().objects(q, OA.hasSelector)
             for lit in data_graph().objects(s, OA.exact)}
    assert {"en", "de"} <= langs


def test_every_quote_states_something():
    g = data_graph()
    cited = {q for st in g.subjects(RDF.type, RDF.Statement) for q in g.objects(st, PROV.wasDerivedFrom)}
    unused = set(_quotes()) - cited
    assert not unused, f"quotes no statement points at: {sorted(map(str, unused))}"


def test_every_fact_about_the_article_s_subjects_has_its_words_in_both_versions():
    """Each sco: fact about a priority, the agenda, an initiative, an event, a place or an agent is described by a
    statement whose quotes include English and German words, or that says why one version is missing."""
    g, ontology = data_graph(), ontology_graph()
    kinds = {URIRef(str(SCO) + k) for k in QUOTED_KINDS}
    kinds |= {c for k in list(kinds) for c in ontology.transitive_subjects(RDFS.subClassOf, k)}
    notes = {SCO.inferenceNote, SCO.versionNote, SCO.listedName, SCO.listedAs, SCO.listedLatitude,
             SCO.listedLongitude}
    missing = []
    for s, p, o in g:
        if not str(p).startswith(str(SCO)) or p in notes or not set(g.objects(s, RDF.type)) & kinds:
            continue
        statements = [st for st in g.subjects(RDF.subject, s) if (st, RDF.predicate, p) in g and (st, RDF.object, o)
                      in g]
        langs = {w.language for st in statements for q in g.objects(st, PROV.wasDerivedFrom)
                 for sel in g.objects(q, OA.hasSelector) for w in g.objects(sel, OA.exact)}
        one_version = any((st, SCO.versionNote, None) in g for st in statements) or (
            isinstance(o, Literal) and o.language)
        if not statements or not (langs >= {"en", "de"} or (one_version and langs)):
            missing.append(f"{s} {p} {o}: {sorted(langs)}")
    assert not missing, "\n".join(missing)


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
