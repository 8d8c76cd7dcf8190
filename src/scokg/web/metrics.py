"""What an operator counts: Prometheus metrics of requests, queries, the cache, the executors and the release.

Under ``scokg serve`` every worker writes its own files (prometheus_client's multiprocess mode, switched on by
the master before any worker exists) and /metrics adds them up, so the figures are the server's, whichever
worker answers. An app made in-process (tests, ``scokg get``) counts in memory.

A request only adds to plain dicts (``count``, ``observe``): writing a metric's file on every request cost an
eighth of a request's time. A thread of each process hands the sums to prometheus_client every
``FLUSH_SECONDS``, and /metrics hands over the answering process's own first; the other workers' figures are at
most that old.

>>> m = Metrics()
>>> m.count("queries", "SELECT")
>>> b'scokg_queries_total{form="SELECT"} 1.0' in m.exposition()
True
"""

from __future__ import annotations

import bisect
import os
import shutil
import threading
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
FLUSH_SECONDS = 0.5
# seconds: a cached answer takes about a tenth of a millisecond, a query at the time limit ten seconds
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def enable_multiprocess(folder: Path) -> None:
    """Count in files under ``folder`` from now on (call in the master, before any metric exists or worker
    forks): prometheus_client picks its storage when imported, so it is told again here."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(folder)
    values.ValueClass = values.MultiProcessValue()


def multiprocess_folder() -> str | None:
    return os.environ.get(MULTIPROC_ENV) if values.ValueClass is not values.MutexValue else None


class Metrics:
    """The metrics of one app (registered in its own registry, so that several apps in one process do not
    clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("scokg_requests", "HTTP requests answered, by route family and status.",
                                ["family", "status"], registry=r)
        self.duration = Histogram("scokg_request_duration_seconds", "Time to answer, by route family and format.",
                                  ["family", "format"], buckets=BUCKETS, registry=r)
        self.queries = Counter("scokg_queries", "SPARQL queries run or answered from the cache, by form.",
                               ["form"], registry=r)
        self.timeouts = Counter("scokg_query_timeouts", "Queries stopped at the time limit (503 or 504).",
                                registry=r)
        self.refused = Counter("scokg_refused", "Requests refused before anything ran: an update on a read-only "
                               "server, a SERVICE off the allow-list.", ["what"], registry=r)
        self.cache_hits = Counter("scokg_cache_hits", "Answers and pages served from the cache.", ["kind"],
                                  registry=r)
        self.cache_misses = Counter("scokg_cache_misses", "Answers and pages the cache did not hold.", ["kind"],
                                    registry=r)
        self.executor_restarts = Counter("scokg_executor_restarts", "Query executor processes replaced (after a "
                                         "time limit or a crash).", registry=r)
        self.executor_retirements = Counter("scokg_executor_retirements", "Query executor processes replaced "
                                            "after an answer because their private memory grew past "
                                            "executor_memory.", registry=r)
        self.lanes = Counter("scokg_query_lanes", "Queries run (not from the cache) by road: in the worker itself "
                             "(bounded before it starts) or in a killable executor.", ["lane"], registry=r)
        self.busy = Counter("scokg_busy_refusals", "Heavy queries turned away: every executor busy and the queue "
                            "full or waited out (503), or the client past its share (429).", ["why"], registry=r)
        self.release = Gauge("scokg_release_info", "The release being served (1), by version.", ["version"],
                             multiprocess_mode="mostrecent", registry=r)
        self.release_load = Gauge("scokg_release_load_seconds", "Seconds this server took to open the release: "
                                  "validation included only when no earlier build had validated it.",
                                  multiprocess_mode="mostrecent", registry=r)
        self.release_triples = Gauge("scokg_release_triples", "Triples in the published default graph.",
                                     multiprocess_mode="mostrecent", registry=r)

        self._counts: dict[tuple, float] = {}
        self._timings: dict[tuple, list[float]] = {}
        self._lock = threading.Lock()
        self._flusher_pid = 0  # the process whose flushing thread runs (threads do not survive a fork)
        self.after_flush: list = []  # more to hand over on the same beat (the access log)

    def count(self, name: str, *labels: str, amount: float = 1) -> None:
        """Add to counter ``name`` (an attribute of this object) with these label values."""
        key = (name, labels)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + amount
        self._ensure_flusher()

    def observe(self, name: str, seconds: float, *labels: str) -> None:
        key = (name, labels)
        with self._lock:
            self._timings.setdefault(key, []).append(seconds)
        self._ensure_flusher()

    def close(self) -> None:
        """Stop this process's flushing thread (after one last flush) and drop the hooks, so a replaced app's
        metrics, and what their hooks hold, can be freed."""
        self.flush()
        self._flusher_pid = -1
        self.after_flush.clear()

    def _ensure_flusher(self) -> None:
        if self._flusher_pid != os.getpid() and self._flusher_pid != -1:
            self._flusher_pid = os.getpid()
            threading.Thread(target=self._flush_forever, name="scokg-metrics", daemon=True).start()

    def _flush_forever(self) -> None:
        pid = os.getpid()
        while self._flusher_pid == pid:
            time.sleep(FLUSH_SECONDS)
            self.flush()

    def flush(self) -> None:
        """Hand what was counted to prometheus_client (the files, under ``scokg serve``)."""
        with self._lock:
            counts, self._counts = self._counts, {}
            timings, self._timings = self._timings, {}
        for (name, labels), amount in counts.items():
            metric = getattr(self, name)
            (metric.labels(*labels) if labels else metric).inc(amount)
        for (name, labels), seconds in timings.items():
            _observe_all(getattr(self, name).labels(*labels), seconds)
        for hook in self.after_flush:
            hook()

    def exposition(self) -> bytes:
        """The text format of every process's metrics (or of this process's, when counting in memory)."""
        self.flush()
        folder = multiprocess_folder()
        if folder is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)
        return generate_latest(registry)


def _observe_all(child, seconds: list[float]) -> None:
    """Observations in one go: a bucket write per bucket used, not per observation."""
    bounds, buckets, total = getattr(child, "_upper_bounds", None), getattr(child, "_buckets", None), None
    if bounds is None or buckets is None:  # another prometheus_client: one at a time
        for s in seconds:
            child.observe(s)
        return
    per_bucket = [0] * len(bounds)
    for s in seconds:
        per_bucket[bisect.bisect_left(bounds, s)] += 1
    total = sum(seconds)
    child._sum.inc(total)
    for i, n in enumerate(per_bucket):
        if n:
            buckets[i].inc(n)


def summarize(exposition: str) -> dict:
    """The figures ``scokg stats`` shows, read from a /metrics text: counts by label, latency quantiles per route
    family (from the histogram buckets), the cache hit ratio and the release."""
    out: dict = {"requests": {}, "queries": {}, "refused": {}, "latency_ms": {}, "timeouts": 0.0,
                 "executor_restarts": 0.0, "cache": {}, "release": None, "release_triples": None}
    buckets: dict[str, dict[float, float]] = {}
    for metric in text_string_to_metric_families(exposition):
        for s in metric.samples:
            labels = s.labels
            if s.name == "scokg_requests_total":
                key = f"{labels['family']} {labels['status']}"
                out["requests"][key] = out["requests"].get(key, 0) + s.value
            elif s.name == "scokg_queries_total":
                out["queries"][labels["form"]] = out["queries"].get(labels["form"], 0) + s.value
            elif s.name == "scokg_refused_total":
                out["refused"][labels["what"]] = out["refused"].get(labels["what"], 0) + s.value
            elif s.name == "scokg_query_timeouts_total":
                out["timeouts"] += s.value
            elif s.name == "scokg_executor_restarts_total":
                out["executor_restarts"] += s.value
            elif s.name in ("scokg_cache_hits_total", "scokg_cache_misses_total"):
                slot = out["cache"].setdefault(labels["kind"], {"hits": 0.0, "misses": 0.0})
                slot["hits" if "hits" in s.name else "misses"] += s.value
            elif s.name == "scokg_request_duration_seconds_bucket":
                le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
                per = buckets.setdefault(labels["family"], {})
                per[le] = per.get(le, 0) + s.value
            elif s.name == "scokg_release_info" and s.value:
                out["release"] = labels["version"]
            elif s.name == "scokg_release_triples":
                out["release_triples"] = int(s.value)
    for route, per in buckets.items():
        out["latency_ms"][route] = {q: _quantile(per, q) for q in (0.5, 0.9, 0.99)}
    return out


def _quantile(buckets: dict[float, float], q: float) -> float | None:
    """The upper bound (ms) of the bucket that holds the q-quantile, as Prometheus' histogram_quantile bounds it."""
    ordered = sorted(buckets.items())
    total = ordered[-1][1] if ordered else 0
    if not total:
        return None
    for le, count in ordered:
        if count >= q * total:
            return le * 1000 if le != float("inf") else None
    return None
