"""HTML pages as HTTP responses: an ETag of the body, ``Cache-Control`` and ``Vary``, so a browser or a cache in
front revalidates a page with a 304 and the fast path (fastpath.py) replays it, as it does for the RDF documents."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request

from .conneg import etag_matches


def html_response(body: str, status: int = 200, negotiated: bool = False, tag: str | None = None) -> Response:
    """``negotiated``: the URL also answers in other formats (Vary: Accept); ``tag``: the ETag, when the body holds
    something that changes while the page does not (a query's time)."""
    tag = tag or hashlib.sha256(body.encode("utf-8")).hexdigest()[:24]
    if status == 200 and etag_matches(request.headers.get("If-None-Match"), tag):
        response = Response(status=304)
    else:
        response = Response(body, status=status, mimetype="text/html")
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['SCOKG_SETTINGS'].cache_max_age}"
    vary = ["Accept"] if negotiated else []
    if "lang" not in request.args:
        vary.append("Accept-Language")
    if vary:
        response.headers["Vary"] = ", ".join(vary)
    return response
