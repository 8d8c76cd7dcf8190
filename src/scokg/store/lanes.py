"""Which road a query takes: the worker itself, for a query whose work is bounded before it starts, or a killable
executor process (``executor``) for everything else.

pyoxigraph cannot stop a query, so only a query whose cost is bounded by construction may run where nothing can
kill it. The decision is taken on the one reading of the query (``inspect``), never on the text, and is narrow on
purpose: one triple pattern anchored on an IRI (its subject, or its object), no property path, no subquery,
no optional, union, minus, negation, grouping, ordering or aggregate, no SERVICE; filters and BIND over that one
pattern's rows. Such a query reads at most the triples of its anchor; the anchor's degree is measured before it runs
(``anchor_query``, counted by the engine, and stopped at the bound), so a constant shared by a million triples goes
to an executor like any heavy query. Its rows are at most its LIMIT and at most its anchor's degree: either one
within ``MAX_LANE_ROWS`` bounds them (a point lookup needs no LIMIT when its subject has a few dozen triples).

>>> lane_of(inspect_query("SELECT ?p ?o WHERE { <urn:s> ?p ?o } LIMIT 10")).anchor
('subject', 'urn:s')
>>> lane_of(inspect_query("SELECT * WHERE { ?s ?p ?o } LIMIT 10")) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .inspect import Inspection, inspect_query  # noqa: F401 - the doctests use inspect_query

# Worker lane limits: the most rows a worker-lane query may ask for, and the most triples its anchor may have.
MAX_LANE_ROWS = 1000
MAX_ANCHOR_DEGREE = 20_000
HEAVY_WORDS = frozenset("""OPTIONAL UNION MINUS GRAPH SERVICE VALUES EXISTS NOT GROUP ORDER HAVING COUNT SUM AVG MIN
MAX SAMPLE GROUP_CONCAT LATERAL LOAD IN""".split())  # noqa: SIM905 - a table, kept readable
PATH_MARKS = frozenset({"*", "+", "?", "/", "|", "^", "!", "[", "]", "(", ")", "<<", ">>", "<<(", ")>>", "{|", "|}"})


@dataclass(frozen=True)
class Lane:
    """A query the worker may run itself: the constant its one pattern is anchored on, and where."""

    anchor: tuple[str, str]  # ("subject" | "object", the IRI)
    limited: bool = True  # its LIMIT (or ASK) bounds its rows within MAX_LANE_ROWS; else its anchor's degree must


def runs_in_worker(lane: Lane, degree: int) -> bool:
    """Whether a lane's query, its anchor having ``degree`` triples, is bounded enough for the worker."""
    return degree <= MAX_ANCHOR_DEGREE and (lane.limited or degree <= MAX_LANE_ROWS)


def lane_of(info: Inspection) -> Lane | None:
    """The worker lane for a bounded query, or None (an executor runs it)."""
    tokens = info.tokens
    if info.calls or info.form not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        return None
    limited = info.form == "ASK" or (info.limit is not None and info.limit <= MAX_LANE_ROWS)
    if sum(1 for t in tokens if t.is_word("SELECT")) > 1 or any(t.kind == "word" and t.value in HEAVY_WORDS
                                                               for t in tokens):
        return None
    group = _where_group(tokens)
    if group is None:
        return None
    pattern = _one_pattern(tokens[group[0] + 1:group[1]])
    if pattern is None:
        return None
    subject, _predicate, value = pattern
    for role, term in (("subject", subject), ("object", value)):
        if term.kind == "iri":
            return Lane((role, term.value), limited)
    return None


def _where_group(tokens) -> tuple[int, int] | None:
    """The span of the WHERE group (its braces), the last top-level brace group of the query."""
    depth, start, found = 0, -1, None
    for i, t in enumerate(tokens):
        if t.text == "{":
            if depth == 0:
                start = i
            depth += 1
        elif t.text == "}":
            depth -= 1
            if depth == 0:
                found = (start, i)
        elif t.text in ("{|", "|}"):
            return None
    return found


def _one_pattern(body) -> tuple | None:
    """The one triple pattern of a group that may also hold FILTER(...) and BIND(... AS ?v); None otherwise."""
    terms = []
    i = 0
    while i < len(body):
        t = body[i]
        if t.is_word("FILTER", "BIND"):
            j = _skip_call(body, i + 1)
            if j is None:
                return None
            i = j
            continue
        if t.text == ".":
            i += 1
            continue
        if t.kind in ("punct", "bnode", "lang") or (t.kind == "word" and t.value != "A"):
            return None  # ; , ^^ paths, blank nodes, nested groups, keywords: more than one plain pattern
        terms.append(t)
        i += 1
    if len(terms) != 3:
        return None
    return tuple(terms)


def _skip_call(body, i: int) -> int | None:
    """The index after a parenthesised expression starting at ``i`` (no group pattern inside it)."""
    if i >= len(body) or body[i].text != "(":
        return None
    depth = 0
    for j in range(i, len(body)):
        text = body[j].text
        if text in ("{", "}"):
            return None
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def anchor_query(lane: Lane) -> str:
    """A query that counts the anchor's triples, stopping past the bound (the engine counts; no Python loop)."""
    term = f"<{lane.anchor[1]}>"
    pattern = f"{term} ?p ?o" if lane.anchor[0] == "subject" else f"?s ?p {term}"
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ {pattern} }} LIMIT {MAX_ANCHOR_DEGREE + 1} }}"
