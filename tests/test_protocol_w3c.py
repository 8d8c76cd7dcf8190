"""The W3C SPARQL 1.1 Protocol test cases (rdf-tests, sparql/sparql11/protocol), one test per case.

Query-side cases run against the real graph. The dataset cases use scokg's own named graphs: the default graph
a plain query sees is the union of the ontology and data graphs, and the shapes graph stays out of it unless a
request names it. Update-side cases run against a server started with an update token, since without one every
update is refused with 403 (tested in test_sparql_update.py); their requests are the W3C ones, verbatim.
Where a query case's exact W3C request also makes sense against our graph, the test sends it too.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import rdflib

from scokg.config import load_settings
from scokg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from scokg.web.app import create_app

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


W3C_DATA0 = "&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"


def test_query_get(client):
    r = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"), headers={"Accept": "application/sparql-results+json"})
    assert _ask(r) is True
    assert _ask(client.get("/sparql?query=ASK%20%7B%7D" + W3C_DATA0)) is True, "the W3C request"


def test_query_post_form(client):
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                    headers={"Accept": "application/sparql-results+json"})
    assert _ask(r) is True
    r = client.post("/sparql?" + W3C_DATA0[1:], data="query=ASK%20%7B%7D", content_type=FORM)
    assert _ask(r) is True, "the W3C request: URL parameters and form body together"


def test_query_post_direct(client):
    r = client.post("/sparql", data="ASK { ?s ?p ?o }", content_type="application/sparql-query",
                    headers={"Accept": "application/sparql-results+json"})
    assert _ask(r) is True
    assert _ask(client.post("/sparql", data="ASK {}", content_type="application/sparql-query")) is True


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
    # the W3C request, without Accept: a tabular format
    r = client.post("/sparql?" + W3C_DATA0[1:], data="SELECT (1 AS ?value) {}", content_type="application/sparql-query")
    assert _json(r)["results"]["bindings"][0]["value"]["value"] == "1"


def test_query_content_type_ask(client):
    r = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"), headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+xml" and b"<boolean>true" in r.data
    assert _ask(client.post("/sparql?" + W3C_DATA0[1:], data="ASK {}", content_type="application/sparql-query"))


def test_query_content_type_describe(client):
    r = client.get("/sparql?query=" + quote("DESCRIBE <https://w3id.org/scokg/id/almaty>"),
                   headers={"Accept": "application/rdf+xml, text/turtle;q=0.5"})
    assert r.status_code == 200 and r.mimetype == "application/rdf+xml"
    assert len(rdflib.Graph().parse(data=r.data, format="xml")) > 0
    r = client.post("/sparql?" + W3C_DATA0[1:], data="DESCRIBE <http://example.org/>",
                    content_type="application/sparql-query")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert len(rdflib.Graph().parse(data=r.data, format="turtle")) == 0


def test_query_content_type_construct_w3c_relative_iris(client):
    """The W3C request uses relative IRIs; the service resolves them against its base IRI."""
    r = client.post("/sparql?" + W3C_DATA0[1:], data="CONSTRUCT { <s> <p> 1 } WHERE {}",
                    content_type="application/sparql-query")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert list(g) == [(rdflib.URIRef("https://w3id.org/scokg/s"), rdflib.URIRef("https://w3id.org/scokg/p"),
                        rdflib.Literal(1))]


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
    for content_type in ("application/sparql-query", "application/sparql-query; charset=UTF-16"):
        r = client.post("/sparql", data="ASK {}".encode("utf-16"), content_type=content_type)
        assert r.status_code == 400 and "UTF-8" in r.get_json()["error"]


def test_bad_query_syntax(client):
    r = client.get("/sparql?query=" + quote("ASK { ?s ?p }"))
    assert r.status_code == 400
    assert "1:" in r.get_json()["error"], "the parser's message with line and column"
    assert client.get("/sparql?query=ASK%20%7B").status_code == 400


# ---------------------------------------------------------------- update operation (server with a token)

TOKEN = "w3c-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = "application/sparql-update"
QUERY = "application/sparql-query"
INSERT = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
D = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata"
# The W3C update bodies: clear everything, put three documents in three graphs, copy what the dataset shows.
W3C_SETUP = """PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DROP ALL ;
INSERT DATA {
    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document }
    GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a foaf:Document }
    GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a foaf:Document }
} ;
"""  # noqa: E501 - the W3C text as published
W3C_CHECK = """ASK {
    GRAPH <http://example.org/%(g)s/> {
        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
    }
    FILTER NOT EXISTS {
        GRAPH <http://example.org/%(g)s/> {
            <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        }
    }
}"""


@pytest.fixture()
def writable(tiny_copy):
    settings = load_settings({"root": str(tiny_copy), "update_token": TOKEN, "service_allowlist": ""}, environ={})
    app = create_app(settings)
    yield app.test_client()
    app.extensions["scokg"].runtime.close()


def _count(client) -> int:
    r = client.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    return int(_json(r)["results"]["bindings"][0]["n"]["value"])


def _post_query(client, text):
    return client.post("/sparql", data=text, content_type=QUERY)


def test_update_dataset_default_graph(writable):
    body = """PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CLEAR ALL ;
INSERT DATA {
    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> {
        <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document
    }
} ;
INSERT {
    GRAPH <http://example.org/protocol-update-dataset-test/> {
        ?s a dc:BibliographicResource
    }
}
WHERE {
    ?s a foaf:Document
}"""
    r = writable.post(f"/sparql?using-graph-uri={D}1.rdf", data=body, content_type=UPDATE, headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    check = """ASK {
    GRAPH <http://example.org/protocol-update-dataset-test/> {
        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource>
    }
}"""
    assert _ask(_post_query(writable, check)) is True


def test_update_dataset_default_graphs(writable):
    body = W3C_SETUP + """INSERT {
    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {
        ?s a dc:BibliographicResource
    }
}
WHERE {
    ?s a foaf:Document
}"""
    r = writable.post(f"/sparql?using-graph-uri={D}1.rdf&using-graph-uri={D}2.rdf", data=body, content_type=UPDATE,
                      headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    assert _ask(_post_query(writable, W3C_CHECK % {"g": "protocol-update-dataset-graphs-test"})) is True


def test_update_dataset_named_graphs(writable):
    body = W3C_SETUP + """INSERT {
    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {
        ?s a dc:BibliographicResource
    }
}
WHERE {
    GRAPH ?g {
        ?s a foaf:Document
    }
}"""
    r = writable.post(f"/sparql?using-named-graph-uri={D}1.rdf&using-named-graph-uri={D}2.rdf", data=body,
                      content_type=UPDATE, headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    assert _ask(_post_query(writable, W3C_CHECK % {"g": "protocol-update-dataset-named-graphs-test"})) is True


def test_update_dataset_full(writable):
    body = W3C_SETUP + """INSERT {
    GRAPH <http://example.org/protocol-update-dataset-full-test/> {
        ?s <http://example.org/in> ?in
    }
}
WHERE {
    {
        GRAPH ?g { ?s a foaf:Document }
        BIND(?g AS ?in)
    }
    UNION
    {
        ?s a foaf:Document .
        BIND("default" AS ?in)
    }
}"""
    r = writable.post(f"/sparql?using-graph-uri={D}1.rdf&using-named-graph-uri={D}2.rdf", data=body,
                      content_type=UPDATE, headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    check = """ASK {
    GRAPH <http://example.org/protocol-update-dataset-full-test/> {
        <http://kasei.us/2009/09/sparql/data/data1.rdf> <http://example.org/in> "default" .
        <http://kasei.us/2009/09/sparql/data/data2.rdf> <http://example.org/in> <http://kasei.us/2009/09/sparql/data/data2.rdf> .
    }
    FILTER NOT EXISTS {
        GRAPH <http://example.org/protocol-update-dataset-full-test/> {
            <http://kasei.us/2009/09/sparql/data/data3.rdf> ?p ?o
        }
    }
}"""  # noqa: E501 - the W3C text as published
    assert _ask(_post_query(writable, check)) is True


def test_update_post_form(writable):
    before = _count(writable)
    assert writable.post("/sparql", data={"update": INSERT}, headers=AUTH).status_code == 204
    assert _count(writable) == before + 1
    r = writable.post("/sparql", data="update=CLEAR+ALL", content_type=FORM, headers=AUTH)
    assert r.status_code == 204 and _count(writable) == 0


def test_update_post_direct(writable):
    before = _count(writable)
    r = writable.post("/sparql", data=INSERT, content_type=UPDATE, headers=AUTH)
    assert r.status_code == 204
    assert _count(writable) == before + 1
    assert writable.post("/sparql", data="CLEAR ALL", content_type=UPDATE, headers=AUTH).status_code == 204
    assert _count(writable) == 0


def test_update_base_uri(writable):
    body = """CLEAR GRAPH <http://example.org/protocol-base-test/> ;
INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }"""  # noqa: E501
    assert writable.post("/sparql", data=body, content_type=UPDATE, headers=AUTH).status_code == 204
    r = _post_query(writable, """SELECT ?o WHERE {
    GRAPH <http://example.org/protocol-base-test/> {
        <http://example.org/s> <http://example.org/p> ?o
    }
}""")
    [row] = _json(r)["results"]["bindings"]
    assert row["o"]["type"] == "uri" and row["o"]["value"] != "test"
    assert row["o"]["value"] == "https://w3id.org/scokg/test", "resolved against the service's base IRI"


def test_bad_update_get(writable):
    assert writable.get("/sparql?update=CLEAR%20ALL", headers=AUTH).status_code == 400


def test_bad_multiple_updates(writable):
    before = _count(writable)
    r = writable.post("/sparql", data="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", content_type=FORM, headers=AUTH)
    assert r.status_code == 400
    assert _count(writable) == before


def test_bad_update_wrong_media_type(writable):
    assert writable.post("/sparql", data="CLEAR NAMED", content_type="text/plain", headers=AUTH).status_code == 415


def test_bad_update_missing_form_type(writable):
    r = writable.post("/sparql", data="update=CLEAR%20NAMED", headers={**AUTH, "Content-Type": ""})
    assert r.status_code == 415


def test_bad_update_non_utf8(writable):
    r = writable.post("/sparql", data="CLEAR NAMED".encode("utf-16"), content_type="application/sparql-update; "
                      "charset=UTF-16", headers=AUTH)
    assert r.status_code == 400 and "UTF-8" in r.get_json()["error"]


def test_bad_update_syntax(writable):
    before = _count(writable)
    r = writable.post("/sparql", data="update=CLEAR%20XYZ", content_type=FORM, headers=AUTH)
    assert r.status_code == 400 and "malformed update" in r.get_json()["error"]
    r = writable.post("/sparql", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> }"}, headers=AUTH)
    assert r.status_code == 400 and "1:" in r.get_json()["error"], "the parser's line and column"
    assert _count(writable) == before


def test_bad_update_dataset_conflict(writable):
    before = _count(writable)
    body = """PREFIX foaf:  <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?person foaf:givenName 'Bill' }
INSERT { ?person foaf:givenName 'William' }
WHERE {
    ?person foaf:givenName 'Bill'
}"""
    r = writable.post("/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", data=body, content_type=UPDATE,
                      headers=AUTH)
    assert r.status_code == 400 and "USING or WITH" in r.get_json()["error"]
    r = writable.post("/sparql", data={"update": "DELETE { ?s ?p ?o } USING <urn:x:g> WHERE { ?s ?p ?o }",
                                       "using-graph-uri": "urn:x:h"}, headers=AUTH)
    assert r.status_code == 400
    assert _count(writable) == before
