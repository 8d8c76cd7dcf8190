"""W3C federated query tests through /sparql, with their endpoints on 127.0.0.1: every valid federated query
runs when its targets are allowed.

Each ``qt:serviceData`` endpoint of the SERVICE evaluation tests becomes a local SPARQL server holding that
endpoint's data (a plain pyoxigraph store behind http.server: the remote side, not scokg), the query's endpoint
IRIs are pointed at them and put on the allow-list, and the answer is compared with the W3C result. The endpoint
the suite calls invalid gets a port where nothing listens. Each query runs as written and collapsed onto one line
(comment lines dropped), the form programs send. The syntax-fed queries, aimed at a local endpoint, must answer.
"""

from __future__ import annotations

import http.server
import threading
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from .harness import W3CApp
from .w3c_manifest import dataset_of, path_of, select
from .w3c_results import compare, read_expected, read_response

CASES = [case for case in select("evaluation") if case.category == "federation"]
SYNTAX = [case for case in select("positive-syntax") if case.manifest.endswith("syntax-fed")]
INVALID = "http://invalid.endpoint.org/sparql"
DEAD = "http://127.0.0.1:9/sparql"  # the discard port: the connection is refused
JSON = "application/sparql-results+json"
# A variable endpoint is known only while the query runs; scokg refuses it before anything runs (by design).
VARIABLE_ENDPOINT = {"sparql11/service#service5"}


class RemoteEndpoint:
    """A SPARQL endpoint over a pyoxigraph store: the far side of a SERVICE call."""

    def __init__(self, data_iri: str | None):
        self.store = ox.Store()
        if data_iri is not None:
            self.store.load(path=str(path_of(data_iri)), format=ox.RdfFormat.TURTLE, base_iri=data_iri)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    body = parse_qs(body.decode())["query"][0].encode()
                self._answer(body.decode())

            def do_GET(self):
                self._answer(parse_qs(self.path.partition("?")[2])["query"][0])

            def _answer(self, query: str):
                try:
                    payload = outer.store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
                    status = 200
                except (SyntaxError, OSError, RuntimeError) as exc:
                    payload, status = str(exc).encode(), 400
                self.send_response(status)
                self.send_header("Content-Type", JSON if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def one_line(query: str) -> str:
    return " ".join(line.strip() for line in query.splitlines() if not line.strip().startswith("#"))


def _local(query: str, endpoints: dict[str, str]) -> str:
    for remote, local in endpoints.items():
        query = query.replace(f"<{remote}>", f"<{local}>")
    return query


@pytest.mark.parametrize("case", [pytest.param(case, id=case.test_id) for case in CASES])
def test_service(case):
    written = case.action_path.read_text(encoding="utf-8")
    for text in (written, one_line(written)):
        _run_service_test(case, text)


def _run_service_test(case, text: str) -> None:
    remotes = [RemoteEndpoint(data) for _endpoint, data in case.service_data]
    for remote in remotes:
        remote.__enter__()
    try:
        endpoints = {endpoint: r.url for (endpoint, _), r in zip(case.service_data, remotes, strict=True)}
        endpoints[INVALID] = DEAD
        query = _local(text, endpoints)
        app = W3CApp(case.action, dataset_of(case, query), allow=tuple(endpoints.values()))
        response = app.query(query.encode(), accept=JSON)
        if case.test_id in VARIABLE_ENDPOINT:
            assert response.status_code == 400, response.get_data(as_text=True)
            assert "variable endpoint" in response.get_json()["error"]
            return
        assert response.status_code == 200, response.get_data(as_text=True)
        expected = read_expected(path_of(case.result), case.result)
        problem = compare(expected, read_response(response.content_type, response.data))
        assert problem is None, problem
        assert not app.guard.tripped, "a SERVICE reached the engine"
    finally:
        for remote in remotes:
            remote.__exit__()


@pytest.mark.parametrize("case", [pytest.param(case, id="aimed:" + case.test_id) for case in SYNTAX])
def test_federated_syntax_aimed_at_an_allowed_endpoint(case):
    written = case.action_path.read_text(encoding="utf-8")
    for text in (written, one_line(written)):
        _run_syntax_test(case, text)


def _run_syntax_test(case, text: str) -> None:
    with RemoteEndpoint(None) as remote:
        remote.store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
        app = W3CApp(case.action, [ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"))],
                     allow=(remote.url,))
        response = app.query(text.replace("<g>", f"<{remote.url}>").encode(), accept=JSON)
        assert response.status_code == 200, response.get_data(as_text=True)
        rows = response.get_json()["results"]["bindings"]
        assert rows == [{"s": {"type": "uri", "value": "urn:s"}, "p": {"type": "uri", "value": "urn:p"},
                         "o": {"type": "uri", "value": "urn:o"}}]
