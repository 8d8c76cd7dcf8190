"""The Flask application factory: settings in, an app with its store, blueprints and error pages out."""

from __future__ import annotations

import logging
import weakref
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from ..config import Settings, load_settings
from . import browse, divergences, dumps, explore, pages, query_links, releases, search, site, sparql
from .errors_view import register_error_handlers
from .fastpath import Dispatcher
from .runtime import Holder, Runtime, open_runtime

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Everything a page loads comes from this server: the editor, Leaflet and the map's base layer are shipped in
# static/vendor/ (tools/frontend/ rebuilds them from their npm releases). No inline script or style.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def create_app(settings: Settings | dict[str, Any] | None = None, *, start_executor: bool = True,
               runtime: Runtime | None = None) -> Flask:
    """Build the app. ``settings`` may be a Settings, a dict of overrides, or None (defaults + env)."""
    if settings is None or isinstance(settings, dict):
        settings = load_settings(settings)
    app = Flask(__name__)
    app.config["SCOKG_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Flask's DefaultJSONProvider has it
    holder = Holder(runtime or open_runtime(settings, start_executor=start_executor))
    app.extensions["scokg"] = holder
    # closed when the app goes (a reload drops the one it replaces) or at exit; nothing here keeps the app alive
    weakref.finalize(app, _close_runtime, holder)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    for blueprint in (browse.bp, explore.bp, search.bp, site.bp, query_links.bp, releases.bp, divergences.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(dumps.bp)
    register_error_handlers(app)
    # beneath Flask: the SPARQL protocol and cached pages (Flask's own handler stays behind it)
    app.wsgi_app = Dispatcher(app, app.wsgi_app)  # type: ignore[method-assign]

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.location and 300 <= response.status_code < 400:
            response.headers["Location"] = own_location(response.location, settings.public_url)
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    return app


def _close_runtime(holder: Holder) -> None:
    holder.runtime.close()


def own_location(location: str, public_url: str = "") -> str:
    """A redirect's Location on this site: its path (under ``public_url`` when set), never the request's Host
    (Werkzeug builds routing redirects, ``/id`` → ``/id/`` and ``/a//b`` → ``/a/b``, from the Host header).

    >>> own_location("http://evil.example//id/almaty?x=1"), own_location("/dumps/", "https://kg.example/")
    ('/id/almaty?x=1', 'https://kg.example/dumps/')
    """
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
    return public_url.rstrip("/") + path if public_url else path
