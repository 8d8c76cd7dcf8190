"""The example queries: the graph's competency questions, as .rq files with a title and a description in English and
German. Their expected answers live in the tests (tests/fixtures/competency/), not in the queries people read.

Each file in ``src/scokg/web/queries/`` starts with comment headers::

    # title: The six priorities
    # title@de: Die sechs Prioritäten
    # description: In the article's order, with their names.
    # description@de: In der Reihenfolge des Artikels, mit ihren Namen.

The query page shows the query without its headers, and in German asks for German names: a filter on English
(``LANG(?x) = "en"``, ``LANGMATCHES(LANG(?x), "en")``) asks for the reader's language instead, unless the query
already names German itself (then it wants both, as it is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

QUERIES_DIR = Path(__file__).parent / "queries"
HEADER = re.compile(r"^#\s*([a-z-]+)(?:@([a-z]{2}))?\s*:\s?(.*)$")
ENGLISH_FILTER = re.compile(r'(LANG\s*\(\s*[?$]\w+\s*\)\s*=\s*|LANGMATCHES\s*\(\s*LANG\s*\(\s*[?$]\w+\s*\)\s*,\s*)"en"',
                            re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    name: str
    query: str  # the query without its header comments
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    federated: bool = False

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str = "en") -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    def query_for(self, lang: str = "en") -> str:
        return localise(self.query, lang)


def localise(query: str, lang: str) -> str:
    """Ask for names in ``lang`` where the query asks for English ones.

    >>> localise('SELECT * { ?s rdfs:label ?l FILTER(LANG(?l) = "en") }', "de")
    'SELECT * { ?s rdfs:label ?l FILTER(LANG(?l) = "de") }'
    >>> localise('SELECT * { ?s rdfs:label ?l, ?g FILTER(LANG(?l) = "en" && LANG(?g) = "de") }', "de")[-37:]
    'LANG(?l) = "en" && LANG(?g) = "de") }'
    """
    if lang == "en" or f'"{lang}"' in query:
        return query
    return ENGLISH_FILTER.sub(lambda m: f'{m.group(1)}"{lang}"', query)


def parse_example(name: str, text: str) -> Example:
    """Read an example's headers; the rest is its query.

    >>> ex = parse_example("01-x", "# title: Six\\n# title@de: Sechs\\n# description: All six.\\nSELECT * {}\\n")
    >>> ex.title("de"), ex.description("de"), ex.query
    ('Sechs', 'All six.', 'SELECT * {}\\n')
    """
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    body_from = 0
    for i, line in enumerate(lines):
        m = HEADER.match(line.rstrip("\r\n"))
        if not m:
            if line.strip():
                break
            continue
        body_from = i + 1
        key, lang, value = m.group(1), m.group(2) or "en", m.group(3).strip()
        if key == "title":
            titles[lang] = value
        elif key == "description":
            descriptions[lang] = value
    query = "".join(lines[body_from:]).lstrip("\n")
    return Example(name=name, query=query, titles=titles, descriptions=descriptions,
                   federated=bool(re.search(r"\bSERVICE\b", query, re.I)))


def load_examples(folder: str | Path = QUERIES_DIR) -> list[Example]:
    """Every example in a folder, sorted by file name."""
    return [parse_example(p.stem, p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.rq"))]
