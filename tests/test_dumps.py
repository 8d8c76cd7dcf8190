"""/dumps/: the built files, listed with size and SHA-256, served with the right headers; they reload
isomorphic to what the endpoint serves."""

from __future__ import annotations

import gzip
import hashlib
import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import VOID

from publishing_support import close_app, make_mini_project, open_app, project_root
from rdf_support import isomorphic
from scokg.graph.load import to_rdflib
from scokg.graph.metadata import DATASET

FORMATS = {"scokg.ttl": ox.RdfFormat.TURTLE, "scokg.jsonld": ox.RdfFormat.JSON_LD,
           "scokg.nt.gz": ox.RdfFormat.N_TRIPLES}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = project_root(tmp_path_factory)
    instance = tmp_path_factory.mktemp("instance")
    app = open_app(root, instance)  # the app publishes the release itself: no 'scokg build' before
    yield app, app.extensions["scokg"].runtime.release.dumps
    close_app(app)


def fetch(client, path, **kwargs):
    """GET, read the body and close the response (send_file holds the file open until then)."""
    r = client.get(path, **kwargs)
    r.get_data()
    r.close()
    return r


def to_graph(data: bytes, fmt) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in ox.parse(data, format=fmt):
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def endpoint_graph(client) -> rdflib.Graph:
    r = fetch(client, "/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers.get("X-Result-Truncated") is None
    return to_graph(r.data, ox.RdfFormat.N_TRIPLES)


def test_dumps_reload_isomorphic_to_the_endpoint(built):
    app, _out = built
    client = app.test_client()
    expected = endpoint_graph(client)
    assert len(expected) > 0
    for name, fmt in FORMATS.items():
        r = fetch(client, f"/dumps/{name}")
        assert r.status_code == 200, name
        data = gzip.decompress(r.data) if name.endswith(".gz") else r.data
        assert isomorphic(to_graph(data, fmt), expected), name


def test_listing_names_every_file_with_size_and_sha256(built):
    app, out = built
    client = app.test_client()
    html = fetch(client, "/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)
    listing = fetch(client, "/dumps/", headers={"Accept": "application/json"}).json
    names = {f["name"] for f in listing["files"]}
    for expected in ("scokg.ttl", "scokg.nt.gz", "scokg.jsonld", "scokg-ontology.ttl", "scokg-shapes.ttl",
                     "scokg-wikidata-links.nt", "void.ttl", "SHA256SUMS"):
        assert expected in names
    for f in listing["files"]:
        data = (out / f["name"]).read_bytes()
        assert f["size"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest()
        assert f["name"] in html and f["sha256"] in html and str(f["size"]) in html
    sums = dict(reversed(line.split("  ")) for line in (out / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name, content_type", [
    ("scokg.ttl", "text/turtle; charset=utf-8"),
    ("scokg.jsonld", "application/ld+json"),
    ("scokg.nt.gz", "application/gzip"),
    ("scokg-wikidata-links.nt", "application/n-triples; charset=utf-8"),
    ("SHA256SUMS", "text/plain; charset=utf-8"),
])
def test_file_headers_conditional_and_range(built, name, content_type):
    app, out = built
    client = app.test_client()
    data = (out / name).read_bytes()
    r = fetch(client, f"/dumps/{name}")
    assert r.status_code == 200 and r.data == data
    assert r.headers["Content-Type"] == content_type
    assert int(r.headers["Content-Length"]) == len(data)
    assert r.headers["Last-Modified"] and r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["ETag"].strip('"') == hashlib.sha256(data).hexdigest()
    assert "Content-Encoding" not in r.headers  # a .gz is a download, never silently inflated
    assert fetch(client, f"/dumps/{name}", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert fetch(client, f"/dumps/{name}", headers={"If-Modified-Since": r.headers["Last-Modified"]}).status_code == 304
    part = fetch(client, f"/dumps/{name}", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == data[:10]
    assert part.headers["Content-Range"] == f"bytes 0-9/{len(data)}"
    # a repeat of the full GET must not make later ranges come back whole
    assert fetch(client, f"/dumps/{name}", headers={"Range": "bytes=2-3"}).data == data[2:4]


def test_uncompressed_view_uses_content_encoding(built):
    app, out = built
    client = app.test_client()
    raw = (out / "scokg.nt.gz").read_bytes()
    enc = fetch(client, "/dumps/scokg.nt", headers={"Accept-Encoding": "gzip, deflate"})
    assert enc.status_code == 200 and enc.headers["Content-Encoding"] == "gzip"
    assert enc.mimetype == "application/n-triples" and enc.data == raw and "Accept-Encoding" in enc.headers["Vary"]
    plain = fetch(client, "/dumps/scokg.nt", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert plain.get_data() == gzip.decompress(raw)


@pytest.mark.parametrize("path", ["/dumps/..%2f..%2fpyproject.toml", "/dumps/%2e%2e", "/dumps/..",
                                  "/dumps/.scokg-version", "/dumps/%2fetc%2fpasswd", "/dumps/nope.ttl",
                                  "/dumps/scokg.ttl%00"])
def test_traversal_and_unknown_names_are_404(built, path):
    app, _out = built
    r = fetch(app.test_client(), path)
    assert r.status_code in (400, 404), path
    assert json.loads(r.data)["ok"] is False


def test_a_fresh_app_publishes_its_release_without_a_build(tmp_path):
    root = make_mini_project(tmp_path / "p")
    app = open_app(root, tmp_path / "fresh-instance")
    try:
        client = app.test_client()
        dump = fetch(client, "/dumps/scokg.ttl")
        assert dump.status_code == 200
        # as many triples as the source files hold in ontology/ and data/, counted by rdflib
        expected = rdflib.Graph()
        for folder in ("ontology", "data"):
            for path in (root / folder).rglob("*.ttl"):
                expected.parse(path, format="turtle")
        assert len(rdflib.Graph().parse(data=dump.data, format="turtle")) == len(expected)
        void = rdflib.Graph().parse(data=fetch(client, "/dataset.ttl").data, format="turtle")
        assert int(void.value(DATASET, VOID.triples)) == len(expected)
        assert list(void.objects(DATASET, VOID.dataDump))
    finally:
        close_app(app)


def test_gzip_dump_is_deterministic(built):
    _app, out = built
    with gzip.open(io.BytesIO((out / "scokg.nt.gz").read_bytes())) as f:
        lines = f.read().decode().splitlines()
    assert lines == sorted(lines)
