"""One contract for every store backend: the embedded pyoxigraph store and a remote SPARQL store (a real
`oxigraph serve` on 127.0.0.1, loaded with `scokg load`) give the same answers, and the whole app runs over both."""

from __future__ import annotations

import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import orjson
import pytest
import rdflib
from click.testing import CliRunner

from conftest import ROOT, TINY
from rdf_support import isomorphic
from scokg.cli import cli
from scokg.config import load_settings
from scokg.errors import QuerySyntaxError, QueryTimeout, UpstreamError
from scokg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, RELEASE_GRAPH, SHAPES_GRAPH
from scokg.store import build_store, remote
from scokg.store.base import Dataset
from scokg.store.remote import SparqlEndpointStore
from scokg.web.app import create_app
from wikidata_support import EmptyOxigraph

SELECT = """PREFIX sco: <https://w3id.org/scokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?i ?label ?place WHERE { ?i sco:servesPriority ?p ; rdfs:label ?label OPTIONAL { ?i sco:locatedIn ?place } }
ORDER BY ?i ?label"""
# counted by rdflib from the shapes file, not by the code under test
SHAPE_COUNT = len(set(rdflib.Graph().parse(ROOT / "shapes" / "scokg-shapes.ttl").subjects(
    rdflib.RDF.type, rdflib.SH.NodeShape)))
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
    kwargs = {"dataset": Dataset((str(SHAPES_GRAPH),), ())}
    assert store.execute(q, "application/sparql-results+json", None, **kwargs).body == \
        embedded.execute(q, "application/sparql-results+json", None, **kwargs).body


COUNT_SHAPES = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s a <http://www.w3.org/ns/shacl#NodeShape> }}"


def _n(store, text, dataset) -> int:
    body = store.execute(text, "application/sparql-results+json", None, dataset=dataset).body
    return int(orjson.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(("clause", "dataset", "expected"), [
    ("", Dataset(), 0),  # the published default graph holds no shapes
    (f"FROM <{SHAPES_GRAPH}>", Dataset(from_query=True), SHAPE_COUNT),
    (f"FROM NAMED <{SHAPES_GRAPH}>", Dataset(from_query=True), 0),  # only FROM NAMED: an empty default graph
    ("", Dataset((str(SHAPES_GRAPH),), ()), SHAPE_COUNT),
    ("", Dataset((), (str(SHAPES_GRAPH),)), 0),  # only named-graph-uri: an empty default graph
    (f"FROM <{DATA_GRAPH}>", Dataset((str(SHAPES_GRAPH),), ()), SHAPE_COUNT),  # the protocol overrides FROM
])
def test_the_dataset_of_a_query(store, clause, dataset, expected):
    assert _n(store, COUNT_SHAPES.format(clause), dataset) == expected


def test_the_version_is_the_release_digest(store, embedded):
    assert store.version == embedded.version, "same release, same ETags, whichever backend and host serves it"


def test_relative_iris_resolve_against_the_base(store, embedded):
    absolute = "SELECT ?p ?o WHERE { <https://w3id.org/scokg/id/almaty> ?p ?o } ORDER BY ?p ?o"
    relative = "SELECT ?p ?o WHERE { <id/almaty> ?p ?o } ORDER BY ?p ?o"
    store.base_iri = "https://w3id.org/scokg/"
    try:
        assert store.select(relative) == embedded.select(absolute) != []
    finally:
        store.base_iri = None


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


def test_a_new_upload_reaches_the_version_and_the_answers(tiny_copy, monkeypatch):
    monkeypatch.setattr(remote, "VERSION_TTL", 0.0)
    with EmptyOxigraph() as server:
        store = SparqlEndpointStore(server.query_url)
        unloaded = store.version
        assert unloaded.startswith("remote-") and store.version == unloaded, "no digest: one version per process"
        load = ["--root", str(tiny_copy), "load", "--graph-store", server.store_url]
        assert CliRunner().invoke(cli, load).exit_code == 0
        first = store.version
        assert first == build_store(tiny_copy).version
        data = tiny_copy / "data" / "tiny.ttl"
        extra = '<https://w3id.org/scokg/id/extra> <http://www.w3.org/2000/01/rdf-schema#label> "Extra"@en .'
        data.write_text(data.read_text() + "\n" + extra + "\n")
        before = store.count()
        assert CliRunner().invoke(cli, [*load, "--no-validate"]).exit_code == 0
        assert store.version == build_store(tiny_copy).version != first
        assert store.count() == before + 1
        assert store.count(RELEASE_GRAPH) == 1 and not store.ask(f"ASK {{ <{RELEASE_GRAPH}> ?p ?o }}"), \
            "the digest stays out of the default graph"


class Stub:
    """A misbehaving SPARQL store on 127.0.0.1: ``reply(handler)`` answers every request."""

    def __init__(self, reply):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                reply(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _answer(status, media, body=b""):
    def reply(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return reply


@pytest.mark.parametrize("reply", [_answer(500, "text/plain", b"boom"), _answer(403, "text/plain"),
                                   _answer(200, "application/sparql-results+json", b"{not json"),
                                   _answer(200, "text/turtle", b"<a> <b>")],
                         ids=["500", "403", "bad-json", "bad-turtle"])
def test_remote_failures_are_upstream_errors(reply):
    with Stub(reply) as stub, pytest.raises(UpstreamError) as info:
        SparqlEndpointStore(stub.url).execute("CONSTRUCT WHERE { ?s ?p ?o }", None, "text/turtle")
    assert info.value.status == 502


@pytest.mark.parametrize("status", [503, 504])
def test_a_store_that_gives_up_is_a_timeout(status):
    with Stub(_answer(status, "text/plain")) as stub, pytest.raises(QueryTimeout):
        SparqlEndpointStore(stub.url).select("SELECT * WHERE { ?s ?p ?o }")


def test_a_store_that_does_not_answer_is_a_timeout():
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        with pytest.raises(QueryTimeout) as info:
            SparqlEndpointStore(url, timeout=0.5).select("SELECT * WHERE { ?s ?p ?o }")
    assert info.value.status == 503


def test_the_app_reports_a_failing_store_as_502():
    with Stub(_answer(500, "text/plain", b"boom")) as stub:
        settings = load_settings({"root": str(TINY), "backend": "sparql+" + stub.url, "service_allowlist": ""},
                                 environ={})
        app = create_app(settings)
        try:
            r = app.test_client().get("/sparql?query=" + quote("ASK {}"), headers={"Accept": "application/json"})
        finally:
            app.extensions["scokg"].runtime.close()
    assert r.status_code == 502 and r.get_json()["ok"] is False


def test_a_release_store_on_disk_is_compacted_and_closes_read_only_without_an_error(tmp_path):
    """The on-disk store a server opens is built, compacted and reopened read-only; closing it at exit must not
    raise (pyoxigraph 0.5 refuses a flush on a read-only store with RuntimeError, seen as a traceback at every
    stop of a big server)."""
    import pyoxigraph as ox

    from scokg.store.oxigraph import OxigraphStore

    build_store(ROOT, tmp_path / "store").close()
    read_only = OxigraphStore(ox.Store.read_only(str(tmp_path / "store")), "test")
    assert read_only.count() > 0
    read_only.close()
