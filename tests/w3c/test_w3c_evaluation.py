"""W3C query evaluation tests through /sparql: each test's data in a store of its own, its query sent to the app,
the answer compared with the W3C expected result (see w3c_results for how).

Every answer is asked for in each format scokg writes itself and must give the expected result in all of them:
SELECT as JSON, XML and TSV, ASK as JSON and XML, CONSTRUCT and DESCRIBE as Turtle, N-Triples and RDF/XML.
CSV is lossy (no types), so it is compared only with the suites' own CSV expectations.
"""

from __future__ import annotations

import pytest

from .harness import W3CApp
from .w3c_manifest import dataset_of, path_of, select
from .w3c_results import Boolean, Graph, Solutions, compare, order_of, read_expected, read_response

CASES = [case for case in select("evaluation") if case.category != "federation"]  # see test_w3c_federation
JSON, XML, TSV = "application/sparql-results+json", "application/sparql-results+xml", "text/tab-separated-values"
GRAPH_FORMATS = ["text/turtle", "application/n-triples", "application/rdf+xml"]


def formats_for(expected, suffix: str) -> list[str]:
    if suffix == ".csv":
        return ["text/csv"]
    if isinstance(expected, Graph):
        return GRAPH_FORMATS
    if isinstance(expected, Boolean):
        return [JSON, XML]
    return [JSON, XML, TSV]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.test_id) for case in CASES])
def test_evaluation(case):
    result_path = path_of(case.result)
    assert result_path is not None, case.result
    query = case.action_path.read_bytes()
    text = query.decode("utf-8")
    expected = read_expected(result_path, case.result)
    ordered, keys = order_of(text)
    if isinstance(expected, Solutions) and result_path.suffix in (".srx", ".srj", ".tsv", ".csv"):
        expected.ordered = ordered  # these formats keep the order; it is part of the answer only under ORDER BY
    app = W3CApp(case.action, dataset_of(case, text))
    for accept in formats_for(expected, result_path.suffix):
        response = app.query(query, accept)
        assert not app.guard.tripped, "a SERVICE clause reached the engine"
        assert response.status_code == 200, f"as {accept}: {response.status_code} {response.get_data(as_text=True)}"
        actual = read_response(response.content_type, response.data)
        difference = compare(expected, actual, order_keys=keys, lax=case.lax_cardinality)
        assert difference is None, f"as {accept}: {difference}"
