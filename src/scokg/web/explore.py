"""/timeline (the initiatives and events by year, the article's periods as spans) and /map (the places with their
initiatives). Both are plain HTML that reads without scripts; map.js draws the map from the list's data attributes
with the Leaflet and base layer shipped in static/vendor/."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from rdflib import Literal

from ..namespaces import GEO, SCO
from .browse_view import YEAR_PROPS, classes, triples
from .html import html_response
from .views import link_view, page_lang, pick, type_label

bp = Blueprint("explore", __name__)
MAX_YEARS = 12  # the stylesheet has grid classes for this many year columns


def _years(props: dict, keys) -> list[int]:
    out = []
    for p in keys:
        for v in props.get(p, []):
            try:
                out.append(int(str(v)[:4]))
            except ValueError:
                continue
    return out


def timeline_rows(lang: str) -> dict:
    out_triples = triples()["out"]
    members = classes().get(str(SCO.Initiative), {}).get("members", set()) | \
        classes().get(str(SCO.Event), {}).get("members", set())
    rows: list[dict[str, Any]] = []
    for iri in sorted(members):
        props = out_triples.get(iri, {})
        stated = _years(props, YEAR_PROPS[:3])
        years = stated or _years(props, YEAR_PROPS[3:])
        if not years:
            continue
        written = {v.language or "": str(v) for v in props.get(SCO.dateAsWritten, []) if isinstance(v, Literal)}
        date, _found = pick(written, lang)
        rows.append({"link": link_view(iri, lang), "kind": type_label(iri, lang), "start": min(years),
                     "end": max(years), "inferred": not stated, "date": date,
                     "places": [link_view(p, lang) for p in props.get(SCO.locatedIn, [])]})
    if not rows:
        return {"rows": [], "years": []}
    first, last = min(r["start"] for r in rows), max(r["end"] for r in rows)
    last = min(last, first + MAX_YEARS - 1)
    for r in rows:
        r["col"] = min(r["start"], last) - first + 1
        r["span"] = min(r["end"], last) - min(r["start"], last) + 1
    rows.sort(key=lambda r: (r["start"], -r["span"], r["link"]["text"].lower()))
    return {"rows": rows, "years": list(range(first, last + 1))}


@bp.get("/timeline")
def timeline():
    return html_response(render_template("timeline.html", **timeline_rows(page_lang())))


def places(lang: str) -> dict:
    out_triples, in_triples = triples()["out"], triples()["in"]
    located, unlocated = [], []
    for iri in sorted(classes().get(str(SCO.Location), {}).get("members", set())):
        props = out_triples.get(iri, {})
        here = sorted((link_view(s, lang) for s in in_triples.get(iri, {}).get(SCO.locatedIn, [])),
                      key=lambda v: v["text"].lower())
        place = {"link": link_view(iri, lang), "kind": type_label(iri, lang), "here": here}
        lat, long = props.get(GEO.lat), props.get(GEO.long)
        if lat and long:
            located.append({**place, "lat": float(str(lat[0])), "long": float(str(long[0]))})
        else:
            unlocated.append(place)
    key = lambda p: (-len(p["here"]), p["link"]["text"].lower())  # noqa: E731
    return {"located": sorted(located, key=key), "unlocated": sorted(unlocated, key=key)}


@bp.get("/map")
def map_page():
    return html_response(render_template("map.html", **places(page_lang())))
