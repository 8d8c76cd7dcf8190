"""Real clients with their default settings against `scokg serve` (granian) on 127.0.0.1 (issue 11):
SPARQLWrapper in every return format it offers, for every query form, by GET and POST and with no format set;
rdflib's SPARQLStore and Graph().parse(url); Debian's rapper over every dump and resource page."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
import warnings
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from conftest import INSTANCE, ROOT
from load import scokg_server

SCO = "https://w3id.org/scokg/ontology#"
ALMATY = rdflib.URIRef("https://w3id.org/scokg/id/almaty")
# What the checkout's files hold, counted by rdflib: the expected answers do not come from the server.
SOURCE = rdflib.Graph()
for _folder in ("ontology", "data"):
    for _path in (ROOT / _folder).rglob("*.ttl"):
        SOURCE.parse(_path, format="turtle")
PRIORITY_COUNT = len(set(SOURCE.subjects(rdflib.RDF.type, rdflib.URIRef(SCO + "Priority"))))
CITY_TRIPLES = {(s, p, o) for s in SOURCE.subjects(rdflib.RDF.type, rdflib.URIRef(SCO + "City"))
                for p, o in SOURCE.predicate_objects(s)}
QUERIES = {
    "SELECT": f"SELECT ?p WHERE {{ ?p a <{SCO}Priority> }}",
    "ASK": f"ASK {{ ?p a <{SCO}Priority> }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{SCO}City> ; ?p ?o }}",
    "DESCRIBE": f"DESCRIBE <{ALMATY}>",
}
FORMATS = [None, JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD]
# The server's limit in these tests: above SPARQLWrapper's long GET below, under the 64 KB the HTTP layer (hyper)
# allows in a request line (a longer URL gets its plain 414 before any of scokg's code runs).
MAX_QUERY = 40_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    extra = ("--instance", str(INSTANCE), "--setting", "service_allowlist", "", "--setting", "max_query_bytes",
             str(MAX_QUERY))
    with scokg_server(workers=1, root=ROOT, extra=extra, log=log) as (url, _proc):
        yield url


def _ask_sparqlwrapper(url: str, form: str, fmt: str | None, method: str):
    w = SPARQLWrapper(url + "/sparql")  # the default agent, timeout and everything
    w.setQuery(QUERIES[form])
    w.setMethod(method)
    if fmt is not None:
        w.setReturnFormat(fmt)
    with warnings.catch_warnings():
        # SPARQLWrapper warns about its own odd combinations (Turtle for a SELECT); the answer must still parse
        warnings.simplefilter("ignore", RuntimeWarning)
        result = w.query()
        return result.convert(), result.info().get("content-type", "")


def _rows(answer) -> int | bool:
    """How many priorities a SELECT answered, or an ASK's boolean, whatever the format SPARQLWrapper parsed."""
    if isinstance(answer, dict):
        return answer["boolean"] if "boolean" in answer else len(answer["results"]["bindings"])
    if isinstance(answer, bytes):  # CSV and TSV come back as text
        lines = [line for line in answer.decode("utf-8").splitlines() if line]
        if lines[0].lstrip("?") == "_askResult":
            return lines[1] == "true"
        return len(lines) - 1
    results = answer.getElementsByTagName("result")  # an XML DOM
    if answer.getElementsByTagName("boolean"):
        return answer.getElementsByTagName("boolean")[0].firstChild.data == "true"
    return len(results)


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f or "default")
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_with_every_format(server, form, fmt, method):
    answer, content_type = _ask_sparqlwrapper(server, form, fmt, method)
    if form == "SELECT":
        assert _rows(answer) == PRIORITY_COUNT, content_type
    elif form == "ASK":
        assert _rows(answer) is True, content_type
    else:
        if isinstance(answer, bytes):  # SPARQLWrapper hands Turtle and N3 over as text
            answer = rdflib.Graph().parse(data=answer, format="turtle")
        assert isinstance(answer, rdflib.Graph), content_type
        if form == "CONSTRUCT":
            assert set(answer) == CITY_TRIPLES
        else:
            assert (ALMATY, rdflib.RDF.type, rdflib.URIRef(SCO + "City")) in answer


def test_sparqlwrapper_sends_a_long_query_by_get(server):
    """SPARQLWrapper's default is GET; a 10,000-character query (a VALUES list) must work."""
    values = " ".join(f"<https://w3id.org/scokg/id/nothing-{i:05d}>" for i in range(250))
    query = f"SELECT ?s WHERE {{ VALUES ?s {{ {values} <{ALMATY}> }} ?s a ?c }}"
    assert len(query) > 10_000
    w = SPARQLWrapper(server + "/sparql")
    w.setQuery(query)
    w.setReturnFormat(JSON)
    bindings = w.query().convert()["results"]["bindings"]
    assert {b["s"]["value"] for b in bindings} == {str(ALMATY)}


def test_a_query_over_the_limit_by_get_is_a_json_414_that_says_post(server):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (MAX_QUERY + 10)
    req = urllib.request.Request(server + "/sparql?query=" + urllib.parse.quote(query),
                                 headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=30)
    body = info.value.read()
    info.value.close()
    assert info.value.code == 414 and info.value.headers.get_content_type() == "application/json"
    assert b"POST" in body


def test_rdflib_sparqlstore_and_graph_parse(server):
    g = rdflib.Graph(store=SPARQLStore(server + "/sparql"))
    assert len(list(g.query(QUERIES["SELECT"]))) == PRIORITY_COUNT
    page = rdflib.Graph().parse(server + "/id/almaty")  # rdflib's own content negotiation
    assert (ALMATY, rdflib.RDF.type, rdflib.URIRef(SCO + "City")) in page


RAPPER = shutil.which("rapper")
RAPPER_SYNTAX = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml", ".jsonld": None}


def _rapper(data: bytes, syntax: str, base: str) -> int:
    """Triples rapper parsed, or a failed assertion with its complaint."""
    done = subprocess.run([RAPPER, "-q", "-i", syntax, "-c", "-", base], input=data, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return int(done.stderr.decode().split("returned")[1].split()[0]) if b"returned" in done.stderr else -1


@pytest.mark.skipif(RAPPER is None and not __import__("os").environ.get("SCOKG_REQUIRE_RAPPER"),
                    reason="rapper is not installed (apt-get install raptor2-utils)")
def test_rapper_reads_every_dump_and_every_resource_in_every_format(server):
    assert RAPPER, "rapper is required (SCOKG_REQUIRE_RAPPER=1) but not installed"
    dumps = sorted((INSTANCE / "releases").glob("*/dumps/*"))
    assert dumps
    for path in dumps:
        syntax = RAPPER_SYNTAX.get(path.suffix)
        if syntax:
            _rapper(path.read_bytes(), syntax, "https://w3id.org/scokg/")
    slugs = sorted({str(s)[len("https://w3id.org/scokg/id/"):] for s in SOURCE.subjects()
                    if str(s).startswith("https://w3id.org/scokg/id/")})
    assert slugs
    for slug in slugs:
        for suffix in (".ttl", ".nt", ".rdf"):
            with urllib.request.urlopen(f"{server}/id/{slug}{suffix}", timeout=30) as r:
                _rapper(r.read(), RAPPER_SYNTAX[suffix], f"https://w3id.org/scokg/id/{slug}")
