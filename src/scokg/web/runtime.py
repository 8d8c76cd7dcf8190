"""What a running server holds: settings, the store, the query executors and the result cache.

A Runtime is replaced as a whole when a new release is loaded, so a request always sees one
consistent graph.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..config import Settings
from ..errors import Forbidden
from ..graph.build import Release, publish
from ..store import Store, open_store
from ..store.base import PUBLISHED, Answer, Dataset
from ..store.executor import QueryExecutor
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
                                          on_retire=lambda: self.metrics.count("executor_retirements"))

    def execute(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, timeout=None,
                row_bound: int | None = None, cached: bool = True) -> Answer:
        return self.answer(text, select_type, graph_type, dataset=dataset, timeout=timeout, row_bound=row_bound,
                           cached=cached)[0]

    def answer(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, timeout=None,
               row_bound: int | None = None, cached: bool = True) -> tuple[Answer, bool]:
        """The answer to a query, and whether it came from the cache."""
        timeout = timeout or self.settings.query_timeout
        key = ("answer", self.store.version, text, dataset, select_type, graph_type)
        answer = self.cache.get(key) if cached else None
        if answer is not None:
            self.metrics.count("cache_hits", "answer")
            return answer, True
        if cached:
            self.metrics.count("cache_misses", "answer")
        max_rows = self.settings.max_rows
        if self.executor is not None:
            answer = self.executor.call("execute", text, select_type, graph_type, timeout=timeout,
                                        dataset=dataset, max_rows=max_rows, row_bound=row_bound)
        else:
            answer = self.store.execute(text, select_type, graph_type, dataset=dataset, max_rows=max_rows,
                                        row_bound=row_bound)
        if cached:
            self.cache.put(key, answer)
        return answer, False

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
        self.store.close()


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
                      load_seconds=time.perf_counter() - started)
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
