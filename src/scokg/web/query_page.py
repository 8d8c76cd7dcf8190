"""The query page for people: an editor that works without scripts (YASGUI from its CDN enhances it), the
competency questions as one-click examples, a shareable link and download links per format, and results as an
HTML table when a browser runs a query."""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlencode

from flask import Response, current_app, render_template, url_for

from ..errors import NotAcceptable
from ..formats import HTML, JSON_RESULTS, RDF_FORMATS, RESULT_FORMATS
from ..namespaces import PREFIXES
from . import conneg
from .examples import load_examples

SELECT_DOWNLOADS = ("json", "xml", "csv", "tsv")
GRAPH_DOWNLOADS = ("turtle", "ntriples", "json-ld", "rdfxml")
YASGUI = "https://unpkg.com/@zazuko/yasgui@4.5.0/build/"


def prefix_block() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def default_query() -> str:
    return prefix_block() + "\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n}\nLIMIT 10\n"


def wants_html(accept: str | None, params) -> bool:
    """A browser (HTML preferred over every result format) or an explicit format=html."""
    return _wants_html(accept, tuple(conneg.format_values(params)))


@lru_cache(maxsize=1024)
def _wants_html(accept: str | None, values: tuple[str, ...]) -> bool:
    if conneg.format_preferences(values, ("html", "results", "rdf")):
        return conneg.format_preferences(values, ("html", "results", "rdf"))[0] == HTML
    if not accept or "text/html" not in accept:
        return False
    try:
        return conneg.negotiate(accept, (HTML, *RESULT_FORMATS, *RDF_FORMATS), JSON_RESULTS.media_type) == "text/html"
    except NotAcceptable:  # not acceptable as HTML: the protocol path answers
        return False


def run_link(query: str, fmt: str | None = None) -> str:
    args = {"query": query}
    if fmt:
        args["format"] = fmt
    return url_for("sparql.endpoint") + "?" + urlencode(args)


def _table(answer) -> dict:
    if answer.kind == "graph":
        return {"kind": "graph", "text": answer.body.decode("utf-8") if isinstance(answer.body, bytes)
                else answer.body}
    doc = json.loads(answer.body)
    if answer.kind == "ask":
        return {"kind": "ask", "boolean": doc["boolean"]}
    names = doc["head"]["vars"]
    rows = [[b.get(n) for n in names] for b in doc["results"]["bindings"]]
    return {"kind": "select", "vars": names, "rows": rows, "truncated": answer.truncated,
            "max_rows": current_app.config["SCOKG_SETTINGS"].max_rows}


def render_query_page(query: str | None = None, answer=None, lang: str = "en", status: int = 200,
                      error: str | None = None) -> Response:
    examples = [{"name": e.name, "title": e.title(lang), "href": run_link(e.query), "query": e.query}
                for e in load_examples()]
    result = _table(answer) if answer is not None else None
    downloads = []
    if query is not None and result is not None:
        formats = GRAPH_DOWNLOADS if result["kind"] == "graph" else SELECT_DOWNLOADS
        downloads = [(f, run_link(query, f)) for f in formats]
    html = render_template("query.html", query=query if query is not None else default_query(),
                           ran=query is not None, result=result, examples=examples, downloads=downloads,
                           share=run_link(query) if query is not None else None, yasgui=YASGUI,
                           endpoint=url_for("sparql.endpoint"), error=error)
    return Response(html, status=status, mimetype="text/html")
