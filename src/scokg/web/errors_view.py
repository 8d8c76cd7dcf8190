"""One error renderer: JSON ``{"ok": false, "error", "status", "hint"}`` for machines, a page for browsers."""

from __future__ import annotations

import logging

from flask import Response, json, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import MethodNotAllowed, ScokgError, Unavailable
from ..formats import HTML, JSON_API
from . import conneg

log = logging.getLogger(__name__)


def wants_html() -> bool:
    try:
        best = conneg.negotiate(request.headers.get("Accept"), (JSON_API, HTML), JSON_API.media_type)
    except ScokgError:
        return False
    return best == "text/html"


def error_response(status: int, message: str, hint: str | None = None, headers=None) -> Response:
    body = {"ok": False, "error": message, "status": status}
    if hint:
        body["hint"] = hint
    rid = request.environ.get("scokg.request_id")
    if rid:
        body["request_id"] = rid  # the same as in the access log: a user's report can be found there
    if wants_html():
        html = render_template("error.html", status=status, message=message, hint=hint, request_id=rid)
        response = Response(html, status=status, mimetype="text/html")
    else:
        response = Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Accept"
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def register_error_handlers(app) -> None:
    @app.errorhandler(ScokgError)
    def _scokg(exc: ScokgError):
        headers = {}
        if isinstance(exc, MethodNotAllowed):
            headers["Allow"] = ", ".join(exc.allow)
        if isinstance(exc, Unavailable):
            headers["Retry-After"] = str(exc.retry_after)
        if exc.status >= 500 and exc.status not in (502, 503, 504):
            log.error("internal error on %s %s", request.method, request.path, exc_info=exc)
            return error_response(500, "internal server error")
        return error_response(exc.status, exc.message, exc.hint, headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        headers = {}
        valid_methods = getattr(exc, "valid_methods", None)  # werkzeug's MethodNotAllowed carries them
        if exc.code == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        length = getattr(exc, "length", None)  # werkzeug's RequestedRangeNotSatisfiable carries it
        if exc.code == 416 and length is not None:  # RFC 9110, 15.5.17
            headers["Content-Range"] = f"bytes */{length}"
        messages = {
            404: f"nothing at {request.path}",
            413: f"the request body is larger than the limit of {app.config.get('MAX_CONTENT_LENGTH')} bytes",
        }
        code = exc.code or 500
        return error_response(code, messages.get(code, exc.description or exc.name), None, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Never echo internal text: log it with the traceback, answer a generic message.
        log.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(500, "internal server error")
