"""Nothing changes without the key: no HTTP request without the update token alters the graph, by any route,
method, path or encoding, on a read-only server and on one that holds a token. Each test compares the whole
dataset before and after (triple count and a digest of every quad, so a DELETE plus an INSERT cannot hide) and
asks the endpoint itself whether the marker triple arrived (no cache: each count query is new text)."""

from __future__ import annotations

import hashlib
import itertools
import socket
from urllib.parse import quote

import pytest

from conftest import LiveServer
from scokg.config import load_settings
from scokg.web.app import create_app

MARK = "<urn:x:a> <urn:x:b> <urn:x:c>"
UPDATES = [
    f"INSERT DATA {{ {MARK} }}",
    f"INSERT DATA {{ GRAPH <urn:x:g> {{ {MARK} }} }}",
    f"insert data {{ {MARK} }}",
    f"# a comment first\nPREFIX x: <urn:x:>\nBASE <urn:y:>\nINSERT DATA {{ {MARK} }}",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p \"changed\" } WHERE { ?s ?p ?o }",
    f"WITH <https://w3id.org/scokg/graph/data> DELETE {{ ?s ?p ?o }} INSERT {{ {MARK} }} WHERE {{ ?s ?p ?o }}",
    "CLEAR ALL", "CLEAR DEFAULT", "DROP ALL", "DROP SILENT GRAPH <urn:x:g>", "CREATE GRAPH <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>", "MOVE DEFAULT TO <urn:x:g>", "COPY DEFAULT TO <urn:x:g>",
    "LOAD <http://127.0.0.1:9/x.ttl>", "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x:g>",
    f"INSERT DATA {{ {MARK} }} ; CLEAR ALL",
    f"SELECT * WHERE {{ ?s ?p ?o }} ; INSERT DATA {{ {MARK} }}",
    f"ASK {{ ?s ?p ?o }}\nINSERT DATA {{ {MARK} }}",
]
TURTLE = f"{MARK} ."
GSP_PATHS = ["/sparql", "/sparql?graph=urn:x:g", "/sparql?default", "/sparql?graph=https%3A%2F%2Fw3id.org%2Fscokg%2F",
             "/graph?graph=urn:x:g", "/graph?default", "/store", "/rdf-graph-store?graph=urn:x:g", "/data",
             "/id/almaty", "/id/x", "/id/x?graph=urn:x:g", "/id/almaty.ttl", "/dumps/x", "/dumps/", "/dumps/scokg.ttl",
             "/ontology", "/dataset", "/", "/update", "/sparql/update", "/query"]
RDF_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
             "application/sparql-update", "application/x-www-form-urlencoded"]
NONCE = itertools.count()


def _locked_settings(root):
    return load_settings({"root": str(root), "update_token": "s3cret", "service_allowlist": ""}, environ={})


@pytest.fixture(scope="module")
def locked():
    """A server that *can* be updated (it holds a token); every request below comes without it."""
    from conftest import TINY

    app = create_app(_locked_settings(TINY))
    yield app
    app.extensions["scokg"].runtime.close()


@pytest.fixture(params=["read-only", "token-holding"])
def target(request, app, locked):
    return app if request.param == "read-only" else locked


def _state(app) -> tuple[int, str]:
    """The dataset as the process holds it: every quad, digested."""
    quads = sorted(str(q) for q in app.extensions["scokg"].runtime.store.raw())
    return len(quads), hashlib.sha256("\n".join(quads).encode()).hexdigest()


def _answers(client) -> tuple[int, bool]:
    """The dataset as the endpoint answers (through its executors): a fresh count, and whether the mark is there."""
    n = next(NONCE)
    count = client.get("/sparql?query=" + quote(f"# {n}\nSELECT (COUNT(*) AS ?n) WHERE {{ {{ ?s ?p ?o }} UNION "
                                                "{ GRAPH ?g { ?s ?p ?o } } }"),
                       headers={"Accept": "application/sparql-results+json"})
    ask = client.get("/sparql?query=" + quote(f"# {n}\nASK {{ {{ {MARK} }} UNION {{ GRAPH ?g {{ {MARK} }} }} }}"),
                     headers={"Accept": "application/sparql-results+json"})
    assert count.status_code == 200 and ask.status_code == 200
    return int(count.get_json()["results"]["bindings"][0]["n"]["value"]), ask.get_json()["boolean"]


class Unchanged:
    def __init__(self, app):
        self.app, self.client = app, app.test_client()

    def __enter__(self):
        self.before = _state(self.app), _answers(self.client)
        assert self.before[1][1] is False
        return self.client

    def __exit__(self, *exc):
        if exc[0] is None:
            after = _state(self.app), _answers(self.client)
            assert after == self.before, "the graph changed without the update token"


def _update_routes(client, text, headers):
    """Every way a SPARQL Update (or something shaped like one) can be put to the endpoint."""
    q = quote(text)
    yield "form", client.post("/sparql", data={"update": text}, headers=headers)
    yield "direct", client.post("/sparql", data=text, content_type="application/sparql-update", headers=headers)
    yield "direct+charset", client.post("/sparql", data=text, content_type="Application/SPARQL-Update; charset=UTF-8",
                                        headers=headers)
    yield "get", client.get("/sparql?update=" + q, headers=headers)
    yield "url+form", client.post("/sparql?update=" + q, data="", content_type="application/x-www-form-urlencoded",
                                  headers=headers)
    yield "url+direct", client.post("/sparql?update=" + q, data="", content_type="application/sparql-query",
                                    headers=headers)
    yield "multipart", client.post("/sparql", data={"update": text}, content_type="multipart/form-data",
                                   headers=headers)
    yield "update+query", client.post("/sparql", data={"update": text, "query": "ASK {}"}, headers=headers)
    yield "query=", client.get("/sparql?query=" + q, headers=headers)
    yield "query form", client.post("/sparql", data={"query": text}, headers=headers)
    yield "query direct", client.post("/sparql", data=text, content_type="application/sparql-query", headers=headers)
    yield "override", client.post("/sparql", data=text, content_type="application/sparql-update",
                                  headers={**headers, "X-HTTP-Method-Override": "PUT"})
    for path in ("/sparql/", "/update", "/sparql/update", "/query", "/id/almaty", "/dumps/", "/"):
        yield path, client.post(path, data={"update": text}, headers=headers)


@pytest.mark.parametrize("text", UPDATES)
def test_no_update_by_any_route(target, text):
    with Unchanged(target) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic czNjcmV0"},
                        {"Authorization": "Bearer "}, {"Authorization": "bearer s3cret "}):
            for route, r in _update_routes(client, text, headers):
                assert 400 <= r.status_code < 500, (route, headers, r.status_code)
                assert r.get_data(as_text=True).strip(), (route, "a refusal without a message")


@pytest.mark.parametrize("path", GSP_PATHS)
def test_no_graph_store_write_on_any_path(target, path):
    with Unchanged(target) as client:
        for method, media in itertools.product(("put", "post", "delete", "patch"), RDF_TYPES):
            r = getattr(client, method)(path, data=TURTLE, content_type=media)
            assert r.status_code in (400, 403, 404, 405, 415), (method, path, media, r.status_code)


def test_the_token_is_the_only_difference(tmp_path):
    """Control: the same request with the token does change the graph, so the checks above can fail."""
    import shutil

    from conftest import TINY

    for name in ("ontology", "data", "shapes"):
        shutil.copytree(TINY / name, tmp_path / name)
    app = create_app(_locked_settings(tmp_path))
    try:
        client = app.test_client()
        before = _state(app), _answers(client)
        r = client.post("/sparql", data={"update": UPDATES[0]}, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 204
        after = _state(app), _answers(client)
        assert after[0][0] == before[0][0] + 1 and after[1] == (before[1][0] + 1, True)
    finally:
        app.extensions["scokg"].runtime.close()


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_no_update_over_raw_http(locked):
    """Framing tricks on a real socket: chunked bodies, a smuggled second request, a lying Content-Length."""
    body = f"update={quote(UPDATES[0])}".encode()
    chunked = hex(len(body))[2:].encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
    requests = [
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-update\r\nContent-Length: 4\r\n"
        b"Connection: keep-alive\r\n\r\nASK " + UPDATES[0].encode(),
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\nPOST /sparql HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/sparql-update\r\nContent-Length: " + str(len(UPDATES[0])).encode()
        + b"\r\nConnection: close\r\n\r\n" + UPDATES[0].encode(),
        b"PUT /sparql?default HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: "
        + str(len(TURTLE)).encode() + b"\r\nConnection: close\r\n\r\n" + TURTLE.encode(),
    ]
    with LiveServer(locked) as server, Unchanged(locked):
        for raw in requests:
            answer = _raw(server.url, raw)
            statuses = [int(line.split()[1]) for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.")]
            assert statuses and all(s < 300 or 400 <= s < 500 for s in statuses), (raw[:60], statuses)
            assert b" 204 " not in answer
