"""Query results as comparable values, and the comparison the W3C suites define.

Expected and actual results are both turned into one of three shapes, holding pyoxigraph terms (so literals are
compared as typed RDF terms, never as text):

* ``Solutions``: variables and a list of solutions (dicts variable -> term, unbound variables absent), ``ordered``
  when the order is part of the expected result (rs:index in an RDF result set, or a top-level ORDER BY);
* ``Boolean`` for ASK;
* ``Graph`` for CONSTRUCT and DESCRIBE.

Literals of the XSD numeric, boolean and date/time datatypes are compared by datatype and value (their canonical
lexical form), as Oxigraph's runner does: pyoxigraph stores only canonical forms ("01"^^xsd:integer is kept as
"1"), and the W3C files write computed values in XSD canonical form ("2.0E3"^^xsd:double) where the engine writes
"2000". A literal is never equal to one of another datatype ("1"^^xsd:integer is not "1"^^xsd:decimal), and where
the canonicalisation changes what a query means (FILTER(STR(?v) = "01"), DISTINCT over "01" and "1") the test
still fails.

Solutions compare as multisets, with one consistent bijection between the blank nodes of the two sides (a blank
node stands for the same thing in every solution it appears in); in order only when ``ordered``. Graphs compare
by isomorphism (canonical blank-node labelling). Unlike Oxigraph's own runner, which renames blank nodes afresh
for each solution, the bijection here is shared by all solutions, and ORDER BY order is checked on SRX/SRJ/TSV
expectations too, with ties (equal sort keys) free to come in any order.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox

RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
MAX_STEPS = 200_000  # blank-node matching budget, far above what the suites need

RESULT_FORMATS = {
    ".srx": ox.QueryResultsFormat.XML,
    ".srj": ox.QueryResultsFormat.JSON,
    ".tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML, ".nt": ox.RdfFormat.N_TRIPLES}
MEDIA_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
MEDIA_RDF = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class Solutions:
    variables: tuple[str, ...]
    rows: list[dict] = field(default_factory=list)
    ordered: bool = False


@dataclass
class Boolean:
    value: bool


@dataclass
class Graph:
    triples: list


# ---------------------------------------------------------------- reading

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {XSD + name for name in (
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger")}
TEMPORAL = {XSD + name for name in ("dateTime", "dateTimeStamp", "date", "time")}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
_UTC = re.compile(r"[+-]00:00$")


def _canonical_decimal(lexical: str) -> str:
    text = format(Decimal(lexical), "f")
    text = (text.rstrip("0").rstrip(".") if "." in text else text) or "0"
    text = "0" if text in ("-0", "+0") else text
    return text + ".0" if "." not in text else text


def _canonical_float(lexical: str, single: bool) -> str:
    value = float(lexical)
    if single and value == value and abs(value) != float("inf"):
        value = struct.unpack("f", struct.pack("f", value))[0]
    return repr(value)


def normal(term):
    """A literal in the canonical lexical form of its XSD datatype (other terms, and invalid forms, unchanged)."""
    if not isinstance(term, ox.Literal) or term.language:
        return term
    lexical, datatype = term.value.strip(), term.datatype.value
    if datatype in INTEGERS and _INTEGER.fullmatch(lexical):
        canonical = str(int(lexical))
    elif datatype == XSD + "decimal" and _DECIMAL.fullmatch(lexical):
        canonical = _canonical_decimal(lexical)
    elif datatype in (XSD + "double", XSD + "float") and _DOUBLE.fullmatch(lexical):
        canonical = _canonical_float(lexical, datatype == XSD + "float")
    elif datatype == XSD + "boolean" and lexical in ("true", "false", "1", "0"):
        canonical = "true" if lexical in ("true", "1") else "false"
    elif datatype in TEMPORAL:
        canonical = _UTC.sub("Z", lexical)
    else:
        return term
    return term if canonical == term.value else ox.Literal(canonical, datatype=term.datatype)


def graph_of(triples) -> Graph:
    return Graph([ox.Triple(t.subject, t.predicate, normal(t.object)) for t in triples])


def from_query_results(res) -> Solutions | Boolean:
    if isinstance(res, ox.QueryBoolean):
        return Boolean(bool(res))
    variables = list(res.variables)
    rows = []
    for solution in res:
        row = {}
        for v in variables:
            term = solution[v]
            if term is not None:
                row[v.value] = normal(term)
        rows.append(row)
    return Solutions(tuple(v.value for v in variables), rows)


def read_csv(data: bytes) -> Solutions:
    """CSV results (lossy: every value is a string); '_:' values are blank nodes, empty cells unbound."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    lines = [line for line in reader if line]
    header, rows = tuple(lines[0]) if lines else (), []
    bnodes: dict[str, ox.BlankNode] = {}
    for line in lines[1:]:
        row = {}
        for name, value in zip(header, line, strict=True):
            if value.startswith("_:"):
                row[name] = bnodes.setdefault(value, ox.BlankNode())
            elif value:
                row[name] = ox.Literal(value)
        rows.append(row)
    return Solutions(header, rows)


def from_graph(triples: list) -> Solutions | Boolean | Graph:
    """An RDF document: a result set in the rs: vocabulary (SPARQL 1.0 suites), or a plain graph."""
    by_subject: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[t.subject][t.predicate.value].append(t.object)
    result_sets = [s for s, p in by_subject.items() if ox.NamedNode(RS + "ResultSet") in p.get(RDF_TYPE, [])]
    if not result_sets:
        return graph_of(triples)
    rs = by_subject[result_sets[0]]
    if RS + "boolean" in rs:
        value = rs[RS + "boolean"][0]
        return Boolean(value.value in ("true", "1"))
    variables = tuple(sorted(v.value for v in rs.get(RS + "resultVariable", [])))
    indexed = []
    for solution in rs.get(RS + "solution", []):
        row = {}
        for binding in by_subject[solution].get(RS + "binding", []):
            b = by_subject[binding]
            row[b[RS + "variable"][0].value] = normal(b[RS + "value"][0])
        index = by_subject[solution].get(RS + "index")
        indexed.append((int(index[0].value) if index else None, row))
    ordered = bool(indexed) and all(i is not None for i, _ in indexed)
    if ordered:
        indexed.sort(key=lambda pair: pair[0])
    return Solutions(variables, [row for _, row in indexed], ordered)


def read_expected(path: Path, iri: str) -> Solutions | Boolean | Graph:
    suffix = path.suffix
    if suffix in RESULT_FORMATS:
        return from_query_results(ox.parse_query_results(path=str(path), format=RESULT_FORMATS[suffix]))
    if suffix == ".csv":
        return read_csv(path.read_bytes())
    triples = [q.triple for q in ox.parse(path=str(path), format=RDF_FORMATS[suffix], base_iri=iri)]
    return from_graph(triples)


def read_response(content_type: str, body: bytes) -> Solutions | Boolean | Graph:
    """An answer as the endpoint sent it. JSON and XML must also be well-formed for the standard library's strict
    parsers (pyoxigraph's result parsers are lenient, e.g. about control characters in XML)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/sparql-results+json":
        json.loads(body)
    elif media in ("application/sparql-results+xml", "application/rdf+xml"):
        ElementTree.fromstring(body)
    if media in MEDIA_RESULTS:
        return from_query_results(ox.parse_query_results(body, format=MEDIA_RESULTS[media]))
    if media == "text/csv":
        return read_csv(body)
    if media in MEDIA_RDF:
        return graph_of(q.triple for q in ox.parse(body, format=MEDIA_RDF[media]))
    raise AssertionError(f"unexpected Content-Type {content_type!r}")


# ---------------------------------------------------------------- the query's own ordering

# Strings, IRIs and comments, blanked before looking for keywords (their content is not syntax).
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*',
    re.S,
)
_ORDER_BY = re.compile(r"(?<![\w?$:])ORDER\s+BY\b", re.I)
_SOLUTION_MODIFIER_END = re.compile(r"(?<![\w?$:])(LIMIT|OFFSET|VALUES)\b", re.I)
_SIMPLE_KEY = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.I)


def code_only(text: str, keep_iris: bool = False) -> str:
    """The text with strings, comments and (unless kept) IRIs blanked, positions unchanged."""
    def blank(m):
        token = m.group(0)
        return token if keep_iris and token.startswith("<") else " " * len(token)

    return _NOT_CODE.sub(blank, text)


def order_of(query: str) -> tuple[bool, list[str] | None]:
    """Whether the query orders its solutions (a top-level ORDER BY), and, when every sort key is a plain
    variable, those variables (solutions equal on them may come in any order)."""
    code = code_only(query)
    depth = 0
    top = []
    for ch in code:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        top.append(ch if depth == 0 and ch != "}" else " ")
    top_code = "".join(top)
    match = _ORDER_BY.search(top_code)
    if match is None:
        return False, None
    rest = top_code[match.end():]
    end = _SOLUTION_MODIFIER_END.search(rest)
    conditions = rest[:end.start()] if end else rest
    keys, pos = [], 0
    while pos < len(conditions.rstrip()):
        m = _SIMPLE_KEY.match(conditions, pos)
        if m is None:
            return True, None  # an expression key: the order must match exactly
        keys.append(m.group(2) or m.group(3))
        pos = m.end()
    return True, keys


# ---------------------------------------------------------------- comparing


class _Bijection:
    """A one-to-one mapping between expected and actual blank nodes, extended as solutions are matched."""

    def __init__(self):
        self.forward: dict = {}
        self.backward: dict = {}

    def bind_row(self, expected: dict, actual: dict) -> list | None:
        """Match two solutions under the mapping, extending it; returns the new pairs, or None (mapping unchanged)."""
        if expected.keys() != actual.keys():
            return None
        added = []
        for name, e in expected.items():
            a = actual[name]
            if isinstance(e, ox.BlankNode) and isinstance(a, ox.BlankNode):
                known = self.forward.get(e)
                if known is None and a not in self.backward:
                    self.forward[e], self.backward[a] = a, e
                    added.append((e, a))
                elif known != a:
                    self.undo(added)
                    return None
            elif e != a:
                self.undo(added)
                return None
        return added

    def undo(self, pairs: list) -> None:
        for e, a in pairs:
            del self.forward[e], self.backward[a]


def _has_bnode(row: dict) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in row.values())


def _shape(row: dict) -> frozenset:
    """A solution with its blank nodes made anonymous: equal for any two solutions that may match."""
    return frozenset((k, None if isinstance(v, ox.BlankNode) else v) for k, v in row.items())


def _content(row: dict) -> frozenset:
    return frozenset(row.items())


def bags_match(expected: list[dict], actual: list[dict]) -> bool:
    """Multiset equality of solutions up to one blank-node bijection."""
    if len(expected) != len(actual) or Counter(map(_shape, expected)) != Counter(map(_shape, actual)):
        return False
    exp_b = [r for r in expected if _has_bnode(r)]
    act_b = [r for r in actual if _has_bnode(r)]
    if not exp_b:
        return True  # ground solutions are equal exactly when their shapes are
    candidates: dict = defaultdict(list)
    for j, row in enumerate(act_b):
        candidates[_shape(row)].append(j)
    exp_b.sort(key=lambda r: len(candidates[_shape(r)]))  # most constrained first
    used = [False] * len(act_b)
    iso = _Bijection()
    steps = 0

    def search(i: int) -> bool:
        nonlocal steps
        if i == len(exp_b):
            return True
        tried = set()
        for j in candidates[_shape(exp_b[i])]:
            if used[j] or _content(act_b[j]) in tried:
                continue  # an identical solution already failed here
            tried.add(_content(act_b[j]))
            steps += 1
            if steps > MAX_STEPS:
                raise AssertionError("blank-node matching exceeded its budget")
            pairs = iso.bind_row(exp_b[i], act_b[j])
            if pairs is None:
                continue
            used[j] = True
            if search(i + 1):
                return True
            used[j] = False
            iso.undo(pairs)
        return False

    return search(0)


def sequences_match(expected: list[dict], actual: list[dict]) -> bool:
    """Position by position, under one blank-node bijection."""
    if len(expected) != len(actual):
        return False
    iso = _Bijection()
    return all(iso.bind_row(e, a) is not None for e, a in zip(expected, actual, strict=True))


def _sort_key(row: dict, keys: list[str]) -> tuple:
    return tuple("_:" if isinstance(row.get(k), ox.BlankNode) else row.get(k) for k in keys)


def _lax_match(expected: list[dict], actual: list[dict]) -> bool:
    """mf:LaxCardinality (REDUCED): the same distinct solutions, each at most as often as expected."""
    def distinct(rows):
        return list({_content(r): r for r in rows}.values())

    if not bags_match(distinct(expected), distinct(actual)):
        return False
    exp_count, act_count = Counter(map(_content, expected)), Counter(map(_content, actual))
    return all(n <= exp_count[k] for k, n in act_count.items() if not _has_bnode(dict(k)))


def compare(expected, actual, *, order_keys: list[str] | None = None, lax: bool = False) -> str | None:
    """None when ``actual`` is an acceptable answer for ``expected``; otherwise what differs."""
    if type(expected) is not type(actual):
        return f"expected {type(expected).__name__}, got {type(actual).__name__}:\n{show(actual)}"
    if isinstance(expected, Boolean):
        return None if expected.value == actual.value else f"expected {expected.value}, got {actual.value}"
    if isinstance(expected, Graph):
        return None if graphs_match(expected, actual) else _diff(expected, actual)
    if set(expected.variables) != set(actual.variables):
        return f"variables differ: expected {sorted(expected.variables)}, got {sorted(actual.variables)}"
    if lax:
        ok = _lax_match(expected.rows, actual.rows)
    elif not expected.ordered:
        ok = bags_match(expected.rows, actual.rows)
    else:
        ok = sequences_match(expected.rows, actual.rows)
        if not ok and order_keys is not None:
            # ties: the same multiset, and the same sort keys at every position
            ok = (bags_match(expected.rows, actual.rows)
                  and [_sort_key(r, order_keys) for r in expected.rows]
                  == [_sort_key(r, order_keys) for r in actual.rows])
    return None if ok else _diff(expected, actual)


def _canonical(graph: Graph) -> ox.Dataset:
    dataset = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples])
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def graphs_match(expected: Graph, actual: Graph) -> bool:
    return _canonical(expected) == _canonical(actual)


# ---------------------------------------------------------------- showing


def show(result, ordered: bool = False) -> str:
    if isinstance(result, Boolean):
        return str(result.value)
    if isinstance(result, Graph):
        return "\n".join(sorted(str(q) for q in _canonical(result)))
    lines = [" ".join(f"?{k}={v}" for k, v in sorted(row.items())) for row in result.rows]
    if not ordered:
        lines.sort()
    return "\n".join(lines) or "(no solutions)"


def _diff(expected, actual) -> str:
    ordered = isinstance(expected, Solutions) and expected.ordered
    order = " (in this order)" if ordered else ""
    return f"expected{order}:\n{show(expected, ordered)}\n--- got:\n{show(actual, ordered)}"
