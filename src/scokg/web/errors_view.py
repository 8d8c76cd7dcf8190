"""One error renderer: JSON ``{"ok": false, "error", "status", "hint"}`` for machines, a page for browsers."""

from __future__ import annotations

import logging

from flask import Response, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import ScokgError
from ..formats import JSON_API
from . import conneg
from .protocol import error_body, public_error

log = logging.getLogger(__name__)


def wants_html() -> bool:
    return conneg.prefers_html(request.headers.get("Accept"), {}, (JSON_API,))


def error_response(status: int, message: str, hint: str | None = None, headers=None) -> Response:
    rid = request.environ.get("scokg.request_id")
    if wants_html():
        html = render_template("error.html", status=status, message=message, hint=hint, request_id=rid)
        response = Response(html, status=status, mimetype="text/html")
    else:
        response = Response(error_body(status, message, hint, rid), status=status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Accept"
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def register_error_handlers(app) -> None:
    @app.errorhandler(ScokgError)
    def _scokg(exc: ScokgError):
        shown = public_error(exc)
        if shown is None:
            log.error("internal error on %s %s", request.method, request.path, exc_info=exc)
            return error_response(500, "internal server error")
        status, message, hint, extra = shown
        return error_response(status, message, hint, dict(extra))

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
