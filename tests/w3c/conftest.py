"""The W3C SPARQL suites as an oracle: expected failures from one file (the pass counts by suite: tests/conftest.py).

Every test listed in expected-failures.toml is marked ``xfail(strict=True)``: it must fail (for the reason given),
and the run fails when it passes, so a fixed bug cannot leave a stale entry behind.
"""

from __future__ import annotations

import pytest

from .w3c_manifest import CAUSES, HERE, load_expected_failures


def pytest_collection_modifyitems(config, items):
    failures = load_expected_failures()
    for item in items:
        if HERE not in item.path.parents:
            continue  # this hook sees the whole session's items
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if case is None or not hasattr(case, "iri"):
            continue
        entry = failures.get(case.iri)
        if entry is not None:
            cause = CAUSES.get(entry.get("cause"), "unclassified")
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"{cause}: {entry.get('reason', '')}"))
