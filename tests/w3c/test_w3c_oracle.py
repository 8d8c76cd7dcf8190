"""The oracle's own parts: the comparison, the query-order reading, the network guard, the expected-failure list."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from .harness import GuardedStore, NetworkGuardTripped
from .w3c_manifest import CAUSES, all_tests, dataset_graphs, load_expected_failures
from .w3c_results import Boolean, Graph, Solutions, compare, normal, order_of

XSD = "http://www.w3.org/2001/XMLSchema#"
A, B = ox.NamedNode("http://example/a"), ox.NamedNode("http://example/b")


def lit(value: str, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)) if datatype else ox.Literal(value)


def sols(*rows, ordered=False, variables=("x",)) -> Solutions:
    return Solutions(tuple(variables), [dict(r) for r in rows], ordered)


def test_expected_failures_name_tests_we_run_and_say_why():
    known = {t.iri for t in all_tests()}
    for iri, entry in load_expected_failures().items():
        assert iri in known, f"{iri} is not a test of the suites we run"
        assert entry.get("cause") in CAUSES, iri
        assert entry.get("reason"), iri
        assert entry.get("feature" if entry["cause"] == "engine" else "repro"), iri


def test_solutions_are_a_multiset():
    assert compare(sols({"x": A}, {"x": A}), sols({"x": A}, {"x": A})) is None
    assert compare(sols({"x": A}, {"x": A}), sols({"x": A})) is not None
    assert compare(sols({"x": A}, {"x": B}), sols({"x": B}, {"x": A})) is None
    assert compare(sols({"x": A}), sols({})) is not None, "unbound is not a value"


def test_blank_nodes_are_renamed_consistently_across_solutions():
    b1, b2, b3 = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    same = sols({"x": b1, "y": A}, {"x": b1, "y": B}, variables=("x", "y"))
    assert compare(same, sols({"x": b2, "y": B}, {"x": b2, "y": A}, variables=("x", "y"))) is None
    assert compare(same, sols({"x": b2, "y": A}, {"x": b3, "y": B}, variables=("x", "y"))) is not None
    assert compare(sols({"x": b1}, {"x": b2}), sols({"x": b3}, {"x": b3})) is not None


def test_order_counts_only_when_expected_ordered_and_ties_may_swap():
    one, two = {"x": lit("1", "integer"), "y": A}, {"x": lit("2", "integer"), "y": B}
    tie = {"x": lit("1", "integer"), "y": B}
    assert compare(sols(one, two, variables="xy"), sols(two, one, variables="xy")) is None
    assert compare(sols(one, two, ordered=True, variables="xy"), sols(two, one, variables="xy")) is not None
    ties = sols(one, tie, two, ordered=True, variables="xy")
    assert compare(ties, sols(tie, one, two, variables="xy"), order_keys=["x"]) is None
    assert compare(ties, sols(tie, one, two, variables="xy")) is not None, "without keys the order is exact"


def test_literals_compare_by_datatype_and_value_never_across_datatypes():
    assert normal(lit("01", "integer")) == normal(lit("1", "integer"))
    assert normal(lit("2.0E3", "double")) == normal(lit("2000", "double"))
    assert normal(lit("1.0", "decimal")) == normal(lit("1", "decimal"))
    assert normal(lit("2006-08-23+00:00", "date")) == normal(lit("2006-08-23Z", "date"))
    assert normal(lit("1", "integer")) != normal(lit("1", "decimal"))
    assert normal(lit("1", "integer")) != normal(lit("1"))
    assert normal(lit("abc", "integer")) == lit("abc", "integer"), "an invalid form stays as it is"
    assert normal(ox.Literal("01", language="en")) == ox.Literal("01", language="en")


def test_lax_cardinality_allows_fewer_duplicates_never_more():
    expected = sols({"x": A}, {"x": A}, {"x": B})
    assert compare(expected, sols({"x": A}, {"x": B}), lax=True) is None
    assert compare(expected, sols({"x": A}, {"x": A}, {"x": A}, {"x": B}), lax=True) is not None
    assert compare(expected, sols({"x": A}), lax=True) is not None


def test_graphs_compare_by_isomorphism_and_kinds_do_not_mix():
    p = ox.NamedNode("http://example/p")
    b1, b2 = ox.BlankNode(), ox.BlankNode()
    assert compare(Graph([ox.Triple(A, p, b1)]), Graph([ox.Triple(A, p, b2)])) is None
    assert compare(Graph([ox.Triple(A, p, b1)]), Graph([ox.Triple(A, p, B)])) is not None
    assert compare(Boolean(True), Boolean(False)) is not None
    assert compare(Boolean(True), sols()) is not None


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * { ?s ?p ?o }", (False, None)),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s DESC(?o) LIMIT 2", (True, ["s", "o"])),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }", (False, None)),
    ("SELECT * { ?s ?p ?o } ORDER BY STR(?o)", (True, None)),
    ('SELECT * { ?s ?p "} ORDER BY ?s" } # ORDER BY ?s', (False, None)),
])
def test_order_is_read_from_the_top_level_only(query, expected):
    assert order_of(query) == expected


def test_from_clauses_resolve_against_the_query():
    query = "PREFIX : <http://example/> SELECT * FROM <data.ttl> FROM NAMED :g { ?s ?p ?o } # FROM <no.ttl>"
    assert dataset_graphs(query, "http://suite/dir/q.rq") == ["http://suite/dir/data.ttl", "http://example/g"]


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://example/sparql> { ?s ?p ?o } }",
    r"SELECT * { SERVI\u0043E <http://example/sparql> { ?s ?p ?o } }",
    "LOAD <http://example/data.ttl>",
])
def test_the_guard_stops_anything_that_could_reach_the_network(text):
    store = GuardedStore(ox.Store())
    with pytest.raises(NetworkGuardTripped):
        store.update(text) if text.startswith("LOAD") else store.query(text)
    assert store.tripped == [text]


def test_the_guard_lets_the_word_through_where_it_is_not_a_keyword():
    store = GuardedStore(ox.Store())
    assert list(store.query('SELECT ?service { BIND("SERVICE" AS ?service) }'))
