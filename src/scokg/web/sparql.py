"""/sparql: the SPARQL 1.1 Protocol, answered beneath Flask as a flat dispatch.

Machines' requests never reach Flask's routing: ``SparqlEndpoint`` is a plain WSGI application (GET and HEAD
``?query=``, POST form-encoded, POST ``application/sparql-query``; default-graph-uri and named-graph-uri
honoured; updates refused with 403 unless a bearer token unlocks them; SERVICE only to allow-listed endpoints;
results negotiated by ``format=`` and Accept). A browser's request (HTML preferred) is handed to the Flask
blueprint below, which renders the query page with the results or the error.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Flask, current_app, request

from ..config import Settings
from ..errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    QueryTimeout,
    ScokgError,
    ServiceRefused,
    Unavailable,
)
from ..formats import HTML, JSON_RESULTS, RDF_FORMATS, RESULT_FORMATS, TURTLE
from ..store import inspect, update
from ..store.base import Answer, Dataset
from ..store.inspect import check_targets
from . import conneg, ops, query_page
from .protocol import CORS, ProtocolRequest, Reply, error_reply, public_error, read_request
from .releases import pinned_answer
from .runtime import Runtime, get_runtime
from .service import service_description
from .views import page_lang

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)
ALLOW = ("GET", "HEAD", "POST", "OPTIONS")
MAX_NESTING = inspect.MAX_NESTING


class SparqlEndpoint:
    """The protocol as a WSGI application over the app's runtime; ``None`` from ``handle`` hands the request to
    Flask (a page for a browser)."""

    def __init__(self, app: Flask, flask_wsgi):
        self.app = app
        self.flask_wsgi = flask_wsgi
        self.settings = app.config["SCOKG_SETTINGS"]
        self.allowlist = self.settings.allowlist
        self.base_iri = self.settings.base_iri or None

    @property
    def runtime(self) -> Runtime:
        return self.app.extensions["scokg"].runtime

    def __call__(self, environ, start_response):
        try:
            reply = self.handle(environ)
        except ScokgError as exc:
            metrics = self.runtime.metrics
            if isinstance(exc, Forbidden):
                metrics.count("refused", "update")
            elif isinstance(exc, ServiceRefused):
                metrics.count("refused", "service")
            elif isinstance(exc, QueryTimeout):
                metrics.count("timeouts")
            elif isinstance(exc, Unavailable):
                metrics.count("busy", "client-share" if exc.status == 429 else "queue")
            reply = failure(exc, environ)
        except Exception:  # a server fault: logged with its traceback, answered without it
            rid = environ.get("scokg.request_id")
            log.exception("unexpected error on %s %s (request %s)", environ.get("REQUEST_METHOD"),
                          environ.get("PATH_INFO"), rid)
            reply = error_reply(500, "internal server error", request_id=rid)
        if reply is None:
            return self.flask_wsgi(environ, start_response)
        start_response(reply.status_line, reply.wsgi_headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [reply.body]

    def handle(self, environ) -> Reply | None:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "OPTIONS":
            return preflight()
        if method not in ALLOW:
            raise MethodNotAllowed(f"method {method} is not allowed on /sparql", ALLOW)
        req = read_request(environ, self.settings.max_query_bytes)
        text = req.query if req.query is not None else req.update
        if text:
            environ["scokg.query"] = ops.query_hash(text)  # for the access log
        if req.update is not None:
            return self.update(req, environ)
        if req.query is None:
            if method == "POST":
                raise BadRequest("no query given", hint="send exactly one 'query' parameter")
            media = conneg.negotiate(req.accept, (HTML, *RDF_FORMATS), TURTLE.media_type)
            return None if media == HTML.media_type else self.describe_service(media)
        if query_page.wants_html(req.accept, req.params):
            return None
        return self.query(req, environ)

    # -- queries --------------------------------------------------------------------------------
    def query(self, req: ProtocolRequest, environ) -> Reply:
        text = req.query or ""
        if not text.strip():
            raise BadRequest("the query is empty")
        info = read_query(text, self.base_iri)
        dataset = dataset_of(req, info, self.allowlist)
        timeout = timeout_of(info, self.settings)
        select_type, graph_type = choose_formats(req.params, req.accept)
        refuse_unacceptable(info, select_type, graph_type)
        runtime = self.runtime
        etag = '"' + hashlib.blake2b(repr((runtime.store.version, text, dataset, select_type, graph_type,
                                           req.one("release"))).encode(), digest_size=16).hexdigest() + '"'
        caching = [("ETag", etag), ("Cache-Control", f"public, max-age={self.settings.cache_max_age}"),
                   ("Vary", "Accept")]
        if conneg.etag_matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
            return Reply(304, [*caching, *CORS])
        pinned = req.one("release")
        try:
            if pinned and runtime.release is not None and pinned != runtime.release.version:
                answer, hit = pinned_answer(runtime.release.folder.parent, self.settings, pinned, text, select_type,
                                            graph_type), False
            else:
                answer, hit = runtime.answer(text, select_type, graph_type, dataset=dataset, timeout=timeout,
                                             row_bound=info.limit, client=environ.get("REMOTE_ADDR", ""))
        except QueryTimeout as exc:
            if info.services:
                exc.status = 504
                exc.message = f"the federated query did not finish within {timeout:g} s"
            raise
        environ["scokg.cache"] = "hit" if hit else "miss"
        runtime.metrics.count("queries", info.form or "other")
        if runtime.release is not None:
            caching.append(("X-Release", pinned or runtime.release.version))
        return answer_reply(answer, caching, self.settings.max_rows)

    # -- updates --------------------------------------------------------------------------------
    def update(self, req: ProtocolRequest, environ) -> Reply:
        """SPARQL Update: refused (403) unless the server has an update token and the request carries it."""
        token = self.settings.update_token
        given = environ.get("HTTP_AUTHORIZATION", "")
        if not (token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())):
            raise Forbidden("this endpoint is read-only: SPARQL Update is refused",
                            hint="only a server started with --update-token accepts updates, with that bearer token")
        if req.method != "POST":
            raise BadRequest("SPARQL Update must be sent by POST", hint="POST it as application/sparql-update or "
                                                                        "form-encoded")
        text = req.update or ""
        info = inspect.inspect_update(text, self.base_iri)
        using, using_named = req.params.get("using-graph-uri", []), req.params.get("using-named-graph-uri", [])
        if using or using_named:
            if info.names_dataset:
                raise BadRequest("the update names its dataset with USING or WITH and also by using-graph-uri or "
                                 "using-named-graph-uri; give it one way only")
            check_iris(using + using_named)
            info = inspect.inspect_update(update.add_using(info, using, using_named), self.base_iri)
        check_targets(info, self.allowlist, "update")
        if info.depth > MAX_NESTING:
            raise BadRequest(f"the update nests deeper than the limit of {MAX_NESTING} levels")
        version = self.runtime.update(update.clear_silently(info))
        return Reply(204, [("X-Dataset-Version", version), *CORS])

    # -- the service description ----------------------------------------------------------------
    def describe_service(self, media: str) -> Reply:
        fmt = next(f for f in RDF_FORMATS if f.media_type == media)
        body = service_description(self.settings, self.runtime.store).serialize(format=fmt.rdflib, encoding="utf-8")
        return Reply(200, [("Content-Type", fmt.content_type), ("Vary", "Accept"), *CORS], body)


def read_query(text: str, base_iri: str | None) -> inspect.Inspection:
    """The one reading of a client's query; an update sent as a query is refused as such (403)."""
    info = inspect.inspect_query(text, base_iri)
    if info.is_update:
        raise Forbidden("this endpoint is read-only: update operations are refused",
                        hint="queries may only SELECT, ASK, CONSTRUCT or DESCRIBE")
    return info


def dataset_of(req: ProtocolRequest, info: inspect.Inspection, allowlist: tuple[str, ...]) -> Dataset:
    """Check what the request may reach before anything runs, and the dataset it names."""
    if info.depth > MAX_NESTING:
        raise BadRequest(f"the query nests {info.depth} levels deep; the limit is {MAX_NESTING}")
    graphs = req.params.get("default-graph-uri", []), req.params.get("named-graph-uri", [])
    check_iris(graphs[0] + graphs[1])
    check_targets(info, allowlist)
    return Dataset.of_request(graphs[0], graphs[1], info.has_dataset)


def timeout_of(info: inspect.Inspection, settings: Settings) -> float:
    if info.services:
        return min(settings.query_timeout, settings.service_timeout)
    return settings.query_timeout


def refuse_unacceptable(info: inspect.Inspection, select_type: str | None, graph_type: str | None) -> None:
    """A 406 known from the reading is given before anything runs (no SERVICE call for an answer nobody takes)."""
    graph_form = info.form in ("CONSTRUCT", "DESCRIBE")
    if graph_form and graph_type is None:
        raise NotAcceptable("no acceptable media type for graph results",
                            hint="accept one of " + ", ".join(f.media_type for f in RDF_FORMATS))
    if info.form in ("SELECT", "ASK") and select_type is None:
        raise NotAcceptable(f"no acceptable media type for {info.form} results",
                            hint="accept one of " + ", ".join(f.media_type for f in RESULT_FORMATS))


def preflight() -> Reply:
    return Reply(204, [("Allow", ", ".join(ALLOW)), ("Access-Control-Allow-Methods", ", ".join(ALLOW)),
                       ("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization, If-None-Match"),
                       ("Access-Control-Max-Age", "86400"), *CORS])


def answer_reply(answer: Answer, caching: list[tuple[str, str]], max_rows: int) -> Reply:
    headers = [("Content-Type", content_type(answer.media_type)), ("X-Max-Rows", str(max_rows)), *caching, *CORS]
    if answer.count >= 0:  # unknown (-1) when pyoxigraph wrote the answer itself
        headers.append(("X-Result-Count", str(answer.count)))
    if answer.truncated:
        headers.append(("X-Result-Truncated", "true"))
    for note in answer.warnings:
        headers.append(("X-SPARQL-Warning", note))
    return Reply(200, headers, answer.body)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def failure(exc: ScokgError, environ) -> Reply:
    """A client's fault as itself (4xx with its message); a server's as a logged, generic 500."""
    rid = environ.get("scokg.request_id")
    shown = public_error(exc)
    if shown is None:
        log.error("internal error on %s %s (request %s)", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                  rid, exc_info=exc)
        return error_reply(500, "internal server error", request_id=rid)
    status, message, hint, extra = shown
    return error_reply(status, message, hint, extra, request_id=rid)


def check_iris(iris: list[str]) -> None:
    """Graph parameters must be absolute IRIs; pyoxigraph's parser is the judge, before any engine sees them."""
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise BadRequest(f"{iri!r} is not an absolute IRI: {exc}",
                             hint="default-graph-uri, named-graph-uri and using-graph-uri take absolute IRIs") from None


def choose_formats(params, accept) -> tuple[str | None, str | None]:
    """The media types for a SELECT/ASK answer and for a graph answer: the first ``format=`` preference of each
    kind, else Accept; None when neither allows that kind (406 if the query turns out to be of it)."""
    return _choose_formats(tuple(conneg.format_values(params)), accept)


@lru_cache(maxsize=1024)
def _choose_formats(values: tuple[str, ...], accept: str | None) -> tuple[str | None, str | None]:
    chosen: list[str | None] = []
    for kind, default in (("results", JSON_RESULTS.media_type), ("rdf", TURTLE.media_type)):
        preferred = conneg.format_preferences(values, (kind,))
        if preferred:
            chosen.append(preferred[0].media_type)
            continue
        try:
            chosen.append(conneg.negotiate(accept, conneg.offers(kind), default))
        except NotAcceptable:
            chosen.append(None)
    return chosen[0], chosen[1]


# -- the query page: what a browser gets from /sparql ----------------------------------------------
@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    settings = current_app.config["SCOKG_SETTINGS"]
    req = read_request(request.environ, settings.max_query_bytes)
    lang = page_lang()
    if req.query is None:
        return query_page.render_query_page(lang=lang)
    text = req.query
    runtime = get_runtime()
    pinned = req.one("release")
    try:
        info = read_query(text, settings.base_iri or None)
        dataset = dataset_of(req, info, settings.allowlist)
        if pinned and runtime.release is not None and pinned != runtime.release.version:
            answer = pinned_answer(runtime.release.folder.parent, settings, pinned, text, JSON_RESULTS.media_type,
                                   TURTLE.media_type)
        else:
            answer = runtime.execute(text, JSON_RESULTS.media_type, TURTLE.media_type, dataset=dataset,
                                     timeout=timeout_of(info, settings))
    except ScokgError as exc:
        return query_page.render_query_page(text, lang=lang, status=exc.status, error=exc.message)
    response = query_page.render_query_page(text, answer, lang=lang, pinned=pinned or None)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response
