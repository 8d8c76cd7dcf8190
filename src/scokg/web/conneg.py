"""Content negotiation in one place, over the one table of formats (``scokg.formats``).

``negotiate`` picks the best of some formats for an Accept header (q-values, ``type/*``, ``*/*``, the formats'
aliases); ``format_preferences`` reads ``?format=`` the way SPARQLWrapper, Virtuoso and Fuseki clients send it:
a preference list (repeated parameters, comma lists, names or media types), not a demand.

>>> from scokg.formats import RDF_FORMATS, RESULT_FORMATS
>>> negotiate("text/turtle;q=0.5, application/ld+json", RDF_FORMATS, "text/turtle")
'application/ld+json'
>>> negotiate(None, RDF_FORMATS, "text/turtle")
'text/turtle'
>>> negotiate("text/*", RESULT_FORMATS, "application/sparql-results+json")
'text/csv'
>>> [f.name for f in format_preferences(["json-ld", "application/ld+json,application/x-json+ld"], ("rdf",))]
['json-ld']
>>> etag_matches('W/"abc", "def"', "abc"), etag_matches("*", '"x"'), etag_matches('"abcd"', '"abc"')
(True, True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import NotAcceptable
from ..formats import FORMATS, HTML, Format, by_format_name

# The parameters clients use to name a result format: Virtuoso's 'format', Joseki's 'output', others' 'results'.
FORMAT_PARAMETERS = ("format", "output", "results")


def parse_accept(accept: str | None) -> list[tuple[str, float, int]]:
    """Accept header → [(media range, q, position)]; malformed parts are skipped."""
    if not accept:
        return []
    out = []
    for pos, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if 0 <= q <= 1:
            out.append((media, q, pos))
    return out


def _specificity(media: str, offer: Format) -> int | None:
    """How specifically a media range names an offer: 3 exactly, 2 by an alias, 1 as type/*, 0 as */*."""
    if media == offer.media_type:
        return 3
    if media in offer.aliases:
        return 2
    if media == "*/*":
        return 0
    if media.endswith("/*") and offer.media_type.startswith(media[:-1]):
        return 1
    return None


def negotiate(accept: str | None, offers: Sequence[Format], default: str) -> str:
    """The media type of the best offer for ``accept``; the default when Accept is absent or ``*/*`` ties.

    Raises NotAcceptable, naming the offers, when none fits.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best: tuple | None = None
    choice = None
    for offer_pos, offer in enumerate(offers):
        match = None  # the q of an offer comes from the most specific range that names it
        for media, q, pos in ranges:
            spec = _specificity(media, offer)
            if spec is not None and (match is None or spec > match[1]):
                match = (q, spec, pos)
        if match is None or match[0] == 0:
            continue
        q, spec, pos = match
        key = (q, spec >= 2, offer.media_type == default, -pos if spec >= 2 else -offer_pos)
        if best is None or key > best:
            best, choice = key, offer.media_type
    if choice is None:
        raise NotAcceptable(f"none of the requested media types ({accept}) can be produced here",
                            hint="acceptable: " + ", ".join(o.media_type for o in offers))
    return choice


def format_preferences(values: Iterable[str], kinds: tuple[str, ...]) -> list[Format]:
    """The formats of the given kinds that ``?format=`` values name, in the client's order; unknown names are
    skipped (the client's Accept header decides then)."""
    out: list[Format] = []
    for value in values:
        for item in value.split(","):
            f = by_format_name(item, kinds) if item.strip() else None
            if f is not None and f not in out:
                out.append(f)
    return out


def format_values(params) -> list[str]:
    """Every value of the format parameters, ``format`` first."""
    return [v for name in FORMAT_PARAMETERS for v in params.get(name, [])]


def offers(kind: str) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.kind == kind)


def prefers_html(accept: str | None, params, alternatives: Sequence[Format]) -> bool:
    """A browser (HTML preferred over every alternative the URL offers) or an explicit ``format=html``: the one
    rule by which the endpoint, the pages and the error bodies decide to answer with a page."""
    values = format_values(params)
    named = format_preferences(values, ("html", *{f.kind for f in alternatives}))
    if named:
        return named[0] == HTML
    if not accept or "text/html" not in accept:
        return False
    try:
        return negotiate(accept, (HTML, *alternatives), alternatives[0].media_type) == HTML.media_type
    except NotAcceptable:  # not acceptable as HTML: the caller's other formats answer
        return False


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names ``tag`` (quoted or not), weakly compared as RFC 9110 13.1.2 asks,
    or is ``*``: the one test behind every 304 (pages, documents, query answers, the replayed cache)."""
    if not if_none_match:
        return False
    wanted = tag if tag.startswith('"') else f'"{tag}"'
    for part in if_none_match.split(","):
        part = part.strip()
        if part == "*" or part.removeprefix("W/") == wanted:
            return True
    return False
