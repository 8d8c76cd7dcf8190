"""What a running server holds: settings, the store, the query executors and the result cache.

A Runtime is replaced as a whole when a new release is loaded, so a request always sees one
consistent graph.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from .errors import ValidationFailed
from .store import PUBLISHED, Answer, Dataset, Store, open_store

log = logging.getLogger(__name__)


class ResultCache:
    """A small thread-safe LRU of serialised answers, keyed by dataset version, query and format."""

    def __init__(self, size: int):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> Answer | None:
        if not self.size:
            return None
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value: Answer) -> None:
        if not self.size:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


@dataclass
class Runtime:
    settings: object
    store: Store
    cache: ResultCache
    executor: object | None = None
    counts: dict = field(default_factory=dict)

    _update_lock: threading.Lock = field(default_factory=threading.Lock)

    def start_executor(self) -> None:
        """Fork the query executors; call while the process is single-threaded.

        A server that accepts updates runs queries in-process instead: forked executors hold a copy of the
        graph taken at fork time and would not see the updates.
        """
        if self.executor is None and hasattr(self.store, "raw") and not self.settings.update_token:
            from .executor import QueryExecutor

            self.executor = QueryExecutor(self.store, self.settings.query_workers)

    def execute(self, text, select_type, graph_type, *, dataset: Dataset = PUBLISHED, timeout=None) -> Answer:
        timeout = timeout or self.settings.query_timeout
        key = (self.store.version, text, dataset, select_type, graph_type)
        answer = self.cache.get(key)
        if answer is not None:
            return answer
        kwargs = dict(dataset=dataset, max_rows=self.settings.max_rows)
        if self.executor is not None:
            answer = self.executor.call("execute", text, select_type, graph_type, timeout=timeout, **kwargs)
        else:
            answer = self.store.execute(text, select_type, graph_type, **kwargs)
        self.cache.put(key, answer)
        return answer

    def update(self, text: str) -> str:
        """Apply a SPARQL Update; a new dataset version invalidates every cached answer and ETag."""
        import hashlib

        if not hasattr(self.store, "update"):
            from .errors import Forbidden

            raise Forbidden("this backend is read-only: SPARQL Update goes to the remote store itself")
        with self._update_lock:
            self.store.update(text)
            self.store.version = hashlib.sha256(f"{self.store.version}\0{text}".encode()).hexdigest()[:16]
            self.counts.clear()
        return self.store.version

    def close(self) -> None:
        if self.executor is not None:
            self.executor.close()
            self.executor = None
        self.store.close()


def open_runtime(settings, start_executor: bool = True) -> Runtime:
    """Open the store, enforce the validation gate, and start executors."""
    if settings.validate and settings.backend == "oxigraph":
        from .validate import validate_sources

        report = validate_sources(settings.root, settings.validator)
        if not report.conforms:
            raise ValidationFailed(report)
    store = open_store(settings)
    runtime = Runtime(settings, store, ResultCache(settings.cache_entries))
    if start_executor:
        runtime.start_executor()
    return runtime
