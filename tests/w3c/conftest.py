"""The W3C SPARQL suites as an oracle: expected failures from one file, and pass counts by suite at the end.

Every test listed in expected-failures.toml is marked ``xfail(strict=True)``: it must fail (for the reason given),
and the run fails when it passes, so a fixed bug cannot leave a stale entry behind.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from .w3c_manifest import CAUSES, HERE, all_tests, load_expected_failures

_suite_of: dict[str, str] = {}  # nodeid -> suite line ("sparql11 syntax")
_labels: dict[str, str] = {}  # test id -> suite line, for a process that did not collect (pytest-xdist's controller)


def _suite_of_nodeid(nodeid: str) -> str | None:
    if nodeid in _suite_of:
        return _suite_of[nodeid]
    if not nodeid.startswith("tests/w3c/test_w3c_") or "[" not in nodeid:
        return None
    if not _labels:
        _labels.update({case.test_id: case.label for case in all_tests()})
    return _labels.get(nodeid.rsplit("[", 1)[1].rstrip("]"))
_outcomes: dict[str, dict[str, str]] = defaultdict(dict)  # suite line -> nodeid -> outcome


def pytest_collection_modifyitems(config, items):
    failures = load_expected_failures()
    for item in items:
        if HERE not in item.path.parents:
            continue  # this hook sees the whole session's items
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if case is None or not hasattr(case, "iri"):
            continue
        _suite_of[item.nodeid] = case.label
        entry = failures.get(case.iri)
        if entry is not None:
            cause = CAUSES.get(entry.get("cause"), "unclassified")
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"{cause}: {entry.get('reason', '')}"))


def pytest_runtest_logreport(report):
    suite = _suite_of_nodeid(report.nodeid)
    if suite is None:
        return
    if report.when == "call" or report.outcome != "passed":  # a setup or teardown error counts as a failure
        outcome = "xfailed" if hasattr(report, "wasxfail") and report.outcome == "skipped" else report.outcome
        if outcome == "failed" or report.nodeid not in _outcomes[suite]:
            _outcomes[suite][report.nodeid] = outcome


def pytest_terminal_summary(terminalreporter):
    if not _outcomes:
        return
    terminalreporter.section("W3C SPARQL test suites")
    for suite in sorted(_outcomes):
        counts = defaultdict(int)
        for outcome in _outcomes[suite].values():
            counts[outcome] += 1
        total = sum(counts.values())
        line = f"W3C {suite}: {counts['passed']}/{total} passed"
        extra = []
        if counts["xfailed"]:
            extra.append(f"{counts['xfailed']} expected failure{'s' if counts['xfailed'] > 1 else ''}")
        if counts["failed"]:
            extra.append(f"{counts['failed']} failed")
        if counts["skipped"]:
            extra.append(f"{counts['skipped']} skipped")
        terminalreporter.write_line(line + (f" ({', '.join(extra)})" if extra else ""))
