"""A read-only store over a remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, QLever, Oxigraph server, …).

The remote holds scokg's three named graphs (loaded with ``scokg load`` through the Graph Store Protocol). The
default graph a client query sees is, as with the embedded store, the union of the ontology and data graphs: the
store sends them as ``default-graph-uri`` unless the client names its own dataset. Answers come back as SPARQL
JSON or N-Triples, are parsed by pyoxigraph and serialised by the same code as the embedded store's, so formats,
row caps and headers do not depend on the backend.

The dataset version (which keys caches and ETags) is fixed when the store is opened: a remote graph that changes
underneath is picked up when cached answers expire (``cache_max_age``) or on a reload (SIGHUP).
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from . import __version__, results
from .errors import QuerySyntaxError, QueryTimeout, UpstreamError
from .namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from .store import QueryMethods, describe_query

DEFAULT_GRAPHS = (str(ONTOLOGY_GRAPH), str(DATA_GRAPH))
# As in the embedded store, GRAPH patterns see every graph of the release unless the client names its own.
NAMED_GRAPHS = (str(ONTOLOGY_GRAPH), str(DATA_GRAPH), str(SHAPES_GRAPH))
AGENT = f"scokg/{__version__} (remote backend)"


class SparqlEndpointStore(QueryMethods):
    """The store protocol over the SPARQL 1.1 Protocol."""

    def __init__(self, url: str, settings=None):
        self.url = url
        self.timeout = float(getattr(settings, "query_timeout", 10.0))
        self.version = "remote-" + hashlib.sha256(f"{url}\0{time.time()}".encode()).hexdigest()[:12]

    # -- talking to the endpoint ------------------------------------------------------------
    def _run(self, text: str, default_graphs=None, named_graphs=None):
        wrapper = SPARQLWrapper(self.url, agent=AGENT)
        wrapper.setMethod(POST)
        wrapper.setTimeout(self.timeout)
        wrapper.setQuery(text)
        for g in default_graphs or DEFAULT_GRAPHS:
            wrapper.addDefaultGraph(g)
        for g in named_graphs or NAMED_GRAPHS:
            wrapper.addNamedGraph(g)
        graph_query = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if graph_query else JSON)
        if graph_query:
            wrapper.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
        try:
            response = wrapper.query().response
            body = response.read()
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip()
        except QueryBadFormed as exc:
            raise QuerySyntaxError(f"malformed query: {_remote_message(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise UpstreamError(f"the SPARQL store at {self.url} answered HTTP {exc.code}") from None
        except TimeoutError as exc:
            raise QueryTimeout(f"the SPARQL store did not answer within {self.timeout:g} s") from exc
        except urllib.error.URLError as exc:
            if "timed out" in str(exc.reason):
                raise QueryTimeout(f"the SPARQL store did not answer within {self.timeout:g} s") from None
            raise UpstreamError(f"cannot reach the SPARQL store at {self.url}: {exc.reason}") from None
        except SPARQLWrapperException as exc:
            raise UpstreamError(f"the SPARQL store at {self.url} failed: {_remote_message(exc)}") from None
        if graph_query:
            fmt = ox.RdfFormat.N_TRIPLES if media == "application/n-triples" else ox.RdfFormat.TURTLE
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, fmt)]
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)

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
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        else:
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"])

    def export(self, stream: BinaryIO, media_type: str, graph: str | None = None) -> None:
        fmt = results.GRAPH_TYPES[media_type]
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        triples = self._run(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
        kwargs = {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD) else {}
        ox.serialize(sorted(triples, key=str), stream, fmt, **kwargs)

    def close(self) -> None:
        pass


def _remote_message(exc: Exception) -> str:
    text = str(exc)
    return text.split("Response:", 1)[-1].strip().strip("b'\"")[:500] or text
