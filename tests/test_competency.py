"""Every competency question returns the answer written in its header, over the real graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from scokg.store import build_store
from scokg.web.examples import load_examples

ROOT = Path(__file__).resolve().parents[1]

EXAMPLES = [e for e in load_examples() if not e.federated]


@pytest.fixture(scope="module")
def store():
    s = build_store(ROOT)
    yield s
    s.close()


def _cell(term) -> str:
    return "" if term is None else term.n3()


def test_there_are_competency_questions_with_answers():
    assert len(EXAMPLES) >= 10
    for e in EXAMPLES:
        assert e.titles.get("en") and e.titles.get("de"), f"{e.name}: a title in English and German"
        assert e.expected is not None or e.expected_ask is not None, f"{e.name}: no expected answer"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_competency_question(store, example):
    if example.expected_ask is not None:
        assert store.ask(example.query) is example.expected_ask
        return
    rows = store.select(example.query)
    got = sorted(tuple(_cell(row.get(v)) for v in _variables(example.query, rows)) for row in rows)
    assert got == sorted(example.expected)
    if example.expected_count is not None:
        assert len(rows) == example.expected_count


def _variables(query: str, rows) -> list[str]:
    """Projection order as written in the SELECT clause, from rdflib's parser."""
    return [str(v) for v in prepareQuery(query).algebra["PV"]]
