"""Triage of a failing W3C test: is it pyoxigraph's answer, or scokg's?

    cd tests && ../.venv/bin/python -m w3c.triage sparql10/open-world#open-eq-01 [...]

Runs each evaluation test straight on a pyoxigraph store (no scokg, no HTTP) with the same data and the same
comparison as test_w3c_evaluation.py, and syntax tests through pyoxigraph's parser. A test that fails here too is
an engine limitation; one that passes here but fails through the endpoint is a scokg bug.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox

from .w3c_manifest import all_tests, dataset_of, path_of
from .w3c_results import Solutions, compare, from_query_results, graph_of, order_of, read_expected


def direct(case) -> str:
    text = path_of(case.action).read_text(encoding="utf-8")
    store = ox.Store()
    if case.kind != "evaluation":
        try:
            if "update" in case.kind:
                store.update(text, base_iri=case.action)
            else:
                store.query(text, base_iri=case.action)
        except SyntaxError as exc:
            return f"pyoxigraph: syntax error ({exc})"
        except Exception as exc:  # noqa: BLE001 - an evaluation error is still a parse
            return f"pyoxigraph: parses, then {type(exc).__name__}: {exc}"
        return "pyoxigraph: parses and runs"
    store.extend(dataset_of(case, text))
    expected = read_expected(path_of(case.result), case.result)
    ordered, keys = order_of(text)
    if isinstance(expected, Solutions) and path_of(case.result).suffix != ".ttl":
        expected.ordered = ordered
    try:
        res = store.query(text, base_iri=case.action)
    except Exception as exc:  # noqa: BLE001
        return f"pyoxigraph: {type(exc).__name__}: {exc}"
    actual = graph_of(res) if isinstance(res, ox.QueryTriples) else from_query_results(res)
    difference = compare(expected, actual, order_keys=keys, lax=case.lax_cardinality)
    return "pyoxigraph: passes" if difference is None else f"pyoxigraph: fails\n{difference}"


if __name__ == "__main__":
    by_id = {case.test_id: case for case in all_tests()}
    for test_id in sys.argv[1:]:
        print(f"== {test_id}\n{direct(by_id[test_id])}")
