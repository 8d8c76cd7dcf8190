"""What a running server holds: settings, the store, the query executors and the result cache.

A Runtime is replaced as a whole when a new release is loaded, so a request always sees one
consistent graph.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..config import Settings
from ..errors import Forbidden, ScokgError, TooManyRequests
from ..graph.build import Release, publish
from ..store import Store, open_store
from ..store.base import PUBLISHED, Answer, Dataset
from ..store.executor import QueryExecutor
from ..store.inspect import inspect_query
from ..store.lanes import anchor_query, lane_of, runs_in_worker
from ..store.oxigraph import OxigraphStore, open_release
from .cache import ByteCache
from .metrics import Metrics

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    cache: ByteCache
    executor: QueryExecutor | None = None
    release: Release | None = None  # None for a remote store: its data and dumps live elsewhere
    metrics: Metrics = field(default_factory=Metrics)
    load_seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    degrees: dict = field(default_factory=dict)  # anchor → its triples, for the worker lane (per release)
    shares: ClientShares = field(default_factory=lambda: ClientShares(0))

    _update_lock: threading.Lock = field(default_factory=threading.Lock)

    def start_executor(self) -> None:
        """Fork the query executors; call while the process is single-threaded.

        Executors hold a copy of the graph taken when they were forked; ``update`` applies an update to the
        executors' zygote too and replaces them, so the time limit holds for a server that accepts updates.
        """
        if self.executor is None and isinstance(self.store, OxigraphStore):
            self.executor = QueryExecutor(self.store, self.settings.query_workers,
                                          on_restart=lambda: self.metrics.count("executor_restarts"),
                                          max_growth=self.settings.executor_memory,
                                          on_retire=lambda: self.metrics.count("executor_retirements"),
                                          queue_wait=self.settings.queue_wait,
                                          max_waiting=self.settings.queue_depth,
                                          memory_limit=self.settings.executor_memory_limit)

    def execute(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, timeout=None,
                row_bound: int | None = None, cached: bool = True) -> Answer:
        return self.answer(text, select_type, graph_type, dataset=dataset, timeout=timeout, row_bound=row_bound,
                           cached=cached)[0]

    def answer(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, timeout=None,
               row_bound: int | None = None, cached: bool = True, client: str = "") -> tuple[Answer, bool]:
        """The answer to a query, and whether it came from the cache. A query whose cost is bounded before it
        starts runs here, in the worker (``store/lanes``); every other one in a killable executor, within the
        client's share of them."""
        timeout = timeout or self.settings.query_timeout
        key = ("answer", self.store.version, text, dataset, select_type, graph_type)
        answer = self.cache.get(key) if cached else None
        if answer is not None:
            self.metrics.count("cache_hits", "answer")
            return answer, True
        if cached:
            self.metrics.count("cache_misses", "answer")
        max_rows = self.settings.max_rows
        if self.executor is not None and self.light(text):
            self.metrics.count("lanes", "worker")
            answer = self.store.execute(text, select_type, graph_type, dataset=dataset, max_rows=max_rows,
                                        row_bound=row_bound)
        elif self.executor is not None:
            self.metrics.count("lanes", "executor")
            with self.shares.hold(client):
                answer = self.executor.call("execute", text, select_type, graph_type, timeout=timeout,
                                            dataset=dataset, max_rows=max_rows, row_bound=row_bound)
        else:
            answer = self.store.execute(text, select_type, graph_type, dataset=dataset, max_rows=max_rows,
                                        row_bound=row_bound)
        if cached:
            self.cache.put(key, answer)
        return answer, False

    def light(self, text: str) -> bool:
        """Whether the worker may run this query itself: bounded by its shape, and its anchor's triples counted."""
        try:
            lane = lane_of(inspect_query(text, self.settings.base_iri or None))
        except ScokgError:
            return False
        if lane is None:
            return False
        key = ("degree", self.store.version, lane.anchor)
        degree = self.degrees.get(key)
        if degree is None:
            degree = int(self.store.select(anchor_query(lane))[0]["n"])
            if len(self.degrees) > 4096:
                self.degrees.clear()
            self.degrees[key] = degree
        return runs_in_worker(lane, degree)

    def triples(self) -> int:
        """Triples in the published default graph, counted once per release."""
        key = ("triples", self.store.version)
        if key not in self.counts:
            self.counts[key] = self.store.count()
        return self.counts[key]

    def update(self, text: str) -> str:
        """Apply a SPARQL Update; returns the new dataset version."""
        if not isinstance(self.store, OxigraphStore):
            raise Forbidden("this backend is read-only: SPARQL Update goes to the remote store itself")
        with self._update_lock:
            text = self.store.prepare_update(text)  # its outside calls made once: copies apply the same text
            version = self.store.update(text)
            if self.executor is not None:
                self.executor.apply_update(text)
            self.counts.clear()
        return version

    def close(self) -> None:
        if self.executor is not None:
            self.executor.close()
            self.executor = None
        self.metrics.close()
        self.store.close()


class ClientShares:
    """Heavy queries in flight per client address in this worker; a client past its share gets 429 while another
    client has heavy queries here too. Work-conserving: a client alone is held back only by the queue's bound (503),
    so one analyst's parallel script is not refused while the executors would sit idle."""

    def __init__(self, share: int):
        self.share = share
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def hold(self, client: str):
        with self._lock:
            held = self._held.get(client, 0)
            if self.share and client and held >= self.share and any(c != client for c in self._held):
                raise TooManyRequests(f"this client already has {held} heavy queries running or waiting here, "
                                      f"its share of the server", retry_after=2,
                                      hint="wait for an answer before sending the next heavy query")
            self._held[client] = held + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._held.get(client, 1) - 1
                if left:
                    self._held[client] = left
                else:
                    self._held.pop(client, None)


def open_runtime(settings, start_executor: bool = True) -> Runtime:
    """Publish the release (validated once, dumps and VoID written), open the store, and start executors."""
    started = time.perf_counter()
    release = None
    store: Store
    if settings.backend == "oxigraph":
        release = publish(settings, progress=lambda step, seconds: log.info("release: %s took %.1f s", step, seconds))
        store = open_release(release, settings)
    else:
        store = open_store(settings)
    runtime = Runtime(settings, store, ByteCache(settings.cache_bytes), release=release,
                      load_seconds=time.perf_counter() - started,
                      shares=ClientShares(settings.client_share or settings.query_workers))
    if start_executor:
        runtime.start_executor()
    return runtime


class Holder:
    """Keeps the current Runtime on ``app.extensions["scokg"]``; a reload replaces the whole app instead."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime


def get_runtime() -> Runtime:
    """The Runtime of the app handling the current request."""
    return current_app.extensions["scokg"].runtime


def cached(name: str, compute: Callable[[Store], Any]) -> Any:
    """A value computed once per release (the Runtime is replaced as a whole on reload)."""
    runtime = get_runtime()
    key = ("cached", name, runtime.store.version)  # apart from the runtime's own counts (a name may be the same)
    if key not in runtime.counts:
        runtime.counts[key] = compute(runtime.store)
    return runtime.counts[key]
