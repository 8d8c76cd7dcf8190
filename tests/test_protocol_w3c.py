"""The W3C SPARQL 1.1 Protocol test cases (rdf-tests, sparql/sparql11/protocol), one test per case.

Query-side cases run against the real graph. The dataset cases use scokg's own named graphs: the default graph
a plain query sees is the union of the ontology and data graphs, and the shapes graph stays out of it unless a
request names it. Update-side cases run against a server started with an update token, since without one every
update is refused with 403 (tested in test_sparql_update.py).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import rdflib

from scokg.app import create_app
from scokg.config import load_settings
from scokg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH

FORM = "application/x-www-form-urlencoded"
ASK_SHAPES = "ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }"
ASK_ONTOLOGY = "ASK { <https://w3id.org/scokg/ontology> a <http://www.w3.org/2002/07/owl#Ontology> }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
TOKEN = "w3c-test-token"


def _json(r):
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/sparql-results+json"
    return json.loads(r.data)


def _ask(r) -> bool:
    return _json(r)["boolean"]


def _graphs(r) -> list[str]:
    return [b["g"]["value"] for b in _json(r)["results"]["bindings"]]


# ---------------------------------------------------------------- query operation


def test_query_get(client):
    r = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"), headers={"Accept": "application/sparql-results+json"})
    assert _ask(r) is True


def test_query_post_form(client):
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                    headers={"Accept": "application/sparql-results+json"})
    assert _ask(r) is True


def test_query_post_direct(client):
    r = client.post("/sparql", data="ASK { ?s ?p ?o }", content_type="application/sparql-query",
                    headers={"Accept": "application/sparql-results+json"})
    assert _ask(r) is True


def test_query_dataset_default_graph(client):
    assert _ask(client.get("/sparql?query=" + quote(ASK_SHAPES))) is False
    r = client.get("/sparql?query=" + quote(ASK_SHAPES) + "&default-graph-uri=" + quote(str(SHAPES_GRAPH)))
    assert _ask(r) is True


def test_query_dataset_default_graphs_get(client):
    both = f"&default-graph-uri={quote(str(SHAPES_GRAPH))}&default-graph-uri={quote(str(ONTOLOGY_GRAPH))}"
    assert _ask(client.get("/sparql?query=" + quote(ASK_SHAPES) + both)) is True
    assert _ask(client.get("/sparql?query=" + quote(ASK_ONTOLOGY) + both)) is True
    only_data = f"&default-graph-uri={quote(str(DATA_GRAPH))}"
    assert _ask(client.get("/sparql?query=" + quote(ASK_ONTOLOGY) + only_data)) is False


def test_query_dataset_default_graphs_post(client):
    body = {"query": ASK_SHAPES, "default-graph-uri": [str(SHAPES_GRAPH), str(DATA_GRAPH)]}
    assert _ask(client.post("/sparql", data=body)) is True
    body = {"query": ASK_ONTOLOGY, "default-graph-uri": [str(SHAPES_GRAPH), str(DATA_GRAPH)]}
    assert _ask(client.post("/sparql", data=body)) is False


def test_query_dataset_named_graphs_post(client):
    body = {"query": GRAPHS, "named-graph-uri": [str(SHAPES_GRAPH), str(ONTOLOGY_GRAPH)]}
    assert _graphs(client.post("/sparql", data=body)) == sorted([str(SHAPES_GRAPH), str(ONTOLOGY_GRAPH)])


def test_query_dataset_named_graphs_get(client):
    r = client.get("/sparql?query=" + quote(GRAPHS) + "&named-graph-uri=" + quote(str(DATA_GRAPH)))
    assert _graphs(r) == [str(DATA_GRAPH)]


def test_query_dataset_full(client):
    q = f"ASK {{ ?s a <http://www.w3.org/ns/shacl#NodeShape> GRAPH <{DATA_GRAPH}> {{ ?x a ?c }} }}"
    r = client.get("/sparql?query=" + quote(q) + "&default-graph-uri=" + quote(str(SHAPES_GRAPH))
                   + "&named-graph-uri=" + quote(str(DATA_GRAPH)))
    assert _ask(r) is True
    r = client.get("/sparql?query=" + quote(q) + "&default-graph-uri=" + quote(str(SHAPES_GRAPH))
                   + "&named-graph-uri=" + quote(str(ONTOLOGY_GRAPH)))
    assert _ask(r) is False


def test_query_multiple_dataset(client):
    """Protocol parameters override the query's own FROM."""
    q = f"ASK FROM <{DATA_GRAPH}> {{ ?s a <http://www.w3.org/ns/shacl#NodeShape> }}"
    assert _ask(client.get("/sparql?query=" + quote(q))) is False
    assert _ask(client.get("/sparql?query=" + quote(q) + "&default-graph-uri=" + quote(str(SHAPES_GRAPH)))) is True


def test_query_content_type_select(client):
    r = client.get("/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"),
                   headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+xml"
    assert b"<sparql" in r.data


def test_query_content_type_ask(client):
    r = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"), headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+xml" and b"<boolean>true" in r.data


def test_query_content_type_describe(client):
    r = client.get("/sparql?query=" + quote("DESCRIBE <https://w3id.org/scokg/id/almaty>"),
                   headers={"Accept": "application/rdf+xml, text/turtle;q=0.5"})
    assert r.status_code == 200 and r.mimetype == "application/rdf+xml"
    assert len(rdflib.Graph().parse(data=r.data, format="xml")) > 0


def test_query_content_type_construct(client):
    r = client.get("/sparql?query=" + quote("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"),
                   headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert len(rdflib.Graph().parse(data=r.data, format="turtle")) == 3


# ---------------------------------------------------------------- malformed query requests


def test_bad_query_method(client):
    r = client.put("/sparql?query=" + quote("ASK {}"))
    assert r.status_code == 405 and "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


def test_bad_multiple_queries(client):
    r = client.get("/sparql?query=" + quote("ASK {}") + "&query=" + quote("SELECT * {}"))
    assert r.status_code == 400


def test_bad_query_wrong_media_type(client):
    r = client.post("/sparql", data="ASK {}", content_type="text/plain")
    assert r.status_code == 415


def test_bad_query_missing_form_type(client):
    r = client.post("/sparql", data="query=ASK%20%7B%7D", headers={"Content-Type": ""})
    assert r.status_code == 415


def test_bad_query_missing_direct_type(client):
    r = client.post("/sparql", data="ASK {}", headers={"Content-Type": ""})
    assert r.status_code == 415


def test_bad_query_non_utf8(client):
    r = client.post("/sparql", data="ASK {}".encode("utf-16"), content_type="application/sparql-query")
    assert r.status_code == 400 and "UTF-8" in r.get_json()["error"]


def test_bad_query_syntax(client):
    r = client.get("/sparql?query=" + quote("ASK { ?s ?p }"))
    assert r.status_code == 400
    assert "1:" in r.get_json()["error"], "the parser's message with line and column"


# ---------------------------------------------------------------- update operation (server with a token)


@pytest.fixture()
def writable(tiny_copy):
    settings = load_settings({"root": str(tiny_copy), "update_token": TOKEN, "service_allowlist": ""}, environ={})
    app = create_app(settings)
    yield app.test_client(), app
    app.extensions["scokg"].runtime.close()


AUTH = {"Authorization": f"Bearer {TOKEN}"}
INSERT = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"


def _count(client) -> int:
    r = client.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    return int(_json(r)["results"]["bindings"][0]["n"]["value"])


def test_update_post_form(writable):
    client, _ = writable
    before = _count(client)
    assert client.post("/sparql", data={"update": INSERT}, headers=AUTH).status_code == 204
    assert _count(client) == before + 1


def test_update_post_direct(writable):
    client, _ = writable
    before = _count(client)
    r = client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=AUTH)
    assert r.status_code == 204
    assert _count(client) == before + 1


def test_bad_update_get(writable):
    client, _ = writable
    assert client.get("/sparql?update=" + quote(INSERT), headers=AUTH).status_code == 400


def test_bad_multiple_updates(writable):
    client, _ = writable
    r = client.post("/sparql", data={"update": [INSERT, "CLEAR ALL"]}, headers=AUTH)
    assert r.status_code == 400


def test_bad_update_wrong_media_type(writable):
    client, _ = writable
    assert client.post("/sparql", data=INSERT, content_type="text/plain", headers=AUTH).status_code == 415


def test_bad_update_missing_form_type(writable):
    client, _ = writable
    r = client.post("/sparql", data="update=" + quote(INSERT), headers={**AUTH, "Content-Type": ""})
    assert r.status_code == 415


def test_bad_update_non_utf8(writable):
    client, _ = writable
    r = client.post("/sparql", data=INSERT.encode("utf-16"), content_type="application/sparql-update", headers=AUTH)
    assert r.status_code == 400


def test_bad_update_syntax(writable):
    client, _ = writable
    before = _count(client)
    r = client.post("/sparql", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> }"}, headers=AUTH)
    assert r.status_code == 400 and "malformed update" in r.get_json()["error"]
    assert _count(client) == before


def test_bad_update_dataset_conflict(writable):
    client, _ = writable
    update = "DELETE { ?s ?p ?o } USING <urn:x:g> WHERE { ?s ?p ?o }"
    r = client.post("/sparql", data={"update": update, "using-graph-uri": "urn:x:h"}, headers=AUTH)
    assert r.status_code == 400
