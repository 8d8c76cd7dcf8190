"""The query page for people: a SPARQL editor (CodeMirror 6, shipped in static/vendor/, over a plain form that works
without scripts), the competency questions as searchable examples in the reader's language, results with names beside
IRIs, a map or a timeline when they have coordinates or years, download links, a share link (a short one, keyed by
the query's hash, when the query is too long for a GET URL), and syntax errors as a line with a caret."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from urllib.parse import urlencode

from flask import Response, current_app, g, render_template, request, url_for

from ..formats import RDF_FORMATS, RESULT_FORMATS
from . import conneg
from .examples import load_examples, localise
from .html import html_response
from .i18n import format_number
from .releases import current_version
from .result_charts import page_of
from .results_view import result_view, syntax_error, with_known_prefixes
from .runtime import get_runtime

SELECT_DOWNLOADS = ("json", "xml", "csv", "tsv")
GRAPH_DOWNLOADS = ("turtle", "ntriples", "json-ld", "rdfxml")
# What the form's "Show as" offers before running: this page, or an answer in a format (for SELECT/ASK, then graphs)
OUTPUT_FORMATS = (("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"), ("tsv", "TSV"),
                  ("turtle", "Turtle"), ("ntriples", "N-Triples"), ("json-ld", "JSON-LD"), ("rdfxml", "RDF/XML"))
# Longer GET URLs are cut by some proxies: the page POSTs such queries and shares them by a short link.
MAX_GET_URL = 2000
# Short links are files in the instance folder: bounded in number and size (a longer query gets none).
MAX_SHARED = 5_000
MAX_SHARED_CHARS = 64 * 1024
DEFAULT_QUERY = """PREFIX sco: <https://w3id.org/scokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?initiative ?label ?priority WHERE {
  ?initiative sco:servesPriority ?priority ;
              rdfs:label ?label .
  FILTER(LANG(?label) = "en")
}
ORDER BY ?priority
"""


def default_query(lang: str = "en") -> str:
    return localise(DEFAULT_QUERY, lang)


def wants_html(accept: str | None, params) -> bool:
    """A browser (HTML preferred over every result format) or an explicit format=html."""
    return conneg.prefers_html(accept, params, (*RESULT_FORMATS, *RDF_FORMATS))


def run_link(query: str, fmt: str | None = None) -> str:
    args = {"query": query}
    if fmt:
        args["format"] = fmt
    return url_for("sparql.endpoint") + "?" + urlencode(args)


def query_key(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:20]


def shared_folder() -> Path:
    return Path(current_app.config["SCOKG_SETTINGS"].instance) / "queries"


def share_link(query: str, release: str | None = None) -> str | None:
    """A GET link when it is short enough, else a short link to the stored query (None if it cannot be stored);
    either records the release it ran on, so that it can run on that release again."""
    link = run_link(query) + (f"&release={release}" if release else "")
    if len(link) <= MAX_GET_URL:
        return link
    if len(query) > MAX_SHARED_CHARS:
        return None
    folder = shared_folder()
    key = query_key(query)
    path = folder / f"{key}.rq"
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            if sum(1 for _ in folder.glob("*.rq")) >= MAX_SHARED:
                return None
            tmp = folder / f".{key}.{os.getpid()}.tmp"
            tmp.write_bytes(query.encode("utf-8"))  # bytes: a form's CRLF line ends are part of the hashed text
            tmp.replace(path)
            if release:
                (folder / f"{key}.release").write_text(release, encoding="utf-8")
    except OSError:
        return None
    return url_for("query.shared", key=key)


def _elapsed_ms() -> int | None:
    started = g.get("scokg_started")
    return round((time.perf_counter() - started) * 1000) if started else None


def render_query_page(query: str | None = None, answer=None, lang: str = "en", status: int = 200,
                      error: str | None = None, pending: bool = False, pinned: str | None = None) -> Response:
    """The page, with ``query`` run (``answer`` or ``error``) or, when ``pending``, shown to be run by the reader
    (a shared query that calls other services runs only when the reader asks, by POST)."""
    examples = [{"name": e.name, "title": e.title(lang), "description": e.description(lang),
                 "href": run_link(e.query_for(lang)), "federated": e.federated} for e in load_examples()]
    result = result_view(answer, lang) if answer is not None else None
    ran = query is not None and not pending
    current = current_version() or None  # the release this server answers from (none for a remote store)
    downloads = []
    long_query = ran and len(run_link(query or "")) > MAX_GET_URL
    if ran and result is not None:
        formats = GRAPH_DOWNLOADS if result["kind"] == "graph" else SELECT_DOWNLOADS
        downloads = [(f, None if long_query else run_link(query or "", f)) for f in formats]
    syntax = syntax_error(query or "", error or "", lang) if error and status == 400 and "malformed" in error else None
    fixed = with_known_prefixes(query or "") if syntax and syntax["prefix"] else None
    count, paging = None, None
    if result is not None and result["kind"] == "select":
        count = format_number(str(len(result["rows"])), lang)
        first, end, number, pages = page_of(len(result["rows"]), request.args.get("page"))
        if pages > 1:  # a long table in pages of PAGE_ROWS (rendering thousands of rows at once took seconds)
            base = share_link(query or "") or run_link(query or "")
            paging = {"first": format_number(str(first + 1), lang), "last": format_number(str(end), lang),
                      "number": number, "pages": pages, "start": first,
                      "links": [(n, base + ("&" if "?" in base else "?") + f"page={n}") for n in range(1, pages + 1)]}
            result = {**result, "rows": result["rows"][first:end]}
    elif result is not None and result["kind"] == "graph":
        count = format_number(str(result["count"]), lang)
    html = render_template(
        "query.html", query=query if query is not None else default_query(lang), ran=ran, result=result,
        examples=examples, pending=pending, downloads=downloads, endpoint=url_for("sparql.endpoint"),
        share=share_link(query or "", pinned or current) if ran and result is not None else None,
        pinned=pinned, current_release=current,
        error=error, syntax=syntax, fixed_link=run_link(fixed) if fixed else None, count=count,
        elapsed=format_number(str(_elapsed_ms()), lang) if ran and _elapsed_ms() is not None else None,
        terms=url_for("query.terms", lang=lang), long_get=MAX_GET_URL, long_query=long_query, paging=paging,
        formats=OUTPUT_FORMATS)
    tag = hashlib.sha256(repr((get_runtime().store.version, query, lang, status, request.method, pinned)).encode())
    response = html_response(html, status=status, tag=tag.hexdigest()[:24])
    if ran and result is not None and current:
        response.headers["X-Release"] = pinned or current
    return response
