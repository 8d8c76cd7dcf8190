"""Answers compared as typed results: every server must give the reference server's answer.

SELECT/ASK: parsed with pyoxigraph (SPARQL results JSON) into rows of RDF terms (IRIs, typed or language-tagged
literals), one term per variable in the order of the variables' names; compared as multisets, or as sequences when
the query has ORDER BY. CONSTRUCT/DESCRIBE: triples compared as sets, by isomorphism (rdflib) when blank nodes
occur. So "2024"^^xsd:gYear differs from "2024", 6 from "6"^^xsd:decimal, and a missing language tag shows.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

RDF_FORMATS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML,
               "application/n-quads": ox.RdfFormat.N_QUADS}


@dataclass
class Answer:
    kind: str  # "rows", "boolean" or "graph"
    value: object  # list of row tuples, a bool, or a set of triples
    blank: bool = False
    truncated: bool = False  # the server said so (scokg's X-Result-Truncated, its documented max_rows)

    def size(self) -> int:
        return len(self.value) if self.kind != "boolean" else 1


def request(url: str, query: str, method: str, accept: str, timeout: float = 300) -> tuple[str, bytes, bool]:
    """One request as the benchmark sends it (get, post or form); returns (content type, body, truncated)."""
    headers = {"Accept": accept}
    if method == "get":
        req = urllib.request.Request(url + "?query=" + quote(query, safe="-._~"), headers=headers)
    elif method == "post":
        req = urllib.request.Request(url, data=query.encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/sparql-query"})
    else:
        req = urllib.request.Request(url, data=("query=" + quote(query, safe="-._~")).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            truncated = r.headers.get("X-Result-Truncated", "").lower() == "true"
            return r.headers.get("Content-Type", ""), r.read(), truncated
    except urllib.error.HTTPError as exc:
        raise ValueError(f"HTTP {exc.code}: {exc.read()[:300].decode('utf-8', 'replace')}") from None


def _blank(term) -> bool:
    return isinstance(term, ox.BlankNode) or (isinstance(term, ox.Triple) and any(map(_blank, term)))


def parse(content_type: str, body: bytes, truncated: bool, graph: bool) -> Answer:
    media = content_type.split(";")[0].strip().lower()
    if graph:
        fmt = RDF_FORMATS.get(media, ox.RdfFormat.N_TRIPLES)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, fmt)}
        return Answer("graph", triples, any(_blank(t.subject) or _blank(t.object) for t in triples), truncated)
    result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", bool(result))
    names = sorted(v.value for v in result.variables)
    variables = [ox.Variable(n) for n in names]
    rows = [tuple(solution[v] for v in variables) for solution in result]
    return Answer("rows", rows, any(_blank(t) for row in rows for t in row if t is not None), truncated)


def _isomorphic(a: set, b: set) -> bool:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    def graph(triples):
        g = Graph()
        g.parse(data="".join(f"{t} .\n" for t in triples), format="nt")
        return g

    return isomorphic(graph(a), graph(b))


def _blank_free(row: tuple) -> tuple:
    """Blank node labels are local to a response: rows keep only where a blank node stands."""
    return tuple(ox.BlankNode("b") if isinstance(t, ox.BlankNode) else t for t in row)


def difference(ref: Answer, got: Answer, ordered: bool) -> str | None:
    """None when the answers are the same; otherwise what differs, briefly."""
    if ref.kind != got.kind:
        return f"a {got.kind} answer where the reference has a {ref.kind} answer"
    if ref.kind == "boolean":
        return None if ref.value == got.value else f"{got.value} instead of {ref.value}"
    if ref.kind == "graph":
        if got.truncated and not got.blank and got.value <= ref.value:
            return None
        if ref.value == got.value or ((ref.blank or got.blank) and _isomorphic(ref.value, got.value)):
            return None
        missing, extra = ref.value - got.value, got.value - ref.value
        return (f"{len(got.value)} triples instead of {len(ref.value)}; missing {_few(missing)}; "
                f"extra {_few(extra)}")
    a, b = ref.value, got.value
    if ref.blank or got.blank:
        a, b = [_blank_free(r) for r in a], [_blank_free(r) for r in b]
    if got.truncated:  # a declared cut: the rows kept must be the reference's (its first ones under ORDER BY)
        if ordered and a[:len(b)] != b:
            return f"truncated to {len(b)} rows that are not the first {len(b)} of the reference's"
        extra = Counter(b) - Counter(a)
        return f"truncated to {len(b)} rows, and {_few(extra)} are not in the reference" if extra else None
    if Counter(a) != Counter(b):
        missing, extra = Counter(a) - Counter(b), Counter(b) - Counter(a)
        return f"{len(b)} rows instead of {len(a)}; missing {_few(missing)}; extra {_few(extra)}"
    if ordered and a != b:
        first = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
        return f"same rows in another order (ORDER BY): row {first} is {_few([b[first]])}, expected {_few([a[first]])}"
    return None


def _few(items, n: int = 3) -> str:
    items = list(items)
    text = ", ".join("(" + " ".join(map(str, x)) + ")" if isinstance(x, tuple) else str(x) for x in items[:n])
    return (text or "nothing") + (f" and {len(items) - n} more" if len(items) > n else "")
