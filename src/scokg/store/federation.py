"""SERVICE and LOAD carried out by scokg itself, so that no engine is ever handed a text that reaches outside.

``runnable(info, policy)`` checks the reading's endpoints against the allow-list, fetches each allowed SERVICE's
answer and each LOAD's document with one small HTTP client (a time limit, a size limit, no redirects), and returns
the canonical text with every SERVICE replaced by a VALUES block of the answer it gave, and every LOAD by INSERT
DATA of the triples it returned. The text is read again, and must hold no SERVICE and no LOAD: what the engine runs
cannot call anything, whatever the client wrote. A SERVICE is evaluated on its own and joined where it stood, which
is how Oxigraph evaluates it too; SILENT turns a failed call into one empty solution (or a LOAD of nothing).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from .. import __version__
from ..errors import QuerySyntaxError, QueryTimeout, ScokgError, UpstreamError
from ..formats import RDF_FORMATS, by_media_type
from .inspect import Call, Inspection, admit, inspect_query
from .lexer import join, quote_string

AGENT = f"scokg/{__version__} (https://w3id.org/scokg; federated query)"
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "application/xml": ox.QueryResultsFormat.XML}
GRAPH_ACCEPT = ", ".join(f.media_type + ("" if i == 0 else f";q=0.{9 - i}") for i, f in enumerate(RDF_FORMATS))
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Federation:
    """What a store may reach: the allow-listed endpoints, the time one call may take, the bytes it may return."""

    allow: tuple[str, ...] = ()
    timeout: float = 10.0
    max_bytes: int = 16 << 20

    @classmethod
    def of(cls, settings) -> Federation:
        return cls(tuple(settings.allowlist), float(settings.service_timeout))


NO_FEDERATION = Federation()


def runnable(info: Inspection, policy: Federation, what: str = "query", parse=None) -> str:
    """The text the engine runs for this reading: the canonical text, with what it reaches outside fetched.

    ``parse`` runs a text on an empty store: the engine parses the text with its calls blanked before any call
    is made, so a malformed request makes none.
    """
    admit(info, policy.allow, what)
    if not info.calls:
        return info.text
    if parse is not None:
        check_syntax(info, parse)
    deadline = time.monotonic() + policy.timeout
    fetched = {c.start: (c.end, (_service if c.kind == "service" else _load)(info, c, policy, deadline))
               for c in outermost(info)}
    final = inspect_query(splice(info, fetched))
    if final.calls:  # a fetched answer cannot add one (it is quoted data), but what runs is checked, not trusted
        raise UpstreamError("a federated answer could not be passed on safely")
    return final.text


def outermost(info: Inspection) -> list[Call]:
    """The calls not inside another's group (an inner SERVICE is part of the outer one's query, for its endpoint)."""
    return [c for c in info.calls if not any(o.start < c.start < o.end for o in info.calls if o is not c)]


def splice(info: Inspection, spans: dict[int, tuple[int, str]]) -> str:
    """The canonical text with the tokens from each ``start`` to its ``end`` replaced by a text."""
    parts, i, tokens = [], 0, info.tokens
    while i < len(tokens):
        t = tokens[i]
        gap = "" if t.glued or i == 0 else " "  # a replacement keeps its span's place: positions stay the same
        if i in spans:
            end, text = spans[i]
            parts.append(gap + text)
            i = end
        else:
            parts.append(gap + t.text)
            i += 1
    return "".join(parts)


def placeholder(info: Inspection) -> str:
    """The canonical text with each outermost SERVICE or LOAD blanked to a no-op of the same length: a text the
    engine can parse (to find syntax errors before any call is made) at the same positions."""
    stubs = {}
    for call in outermost(info):
        width = len(join(info.tokens[call.start:call.end]))
        stub = "VALUES ( ) { }" if call.kind == "service" else "INSERT DATA { }"
        stubs[call.start] = (call.end, stub.ljust(width))
    return splice(info, stubs)


def _service(info: Inspection, call: Call, policy: Federation, deadline: float) -> str:
    base = f"BASE <{call.base}> " if call.base else ""
    query = f"{base}SELECT * WHERE {join(info.tokens[call.group:call.end])}"
    try:
        media, body = _exchange(call, "POST", query.encode(), RESULTS_ACCEPT, policy, deadline)
        fmt = RESULTS.get(media)
        if fmt is None:
            raise UpstreamError(f"SERVICE <{call.target}> answered {media or 'no Content-Type'}, not SPARQL results")
        try:
            answer = ox.parse_query_results(body, fmt)
        except (SyntaxError, ValueError) as exc:
            raise UpstreamError(f"SERVICE <{call.target}> sent results that do not parse: {exc}") from None
        if not isinstance(answer, ox.QuerySolutions):
            raise UpstreamError(f"SERVICE <{call.target}> answered a boolean, not solutions")
        names = [v.value for v in answer.variables]
        rows = [" ".join(_term(row[i], call) for i in range(len(names))) for row in answer]
    except ScokgError:
        if call.silent:
            return "VALUES ( ) { ( ) }"
        raise
    head = " ".join("?" + n for n in names)
    return f"VALUES ( {head} ) {{ " + " ".join(f"( {r} )" for r in rows) + " }"


def _load(info: Inspection, call: Call, policy: Federation, deadline: float) -> str:
    try:
        media, body = _exchange(call, "GET", None, GRAPH_ACCEPT, policy, deadline)
        fmt = by_media_type(media)
        if fmt is None or fmt.rdf is None:
            raise UpstreamError(f"LOAD <{call.target}> answered {media or 'no Content-Type'}, not an RDF format")
        try:
            triples = [f"{_term(q.subject, call)} {_term(q.predicate, call)} {_term(q.object, call)} ."
                       for q in ox.parse(body, format=fmt.rdf, base_iri=call.target, without_named_graphs=True)]
        except (SyntaxError, ValueError) as exc:
            raise UpstreamError(f"LOAD <{call.target}> sent a document that does not parse: {exc}") from None
    except ScokgError:
        if call.silent:
            return "INSERT DATA { }"
        raise
    data = " ".join(triples)
    return f"INSERT DATA {{ GRAPH <{call.into}> {{ {data} }} }}" if call.into else f"INSERT DATA {{ {data} }}"


def _term(term, call: Call) -> str:
    if term is None:
        return "UNDEF"
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = quote_string(term.value)
        if term.language:
            direction = getattr(term, "direction", None)
            return f"{text}@{term.language}" + (f"--{direction.value}" if direction is not None else "")
        dt = term.datatype.value
        return text if dt == XSD_STRING else f"{text}^^<{dt}>"
    if isinstance(term, ox.BlankNode):
        if call.kind == "load":
            return f"_:l{call.start}x{term.value}"  # blank nodes of two LOADs stay apart
        raise UpstreamError(f"SERVICE <{call.target}> answered a blank node, which a VALUES block cannot carry",
                            hint="project IRIs or literals from the service (STR(?x), say)")
    if isinstance(term, ox.Triple):
        return f"<<( {_term(term.subject, call)} {_term(term.predicate, call)} {_term(term.object, call)} )>>"
    raise UpstreamError(f"{call.kind.upper()} <{call.target}> answered a term scokg cannot pass on")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the endpoint's answer (an error), never a second, unchecked call


_OPENER = urllib.request.build_opener(_NoRedirect)


def _exchange(call: Call, method: str, body: bytes | None, accept: str, policy: Federation,
              deadline: float) -> tuple[str, bytes]:
    """One request to an allow-listed endpoint: the media type and body of its answer, within the deadline and
    the size limit; 502 for a failure, 504 past the time limit, each naming the endpoint."""
    name = f"{call.kind.upper()} <{call.target}>"
    headers = {"Accept": accept, "User-Agent": AGENT}
    if body is not None:
        headers["Content-Type"] = "application/sparql-query"
    request = urllib.request.Request(call.target, data=body, headers=headers, method=method)
    try:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        with _OPENER.open(request, timeout=remaining) as response:
            chunks, size = [], 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > policy.max_bytes:
                    raise UpstreamError(f"{name} answered more than {policy.max_bytes} bytes (the limit)")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return media, b"".join(chunks)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise UpstreamError(f"{name} answered HTTP {exc.code}") from None
    except TimeoutError:
        raise QueryTimeout(f"{name} did not answer within {policy.timeout:g} s", status=504) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise QueryTimeout(f"{name} did not answer within {policy.timeout:g} s", status=504) from None
        raise UpstreamError(f"{name} cannot be reached: {exc.reason}") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise UpstreamError(f"{name} failed: {exc!r}"[:300]) from None


def check_syntax(info: Inspection, parse) -> None:
    try:
        parse(placeholder(info))
    except SyntaxError as exc:
        raise QuerySyntaxError(f"malformed query: {info.position(exc.msg)}") from None
    except (RuntimeError, OSError, ValueError):
        pass  # an evaluation error on an empty store says nothing about the query's syntax
