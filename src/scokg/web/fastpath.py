"""What answers beneath Flask: /sparql goes straight to the protocol endpoint, and a repeated GET of a page is
answered from the worker's one cache without routing.

The graph is read-only between releases, so a page is a function of the release, the host, the path, the query
string and the negotiation headers. Only responses that declare themselves ``public`` cacheable and are small
are kept; Range requests and requests with credentials always reach Flask.
"""

from __future__ import annotations

from flask import Flask

from .sparql import SparqlEndpoint

VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")
REVALIDATION_HEADERS = ("etag", "cache-control", "vary", "access-control-allow-origin")


class Dispatcher:
    def __init__(self, app: Flask, flask_wsgi):
        self.app = app
        self.flask_wsgi = flask_wsgi
        self.sparql = SparqlEndpoint(app, flask_wsgi)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/sparql":
            return self.sparql(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ or "HTTP_RANGE" in environ:
            return self.flask_wsgi(environ, start_response)
        runtime = self.app.extensions["scokg"].runtime
        cache = runtime.cache
        key = ("page", runtime.store.version, environ.get("HTTP_HOST", ""), path, environ.get("QUERY_STRING", ""),
               *(environ.get(h, "") for h in VARY_HEADERS))
        entry = cache.get(key)
        if entry is not None:
            status, headers, body, etag = entry
            inm = environ.get("HTTP_IF_NONE_MATCH")
            if inm and etag and (etag in inm or inm.strip() == "*"):
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
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        cache.put(key, (status, headers, body, etag))
        return [body]


def _cacheable(headers) -> bool:
    for name, value in headers:
        if name.lower() == "cache-control" and "public" in value and "no-store" not in value:
            return not any(k.lower() in ("set-cookie", "content-range") for k, _ in headers)
    return False
