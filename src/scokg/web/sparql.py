"""/sparql: the SPARQL 1.1 Protocol (query operation), as a flat dispatch.

GET ?query=, POST form-encoded, POST application/sparql-query; default-graph-uri and
named-graph-uri honoured; updates refused (403) unless a bearer token unlocks them; SERVICE only
to allow-listed endpoints; results negotiated by Accept or ?format=.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from ..errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    PayloadTooLarge,
    QuerySyntaxError,
    QueryTimeout,
    ScokgError,
    UnsupportedMediaType,
)
from ..formats import JSON_RESULTS, TURTLE
from ..store import inspect, update
from ..store.base import Dataset
from . import conneg, query_page
from .runtime import get_runtime
from .service import service_description_response
from .views import page_lang

bp = Blueprint("sparql", __name__)
ALLOW = ("GET", "POST", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
# Deeper nesting than any real query needs; the engine's recursive parser must never see the 10,000-deep kind.
MAX_NESTING = 100


def _settings():
    return current_app.config["SCOKG_SETTINGS"]


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def _params() -> tuple[dict[str, list[str]], str | None]:
    """All protocol parameters of the request, and the query text from a direct POST body.

    A direct POST of application/sparql-update comes back as the parameter 'update'.
    """
    settings = _settings()
    url_params = _parse_qs(request.query_string, "query string")
    if request.method == "GET":
        return url_params, None
    mimetype = request.mimetype
    length = request.content_length or 0
    if length > settings.max_query_bytes:
        raise PayloadTooLarge(f"the request body is larger than the limit of {settings.max_query_bytes} bytes")
    body = request.get_data(cache=True)
    if mimetype == FORM:
        params = _parse_qs(body, "form body")
        for name, values in url_params.items():
            params.setdefault(name, []).extend(values)
        return params, None
    if mimetype == QUERY:
        return url_params, _decode(body, "query body")
    if mimetype == UPDATE:
        if "update" in url_params or "query" in url_params:
            raise BadRequest("an update was given both in the body and as a parameter")
        return {**url_params, "update": [_decode(body, "update body")]}, None
    raise UnsupportedMediaType(
        f"unsupported Content-Type {request.content_type or '(none)'!r}",
        hint=f"POST queries as {QUERY} or {FORM}",
    )


def _parse_qs(raw: bytes, what: str) -> dict[str, list[str]]:
    text = _decode(raw, what)
    out: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                          errors="strict", max_num_fields=1000)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"the {what} is malformed: {exc}") from None
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _authorised() -> bool:
    token = _settings().update_token
    given = request.headers.get("Authorization", "")
    return bool(token) and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())


def run_update(params) -> Response:
    """SPARQL Update: refused (403) unless the server has an update token and the request carries it."""
    if not _authorised():
        raise Forbidden("this endpoint is read-only: SPARQL Update is refused",
                        hint="only a server started with --update-token accepts updates, with that bearer token")
    if request.method != "POST":
        raise BadRequest("SPARQL Update must be sent by POST", hint=f"POST it as {UPDATE} or {FORM}")
    updates = params.get("update", [])
    if len(updates) != 1 or "query" in params:
        raise BadRequest("send exactly one 'update' and no 'query'")
    using, using_named = params.get("using-graph-uri", []), params.get("using-named-graph-uri", [])
    settings = _settings()
    text = updates[0]
    if using or using_named:
        if inspect.inspect_update(text, settings.base_iri or None).names_dataset:
            raise BadRequest("the update names its dataset with USING or WITH and also by using-graph-uri or "
                             "using-named-graph-uri; give it one way only")
        _check_iris(using + using_named)
        text = update.add_using(text, using, using_named)
    info = inspect.inspect_update(text, settings.base_iri or None)
    allow = _allowlist()
    _check_targets(info, allow, "update")
    for iri in info.loads:
        if iri not in allow:
            raise BadRequest(f"LOAD <{iri}> is not allowed", hint="allowed sources: " + (", ".join(allow) or "none"))
    if info.depth > MAX_NESTING:
        raise BadRequest(f"the update nests deeper than the limit of {MAX_NESTING} levels")
    updates = [text]
    version = get_runtime().update(update.clear_silently(updates[0]))
    response = Response(status=204)
    response.headers["X-Dataset-Version"] = version
    return response


def _check_iris(iris: list[str]) -> None:
    """Graph parameters must be absolute IRIs; pyoxigraph's parser is the judge, before any engine sees them."""
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise BadRequest(f"{iri!r} is not an absolute IRI: {exc}",
                             hint="default-graph-uri, named-graph-uri and using-graph-uri take absolute IRIs") from None


def _allowlist() -> list[str]:
    return [s.strip() for s in _settings().service_allowlist.split(",") if s.strip()]


def _check_targets(info: inspect.Inspection, allow: list[str], what: str = "query") -> None:
    """Refuse, before anything runs, a SERVICE whose endpoint is off the allow-list or cannot be established."""
    hint = "SERVICE may call only the allow-listed endpoints: " + (", ".join(allow) or "none (federation is off)")
    if info.unknown:
        raise BadRequest(f"the {what}'s SERVICE endpoints cannot be established: {info.unknown}", hint=hint)
    for iri in info.services:
        if iri.startswith("?"):
            raise BadRequest(f"SERVICE {iri} is not allowed: a variable endpoint is known only while the {what} runs",
                             hint=hint)
        if iri not in allow:
            raise BadRequest(f"SERVICE <{iri}> is not allowed", hint=hint)


def _choose(params, accept) -> tuple[str | None, str | None]:
    """The media types for a SELECT/ASK answer and for a graph answer: the first ``format=`` preference of each
    kind, else Accept; None when neither allows that kind (406 if the query turns out to be of it)."""
    values = conneg.format_values(params)
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


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, X-Max-Rows, X-Result-Truncated, X-Result-Count"
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def endpoint():
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers["Allow"] = ", ".join(ALLOW)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(ALLOW)
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Authorization, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
        return _cors(response)
    if request.method not in ("GET", "POST"):
        raise MethodNotAllowed(f"method {request.method} is not allowed on /sparql", ALLOW)
    params, body_query = _params()
    if "update" in params:
        return _cors(run_update(params))
    queries = params.get("query", [])
    if body_query is not None:
        if queries:
            raise BadRequest("a query was given both in the body and as a 'query' parameter")
        queries = [body_query]
    if not queries:
        if request.method == "GET":
            return _cors(service_description_response(params))
        raise BadRequest("no query given", hint="send exactly one 'query' parameter")
    if len(queries) > 1:
        raise BadRequest(f"{len(queries)} queries given; send exactly one 'query' parameter")
    return _cors(run_query(queries[0], params))


def run_query(text: str, params) -> Response:
    settings = _settings()
    if len(text.encode("utf-8")) > settings.max_query_bytes:
        raise PayloadTooLarge(f"the query is longer than the limit of {settings.max_query_bytes} bytes")
    if not text.strip():
        raise BadRequest("the query is empty")
    info = inspect.inspect_query(text, settings.base_iri or None)
    if info.depth > MAX_NESTING:
        raise BadRequest(f"the query nests {info.depth} levels deep; the limit is {MAX_NESTING}")
    _check_iris(params.get("default-graph-uri", []) + params.get("named-graph-uri", []))
    _check_targets(info, _allowlist())
    timeout = settings.query_timeout
    if info.services:
        timeout = min(timeout, settings.service_timeout)
    dataset = Dataset.of_request(params.get("default-graph-uri"), params.get("named-graph-uri"), info.has_dataset)
    accept = request.headers.get("Accept")
    if query_page.wants_html(accept, params):
        return _run_for_people(text, dataset, timeout)
    select_type, graph_type = _choose(params, accept)
    runtime = get_runtime()
    etag = hashlib.sha256("\0".join([
        runtime.store.version, text, repr(dataset), str(select_type), str(graph_type)]).encode()).hexdigest()[:32]
    if request.if_none_match and etag in request.if_none_match:
        response = Response(status=304)
        _caching(response, etag)
        return response
    try:
        answer = runtime.execute(text, select_type, graph_type, dataset=dataset, timeout=timeout)
    except QuerySyntaxError as exc:
        if inspect.looks_like_update(text):
            raise Forbidden("this endpoint is read-only: update operations are refused",
                            hint="queries may only SELECT, ASK, CONSTRUCT or DESCRIBE") from None
        raise exc from None
    except QueryTimeout as exc:
        if info.services:
            exc.status = 504
            exc.message = f"the federated query did not finish within {timeout:g} s"
        raise
    response = Response(answer.body, status=200)
    response.headers["Content-Type"] = _content_type(answer.media_type)
    response.headers["X-Max-Rows"] = str(settings.max_rows)
    response.headers["X-Result-Count"] = str(answer.count)
    if answer.truncated:
        response.headers["X-Result-Truncated"] = "true"
    _caching(response, etag)
    return response


def _run_for_people(text: str, dataset: Dataset, timeout: float) -> Response:
    """A browser's query: the query page with the results as a table, or with the error beside the query."""
    lang = page_lang()
    try:
        answer = get_runtime().execute(text, "application/sparql-results+json", "text/turtle", dataset=dataset,
                                       timeout=timeout)
    except ScokgError as exc:
        if isinstance(exc, QuerySyntaxError) and inspect.looks_like_update(text):
            exc = Forbidden("this endpoint is read-only: update operations are refused")
        return query_page.render_query_page(text, lang=lang, status=exc.status, error=exc.message)
    response = query_page.render_query_page(text, answer, lang=lang)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def _caching(response: Response, etag: str) -> None:
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={_settings().cache_max_age}"
    response.headers["Vary"] = "Accept"
