"""Regressions of issue 11: right answers for every client, and no way around the SERVICE allow-list.

Issue: https://w3id.org/scokg/issues/11 (the project's tracker, issue 11). Each test failed before its fix.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
import rdflib

from conftest import ROOT, make_settings
from scokg.web.app import create_app
from wikidata_support import SilentServer

SHAPES = "https://w3id.org/scokg/graph/shapes"
JSON = {"Accept": "application/sparql-results+json"}
# counted by rdflib from the source file, not by the code under test
SHAPE_COUNT = len(set(rdflib.Graph().parse(ROOT / "shapes" / "scokg-shapes.ttl").subjects(
    rdflib.RDF.type, rdflib.SH.NodeShape)))
COUNT = "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT (COUNT(*) AS ?n) {} {{ ?s a sh:NodeShape }}"


def _n(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- FROM / FROM NAMED and the protocol's dataset


@pytest.mark.parametrize(("clause", "params", "expected"), [
    (f"FROM <{SHAPES}>", "", SHAPE_COUNT),
    (f"FROM NAMED <{SHAPES}>", "", 0),
    ("", "&named-graph-uri=" + quote(SHAPES), 0),
    ("", "&default-graph-uri=" + quote(SHAPES), SHAPE_COUNT),
    ("FROM <https://w3id.org/scokg/graph/data>", "&default-graph-uri=" + quote(SHAPES), SHAPE_COUNT),
    (f"FROM <{SHAPES}>", "&named-graph-uri=" + quote(SHAPES), 0),
])
def test_the_query_and_the_protocol_choose_the_dataset(client, clause, params, expected):
    r = client.get("/sparql?query=" + quote(COUNT.format(clause)) + params, headers=JSON)
    assert _n(r) == expected


def test_from_named_is_seen_by_graph_patterns(client):
    q = (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{SHAPES}> "
         "{ GRAPH ?g { ?s a <http://www.w3.org/ns/shacl#NodeShape> } }")
    assert _n(client.post("/sparql", data=q, content_type="application/sparql-query", headers=JSON)) == SHAPE_COUNT


# ---------------------------------------------------------------- SERVICE: no spelling gets through


def _spellings(url: str) -> list[str]:
    base, _, local = url.rpartition("/")
    return [
        f"SELECT * WHERE {{ SERVICE<{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SiLeNt <{url}>{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE# a comment\n<{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\t\n<{url}>{{}} }}",
        f"PREFIX x: <{base}/> SELECT * WHERE {{ SERVICE x:{local} {{ ?s ?p ?o }} }}",
        f"PREFIX : <{base}/> SELECT * WHERE {{ SERVICE :{local} {{ ?s ?p ?o }} }}",
        f"BASE <{base}/> SELECT * WHERE {{ SERVICE <{local}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url.replace(':', chr(92) + 'u003A', 2)}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVI\\u0043E <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ FILTER NOT EXISTS {{ SERVICE <{url}> {{ }} }} }}",
        f"SELECT * WHERE {{ {{ }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(IRI(\"{url}\") AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
        f'SELECT ("SERVICE <urn:x>" AS ?a) WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}',
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url.replace('127.0.0.1', 'localhost')}> {{ ?s ?p ?o }} }}",
    ]


def test_no_service_spelling_reaches_a_host_off_the_allow_list():
    with SilentServer() as listener:
        app = create_app(make_settings(service_allowlist="https://query.wikidata.org/sparql", service_timeout=1.0))
        try:
            client = app.test_client()
            for i, query in enumerate(_spellings(listener.url)):
                sends = [
                    lambda q=query: client.get("/sparql?query=" + quote(q)),
                    lambda q=query: client.post("/sparql", data=q, content_type="application/sparql-query"),
                    lambda q=query: client.post("/sparql", data={"query": q}),
                ]
                r = sends[i % 3]()
                assert r.status_code == 400, (query, r.status_code, r.get_data(as_text=True))
                body = r.get_json()
                # refused by name, or (an escape outside an IRI or string) not SPARQL at all, for the engine too
                assert ("SERVICE" in body["error"] and "query.wikidata.org" in body["hint"]) or \
                    body["error"].startswith("malformed query"), body
            time.sleep(0.3)
            assert listener.connections == 0
        finally:
            app.extensions["scokg"].runtime.close()


def test_the_listener_does_see_an_allowed_service_call():
    """The control: with the listener on the allow-list, the same harness counts its connection."""
    with SilentServer() as listener:
        app = create_app(make_settings(service_allowlist=listener.url, service_timeout=1.0))
        try:
            query = f"SELECT * {{ SERVICE<{listener.url}> {{ ?s ?p ?o }} }}"
            r = app.test_client().get("/sparql?query=" + quote(query))
            assert r.status_code == 504
            deadline = time.monotonic() + 3
            while listener.connections == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert listener.connections >= 1
        finally:
            app.extensions["scokg"].runtime.close()


# ---------------------------------------------------------------- a client's fault is a 400, never a 5xx


@pytest.mark.parametrize("path", [
    "/sparql?query=" + quote("ASK {}") + "&default-graph-uri=not%20a%20uri",
    "/sparql?query=" + quote("ASK {}") + "&named-graph-uri=%3C%3E",
    "/sparql?query=" + quote("ASK {}") + "&default-graph-uri=",
])
def test_client_errors_are_400_with_a_message(client, path):
    r = client.get(path, headers=JSON)
    assert r.status_code == 400, r.get_data(as_text=True)
    body = r.get_json()
    assert body["ok"] is False and body["status"] == 400 and len(body["error"]) > 10


def test_an_unknown_function_is_an_error_of_its_expression_not_of_the_query(client):
    """SPARQL 1.1, 17.6: an unrecognised function call is an expression error (W3C syntax-query test_4)."""
    r = client.get("/sparql?query=" + quote("SELECT (<http://example.org/f>(1) AS ?x) (2 AS ?y) {}"), headers=JSON)
    assert r.status_code == 200
    assert r.get_json()["results"]["bindings"] == [{"y": {"type": "literal", "value": "2",
                                                        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]
    assert "http://example.org/f" in r.headers["X-SPARQL-Warning"]
    r = client.get("/sparql?query=" + quote("ASK { FILTER(<http://example.org/f>(1)) }"), headers=JSON)
    assert r.status_code == 200 and r.get_json()["boolean"] is False


# ---------------------------------------------------------------- HTTP details


def test_head_answers_like_get_without_a_body(client):
    path = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
    get, head = client.get(path, headers=JSON), client.head(path, headers=JSON)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"] and head.headers["ETag"] == get.headers["ETag"]


def test_a_406_offers_only_what_can_be_produced(client):
    r = client.get("/sparql?query=" + quote("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"),
                   headers={"Accept": "application/n-quads"})
    assert r.status_code == 406
    hint = r.get_json()["hint"]
    assert "text/turtle" in hint and "n-quads" not in hint and "trig" not in hint


@pytest.mark.parametrize(("headers", "status"), [
    ({"If-Match": "*"}, 200),
    ({"Range": "bytes=0-10,20-30"}, 200),  # several ranges: served whole (RFC 9110 lets a server ignore Range)
    ({"Range": "bytes=abc"}, 200),  # malformed: ignored
    ({"Range": "bytes=0-9"}, 206),
])
def test_dump_conditions(client, headers, status):
    r = client.get("/dumps/scokg.ttl", headers=headers)
    body = r.data
    r.close()
    assert r.status_code == status
    if status == 200:
        assert body.startswith(b"@prefix") and "Content-Range" not in r.headers
    else:
        assert len(body) == 10 and r.headers["Content-Range"].startswith("bytes 0-9/")


def test_an_unsatisfiable_range_is_416_with_the_length(client):
    r = client.get("/dumps/scokg.ttl", headers={"Range": "bytes=999999999-"})
    r.close()
    assert r.status_code == 416 and r.headers["Content-Range"].startswith("bytes */")


# ---------------------------------------------------------------- metadata that is true


def test_the_service_description_claims_only_what_is_true(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.feature, sd.UnionDefaultGraph) not in g  # the shapes graph is named but not in the default
    comment = " ".join(str(o) for o in g.objects(None, rdflib.RDFS.comment))
    assert "SERVICE is refused" in comment  # the test app's allow-list is empty, and the description says so


def test_a_foreign_host_header_never_reaches_a_later_client(client):
    for path in ("/dataset.ttl", "/sparql", "/", "/id/almaty.ttl"):
        client.get(path, headers={"Host": "evil.example", "Accept": "text/turtle"})
        r = client.get(path, headers={"Accept": "text/turtle"})
        assert b"evil.example" not in r.data, path


def test_a_value_xml_cannot_carry_is_a_406_for_xml_and_fine_in_json(client):
    query = "/sparql?query=" + quote('SELECT ?x { BIND("a\\u0001b" AS ?x) }')
    r = client.get(query, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 406 and "U+0001" in r.get_json()["error"]
    assert client.get(query, headers=JSON).get_json()["results"]["bindings"][0]["x"]["value"] == "a\u0001b"
