"""VoID/DCAT at /dataset: every count is recounted here by SPARQL through the endpoint, plus the golden."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import rdflib
from rdflib import Namespace

from publishing_support import close_app, make_mini_project, open_app, project_root
from rdf_support import isomorphic
from scokg.graph.metadata import DATASET, LINKSET, dataset_stats, describe_dataset
from scokg.namespaces import BASE, WD
from scokg.store import build_store

# plain Namespaces: pytest's collection pokes rdflib's closed namespaces, which then warn
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
VOID = Namespace("http://rdfs.org/ns/void#")


GOLDEN = Path(__file__).resolve().parent / "golden" / "void-mini.ttl"


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    app = open_app(project_root(tmp_path_factory), tmp_path_factory.mktemp("instance"))
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def void(pub) -> rdflib.Graph:
    r = pub.test_client().get("/dataset", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    return rdflib.Graph().parse(data=r.data, format="turtle")


def files_graph(pub) -> rdflib.Graph:
    """The published default graph, read by rdflib from the source files: every count below comes from here."""
    root = Path(pub.config["SCOKG_SETTINGS"].root)
    g = rdflib.Graph()
    for folder in ("ontology", "data"):
        for path in sorted((root / folder).rglob("*.ttl")):
            g.parse(path, format="turtle")
    return g


def one(g, s, p) -> int:
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return int(values[0])


def test_dataset_counts_equal_counts_of_the_files(pub, void):
    g = files_graph(pub)
    ds = DATASET
    assert one(void, ds, VOID.triples) == len(g)
    assert one(void, ds, VOID.entities) == len({s for s in g.subjects() if str(s).startswith(BASE + "id/")})
    assert one(void, ds, VOID.distinctSubjects) == len(set(g.subjects()))
    assert one(void, ds, VOID.distinctObjects) == len(set(g.objects()))
    assert one(void, ds, VOID.properties) == len(set(g.predicates()))
    assert one(void, ds, VOID.classes) == len(set(g.objects(None, RDF.type)))
    assert one(void, LINKSET, VOID.triples) == len([o for o in g.objects(None, OWL.sameAs) if str(o).startswith(WD)])


def test_every_partition_count_equals_the_files(pub, void):
    g = files_graph(pub)
    classes = list(void.objects(DATASET, VOID.classPartition))
    props = list(void.objects(DATASET, VOID.propertyPartition))
    assert len(classes) == one(void, DATASET, VOID.classes)
    assert len(props) == one(void, DATASET, VOID.properties)
    for part in classes:
        cls = next(void.objects(part, VOID["class"]))
        assert one(void, part, VOID.entities) == len(set(g.subjects(RDF.type, cls))), cls
    for part in props:
        prop = next(void.objects(part, VOID.property))
        assert one(void, part, VOID.triples) == len(list(g.triples((None, prop, None)))), prop


def test_description_has_the_required_metadata(void):
    ds = DATASET
    assert (ds, RDF.type, VOID.Dataset) in void and (ds, RDF.type, DCAT.Dataset) in void
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in void.objects(ds, prop)} == {"en", "de"}
    assert (ds, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in void
    for prop in (DCTERMS.creator, DCTERMS.publisher, DCTERMS.issued, DCTERMS.modified, VOID.sparqlEndpoint,
                 VOID.uriSpace, VOID.vocabulary):
        assert list(void.objects(ds, prop)), prop
    assert str(next(void.objects(ds, VOID.uriSpace))) == BASE + "id/"
    assert str(next(void.objects(ds, VOID.sparqlEndpoint))).endswith("/sparql")
    assert "Astana Times" in str(next(o for o in void.objects(ds, DCTERMS.description) if o.language == "en"))
    assert (LINKSET, RDF.type, VOID.Linkset) in void and (LINKSET, VOID.linkPredicate, OWL.sameAs) in void
    # vocabularies are those of the classes and properties used
    vocabularies = {str(v) for v in void.objects(ds, VOID.vocabulary)}
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#" in vocabularies
    assert "http://www.w3.org/2002/07/owl#" in vocabularies


def test_the_well_known_address_and_every_format(pub, void):
    client = pub.test_client()
    for media, fmt in (("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
                       ("application/rdf+xml", "xml")):
        r = client.get("/.well-known/void", headers={"Accept": media})
        assert r.status_code == 200 and r.mimetype == media
        if fmt != "json-ld":  # rdflib's JSON-LD parser warns; pages tests cover JSON-LD with pyoxigraph
            assert isomorphic(rdflib.Graph().parse(data=r.data, format=fmt), void)
    assert client.get("/dataset", headers={"Accept": "text/html"}).status_code == 200


def test_statistics_are_computed_once_per_release(pub):
    client = pub.test_client()
    client.get("/dataset.ttl")
    runtime = pub.extensions["scokg"].runtime
    key = ("cached", "dataset-stats", runtime.store.version)
    first = runtime.counts[key]
    client.get("/dataset.nt")
    client.get("/")
    assert runtime.counts[key] is first


def test_golden_void_of_the_mini_project(tmp_path):
    """Isomorphic to tests/golden/void-mini.ttl (regenerate: SCOKG_REGEN_GOLDEN=1 pytest this test)."""
    stats = dataset_stats(build_store(make_mini_project(tmp_path)).select)
    files = [{"name": "scokg.nt.gz", "size": 123, "sha256": "00" * 32, "media_type": "application/n-triples",
              "encoding": "gzip"}]
    g = describe_dataset(stats, files, "https://example.org/", today=dt.date(2024, 7, 1))
    import os

    if os.environ.get("SCOKG_REGEN_GOLDEN"):
        g.serialize(GOLDEN, format="turtle")
    assert isomorphic(g, rdflib.Graph().parse(GOLDEN, format="turtle"))


def test_the_one_data_dump_holds_exactly_void_triples(tmp_path):
    """Loading every void:dataDump gives exactly void:triples triples (issue 11)."""
    app = open_app(make_mini_project(tmp_path / "p"), tmp_path / "instance")
    try:
        client = app.test_client()
        g = rdflib.Graph().parse(data=client.get("/dataset.ttl").data, format="turtle")
        dumps = list(g.objects(DATASET, VOID.dataDump))
        assert dumps
        loaded = rdflib.Graph()
        for url in dumps:
            name = str(url).rsplit("/", 1)[-1]
            r = client.get("/dumps/" + name)
            loaded.parse(data=r.data, format="turtle")
            r.close()
        assert len(loaded) == int(g.value(DATASET, VOID.triples))
    finally:
        close_app(app)
