"""Every result format parses back (rdflib, csv, json) to the store's own answer."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
import rdflib
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser

from rdf_support import isomorphic

SELECT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sco: <https://w3id.org/scokg/ontology#>
SELECT ?s ?label ?year WHERE { ?s rdfs:label ?label OPTIONAL { ?s sco:year ?year } } ORDER BY ?s ?label"""
CONSTRUCT = """PREFIX sco: <https://w3id.org/scokg/ontology#>
CONSTRUCT { ?i ?p ?o } WHERE { ?i a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* sco:Initiative ; ?p ?o }"""
GRAPH_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def store(app):
    return app.extensions["scokg"].runtime.store


def _expected_rows(store):
    return [tuple(row.get(v) for v in ("s", "label", "year")) for row in store.select(SELECT)]


def _term(binding):
    if binding is None:
        return None
    if binding["type"] == "uri":
        return rdflib.URIRef(binding["value"])
    if binding["type"] == "bnode":
        return rdflib.BNode(binding["value"])
    dt = binding.get("datatype")
    return rdflib.Literal(binding["value"], lang=binding.get("xml:lang"), datatype=rdflib.URIRef(dt) if dt else None)


def _get(client, query, accept):
    r = client.get("/sparql?query=" + quote(query), headers={"Accept": accept})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == accept and r.headers["Content-Type"].endswith("charset=utf-8")
    return r


def test_select_json(client, store):
    doc = json.loads(_get(client, SELECT, "application/sparql-results+json").data)
    assert doc["head"]["vars"] == ["s", "label", "year"]
    got = [tuple(_term(b.get(v)) for v in ("s", "label", "year")) for b in doc["results"]["bindings"]]
    assert got == _expected_rows(store)


def test_select_xml(client, store):
    result = XMLResultParser().parse(io.BytesIO(_get(client, SELECT, "application/sparql-results+xml").data))
    got = [tuple(row.get(rdflib.Variable(v)) for v in ("s", "label", "year")) for row in result.bindings]
    assert got == _expected_rows(store)


def test_select_csv(client, store):
    rows = list(csv.reader(io.StringIO(_get(client, SELECT, "text/csv").get_data(as_text=True))))
    assert rows[0] == ["s", "label", "year"]
    expected = [[str(t) if t is not None else "" for t in row] for row in _expected_rows(store)]
    assert rows[1:] == expected


def test_select_tsv(client, store):
    lines = _get(client, SELECT, "text/tab-separated-values").get_data(as_text=True).rstrip("\n").split("\n")
    assert lines[0].split("\t") == ["?s", "?label", "?year"]
    expected = ["\t".join(t.n3() if t is not None else "" for t in row) for row in _expected_rows(store)]
    assert lines[1:] == expected


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
def test_ask_in_every_format(client, media_type):
    for query, answer in (("ASK { ?s ?p ?o }", "true"), ("ASK { <urn:x:none> ?p ?o }", "false")):
        body = _get(client, query, media_type).get_data(as_text=True)
        assert answer in body.lower()


@pytest.mark.parametrize("media_type", sorted(GRAPH_FORMATS))
def test_construct_round_trips(client, store, media_type):
    r = _get(client, CONSTRUCT, media_type)
    got = rdflib.Graph().parse(data=r.data, format=GRAPH_FORMATS[media_type])
    assert len(got) > 100
    assert isomorphic(got, store.construct(CONSTRUCT))


@pytest.mark.parametrize("media_type", sorted(GRAPH_FORMATS))
def test_describe_round_trips(client, store, media_type):
    iri = "https://w3id.org/scokg/id/almaty"
    r = _get(client, f"DESCRIBE <{iri}>", media_type)
    got = rdflib.Graph().parse(data=r.data, format=GRAPH_FORMATS[media_type])
    assert (rdflib.URIRef(iri), rdflib.RDFS.label, rdflib.Literal("Almaty", lang="en")) in got
    assert isomorphic(got, store.construct(f"DESCRIBE <{iri}>"))
