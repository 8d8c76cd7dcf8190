"""The graph behind one small interface, so a remote SPARQL store can stand in for the embedded one.

Every backend offers the same methods: ``execute`` (a client's query, serialised, capped),
``select``/``construct`` (internal queries, rdflib terms), ``describe``, ``count``, ``export``,
and a ``version`` that changes with every release of the data (used in ETags and caches).

>>> from scokg.config import load_settings
>>> store = open_store(load_settings(environ={}))
>>> store.count() > 1000
True
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, URIRef

from . import results
from .errors import BadRequest, NotAcceptable, QueryEvaluationError, QuerySyntaxError, ScokgError, UpstreamError
from .load import bulk_load_files, source_files, sources_digest
from .namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES

log = logging.getLogger(__name__)

# The union a plain query sees: ontology, data, and the store's own default graph (where updates without GRAPH go).
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


class Store(Protocol):
    version: str

    def execute(self, text: str, select_type: str | None, graph_type: str | None, *,
                dataset: Dataset = PUBLISHED, max_rows: int = 10000) -> Answer: ...

    def select(self, text: str) -> list[dict]: ...

    def construct(self, text: str) -> rdflib.Graph: ...

    def describe(self, iri: str) -> rdflib.Graph: ...

    def count(self, graph: str | None = None) -> int: ...

    def export(self, stream: BinaryIO, media_type: str, graph: str | None = None) -> None: ...

    def close(self) -> None: ...


def to_rdflib(term):
    """pyoxigraph term → rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value, datatype=None if dt == results.XSD_STRING else URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def _graph_list(iris):
    return [ox.DefaultGraph() if i == "" else ox.NamedNode(i) for i in iris]


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
    """pyoxigraph's evaluation errors other than storage and I/O: the query's fault (an unknown function, an
    unbound SERVICE name), or, when a SERVICE answered badly, the remote's."""
    message = str(exc)
    if "service" in message.lower():
        return UpstreamError(f"a federated SERVICE call failed: {message}")
    return QueryEvaluationError(f"the query cannot be evaluated: {message}")


def answer_from(res, select_type, graph_type, max_rows: int) -> Answer:
    """Serialise pyoxigraph results in the negotiated media type, with the row cap."""
    try:
        if isinstance(res, ox.QuerySolutions):
            if select_type is None:
                raise NotAcceptable("no acceptable media type for SELECT results",
                                    hint="accept one of " + ", ".join(results.SELECT_TYPES))
            body, n, cut = results.write_select(res, select_type, max_rows)
            return Answer("select", select_type, body, n, cut)
        if isinstance(res, ox.QueryBoolean):
            if select_type is None:
                raise NotAcceptable("no acceptable media type for ASK results",
                                    hint="accept one of " + ", ".join(results.SELECT_TYPES))
            return Answer("ask", select_type, results.write_boolean(bool(res), select_type), 1)
        if graph_type is None:
            raise NotAcceptable("no acceptable media type for graph results",
                                hint="accept one of " + ", ".join(results.GRAPH_TYPES))
        body, n, cut = results.write_triples(res, graph_type, max_rows, PREFIXES)
        return Answer("graph", graph_type, body, n, cut)
    except OSError as exc:
        raise UpstreamError(f"a federated SERVICE call failed: {exc}") from None
    except RuntimeError as exc:  # results are computed lazily, while they are written
        raise evaluation_error(exc) from None


class QueryMethods:
    """What every backend derives from its ``_run(text, dataset)`` (pyoxigraph results)."""

    def execute(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, max_rows=10000) -> Answer:
        return answer_from(self._run(text, dataset), select_type, graph_type, max_rows)

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


class OxigraphStore(QueryMethods):
    """The embedded store: pyoxigraph, in memory or on disk.

    ``base_iri`` resolves relative IRIs in clients' queries and updates (the protocol lets the service choose it).
    """

    def __init__(self, store: ox.Store, version: str = "", base_iri: str | None = None):
        self._store = store
        self.version = version
        self.base_iri = base_iri

    # -- client queries -------------------------------------------------------------------
    def _run(self, text, dataset: Dataset = PUBLISHED):
        kwargs: dict = {"base_iri": self.base_iri} if self.base_iri else {}
        if not dataset.from_query:
            kwargs["default_graph"] = _graph_list(DEFAULT_GRAPHS if dataset.default is None else dataset.default)
            if dataset.named is not None:
                kwargs["named_graphs"] = _graph_list(dataset.named)
        try:
            return self._store.query(text, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"malformed query: {exc.msg}") from None
        except OSError as exc:
            # pyoxigraph reports failed SERVICE calls as OSError
            raise UpstreamError(f"a federated SERVICE call failed: {exc}") from None
        except RuntimeError as exc:
            raise evaluation_error(exc) from None

    def update(self, text: str) -> None:
        """Apply a SPARQL Update (only reachable with the update token)."""
        try:
            self._store.update(text, base_iri=self.base_iri or None)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"malformed update: {exc.msg}") from None
        except RuntimeError as exc:
            # evaluation refused by the engine (DROP of a missing graph, CREATE of an existing one): the client's fault
            raise BadRequest(f"the update failed: {exc}") from None

    def describe(self, iri: str) -> rdflib.Graph:
        g = self.construct(describe_query(iri))
        # close blank nodes the resource points at (quotes, periods, …)
        seen: set = set()
        todo = [o for o in g.objects(URIRef(iri)) if isinstance(o, BNode)]
        while todo:
            b = todo.pop()
            if b in seen:
                continue
            seen.add(b)
            for t in self._store.quads_for_pattern(ox.BlankNode(str(b)), None, None, None):
                o = to_rdflib(t.object)
                g.add((b, to_rdflib(t.predicate), o))
                if isinstance(o, BNode):
                    todo.append(o)
        return g

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            return int(self._run(q).__next__()[0].value)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def export(self, stream: BinaryIO, media_type: str, graph: str | None = None) -> None:
        fmt = results.GRAPH_TYPES[media_type]
        kwargs = {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD) else {}
        if graph is None:
            triples = (t for t in self._run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
        else:
            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        ox.serialize(sorted(triples, key=str), stream, fmt, **kwargs)

    def raw(self) -> ox.Store:
        return self._store

    def close(self) -> None:
        flush = getattr(self._store, "flush", None)
        if flush is not None:
            try:
                flush()
            except OSError:  # read-only stores cannot flush
                pass


def build_store(root: str | Path, path: str | Path | None = None) -> OxigraphStore:
    """Load the project's sources into a fresh pyoxigraph store (in memory, or on disk at ``path``)."""
    files = source_files(root)
    version = sources_digest(files)
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        raw = ox.Store(str(path))
        raw.clear()
    else:
        raw = ox.Store()
    bulk_load_files(raw, files)
    return OxigraphStore(raw, version[:16])


def open_store(settings) -> Store:
    """Open the store the settings describe: embedded oxigraph (loaded from sources) or a remote endpoint."""
    backend = settings.backend
    if backend.startswith("sparql+"):
        from .remote import SparqlEndpointStore

        return SparqlEndpointStore(backend.removeprefix("sparql+"), settings)
    if backend != "oxigraph":
        raise ScokgError(f"unknown backend {backend!r}", hint="use 'oxigraph' or 'sparql+http://host/sparql'")
    store = build_store(settings.root, settings.store or None)
    store.base_iri = settings.base_iri or None
    return store
