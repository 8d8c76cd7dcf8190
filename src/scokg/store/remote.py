"""A read-only store over a remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, QLever, Oxigraph server, …).

The remote holds scokg's three named graphs and the release digest (``scokg load``, Graph Store Protocol). The
default graph a client query sees is, as with the embedded store, the union of the ontology and data graphs: the
store sends them as ``default-graph-uri`` (and the three graphs as ``named-graph-uri``) unless the client names
its own dataset. Protocol parameters rather than FROM clauses written into the query: the text goes out as the
client wrote it, and, as in the embedded store, they take precedence over a FROM in the query. Answers come back
as SPARQL JSON or N-Triples, read whole (SPARQLWrapper does not stream), parsed by pyoxigraph and serialised by
the same code as the embedded store's, so formats, row caps and headers do not depend on the backend.

Client queries go out in their canonical form (``inspect``), with ``BASE <base_iri>`` in front, so relative IRIs
resolve as in the embedded store; a SERVICE is carried out by scokg (``federation``), never by the remote store.

The dataset version (which keys caches and ETags) is the release digest that ``scokg load`` writes into the graph
``graph/release``: the same string as the embedded store's for the same sources, shared by every worker and every
web host over one remote store. It is read again at most every ``VERSION_TTL`` seconds, so a new ``scokg load``
reaches caches and ETags within that time. A store loaded by other means has no digest: the version is then unique
to the process (correct, but not shared between hosts) until a digest appears.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import time
import urllib.error
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from .. import __version__
from ..errors import QuerySyntaxError, QueryTimeout, ScokgError, UpstreamError
from ..formats import serialize_triples
from ..namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES, RELEASE_GRAPH, SHAPES_GRAPH, VERSION_PREDICATE
from .base import PUBLISHED, Dataset, QueryMethods, describe_query
from .federation import NO_FEDERATION, Federation, runnable
from .inspect import inspect_query

log = logging.getLogger(__name__)

DEFAULT_GRAPHS = (str(ONTOLOGY_GRAPH), str(DATA_GRAPH))
# As in the embedded store, GRAPH patterns see every graph of the release unless the client names its own.
NAMED_GRAPHS = (str(ONTOLOGY_GRAPH), str(DATA_GRAPH), str(SHAPES_GRAPH))
AGENT = f"scokg/{__version__} (remote backend)"
VERSION_TTL = 10.0  # seconds between checks of the remote release digest
VERSION_QUERY = f"SELECT ?v WHERE {{ GRAPH <{RELEASE_GRAPH}> {{ <{RELEASE_GRAPH}> <{VERSION_PREDICATE}> ?v }} }}"
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
GRAPH_MEDIA = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE}
RESULTS_MEDIA = {"application/sparql-results+xml": ox.QueryResultsFormat.XML}


class SparqlEndpointStore(QueryMethods):
    """The store protocol over the SPARQL 1.1 Protocol."""

    def __init__(self, url: str, settings=None, timeout: float | None = None):
        self.url = url
        self.timeout = float(timeout or (settings.query_timeout if settings is not None else 10.0))
        self.base_iri = getattr(settings, "base_iri", "") or None
        self.federation = Federation.of(settings) if settings is not None else NO_FEDERATION
        self._fallback = "remote-" + hashlib.sha256(f"{url}\0{time.time()}".encode()).hexdigest()[:12]
        self._version = self._fallback
        self._checked = float("-inf")

    @property
    def version(self) -> str:
        """The release digest in the remote store, checked again every ``VERSION_TTL`` seconds."""
        now = time.monotonic()
        if now - self._checked >= VERSION_TTL:
            self._checked = now  # first: concurrent requests do not all check
            try:
                rows = self._run(VERSION_QUERY, Dataset((), (RELEASE_GRAPH,)), timeout=min(self.timeout, 2.0))
                found = [row[0].value for row in rows]
                self._version = found[0] if len(found) == 1 else self._fallback
            except ScokgError as exc:  # keep the last known version; the query itself will report the failure
                log.warning("cannot read the release digest of %s: %s", self.url, exc)
        return self._version

    # -- talking to the endpoint ------------------------------------------------------------
    def _run(self, text: str, dataset: Dataset = PUBLISHED, notes: list[str] | None = None,
             timeout: float | None = None):
        wrapper = SPARQLWrapper(self.url, agent=AGENT)
        wrapper.setMethod(POST)
        limit = timeout or self.timeout
        wrapper.timeout = limit  # type: ignore[assignment]  # not setTimeout(): it truncates to whole seconds, and 0 means no limit at all
        # the one reading, with its SERVICE calls made here: the remote store is never asked to call anything
        text = runnable(inspect_query(text, self.base_iri), self.federation)
        wrapper.setQuery(f"BASE <{self.base_iri}>\n{text}" if self.base_iri else text)
        if not dataset.from_query:
            for g in DEFAULT_GRAPHS if dataset.default is None else dataset.default:
                wrapper.addDefaultGraph(g)
            for g in NAMED_GRAPHS if dataset.named is None else dataset.named:
                wrapper.addNamedGraph(g)
        # SPARQLWrapper guesses the form from the text only to choose Accept; the answer's Content-Type decides
        # how it is parsed, so a wrong guess cannot turn triples into bindings.
        graph_form = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if graph_form else JSON)
        wrapper.addCustomHttpHeader("Accept", GRAPH_ACCEPT if graph_form else SELECT_ACCEPT)
        try:
            with wrapper.query().response as response:
                body = response.read()
                media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        except Exception as exc:  # noqa: BLE001 - each kind becomes the client's error below
            _close_response(exc)
            raise _upstream_failure(exc, self.url, limit) from None
        try:
            if media in GRAPH_MEDIA:
                return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, GRAPH_MEDIA[media])]
            return ox.parse_query_results(body, RESULTS_MEDIA.get(media, ox.QueryResultsFormat.JSON))
        except (SyntaxError, ValueError) as exc:
            raise UpstreamError(f"the SPARQL store at {self.url} sent an answer that does not parse "
                                f"({media or 'no Content-Type'}): {exc}") from None

    # -- internal queries -------------------------------------------------------------------
    def describe(self, iri: str) -> rdflib.Graph:
        g = self.construct(describe_query(iri))
        # Blank nodes cannot be named across requests: close them (two levels deep) in one query instead.
        g += self.construct(f"""CONSTRUCT {{ ?b ?p ?o . ?c ?q ?r }} WHERE {{
            <{iri}> ?p0 ?b . FILTER(isBlank(?b)) ?b ?p ?o .
            OPTIONAL {{ ?b ?p1 ?c . FILTER(isBlank(?c)) ?c ?q ?r }} }}""")
        return g

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            rows = self._run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        else:  # any graph of the store, as in the embedded store, not only the three a client's GRAPH sees
            rows = self._run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                             Dataset((), (graph,)))
        return int(next(iter(rows))[0].value)

    def export(self, stream: BinaryIO, media_type: str, graph: str | None = None) -> None:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        dataset = Dataset((), (graph,)) if graph else PUBLISHED
        triples = self._run(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", dataset)
        serialize_triples(sorted(triples, key=str), stream, media_type, PREFIXES)

    def close(self) -> None:
        pass


def _remote_message(exc: Exception) -> str:
    text = str(exc)
    return text.split("Response:", 1)[-1].strip().strip("b'\"")[:500] or text


def _close_response(exc: BaseException) -> None:
    """urllib's HTTPError holds the open connection; SPARQLWrapper wraps it in its own errors."""
    for e in (exc, exc.__context__):
        if isinstance(e, urllib.error.HTTPError):
            e.close()


def _upstream_failure(exc: Exception, url: str, limit: float) -> Exception:
    """What a failed exchange with the remote store means for the client."""
    if isinstance(exc, QueryBadFormed):
        return QuerySyntaxError(f"malformed query: {_remote_message(exc)}")
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in (503, 504):  # how Fuseki, Virtuoso and proxies say that they stopped a long query
            return QueryTimeout(f"the SPARQL store gave up on the query (HTTP {exc.code})",
                                hint="add a LIMIT or narrow the patterns")
        return UpstreamError(f"the SPARQL store at {url} answered HTTP {exc.code}")
    if isinstance(exc, TimeoutError):
        return QueryTimeout(f"the SPARQL store did not answer within {limit:g} s",
                            hint="add a LIMIT or narrow the patterns")
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, TimeoutError) or "timed out" in str(exc.reason):
            return QueryTimeout(f"the SPARQL store did not answer within {limit:g} s")
        return UpstreamError(f"cannot reach the SPARQL store at {url}: {exc.reason}",
                             hint="check --backend and that the store is running")
    if isinstance(exc, SPARQLWrapperException):
        return UpstreamError(f"the SPARQL store at {url} failed: {_remote_message(exc)}")
    if isinstance(exc, OSError | http.client.HTTPException):  # connection reset or cut short mid-answer
        return UpstreamError(f"the connection to the SPARQL store at {url} failed: {exc!r}")
    return exc

