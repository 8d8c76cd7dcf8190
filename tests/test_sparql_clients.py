"""Real clients against a live server on 127.0.0.1: SPARQLWrapper in each format, rdflib's SPARQLStore, and the
time limit that stops a runaway query while others are still answered."""

from __future__ import annotations

import threading
import time
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from conftest import ROOT, LiveServer
from scokg.config import load_settings
from scokg.web.app import create_app

PRIORITIES = """PREFIX sco: <https://w3id.org/scokg/ontology#>
SELECT ?p ?order WHERE { ?p a sco:Priority ; sco:order ?order } ORDER BY ?order"""


def _wrapper(url, query, fmt):
    w = SPARQLWrapper(url + "/sparql", agent="scokg-tests")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    return w.query().convert()


def test_sparqlwrapper_json(live_server):
    doc = _wrapper(live_server.url, PRIORITIES, JSON)
    assert [int(b["order"]["value"]) for b in doc["results"]["bindings"]] == [1, 2, 3, 4, 5, 6]


def test_sparqlwrapper_xml(live_server):
    dom = _wrapper(live_server.url, PRIORITIES, XML)
    assert len(dom.getElementsByTagName("result")) == 6


def test_sparqlwrapper_csv(live_server):
    text = _wrapper(live_server.url, PRIORITIES, CSV).decode("utf-8")
    assert text.splitlines()[0] == "p,order" and len(text.splitlines()) == 7


def test_sparqlwrapper_construct_turtle(live_server):
    data = _wrapper(live_server.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/scokg/ontology#City> ; "
                                     "?p ?o }", TURTLE)
    g = rdflib.Graph().parse(data=data, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/scokg/id/almaty"), rdflib.RDF.type,
            rdflib.URIRef("https://w3id.org/scokg/ontology#City")) in g


def test_sparqlwrapper_post(live_server):
    w = SPARQLWrapper(live_server.url + "/sparql", agent="scokg-tests")
    w.setMethod("POST")
    w.setQuery(PRIORITIES)
    w.setReturnFormat(JSON)
    assert len(w.query().convert()["results"]["bindings"]) == 6


def test_rdflib_sparqlstore(live_server):
    g = rdflib.Graph(store=SPARQLStore(live_server.url + "/sparql", returnFormat="json"))
    rows = list(g.query(PRIORITIES))
    assert [int(r.order) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert (rdflib.URIRef("https://w3id.org/scokg/id/almaty"), rdflib.RDFS.label,
            rdflib.Literal("Almaty", lang="en")) in g


PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture()
def slow_limit_server():
    settings = load_settings({"root": str(ROOT), "query_timeout": 1.5, "query_workers": 2, "service_allowlist": "",
                              "cache_bytes": 0}, environ={})
    app = create_app(settings)
    with LiveServer(app) as server:
        yield server
    app.extensions["scokg"].runtime.close()


def _get(url, query):
    try:
        with urlopen(Request(url + "/sparql?query=" + quote(query),
                             headers={"Accept": "application/sparql-results+json"}), timeout=30) as r:
            return r.status, r.read()
    except HTTPError as exc:
        return exc.code, exc.read()


def test_runaway_query_stops_at_the_limit_while_others_are_answered(slow_limit_server):
    url = slow_limit_server.url
    outcome = {}

    def slow():
        started = time.monotonic()
        outcome["status"], outcome["body"] = _get(url, PATHOLOGICAL)
        outcome["seconds"] = time.monotonic() - started

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, _ = _get(url, PRIORITIES)
    assert status == 200 and time.monotonic() - started < 1.0, "a simple query waits behind a runaway one"
    t.join(timeout=20)
    assert outcome["status"] == 503
    assert b"longer than the time limit of 1.5 s" in outcome["body"]
    assert outcome["seconds"] < 5
    # Nothing is left busy: the next queries are answered at once.
    for _ in range(3):
        assert _get(url, PRIORITIES)[0] == 200
