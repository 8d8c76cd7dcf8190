"""The competency questions' expected answers, kept in tests/fixtures/competency/<name>.txt (not in the queries
people read)."""

from __future__ import annotations

import re
from pathlib import Path

ANSWERS = Path(__file__).resolve().parent / "fixtures" / "competency"


def expected_answer(name: str) -> dict:
    """``expected: <iri> | "literal"@en | `` rows (N-Triples terms in projection order, an empty cell unbound),
    ``expected-count: N``, or ``expected-ask: true``."""
    rows: list[tuple[str, ...]] = []
    answer: dict = {"rows": None, "count": None, "ask": None}
    path = ANSWERS / f"{name}.txt"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        key, _colon, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if key == "expected":
            rows.append(tuple(cell.strip() for cell in re.split(r" \|(?: |$)", value)))
        elif key == "expected-count":
            answer["count"] = int(value)
        elif key == "expected-ask":
            answer["ask"] = value.strip().lower() == "true"
    answer["rows"] = tuple(rows) if rows else None
    return answer
