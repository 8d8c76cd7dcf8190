"""The graph as a whole: ontology terms documented in both languages, entities labelled and described in both,
IRIs in the agreed form, Wikidata links and coordinates only from the verified list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

import scokg

ROOT = Path(__file__).resolve().parents[1]
SCO = "https://w3id.org/scokg/ontology#"
ID = "https://w3id.org/scokg/id/"
WD = "http://www.wikidata.org/entity/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
GEO = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
VERIFIED = ROOT / "tests" / "fixtures" / "wikidata-qids.md"


def _parse(*folders: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.ttl")):
            g.parse(path)
    return g


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return _parse("ontology")


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    return _parse("data")


def _langs(g: rdflib.Graph, s, p) -> list[str]:
    return sorted(o.language for o in g.objects(s, p) if isinstance(o, Literal) and o.language)


def _verified() -> tuple[set[str], dict[str, tuple[float, float]]]:
    """QIDs and coordinates from the verified tables (rows of '| entity | Q… | …')."""
    qids, coords = set(), {}
    for line in VERIFIED.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"Q\d+", cells[1]):
            qids.add(cells[1])
            if len(cells) >= 3 and "," in cells[2]:
                lat, lon = (float(x) for x in cells[2].split(","))
                coords[cells[1]] = (lat, lon)
    return qids, coords


def test_ontology_header(ontology):
    onto = URIRef("https://w3id.org/scokg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(onto, OWL.versionInfo)) == scokg.__version__
    assert str(ontology.value(onto, OWL.versionIRI)).endswith("/ontology/" + scokg.__version__)


def test_every_term_has_labels_and_definitions_in_both_languages(ontology):
    terms = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(SCO)}
    assert len(terms) > 40
    for term in terms:
        assert _langs(ontology, term, RDFS.label) == ["de", "en"], term
        assert _langs(ontology, term, SKOS.definition) == ["de", "en"], term


def test_every_class_is_aligned_or_specialises_one_of_ours(ontology):
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(SCO):
            supers = set(ontology.objects(cls, RDFS.subClassOf)) | set(ontology.objects(cls, OWL.equivalentClass))
            assert supers, f"{cls} stands alone: align it with a standard vocabulary"


def test_no_property_is_both_object_and_datatype(ontology):
    both = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) & set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    assert not both


def test_data_uses_only_declared_terms(ontology, data):
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(SCO)}
    used = {str(x) for t in data for x in t if isinstance(x, URIRef) and str(x).startswith(SCO)}
    assert used - declared == set()


def test_entities_are_labelled_and_described_in_both_languages(data):
    entities = {s for s in data.subjects(RDF.type, None) if str(s).startswith(ID)}
    assert len(entities) > 60
    for e in entities:
        assert "en" in _langs(data, e, RDFS.label) and "de" in _langs(data, e, RDFS.label), e
        if (e, RDF.type, URIRef(SCO + "Quote")) not in data:
            assert {"en", "de"} <= set(_langs(data, e, DCTERMS.description)), e


def test_instance_iris_are_lowercase_slugs(data):
    for s in {s for s in data.subjects() if isinstance(s, URIRef)}:
        assert str(s).startswith(ID), s
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(s)[len(ID):]), s


def test_every_object_in_our_namespace_is_described(data):
    described = set(data.subjects(RDF.type, None))
    for o in data.objects():
        if isinstance(o, URIRef) and str(o).startswith(ID):
            assert o in described, f"{o} is pointed at but has no type"


def test_wikidata_links_use_only_verified_qids(data):
    qids, _ = _verified()
    links = list(data.subject_objects(OWL.sameAs))
    assert links
    for entity, item in links:
        assert str(item).startswith(WD), entity
        assert str(item)[len(WD):] in qids, f"{entity} → {item} is not a verified QID"
    for _, _, topic in data.triples((None, DCTERMS.subject, None)):
        assert str(topic)[len(WD):] in qids, topic
    assert len({item for _, item in links}) == len(links), "two entities share one Wikidata item"


def test_coordinates_are_wikidatas(data):
    _, coords = _verified()
    for place in set(data.subjects(GEO.lat, None)):
        item = data.value(place, OWL.sameAs)
        assert item is not None, f"{place} has coordinates but no verified Wikidata item they come from"
        lat, lon = coords[str(item)[len(WD):]]
        assert float(data.value(place, GEO.lat)) == pytest.approx(lat)
        assert float(data.value(place, GEO.long)) == pytest.approx(lon)


def test_source_documents_point_at_their_texts(data):
    sources = list(data.subject_objects(DCAT.downloadURL))
    assert len(sources) == 2
    for _, url in sources:
        name = str(url).rsplit("/", 1)[1]
        assert (ROOT / "data" / "sources" / name).is_file(), name
