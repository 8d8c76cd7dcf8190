"""A response cache in front of Flask: a repeated GET is answered without routing.

The graph is read-only between releases, so a response is a function of the release, the path,
the query string and the negotiation headers. Answering such repeats beneath Flask's routing cuts
the cost of a cached request to a dictionary lookup; this is what keeps point lookups ahead of
compiled servers. Only responses that declare themselves ``public`` cacheable and are small are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_BODY = 1 << 20
VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")


class FastPath:
    def __init__(self, wsgi_app, holder, size: int):
        self.wsgi_app = wsgi_app
        self.holder = holder
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _key(self, environ):
        return (self.holder.runtime.store.version, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                *(environ.get(h, "") for h in VARY_HEADERS))

    def __call__(self, environ, start_response):
        if not self.size or environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            status, headers, body, etag = entry
            inm = environ.get("HTTP_IF_NONE_MATCH")
            if inm and etag and (etag in inm or inm.strip() == "*"):
                start_response("304 NOT MODIFIED", [h for h in headers if h[0].lower() in
                                                    ("etag", "cache-control", "vary", "access-control-allow-origin")])
                return [b""]
            start_response(status, headers)
            return [body]
        self.misses += 1
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        status = captured.get("status", "")
        headers = captured.get("headers", [])
        if not status.startswith("200") or not _cacheable(headers):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if len(body) <= MAX_BODY:
            etag = next((v for k, v in headers if k.lower() == "etag"), None)
            with self._lock:
                self._entries[key] = (status, headers, body, etag)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return [body]


def _cacheable(headers) -> bool:
    for name, value in headers:
        lname = name.lower()
        if lname == "cache-control" and "public" in value and "no-store" not in value:
            return not any(k.lower() in ("set-cookie", "content-range") for k, _ in headers)
    return False
