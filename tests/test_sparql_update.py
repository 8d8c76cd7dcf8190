"""Read-only unless unlocked: updates by every route are refused with 403 and change nothing; a server with an
update token accepts them only with that bearer token, and the change shows in the next answer."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
import rdflib

from scokg.config import load_settings
from scokg.errors import ConfigError
from scokg.web.app import create_app
from scokg.web.server import run_server

JSON = {"Accept": "application/sparql-results+json"}

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
INSERT = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
SMUGGLED = [
    INSERT,
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "CREATE GRAPH <urn:x:g>",
    "PREFIX x: <urn:x:> INSERT DATA { x:a x:b x:c }",
    "SELECT * WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }",
]


def _count(client) -> int:
    r = client.get("/sparql?query=" + quote(COUNT), headers={"Accept": "application/sparql-results+json"})
    return int(r.get_json()["results"]["bindings"][0]["n"]["value"])


def _routes(client, update, headers=None):
    headers = headers or {}
    yield client.post("/sparql", data={"update": update}, headers=headers)
    yield client.post("/sparql", data=update, content_type="application/sparql-update", headers=headers)
    yield client.get("/sparql?update=" + quote(update), headers=headers)
    yield client.post("/sparql?update=" + quote(update), data="", content_type="application/x-www-form-urlencoded",
                      headers=headers)


def test_updates_are_refused_by_every_route(client):
    before = _count(client)
    for response in _routes(client, INSERT):
        assert response.status_code == 403
        assert "read-only" in response.get_json()["error"]
    assert _count(client) == before


@pytest.mark.parametrize("text", SMUGGLED)
def test_update_operations_inside_query_are_refused(client, text):
    before = _count(client)
    for r in (client.get("/sparql?query=" + quote(text)), client.post("/sparql", data={"query": text}),
              client.post("/sparql", data=text, content_type="application/sparql-query")):
        assert r.status_code == 403, (text, r.status_code)
    assert _count(client) == before


@pytest.fixture()
def unlocked(tiny_copy):
    settings = load_settings({"root": str(tiny_copy), "update_token": "s3cret", "service_allowlist": ""}, environ={})
    app = create_app(settings)
    yield app.test_client()
    app.extensions["scokg"].runtime.close()


def test_token_server_refuses_without_or_with_a_wrong_token(unlocked):
    before = _count(unlocked)
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic czNjcmV0"}):
        for response in _routes(unlocked, INSERT, headers):
            assert response.status_code == 403
    assert _count(unlocked) == before


def test_token_server_applies_an_update_and_answers_anew(unlocked):
    first = unlocked.get("/sparql?query=" + quote(COUNT), headers={"Accept": "application/sparql-results+json"})
    before = int(first.get_json()["results"]["bindings"][0]["n"]["value"])
    r = unlocked.post("/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 204
    again = unlocked.get("/sparql?query=" + quote(COUNT), headers={"Accept": "application/sparql-results+json",
                                                                   "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200, "a cached answer or ETag from before the update must not be reused"
    assert int(again.get_json()["results"]["bindings"][0]["n"]["value"]) == before + 1


def test_update_token_needs_a_single_worker(tiny_copy):
    settings = load_settings({"root": str(tiny_copy), "update_token": "x", "workers": 2}, environ={})
    with pytest.raises(ConfigError, match="--workers 1"):
        run_server(settings)


GSP_PATHS = ["/sparql", "/sparql?graph=urn:x:g", "/sparql?default", "/id/almaty", "/id/new-thing", "/dumps/scokg.ttl",
             "/dumps/", "/graph?graph=urn:x:g", "/store?default", "/rdf-graph-store", "/ontology", "/dataset", "/"]


@pytest.mark.parametrize("path", GSP_PATHS)
def test_graph_store_protocol_writes_change_nothing(client, path):
    before = _count(client)
    turtle = "<urn:x:a> <urn:x:b> <urn:x:c> ."
    for method in ("put", "post", "delete", "patch"):
        r = getattr(client, method)(path, data=turtle, content_type="text/turtle")
        assert r.status_code in (403, 404, 405, 415), (method, path, r.status_code)
    assert _count(client) == before


def test_a_failing_update_is_a_400_and_changes_nothing(unlocked):
    before = _count(unlocked)
    auth = {"Authorization": "Bearer s3cret"}
    for update in ("DROP GRAPH <urn:x:missing>", INSERT + " ; DROP GRAPH <urn:x:missing>"):
        r = unlocked.post("/sparql", data={"update": update}, headers=auth)
        assert r.status_code == 400 and "does not exist" in r.get_json()["error"], update
    assert _count(unlocked) == before, "an update applies as a whole or not at all"


@pytest.mark.parametrize("iri", ["not an iri", "relative/path", "urn:x:a>b", "http://x/{y}"])
def test_malformed_graph_parameters_are_a_400(client, unlocked, iri):
    for name in ("default-graph-uri", "named-graph-uri"):
        r = client.get("/sparql?query=ASK%7B%7D&" + name + "=" + quote(iri))
        assert r.status_code == 400 and "absolute IRI" in r.get_json()["error"], (name, iri)
    before = _count(unlocked)
    r = unlocked.post("/sparql?using-graph-uri=" + quote(iri),
                      data="INSERT { <urn:x:a> <urn:x:b> ?o } WHERE { ?s ?p ?o }",
                      content_type="application/sparql-update", headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 400 and _count(unlocked) == before


def test_service_description_says_whether_updates_are_possible(client, unlocked):
    sd = "http://www.w3.org/ns/sparql-service-description#"
    ask = f"ASK {{ ?s <{sd}supportedLanguage> <{sd}SPARQL11Update> }}"
    for c, expected in ((client, False), (unlocked, True)):
        r = c.get("/sparql", headers={"Accept": "text/turtle"})
        g = rdflib.Graph().parse(data=r.data, format="turtle")
        assert g.query(ask).askAnswer is expected
        assert (None, rdflib.URIRef(sd + "supportedLanguage"), rdflib.URIRef(sd + "SPARQL11Query")) in g


def test_a_server_that_accepts_updates_keeps_the_time_limit_and_its_executors_see_the_updates(tiny_copy):
    """Issue 11: with --update-token, queries still run in killable executors (the time limit holds), and an update
    reaches the executors, which are replaced by ones forked from the updated graph."""
    settings = load_settings({"root": str(tiny_copy), "update_token": "s3cret", "service_allowlist": "",
                              "query_timeout": 1.0, "cache_bytes": 0, "instance": str(tiny_copy / "instance")},
                             environ={})
    app = create_app(settings)
    try:
        client = app.test_client()
        assert app.extensions["scokg"].runtime.executor is not None
        started = time.monotonic()
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
        r = client.get("/sparql?query=" + quote(runaway))
        assert r.status_code == 503 and time.monotonic() - started < 5
        ask = "/sparql?query=" + quote("ASK { <urn:x:new> <urn:x:p> 1 }")
        assert client.get(ask, headers=JSON).get_json()["boolean"] is False
        r = client.post("/sparql", data="INSERT DATA { <urn:x:new> <urn:x:p> 1 }",
                        content_type="application/sparql-update", headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 204
        for _ in range(4):  # whichever executor answers
            assert client.get(ask, headers=JSON).get_json()["boolean"] is True
    finally:
        app.extensions["scokg"].runtime.close()
