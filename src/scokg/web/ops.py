"""What an operator and a load balancer ask: /health (the process answers), /ready (a validated release is loaded
and the store answers within a second), /metrics (Prometheus text), and the access log with request ids.

Each request gets an id (the client's ``X-Request-Id`` when it is a plain token, else a new one), sent back in
``X-Request-Id`` and in every error body, and written in its access-log line, so that a user's report can be found
in the log.

>>> request_id({"HTTP_X_REQUEST_ID": "abc-123"}), len(request_id({"HTTP_X_REQUEST_ID": "<script>"}))
('abc-123', 16)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import time

from ..errors import ScokgError
from .protocol import Reply, error_reply
from .runtime import Runtime

log = logging.getLogger("scokg.access")
READY_TIMEOUT = 1.0  # seconds the store has to answer /ready's trivial query
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
FAMILIES = (("/sparql", "sparql"), ("/id/", "resource"), ("/dumps", "dumps"), ("/sources/", "dumps"),
            ("/static/", "static"), ("/health", "ops"), ("/ready", "ops"), ("/metrics", "ops"))
STARTED = time.time()


def request_id(environ) -> str:
    given = environ.get("HTTP_X_REQUEST_ID", "")
    return given if SAFE_ID.match(given) else secrets.token_hex(8)


def family_of(path: str) -> str:
    for prefix, family in FAMILIES:
        if path.startswith(prefix):
            return family
    return "page"


def json_reply(status: int, body: dict) -> Reply:
    return Reply(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                 (json.dumps(body) + "\n").encode())


def _facts(runtime: Runtime) -> dict:
    return {"release": runtime.store.version, "triples": runtime.triples(), "uptime_s": round(time.time() - STARTED, 1),
            "pid": os.getpid()}


def health(runtime: Runtime) -> Reply:
    return json_reply(200, {"ok": True, "status": "alive", **_facts(runtime)})


def ready(runtime: Runtime, reloading: bool) -> Reply:
    if reloading:
        return error_reply(503, "a new release is loading", hint="the previous release answers meanwhile",
                           extra=[("Retry-After", "1")])
    try:
        if runtime.executor is not None:  # the embedded store, asked here: busy executors do not make it unready
            runtime.store.execute("ASK { ?s ?p ?o }", "application/sparql-results+json", None)
        else:
            runtime.execute("ASK {}", "application/sparql-results+json", None, timeout=READY_TIMEOUT, cached=False)
    except ScokgError as exc:
        return error_reply(503, f"the store does not answer: {exc.message}", extra=[("Retry-After", "1")])
    return json_reply(200, {"ok": True, "status": "ready", **_facts(runtime)})


def query_hash(text: str) -> str:
    """A short hash of a query or update: its text stays out of the log.

    >>> query_hash("ASK {}")
    '1df8943bb9ea'
    """
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def access_line(style: str, environ, status: str, size: int, seconds: float, cache: str, rid: str, qhash: str) -> str:
    client = environ.get("REMOTE_ADDR", "-")
    method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "")
    if style == "json":
        return json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "client": client, "method": method,
                           "path": path, "status": int(status[:3] or 0), "bytes": size,
                           "duration_ms": round(seconds * 1000, 3), "cache": cache, "query": qhash,
                           "request_id": rid})
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z")
    return (f'{client} - - [{stamp}] "{method} {path} {environ.get("SERVER_PROTOCOL", "HTTP/1.1")}" '
            f'{status[:3]} {size} {seconds * 1000:.3f}ms cache={cache} query={qhash} rid={rid}')
