"""The graph as a whole: ontology terms documented in both languages, entities labelled and described in both,
IRIs in the agreed form, every predicate declared, Wikidata links, their records and coordinates only from the
verified list (read here from the list itself, tests/fixtures/wikidata-qids.md)."""

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


# A root of scokg's own: an initiative is no prov:Entity (its kinds Forum and Conference are events, prov:Activity,
# which PROV-O makes disjoint from prov:Entity), and no standard class fits a proposal of a chairmanship.
OWN_ROOTS = {URIRef(SCO + "Initiative")}


def test_every_class_is_aligned_or_specialises_one_of_ours(ontology):
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(SCO) and cls not in OWN_ROOTS:
            supers = set(ontology.objects(cls, RDFS.subClassOf)) | set(ontology.objects(cls, SKOS.closeMatch))
            assert supers, f"{cls} stands alone: align it with a standard vocabulary"


def test_alignments_do_not_over_commit(ontology):
    """schema.org and Wikidata are aligned by subclass or skos:closeMatch, never owl:equivalentClass; no property of
    ours is a sub-property of a SKOS one (skos:related would make every initiative a skos:Concept)."""
    assert not list(ontology.triples((None, OWL.equivalentClass, None)))
    for prop, parent in ontology.subject_objects(RDFS.subPropertyOf):
        if str(prop).startswith(SCO):
            assert not str(parent).startswith(str(SKOS)), f"{prop} under {parent}"


def test_no_two_terms_differ_only_in_case(ontology):
    terms = {str(s) for s in ontology.subjects() if str(s).startswith(SCO)}
    folded: dict[str, set[str]] = {}
    for term in terms:
        folded.setdefault(term.lower(), set()).add(term)
    assert not [t for t in folded.values() if len(t) > 1]


def test_every_term_of_ours_is_used(ontology, data):
    """A property no data uses (directly, through a sub-property, or as an inverse) is dead weight (sco:mentions
    was)."""
    used = {p for _, p, _ in data} | {o for _, _, o in data}
    used |= {parent for prop in list(used) for parent in ontology.transitive_objects(prop, RDFS.subPropertyOf)}
    inverses = {o for _, o in ontology.subject_objects(OWL.inverseOf)} | set(ontology.subjects(OWL.inverseOf, None))
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(ontology.subjects(RDF.type,
                                                                                             OWL.DatatypeProperty)):
        if str(prop).startswith(SCO):
            assert prop in used or prop in inverses, f"{prop} is used nowhere"


def test_every_predicate_the_data_uses_is_declared(ontology, data):
    builtin = {RDF.type, RDFS.label, OWL.sameAs, RDF.subject, RDF.predicate, RDF.object}
    declared = set(ontology.subjects(RDF.type, None))
    undeclared = {p for _, p, _ in data} - declared - builtin
    assert not undeclared, sorted(map(str, undeclared))


def test_no_property_is_both_object_and_datatype(ontology):
    both = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) & set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    assert not both


def test_data_uses_only_declared_terms(ontology, data):
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(SCO)}
    used = {str(x) for t in data for x in t if isinstance(x, URIRef) and str(x).startswith(SCO)}
    assert used - declared == set()


def test_the_imported_vocabularies_are_local_and_named(ontology):
    """Each owl:imports has its file in ontology/imports/ (the gate reads it; w3.org is out of reach), and the
    README there names each file's origin."""
    imports = ROOT / "ontology" / "imports"
    readme = (imports / "README.md").read_text(encoding="utf-8")
    declared = set()
    for path in sorted(imports.glob("*.nq")):
        assert f"`{path.name}`" in readme, f"{path.name} is not described in ontology/imports/README.md"
        text = path.read_text(encoding="utf-8")
        declared |= set(re.findall(r"^<([^>]+)> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                                   r"<http://www.w3.org/2002/07/owl#Ontology>", text, re.M))
    wanted = {str(o) for o in ontology.objects(None, OWL.imports)}
    assert wanted and wanted <= declared


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


def _verified_rows() -> dict[str, tuple[str, str, str]]:
    """QID → (entity cell, section title, coordinates cell) of the verified list."""
    rows, section = {}, ""
    for line in VERIFIED.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"Q\d+", cells[1]):
            rows[cells[1]] = (cells[0], section, cells[2] if len(cells) > 2 else "")
    return rows


# The list's sections and the kind of our entity that each admits.
SECTION_KINDS = {"Places": SCO + "Location", "Organisations and people": SCO + "Agent",
                 "Topics (for subjects of priorities and initiatives, e.g. `dcterms:subject`)": str(SKOS.Concept)}


def test_every_link_has_its_record_from_the_verified_list(data):
    """data/links/wikidata.ttl: each owl:sameAs and dcterms:subject to Wikidata is described by a statement derived
    from id:verified-wikidata-qids that carries the list's own name, section and coordinates for the item."""
    rows = _verified_rows()
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    links = [(s, p, o) for p in (OWL.sameAs, DCTERMS.subject) for s, o in data.subject_objects(p)]
    assert links
    for s, p, o in links:
        records = [r for r in data.subjects(RDF.subject, s) if (r, RDF.predicate, p) in data
                   and (r, RDF.object, o) in data and (r, prov.wasDerivedFrom, URIRef(ID + "verified-wikidata-qids"))
                   in data]
        assert len(records) == 1, f"{s} {p} {o}: one verification record"
        name, section, coords = rows[str(o)[len(WD):]]
        record = records[0]
        assert str(data.value(record, URIRef(SCO + "listedName"))) == name
        assert str(data.value(record, URIRef(SCO + "listedAs"))) == SECTION_KINDS[section]
        lat = data.value(record, URIRef(SCO + "listedLatitude"))
        long = data.value(record, URIRef(SCO + "listedLongitude"))
        if coords:
            assert (float(lat), float(long)) == tuple(float(x) for x in coords.split(","))
        else:
            assert lat is None and long is None


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
