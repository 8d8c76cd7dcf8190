"""One contract for every store backend: the embedded pyoxigraph store and a remote SPARQL store (a real
`oxigraph serve` on 127.0.0.1, loaded with `scokg load`) give the same answers, and the whole app runs over both."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from conftest import ROOT
from scokg.app import create_app
from scokg.cli import cli
from scokg.config import load_settings
from scokg.errors import QuerySyntaxError, UpstreamError
from scokg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from scokg.remote import SparqlEndpointStore
from scokg.store import build_store
from wikidata_support import EmptyOxigraph

SELECT = """PREFIX sco: <https://w3id.org/scokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?i ?label ?place WHERE { ?i sco:servesPriority ?p ; rdfs:label ?label OPTIONAL { ?i sco:locatedIn ?place } }
ORDER BY ?i ?label"""
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/scokg/ontology#City> ; ?p ?o }"


@pytest.fixture(scope="module")
def remote_server():
    with EmptyOxigraph() as server:
        result = CliRunner().invoke(cli, ["--root", str(ROOT), "load", "--graph-store", server.store_url,
                                          "--backend", "sparql+" + server.query_url])
        assert result.exit_code == 0, result.output
        yield server


@pytest.fixture(scope="module")
def embedded():
    store = build_store(ROOT)
    yield store
    store.close()


@pytest.fixture(scope="module", params=["embedded", "remote"])
def store(request, embedded, remote_server):
    if request.param == "embedded":
        return embedded
    return SparqlEndpointStore(remote_server.query_url)


def test_select(store, embedded):
    assert store.select(SELECT) == embedded.select(SELECT)
    assert len(store.select(SELECT)) > 20


def test_ask(store):
    assert store.ask("ASK { ?s a <https://w3id.org/scokg/ontology#Priority> }") is True
    assert store.ask("ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }") is False, "shapes stay out of the union"


def test_construct(store, embedded):
    assert isomorphic(store.construct(CONSTRUCT), embedded.construct(CONSTRUCT))


def test_describe(store, embedded):
    iri = "https://w3id.org/scokg/id/almaty"
    assert isomorphic(store.describe(iri), embedded.describe(iri))


def test_counts(store, embedded):
    assert store.count() == embedded.count()
    for graph in (ONTOLOGY_GRAPH, DATA_GRAPH, SHAPES_GRAPH):
        assert store.count(str(graph)) == embedded.count(str(graph)) > 0


@pytest.mark.parametrize("media_type,fmt", [("application/n-triples", "nt"), ("text/turtle", "turtle")])
def test_export(store, embedded, media_type, fmt):
    a, b = io.BytesIO(), io.BytesIO()
    store.export(a, media_type, graph=str(DATA_GRAPH))
    embedded.export(b, media_type, graph=str(DATA_GRAPH))
    assert isomorphic(rdflib.Graph().parse(data=a.getvalue(), format=fmt),
                      rdflib.Graph().parse(data=b.getvalue(), format=fmt))


@pytest.mark.parametrize("select_type", ["application/sparql-results+json", "text/csv"])
def test_execute_same_bytes(store, embedded, select_type):
    assert store.execute(SELECT, select_type, None).body == embedded.execute(SELECT, select_type, None).body


def test_execute_with_a_client_dataset(store, embedded):
    q = "ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }"
    kwargs = {"default_graphs": [str(SHAPES_GRAPH)]}
    assert store.execute(q, "application/sparql-results+json", None, **kwargs).body == \
        embedded.execute(q, "application/sparql-results+json", None, **kwargs).body


def test_syntax_errors_are_400s(store):
    with pytest.raises(QuerySyntaxError):
        store.select("SELECT * WHERE { ?s ?p }")


def test_an_unreachable_store_is_a_502():
    with pytest.raises(UpstreamError):
        SparqlEndpointStore("http://127.0.0.1:9/query").select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_the_app_runs_over_the_remote_store(remote_server):
    settings = load_settings({"root": str(ROOT), "backend": "sparql+" + remote_server.query_url,
                              "service_allowlist": ""}, environ={})
    app = create_app(settings)
    try:
        client = app.test_client()
        r = client.get("/sparql?query=" + quote(SELECT), headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.mimetype == "text/csv" and "Almaty" in r.get_data(as_text=True)
        r = client.get("/id/almaty", headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and "Almaty" in r.get_data(as_text=True)
        html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "Security and stability" in html and "SCO Energy Strategy" in html
        assert client.get("/id/almaty", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/dataset.ttl").status_code == 200
    finally:
        app.extensions["scokg"].runtime.close()


def test_load_refuses_a_release_that_does_not_conform(project_copy):
    for path in (project_copy / "data").rglob("*.ttl"):
        path.write_text(path.read_text().replace('"@de', '"@fr'))
    with EmptyOxigraph() as server:
        result = CliRunner().invoke(cli, ["--root", str(project_copy), "load", "--graph-store", server.store_url])
        assert result.exit_code == 1
        assert SparqlEndpointStore(server.query_url).count() == 0, "nothing was uploaded"
