"""More views of a query's answer on the query page (issue 22, after the Wikidata Query Service): the table in pages
of a thousand rows, a chart of a number column over a label column, and the triples of a CONSTRUCT or DESCRIBE
answer as a graph. The data go into the page as JSON attributes; static/result-views.js draws them with the
vendored Chart.js and d3-force, loaded only when the page has such a view.

>>> page_of(3198, "2"), page_of(3198, "9"), page_of(10, None)
((1000, 2000, 2, 4), (3000, 3198, 4, 4), (0, 10, 1, 1))
"""

from __future__ import annotations

import re

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .views import curie, href, label, local_path

PAGE_ROWS = 1000  # a table longer than this is shown in pages (each a link), with the whole answer to download
MAX_POINTS = 200  # bars or points in a chart; the table has the rest
MAX_TRIPLES = 300  # triples drawn as a graph; the Turtle has them all
YEARS = re.compile(r"^-?\d{4}$")
NAMES = (RDFS.label, SKOS.prefLabel)


def page_of(rows: int, asked: str | None) -> tuple[int, int, int, int]:
    """(first row, end, page number, pages) of the page asked for (1-based, clamped)."""
    pages = max(1, -(-rows // PAGE_ROWS))
    try:
        number = min(max(1, int(asked or "1")), pages)
    except ValueError:
        number = 1
    return (number - 1) * PAGE_ROWS, min(rows, number * PAGE_ROWS), number, pages


def _text(cell: dict | None) -> str:
    if cell is None:
        return ""
    if cell["kind"] == "iri":
        return cell["label"] or cell["curie"]
    return cell.get("raw", cell["text"]) if cell["kind"] == "literal" and not cell.get("number") else cell["text"]


def chart_view(names: list[str], rows: list[list], numeric: list[bool]) -> dict | None:
    """A chart of the first number column over the first other column: bars, or a line over years; None when the
    answer has no number column, or fewer than two rows."""
    number = next((i for i, n in enumerate(numeric) if n and any(r[i] for r in rows)), None)
    if number is None or len(rows) < 2:
        return None
    by = next((i for i in range(len(names)) if i != number and not numeric[i]), None)
    points: list[tuple[str, float]] = []
    for r in rows[:MAX_POINTS]:
        cell = r[number]
        if cell is None:
            continue
        try:
            value = float(cell["raw"])
        except (KeyError, ValueError):
            continue
        points.append((_text(r[by]) if by is not None else str(len(points) + 1), value))
    if len(points) < 2:
        return None
    over_years = all(YEARS.match(p[0]) for p in points)
    return {"labels": [p[0] for p in points], "values": [p[1] for p in points], "x": names[by] if by is not None
            else "#", "y": names[number], "kind": "line" if over_years else "bar", "cut": len(rows) > MAX_POINTS}


def graph_view(turtle: str, lang: str) -> dict | None:
    """The nodes and links of a graph answer (names as the nodes' text, rdfs:label triples folded into them)."""
    g = rdflib.Graph()
    try:
        g.parse(data=turtle, format="turtle")
    except Exception:  # noqa: BLE001 - rdflib's parsers raise many kinds; no graph view then
        return None
    names = {s: str(o) for p in NAMES for s, o in g.subject_objects(p)
             if isinstance(o, Literal) and (o.language or "") in (lang, "")}
    for p in NAMES:
        for s, o in g.subject_objects(p):
            names.setdefault(s, str(o))
    nodes: dict = {}

    def node(term) -> int:
        if term not in nodes:
            if isinstance(term, URIRef):
                text, kind = names.get(term) or label(str(term), lang=lang), "iri"
                link = href(str(term)) if local_path(str(term)) is not None else str(term)
            elif isinstance(term, BNode):
                text, kind, link = names.get(term, "_:" + str(term)[:8]), "bnode", None
            else:
                words = str(term)
                text, kind, link = (words[:40] + "…" if len(words) > 40 else words), "literal", None
            nodes[term] = {"id": len(nodes), "label": text, "kind": kind, "href": link}
        return nodes[term]["id"]

    links: list[dict] = []
    for subject, predicate, value in sorted(g, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if predicate in NAMES and subject in names:
            node(subject)
            continue
        if len(links) >= MAX_TRIPLES:
            break
        links.append({"source": node(subject), "target": node(value), "label": curie(str(predicate))})
    if not nodes:
        return None
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "links": links,
            "cut": len(g) > MAX_TRIPLES}
