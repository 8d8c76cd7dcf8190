"""The SPARQL 1.1 Protocol's requests and responses as plain WSGI values, without a framework.

``read_request`` turns a WSGI environ into a ``ProtocolRequest`` (GET ``query=``, POST form-encoded, POST
``application/sparql-query`` and ``application/sparql-update``), enforcing the size limit; ``Reply`` is a status,
headers and body ready for ``start_response``; ``error_reply`` gives every failure the one JSON shape
``{"ok": false, "error", "status", "hint"}``.

>>> r = read_request({"REQUEST_METHOD": "GET", "QUERY_STRING": "query=ASK%7B%7D&format=json"}, 1000)
>>> r.query, r.params["format"]
('ASK{}', ['json'])
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

from ..errors import BadRequest, MethodNotAllowed, PayloadTooLarge, ScokgError, Unavailable, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
MAX_FIELDS = 1000
EXPOSED = "ETag, X-Max-Rows, X-Result-Truncated, X-Result-Count, X-SPARQL-Warning, X-Request-Id"
CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED)]


class URITooLong(ScokgError):
    status = 414


@dataclass
class ProtocolRequest:
    method: str
    params: dict[str, list[str]]
    query: str | None = None
    update: str | None = None
    accept: str | None = None
    host: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def one(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else None


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"

    @property
    def wsgi_headers(self) -> list[tuple[str, str]]:
        """The headers with the body's length (none for 204 and 304, which have no body), so nothing is chunked."""
        if self.status in (204, 304):
            return self.headers
        return [*self.headers, ("Content-Length", str(len(self.body)))]


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def unquote_plus(text: str) -> str:
    """Percent-decoding (with '+' as space) by the C codecs: ``%XX`` becomes ``\\xXX`` for ``unicode_escape``,
    whose bytes are then read as UTF-8 (urllib's pure-Python unquote was a tenth of a request's time); a stray
    '%' is left as it is, as urllib leaves it. Raises UnicodeDecodeError for bytes that are not UTF-8.

    >>> unquote_plus("SELECT%20*%20%7B%7D+%C3%A4%5C")
    'SELECT * {} ä\\\\'
    """
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    escaped = text.replace("\\", "%5C").replace("%", "\\x").encode("latin-1")
    try:
        raw = escaped.decode("unicode_escape").encode("latin-1")
    except UnicodeDecodeError:  # a '%' not followed by two hex digits: the slow, lenient way
        raw = unquote_to_bytes(text)
    return raw.decode("utf-8")


def parse_params(raw: bytes | str, what: str) -> dict[str, list[str]]:
    """Form or query-string parameters. A WSGI query string is text holding bytes as Latin-1 (PEP 3333)."""
    try:
        text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
        out: dict[str, list[str]] = {}
        pairs = text.split("&")
        if len(pairs) > MAX_FIELDS:
            raise ValueError(f"more than {MAX_FIELDS} parameters")
        for pair in pairs:
            if not pair:
                continue
            name, _, value = pair.partition("=")
            out.setdefault(unquote_plus(name), []).append(unquote_plus(value))
        return out
    except UnicodeError:
        raise BadRequest(f"the {what} is not valid UTF-8 once percent-decoded") from None
    except ValueError as exc:
        raise BadRequest(f"the {what} is malformed: {exc}") from None


def _body(environ, max_bytes: int) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadRequest("Content-Length is not a number") from None
    if length > max_bytes:
        raise PayloadTooLarge(f"the request body is larger than the limit of {max_bytes} bytes")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length:
        data = stream.read(length)
    elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":  # read to the end, within the limit
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise PayloadTooLarge(f"the request body is larger than the limit of {max_bytes} bytes")
    else:
        data = b""
    # the body stays readable for the app a browser's request is handed to
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return data


def read_request(environ, max_bytes: int) -> ProtocolRequest:
    """The protocol parameters of a request; raises the protocol's 400/413/414/415 errors."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    raw_qs = environ.get("QUERY_STRING", "")
    if len(raw_qs) > 3 * max_bytes:  # percent-encoding at most triples the length
        raise URITooLong(f"the URL is longer than the limit of {max_bytes} bytes of query",
                         hint="send long queries by POST, as application/sparql-query or form-encoded")
    params = parse_params(raw_qs, "query string") if raw_qs else {}
    req = ProtocolRequest(method, params, accept=environ.get("HTTP_ACCEPT"), host=environ.get("HTTP_HOST", ""))
    if method == "POST":
        mimetype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if mimetype == FORM:
            for name, values in parse_params(_body(environ, max_bytes), "form body").items():
                params.setdefault(name, []).extend(values)
        elif mimetype == QUERY:
            if "query" in params:
                raise BadRequest("a query was given both in the body and as a 'query' parameter")
            req.query = _decode(_body(environ, max_bytes), "query body")
        elif mimetype == UPDATE:
            if "update" in params or "query" in params:
                raise BadRequest("an update was given both in the body and as a parameter")
            req.update = _decode(_body(environ, max_bytes), "update body")
        else:
            raise UnsupportedMediaType(f"unsupported Content-Type {environ.get('CONTENT_TYPE') or '(none)'!r}",
                                       hint=f"POST queries as {QUERY} or {FORM}, updates as {UPDATE}")
    queries, updates = params.get("query", []), params.get("update", [])
    if len(queries) > 1 or len(updates) > 1:
        raise BadRequest("send exactly one 'query' (or one 'update') parameter")
    if (queries or req.query is not None) and (updates or req.update is not None):
        raise BadRequest("a request holds a query or an update, not both")
    if queries:
        req.query = queries[0]
    if updates:
        req.update = updates[0]
    text = req.query if req.query is not None else req.update
    if text is not None and len(text.encode("utf-8")) > max_bytes:
        if method == "POST":
            raise PayloadTooLarge(f"the query is longer than the limit of {max_bytes} bytes")
        raise URITooLong(f"the query is longer than the limit of {max_bytes} bytes",
                         hint="send long queries by POST, as application/sparql-query or form-encoded")
    return req


def error_body(status: int, message: str, hint: str | None = None, request_id: str | None = None) -> bytes:
    """The JSON body of every error scokg answers, on the protocol path and the pages' alike."""
    body: dict = {"ok": False, "error": message, "status": status}
    if hint:
        body["hint"] = hint
    if request_id:
        body["request_id"] = request_id  # the same as in the access log: a user's report can be found there
    return (json.dumps(body, ensure_ascii=False) + "\n").encode("utf-8")


def public_error(exc: ScokgError) -> tuple[int, str, str | None, list[tuple[str, str]]] | None:
    """What a client is told of an error (status, message, hint, headers: Allow, Retry-After), on every path; None
    for a fault of ours, whose text must reach no one: the caller logs it and answers a generic 500."""
    if exc.status >= 500 and exc.status not in (502, 503, 504):
        return None
    extra = [("Allow", ", ".join(exc.allow))] if isinstance(exc, MethodNotAllowed) else []
    if isinstance(exc, Unavailable):
        extra.append(("Retry-After", str(exc.retry_after)))
    return exc.status, exc.message, exc.hint, extra


def error_reply(status: int, message: str, hint: str | None = None,
                extra: list[tuple[str, str]] | None = None, request_id: str | None = None) -> Reply:
    headers = [("Content-Type", "application/json"), ("Vary", "Accept"), *CORS, *(extra or [])]
    return Reply(status, headers, error_body(status, message, hint, request_id))
