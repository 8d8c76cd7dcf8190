"""Fuzzing the HTTP surface: whatever arrives, the answer is a 2xx/3xx or a 4xx with a message; never a 500,
never a hang. The number of cases each test ran is printed (pytest -s)."""

from __future__ import annotations

import os
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scokg.web.examples import load_examples

EXAMPLES = [e.query for e in load_examples() if not e.federated]
# Fixed cases in the suite; SCOKG_FUZZ_EXAMPLES=5000 SCOKG_FUZZ_RANDOM=1 explores further (new cases each run).
FUZZ = settings(max_examples=int(os.environ.get("SCOKG_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=list(HealthCheck), derandomize=not os.environ.get("SCOKG_FUZZ_RANDOM"),
                database=None)
SLOW = 15.0  # seconds a single fuzz request may take (the query time limit is 5 s in tests)
COUNTS: dict[str, int] = {}

VAR = st.sampled_from(["?s", "?p", "?o", "?x", "$y"])
IRI = st.sampled_from(["<https://w3id.org/scokg/id/almaty>", "<urn:x>", "sco:City", "rdfs:label", "a", "<>", "<%>"])
LIT = st.sampled_from(['"Almaty"', '"x"@en', "42", "3.5e2", "true", '"2024"^^xsd:gYear', '"unterminated'])
TERM = st.one_of(VAR, IRI, LIT)
TRIPLE = st.tuples(TERM, st.one_of(VAR, IRI, st.just("rdfs:label/rdfs:label*")), TERM).map(" ".join)
PATTERN = st.recursive(
    TRIPLE,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "{ " + " . ".join(xs) + " }"),
        st.tuples(inner, inner).map(lambda p: f"{{ {p[0]} }} UNION {{ {p[1]} }}"),
        inner.map(lambda p: f"OPTIONAL {{ {p} }}"),
        inner.map(lambda p: f"FILTER NOT EXISTS {{ {p} }}"),
        st.tuples(inner, VAR).map(lambda p: f"{p[0]} FILTER(BOUND({p[1]}) || STRLEN(STR({p[1]})) > 2)"),
    ),
    max_leaves=6,
)
FORM = st.sampled_from(["SELECT * WHERE", "SELECT DISTINCT ?s WHERE", "ASK", "CONSTRUCT WHERE", "DESCRIBE ?s WHERE",
                        "SELECT (COUNT(*) AS ?n) WHERE", "INSERT DATA", "SELECT * FROM <urn:g> WHERE"])
TAIL = st.sampled_from(["", " LIMIT 5", " ORDER BY ?s", " GROUP BY ?s", " OFFSET -1", " LIMIT 99999999999999999999"])
GRAMMAR = st.tuples(FORM, PATTERN, TAIL).map(
    lambda t: "PREFIX sco: <https://w3id.org/scokg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
              "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + f"{t[0]} {{ {t[1]} }}{t[2]}")


@st.composite
def mutated(draw):
    text = list(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, max(0, len(text) - 1)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        ch = draw(st.sampled_from(list("{}()[]<>\"'?$.;,#\\/*+|^@ \n\x00é\u202e")))
        if op == "delete" and text:
            del text[i]
        elif op == "insert":
            text.insert(i, ch)
        elif op == "replace" and text:
            text[i] = ch
        elif text:
            text[i:i] = text[i:i + draw(st.integers(1, 40))]
    return "".join(text)


def _check(response, started, what):
    assert time.monotonic() - started < SLOW, f"{what} took too long"
    assert response.status_code < 500 or response.status_code in (503,), (what, response.status_code,
                                                                        response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        body = response.get_data(as_text=True)
        assert body.strip(), "an error without a message"
        if response.mimetype == "application/json":
            doc = response.get_json()
            assert doc["ok"] is False and doc["error"] and doc["status"] == response.status_code


def _count(name):
    COUNTS[name] = COUNTS.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print("\nfuzz cases run: " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items()))
          + f" (total {sum(COUNTS.values())})")


@FUZZ
@given(query=st.one_of(GRAMMAR, mutated()), method=st.sampled_from(["get", "form", "direct"]),
       accept=st.sampled_from([None, "*/*", "text/html", "application/sparql-results+json", "text/turtle",
                               "application/x-unknown", "text/*;q=0.1, image/png", ";;;", "text/csv;q=abc"]))
def test_queries_from_a_grammar_and_mutations(app, query, method, accept):
    _count("queries")
    client = app.test_client()
    headers = {"Accept": accept} if accept else {}
    started = time.monotonic()
    if method == "get":
        r = client.get("/sparql?query=" + quote(query, safe=""), headers=headers)
    elif method == "form":
        r = client.post("/sparql", data={"query": query}, headers=headers)
    else:
        r = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"), content_type="application/sparql-query",
                        headers=headers)
    _check(r, started, query[:200])


@FUZZ
@given(body=st.binary(max_size=2000), content_type=st.sampled_from(
    ["application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update", "text/plain",
     "", "multipart/form-data; boundary=x", "application/sparql-query; charset=latin-1"]))
def test_random_bytes_as_a_body(app, body, content_type):
    _count("bodies")
    started = time.monotonic()
    r = app.test_client().post("/sparql", data=body, headers={"Content-Type": content_type} if content_type else {})
    _check(r, started, repr(body[:80]))


@FUZZ
@given(raw=st.lists(st.sampled_from([*list("%25zZ0aF/.?&=+#;:@~é\x00 "), "%2e%2e", "%2f", "%00", "..", "%"]),
                    max_size=30).map("".join),
       prefix=st.sampled_from(["/sparql?", "/id/", "/dumps/", "/sources/", "/ontology", "/search?q=", "/dataset?",
                               "/sparql?query=", "/sparql?format=", "/"]))
def test_odd_paths_and_parameters(app, raw, prefix):
    _count("paths")
    started = time.monotonic()
    r = app.test_client().get(prefix + raw, headers={"Accept-Language": "de;q=x, *"})
    _check(r, started, prefix + raw)


@FUZZ
@given(name=st.sampled_from(["Accept", "Accept-Language", "If-None-Match", "Range", "Content-Type", "Authorization",
                             "Accept-Encoding", "X-Forwarded-For"]),
       value=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
       path=st.sampled_from(["/", "/id/almaty", "/dumps/", "/sparql?query=ASK%7B%7D", "/sparql", "/dataset"]))
def test_odd_headers(app, name, value, path):
    _count("headers")
    started = time.monotonic()
    r = app.test_client().get(path, headers={name: value})
    _check(r, started, f"{name}: {value}")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "ASK { FILTER(" + "!" * 10_000 + "true) }",
    "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * 20_000) + " ?o }",
    "SELECT * WHERE { ?s ?p ?o } # " + "x" * 1_100_000,
])
def test_extreme_queries(client, query):
    started = time.monotonic()
    r = client.post("/sparql", data={"query": query})
    _check(r, started, query[:60])
    assert 400 <= r.status_code < 500
    # and the endpoint still answers
    assert client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }")).status_code == 200


BAD_ENCODINGS = ["%", "%zz", "%f", "%ff%fe", "%c3%28", "%ed%a0%80", "%00", "%e2%82", "%%41", "%2", "%u0041", "%c0%af"]


@pytest.mark.parametrize("bad", BAD_ENCODINGS)
def test_bad_percent_encoding_everywhere(client, bad):
    _count("encodings")
    for method, path, kwargs in [
        ("get", "/sparql?query=ASK" + bad, {}),
        ("get", "/sparql?query=ASK%7B%7D&default-graph-uri=" + bad, {}),
        ("get", f"/sparql?{bad}=1&query=ASK%7B%7D", {}),
        ("post", "/sparql", {"data": "query=ASK" + bad, "content_type": "application/x-www-form-urlencoded"}),
        ("post", "/sparql", {"data": "update=" + bad, "content_type": "application/x-www-form-urlencoded"}),
        ("get", "/id/almaty" + bad, {}),
        ("get", "/id/" + bad, {}),
        ("get", "/dumps/" + bad, {}),
        ("get", "/search?q=" + bad, {}),
        ("get", "/?lang=" + bad, {}),
    ]:
        started = time.monotonic()
        r = getattr(client, method)(path, **kwargs)
        _check(r, started, path)
