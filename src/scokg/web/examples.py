"""The example queries: the graph's competency questions, as .rq files with their titles and expected answers.

Each file in ``src/scokg/queries/`` starts with comment headers::

    # title: The six priorities
    # title@de: Die sechs Prioritäten
    # expected: <https://w3id.org/scokg/id/priority-security> | "Security and stability"
    # expected-count: 6

``expected`` rows list a SELECT's rows in N-Triples term syntax, columns in projection order, separated by `` | ``
(an empty cell is an unbound variable); ``expected-ask`` gives an ASK's answer. The endpoint's query page offers
them as examples and the tests run them against the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

QUERIES_DIR = Path(__file__).parent / "queries"
HEADER = re.compile(r"^#\s*([a-z-]+)(?:@([a-z]{2}))?\s*:\s?(.*)$")


@dataclass(frozen=True)
class Example:
    name: str
    query: str
    titles: dict[str, str] = field(default_factory=dict)
    expected: tuple[tuple[str, ...], ...] | None = None
    expected_count: int | None = None
    expected_ask: bool | None = None
    federated: bool = False

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name


def parse_example(name: str, text: str) -> Example:
    """Read an example's headers.

    >>> ex = parse_example("01-x", "# title: Six\\n# title@de: Sechs\\n# expected: <urn:a> | \\"b\\"\\nSELECT * {}")
    >>> ex.title("de"), ex.expected
    ('Sechs', (('<urn:a>', '"b"'),))
    """
    titles: dict[str, str] = {}
    rows: list[tuple[str, ...]] = []
    count = ask = None
    for line in text.splitlines():
        m = HEADER.match(line.rstrip("\r\n"))
        if not m:
            continue
        key, lang, value = m.group(1), m.group(2), m.group(3)
        if key == "title":
            titles[lang or "en"] = value.strip()
        elif key == "expected":
            # A trailing " | " leaves the last cell empty: an unbound variable.
            rows.append(tuple(cell.strip() for cell in re.split(r" \|(?: |$)", value)))
        elif key == "expected-count":
            count = int(value)
        elif key == "expected-ask":
            ask = value.lower() == "true"
    return Example(name=name, query=text, titles=titles, expected=tuple(rows) if rows else None,
                   expected_count=count, expected_ask=ask, federated=bool(re.search(r"\bSERVICE\b", text, re.I)))


def load_examples(folder: str | Path = QUERIES_DIR) -> list[Example]:
    """Every example in a folder, sorted by file name."""
    return [parse_example(p.stem, p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.rq"))]
