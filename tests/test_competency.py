"""Every competency question returns the answer written for it in tests/fixtures/competency/<name>.txt, over the
real graph; the queries people read (src/scokg/web/queries/) carry no answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from competency_support import ANSWERS, expected_answer
from scokg.store import build_store
from scokg.web.examples import QUERIES_DIR, load_examples

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
        assert e.descriptions.get("en") and e.descriptions.get("de"), f"{e.name}: a description in both"
        answer = expected_answer(e.name)
        assert answer["rows"] is not None or answer["ask"] is not None, f"{e.name}: no answer in {ANSWERS}"


def test_the_queries_people_read_carry_no_answers():
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        assert "# expected" not in path.read_text(encoding="utf-8"), \
            f"{path.name}: expected answers belong in tests/fixtures/competency/{path.stem}.txt"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_competency_question(store, example):
    answer = expected_answer(example.name)
    if answer["ask"] is not None:
        assert store.ask(example.query) is answer["ask"]
        return
    rows = store.select(example.query)
    got = sorted(tuple(_cell(row.get(v)) for v in _variables(example.query, rows)) for row in rows)
    assert got == sorted(answer["rows"])
    if answer["count"] is not None:
        assert len(rows) == answer["count"]


NAMED_IN_ENGLISH = [e for e in EXAMPLES if e.query_for("de") != e.query]


def test_some_examples_ask_for_names_in_a_language():
    assert len(NAMED_IN_ENGLISH) >= 5


@pytest.mark.parametrize("example", NAMED_IN_ENGLISH, ids=[e.name for e in NAMED_IN_ENGLISH])
def test_german_examples_ask_for_german_names(store, example):
    """The German page's query answers as many rows, with German literals where the English had English ones."""
    english, german = store.select(example.query), store.select(example.query_for("de"))
    assert len(german) == len(english)
    langs = {term.language for row in german for term in row.values() if getattr(term, "language", None)}
    assert langs <= {"de"}, langs


def _variables(query: str, rows) -> list[str]:
    """Projection order as written in the SELECT clause, from rdflib's parser."""
    return [str(v) for v in prepareQuery(query).algebra["PV"]]
