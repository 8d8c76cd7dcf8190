"""What answers beneath Flask: /sparql goes straight to the protocol endpoint; /health, /ready and /metrics are
answered here; a repeated GET of a page comes from the worker's one cache without routing. Every request gets its
id, its metrics, its access-log line and its Content-Encoding (``compression``) here.

The graph is read-only between releases, so a page is a function of the release, the host, the path, the query
string and the negotiation headers. Only responses that declare themselves ``public`` cacheable and are small
are kept; Range requests and requests with credentials always reach Flask.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref

from flask import Flask

from . import ops
from .compression import Compressor
from .conneg import etag_matches
from .protocol import Reply
from .runtime import Runtime
from .sparql import SparqlEndpoint

VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_DATETIME")
REVALIDATION_HEADERS = ("etag", "cache-control", "vary", "access-control-allow-origin")
access_log = logging.getLogger("scokg.access")


class Dispatcher:
    def __init__(self, app: Flask, flask_wsgi):
        self.app = app
        self.flask_wsgi = flask_wsgi
        self.sparql = SparqlEndpoint(app, flask_wsgi)
        # every response passes here: encoded (br, gzip) for the clients that ask, beneath the page cache
        self.compressor = Compressor(self.route)
        settings = app.config["SCOKG_SETTINGS"]
        self.log_style = settings.access_log
        self.metrics_on = settings.metrics == "on" or (
            settings.metrics == "auto" and settings.host in ("127.0.0.1", "localhost", "::1"))
        # access-log lines wait here and are written on the metrics' beat: one write per half second, not per request
        self._lines: list[str] = []
        self._lines_lock = threading.Lock()
        self.runtime.metrics.after_flush.append(self._write_log)
        atexit.register(_write_pending, weakref.ref(self))  # a weak reference: a replaced app is not kept alive

    def _write_log(self) -> None:
        with self._lines_lock:
            lines, self._lines = self._lines, []
        if lines:
            access_log.info("\n".join(lines))

    @property
    def runtime(self) -> Runtime:
        return self.app.extensions["scokg"].runtime

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        rid = environ["scokg.request_id"] = ops.request_id(environ)
        seen: dict = {}

        def respond(status, headers, exc_info=None):
            seen["status"] = status
            seen["type"] = next((v for k, v in headers if k.lower() == "content-type"), "")
            return start_response(status, [*headers, ("X-Request-Id", rid)], exc_info)

        body = self.compressor(environ, respond)
        return self._finish(body, environ, seen, started)

    def _finish(self, body, environ, seen: dict, started: float):
        """Count and log the request once its body has gone out (a file may be streamed)."""
        size = 0
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            seconds = time.perf_counter() - started
            status = seen.get("status", "500")
            family = ops.family_of(environ.get("PATH_INFO", ""))
            metrics = self.runtime.metrics
            metrics.count("requests", family, status[:3])
            media = seen.get("type", "").split(";")[0].strip() or "-"
            metrics.observe("duration", seconds, family, media)
            if self.log_style != "off":
                self._lines.append(ops.access_line(self.log_style, environ, status, size, seconds,
                                                   environ.get("scokg.cache", "-"), environ["scokg.request_id"],
                                                   environ.get("scokg.query", "-")))

    def route(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/sparql":
            return self.sparql(environ, start_response)
        if path in ("/health", "/ready", "/metrics") and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._ops(path, environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ or "HTTP_RANGE" in environ:
            return self.flask_wsgi(environ, start_response)
        runtime = self.runtime
        cache = runtime.cache
        key = ("page", runtime.store.version, environ.get("HTTP_HOST", ""), path, environ.get("QUERY_STRING", ""),
               *(environ.get(h, "") for h in VARY_HEADERS))
        entry = cache.get(key)
        if entry is not None:
            runtime.metrics.count("cache_hits", "page")
            environ["scokg.cache"] = "hit"
            status, headers, body, etag = entry
            if etag and etag_matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
                start_response("304 NOT MODIFIED", [h for h in headers if h[0].lower() in REVALIDATION_HEADERS])
                return []
            start_response(status, headers)
            return [] if method == "HEAD" else [body]
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.flask_wsgi(environ, capture)
        status, headers = captured.get("status", ""), captured.get("headers", [])
        if method != "GET" or not status.startswith("200") or not _cacheable(headers):
            return result
        runtime.metrics.count("cache_misses", "page")
        environ["scokg.cache"] = "miss"
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        cache.put(key, (status, headers, body, etag))
        return [body]

    def _ops(self, path: str, environ, start_response):
        runtime = self.runtime
        if path == "/health":
            reply = ops.health(runtime)
        elif path == "/ready":
            reloading = self.app.config.get("SCOKG_RELOADING")
            reply = ops.ready(runtime, bool(reloading is not None and reloading.value))
        elif self.metrics_on:
            reply = Reply(200, [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                                ("Cache-Control", "no-store")], runtime.metrics.exposition())
        else:
            return self.flask_wsgi(environ, start_response)  # a 404 like any other path
        start_response(reply.status_line, reply.wsgi_headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [reply.body]


def _write_pending(ref: weakref.ref) -> None:
    dispatcher = ref()
    if dispatcher is not None:
        dispatcher._write_log()


def _cacheable(headers) -> bool:
    for name, value in headers:
        if name.lower() == "cache-control" and "public" in value and "no-store" not in value:
            return not any(k.lower() in ("set-cookie", "content-range") for k, _ in headers)
    return False
