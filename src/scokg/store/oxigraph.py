"""The embedded store: pyoxigraph, in memory or on disk, loaded from the release's source files."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
import time
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, URIRef

from ..config import Settings
from ..errors import BadRequest, ConfigError, QuerySyntaxError, ScokgError, UpstreamError
from ..formats import serialize_triples
from ..graph.build import Release
from ..graph.load import open_sources, release_digest, source_files, to_rdflib
from ..namespaces import PREFIXES
from .base import DEFAULT_GRAPHS, PUBLISHED, Dataset, QueryMethods, describe_query, evaluation_error
from .federation import NO_FEDERATION, Federation, runnable
from .inspect import inspect_query, inspect_update

log = logging.getLogger(__name__)


UNKNOWN_FUNCTION = re.compile(r"The custom function <([^>]*)> is not supported")
MAX_UNKNOWN_FUNCTIONS = 32


def _unknown_function(*_args):
    return None  # pyoxigraph's way of saying that the call is an error


def _graph_list(iris):
    return [ox.DefaultGraph() if i == "" else ox.NamedNode(i) for i in iris]


class OxigraphStore(QueryMethods):
    """The embedded store: pyoxigraph, in memory or on disk.

    ``base_iri`` resolves relative IRIs in clients' queries and updates (the protocol lets the service choose it).
    Every text is read once (``inspect``) and only its canonical form, with its SERVICE and LOAD calls carried
    out by ``federation`` under the ``federation`` policy, reaches pyoxigraph: the two calls below are the only
    places the engine is given a text.
    """

    def __init__(self, store: ox.Store, version: str = "", base_iri: str | None = None,
                 federation: Federation = NO_FEDERATION):
        self._store = store
        self.version = version
        self.base_iri = base_iri
        self.federation = federation

    # -- client queries -------------------------------------------------------------------
    def _run(self, text, dataset: Dataset = PUBLISHED, notes: list[str] | None = None):
        info = inspect_query(text, self.base_iri)
        kwargs: dict = {"base_iri": self.base_iri} if self.base_iri else {}
        final = runnable(info, self.federation, parse=lambda t: ox.Store().query(t, **kwargs))
        if not dataset.from_query:
            kwargs["default_graph"] = _graph_list(DEFAULT_GRAPHS if dataset.default is None else dataset.default)
            if dataset.named is not None:
                kwargs["named_graphs"] = _graph_list(dataset.named)
        unknown: dict = {}
        while True:
            try:
                return self._store.query(final, custom_functions=unknown or None, **kwargs)
            except SyntaxError as exc:
                if final != info.text:
                    raise UpstreamError(f"a federated answer could not be passed on: {exc.msg}") from None
                raise QuerySyntaxError(f"malformed query: {info.position(exc.msg)}") from None
            except OSError as exc:
                raise ScokgError(f"the store failed: {exc}") from None
            except RuntimeError as exc:
                # SPARQL 1.1, 17.6: a call of a function the engine does not know is an error of that expression
                # (unbound, or false in a filter), not of the query; the client hears of it in a note
                name = UNKNOWN_FUNCTION.fullmatch(str(exc))
                if name is None or len(unknown) >= MAX_UNKNOWN_FUNCTIONS:
                    raise evaluation_error(exc) from None
                unknown[ox.NamedNode(name.group(1))] = _unknown_function
                if notes is not None:
                    notes.append(f"unknown function <{name.group(1)}>: every call of it is an error")

    def prepare_update(self, text: str) -> str:
        """The text an update runs as: read, checked, its SERVICE and LOAD calls carried out (a malformed update
        makes no call). Apply it with ``update``: it reaches nothing outside, so copies apply it alike."""
        info = inspect_update(text, self.base_iri)
        return runnable(info, self.federation, "update",
                        parse=lambda t: ox.Store().update(t, base_iri=self.base_iri or None))

    def update(self, text: str) -> str:
        """Apply a SPARQL Update (only reachable with the update token); returns the new dataset version, which
        invalidates every cached answer and ETag."""
        info = inspect_update(text, self.base_iri)
        final = self.prepare_update(text)
        try:
            self._store.update(final, base_iri=self.base_iri or None)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"malformed update: {info.position(exc.msg)}") from None
        except OSError as exc:
            raise ScokgError(f"the store failed: {exc}") from None
        except RuntimeError as exc:
            # evaluation refused by the engine (DROP of a missing graph, CREATE of an existing one): the client's fault
            raise BadRequest(f"the update failed: {exc}") from None
        self.version = hashlib.sha256(f"{self.version}\0{text}".encode()).hexdigest()[:16]
        return self.version

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
        if graph is None:
            triples = (t for t in self._run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
        else:
            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        serialize_triples(sorted(triples, key=str), stream, media_type, PREFIXES)

    def raw(self) -> ox.Store:
        return self._store

    def close(self) -> None:
        flush = getattr(self._store, "flush", None)
        if flush is not None:
            with contextlib.suppress(OSError, RuntimeError):  # read-only stores cannot flush (RuntimeError in 0.5)
                flush()


# Above this many bytes of source files, "auto" keeps the graph on disk (read-only RocksDB shared through the
# page cache by every process) instead of in each process's memory.
AUTO_DISK_BYTES = 32 << 20


def open_release(release: Release, settings: Settings) -> OxigraphStore:
    """The store a release is served from: in memory, or pyoxigraph's on-disk store in the release folder (built
    once, then opened read-only by every process)."""
    mode = settings.store
    if mode == "auto":
        size = sum(f.path.stat().st_size for f in release.files)
        mode = "disk" if size > AUTO_DISK_BYTES else "memory"
    if mode == "memory":
        raw = open_sources(list(release.files))
    elif mode == "disk":
        if settings.update_token:
            raise ConfigError("a server that accepts updates needs the graph in memory",
                              hint="serve with --store memory, or load updates into a remote store")
        raw = ox.Store.read_only(str(_disk_store(release)))
    else:
        raise ConfigError(f"unknown store {mode!r}", hint="use auto, memory or disk")
    return OxigraphStore(raw, release.version, base_iri=settings.base_iri or None,
                         federation=Federation.of(settings))


def _disk_store(release: Release) -> Path:
    path = release.folder / "store"
    if not (path / "CURRENT").exists():  # RocksDB's own marker of a complete database
        tmp = release.folder / f".store-{time.time_ns()}"
        writable = open_sources(list(release.files), tmp)
        writable.flush()
        # the bulk loader leaves many overlapping files; compacted, an on-disk scan is about twice as fast (at 1M
        # triples: label search 0.56 s → 0.29 s) for about a second more at the start
        writable.optimize()
        del writable  # closes the database before it is renamed and reopened read-only
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
    return path


def build_store(root: str | Path, path: str | Path | None = None) -> OxigraphStore:
    """Load the project's sources into a fresh pyoxigraph store (in memory, or on disk at ``path``)."""
    files = source_files(root)
    return OxigraphStore(open_sources(files, path), release_digest(root)[:16])


