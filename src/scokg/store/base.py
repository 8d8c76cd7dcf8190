"""The store protocol every backend follows, and the values it passes: Dataset (which graphs a query sees) and
Answer (a serialised result).

Every backend offers the same methods: ``execute`` (a client's query, serialised, capped), ``select``/``construct``
(internal queries, rdflib terms), ``describe``, ``count``, ``export``, and a ``version`` that changes with every
release of the data (used in ETags and caches). ``QueryMethods`` derives them from a backend's ``_run``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import pyoxigraph as ox
import rdflib

from ..errors import NotAcceptable, QueryEvaluationError, ScokgError
from ..formats import RDF_FORMATS, RESULT_FORMATS
from ..graph.load import to_rdflib
from ..namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from . import results
from .inspect import inspect_query

DEFAULT_GRAPHS = (str(ONTOLOGY_GRAPH), str(DATA_GRAPH), "")


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a client's query runs over (SPARQL 1.1 Protocol 2.1.4).

    ``default`` and ``named`` come from default-graph-uri and named-graph-uri: when either is given, both define
    the dataset (an absent one is empty), overriding the query's own. ``from_query`` leaves it to the query's
    FROM / FROM NAMED. Otherwise the published default graph (ontology and data) and every named graph.
    """

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    from_query: bool = False

    @classmethod
    def of_request(cls, default_graph_uris, named_graph_uris, query_has_dataset: bool) -> Dataset:
        if default_graph_uris or named_graph_uris:
            return cls(tuple(default_graph_uris or ()), tuple(named_graph_uris or ()))
        return cls(from_query=query_has_dataset)


PUBLISHED = Dataset()


@dataclass(frozen=True)
class Answer:
    """A serialised query answer."""

    kind: str  # "select" | "ask" | "graph"
    media_type: str
    body: bytes
    count: int = 0
    truncated: bool = False
    warnings: tuple[str, ...] = ()


class Store(Protocol):
    @property
    def version(self) -> str: ...

    def execute(self, text: str, select_type: str | None, graph_type: str | None, *,
                dataset: Dataset = PUBLISHED, max_rows: int = 10000, row_bound: int | None = None) -> Answer: ...

    def select(self, text: str) -> list[dict]: ...

    def construct(self, text: str) -> rdflib.Graph: ...

    def describe(self, iri: str) -> rdflib.Graph: ...

    def count(self, graph: str | None = None) -> int: ...

    def export(self, stream: BinaryIO, media_type: str, graph: str | None = None) -> None: ...

    def close(self) -> None: ...


def describe_query(iri: str) -> str:
    """The SPARQL that gathers a resource's description (outgoing, labels of neighbours, incoming)."""
    i = f"<{iri}>"
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ {i} ?p ?o . ?o rdfs:label ?ol . ?s ?ip {i} . ?s rdfs:label ?sl . }}
WHERE {{
  {{ {i} ?p ?o . OPTIONAL {{ FILTER(!isLiteral(?o)) ?o rdfs:label ?ol }} }}
  UNION
  {{ ?s ?ip {i} . OPTIONAL {{ ?s rdfs:label ?sl }} }}
}}"""


def evaluation_error(exc: RuntimeError) -> ScokgError:
    """pyoxigraph's evaluation errors other than storage and I/O: the query's fault (an unknown function, say).
    The engine calls nothing outside (``federation`` does), so none of them is a remote's."""
    return QueryEvaluationError(f"the query cannot be evaluated: {exc}")


def answer_from(res, select_type, graph_type, max_rows: int, row_bound: int | None = None,
                order: tuple[str, ...] | None = None) -> Answer:
    """Serialise pyoxigraph results in the negotiated media type, with the row cap; ``row_bound`` is the query's
    top-level LIMIT, when it has one (then the count of rows is not computed: -1); ``order``: a SELECT *'s
    columns in the query's order (``results.star_order``)."""
    try:
        if isinstance(res, ox.QuerySolutions):
            if select_type is None:
                raise NotAcceptable("no acceptable media type for SELECT results",
                                    hint="accept one of " + ", ".join(f.media_type for f in RESULT_FORMATS))
            if row_bound is not None and row_bound <= max_rows:
                native = results.write_bounded_select(res, select_type, order)
                if native is not None:
                    return Answer("select", select_type, native, -1)
            body, n, cut = results.write_select(res, select_type, max_rows, order)
            return Answer("select", select_type, body, n, cut)
        if isinstance(res, ox.QueryBoolean):
            if select_type is None:
                raise NotAcceptable("no acceptable media type for ASK results",
                                    hint="accept one of " + ", ".join(f.media_type for f in RESULT_FORMATS))
            return Answer("ask", select_type, results.write_boolean(bool(res), select_type), 1)
        if graph_type is None:
            raise NotAcceptable("no acceptable media type for graph results",
                                hint="accept one of " + ", ".join(f.media_type for f in RDF_FORMATS))
        body, n, cut = results.write_triples(res, graph_type, max_rows, PREFIXES)
        return Answer("graph", graph_type, body, n, cut)
    except OSError as exc:  # the storage, read lazily while the results are written
        raise ScokgError(f"the store failed: {exc}") from None
    except RuntimeError as exc:  # results are computed lazily, while they are written
        raise evaluation_error(exc) from None


class QueryMethods:
    """What every backend derives from its ``_run(text, dataset)`` (pyoxigraph results)."""

    def _run(self, text: str, dataset: Dataset = PUBLISHED, notes: list[str] | None = None) -> Any:
        """The engine's results; ``notes`` collects what the client should be told beside them."""
        raise NotImplementedError

    def describe(self, iri: str) -> rdflib.Graph:
        raise NotImplementedError

    def count(self, graph: str | None = None) -> int:
        raise NotImplementedError

    def export(self, stream: BinaryIO, media_type: str, graph: str | None = None) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def execute(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, max_rows=10000,
                row_bound: int | None = None) -> Answer:
        notes: list[str] = []
        res = self._run(text, dataset, notes)
        # SELECT *: the columns in the order the query names them (the reading _run made, from inspect's cache)
        order = results.star_order(inspect_query(text, getattr(self, "base_iri", None)).tokens) \
            if isinstance(res, ox.QuerySolutions) else None
        answer = answer_from(res, select_type, graph_type, max_rows, row_bound, order)
        return dataclasses.replace(answer, warnings=tuple(notes)) if notes else answer

    def select(self, text: str) -> list[dict]:
        res = self._run(text)
        names = [v.value for v in res.variables]
        return [{n: to_rdflib(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in res]

    def ask(self, text: str) -> bool:
        return bool(self._run(text))

    def construct(self, text: str) -> rdflib.Graph:
        g = rdflib.Graph()
        for t in self._run(text):
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g


