"""What browsers and crawlers ask every site for: /favicon.ico, /robots.txt and /sitemap.xml (every /id/ page)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, redirect, url_for

from ..namespaces import BASE
from .views import things

bp = Blueprint("site", __name__)
PAGES = ("", "id/", "sparql", "ontology", "dataset", "timeline", "map", "dumps/")


def _public() -> str:
    return current_app.config["SCOKG_SETTINGS"].public_base


def _cacheable(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['SCOKG_SETTINGS'].cache_max_age}"
    return response


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/robots.txt")
def robots():
    # Query URLs are endless; the pages of things are all in the sitemap.
    text = (f"User-agent: *\nDisallow: /sparql?\nDisallow: /query/\nDisallow: /search\n"
            f"Sitemap: {_public()}sitemap.xml\n")
    return _cacheable(Response(text, mimetype="text/plain"))


@bp.get("/sitemap.xml")
def sitemap():
    public = _public()
    local = sorted(iri[len(BASE):] for iri in things() if iri.startswith(BASE + "id/"))
    urls = [public + path for path in (*PAGES, *local)]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls) + "</urlset>\n")
    return _cacheable(Response(body, mimetype="application/xml"))
