"""Content negotiation in one place: media-type tables and one ``negotiate`` function.

>>> negotiate("text/turtle;q=0.5, application/ld+json", RDF_FORMATS, "text/turtle")
'application/ld+json'
>>> negotiate(None, RDF_FORMATS, "text/turtle")
'text/turtle'
>>> negotiate("text/*", RESULT_FORMATS, "application/sparql-results+json")
'text/csv'
"""

from __future__ import annotations

from .errors import NotAcceptable

# media type → (file suffix, short name used by ?format=)
RDF_FORMATS = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "ntriples"),
    "application/rdf+xml": ("rdf", "rdfxml"),
}
RESULT_FORMATS = {
    "application/sparql-results+json": ("srj", "json"),
    "application/sparql-results+xml": ("srx", "xml"),
    "text/csv": ("csv", "csv"),
    "text/tab-separated-values": ("tsv", "tsv"),
}
HTML = {"text/html": ("html", "html")}
PAGE_FORMATS = {**HTML, **RDF_FORMATS}

# Aliases clients send for the same formats.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "application/json+ld": "application/ld+json",
    "text/plain": "application/n-triples",
    "application/xhtml+xml": "text/html",
}


def parse_accept(accept: str | None) -> list[tuple[str, float, int]]:
    """Accept header → [(media range, q, position)], best first; malformed parts are skipped."""
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


def _specificity(media: str) -> int:
    if media == "*/*":
        return 0
    if media.endswith("/*"):
        return 1
    return 2


def negotiate(accept: str | None, table, default: str) -> str:
    """Pick the best media type of ``table`` for ``accept``; raise NotAcceptable when none fits."""
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best: tuple[float, int, int, int] | None = None
    choice = None
    offers = list(table)
    for offer_pos, offer in enumerate(offers):
        # the q of an offer is given by the most specific matching range
        match = None
        for media, q, pos in ranges:
            canonical = ALIASES.get(media, media)
            if canonical == offer or media == offer:
                spec = 2
            elif media == "*/*" or (media.endswith("/*") and offer.startswith(media[:-1])):
                spec = _specificity(media)
            else:
                continue
            if match is None or spec > match[1]:
                match = (q, spec, pos)
        if match is None or match[0] == 0:
            continue
        q, spec, pos = match
        # prefer the default among equals so '*/*' yields it
        key = (q, spec, 1 if offer == default else 0, -pos if spec else -offer_pos)
        if best is None or key > best:
            best, choice = key, offer
    if choice is None:
        raise NotAcceptable(
            f"none of the requested media types ({accept}) can be produced",
            hint="acceptable: " + ", ".join(offers),
        )
    return choice


def media_type_for_format(name: str, table) -> str | None:
    """?format=json / csv / turtle / a full media type → media type in table, or None."""
    name = name.strip().lower()
    name = ALIASES.get(name, name)
    if name in table:
        return name
    for media, (suffix, short) in table.items():
        if name in (suffix, short):
            return media
    return None


def media_type_for_suffix(suffix: str, table) -> str | None:
    for media, (suf, _short) in table.items():
        if suf == suffix:
            return media
    return None
