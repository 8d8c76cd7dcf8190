"""/search: the names of things, English and German, alternative names included; exact matches first, then names
that start with the text, then words that do, then the rest. The page keeps the typed text in its box.

>>> rank("almaty", "Almaty"), rank("alma", "Almaty"), rank("horde", "Golden Horde conference"), rank("ord", "Horde")
(0, 1, 2, 3)
>>> rank("horde conference", "Conference on the Golden Horde"), rank("bischkek", "Bishkek")
(4, None)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Blueprint, render_template, request

from ..errors import BadRequest
from ..namespaces import BASE
from .browse_view import class_href
from .html import html_response
from .i18n import LANGUAGE_NAMES
from .views import href, label, page_lang, pick, things, type_label

bp = Blueprint("search", __name__)
MAX_HITS = 50
MAX_TEXT = 200

ID = BASE + "id/"


def fold(text: str) -> str:
    """Lower case without accents: 'Bischkek' finds 'bischkek', 'Ökologie' finds 'okologie'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def rank(needle: str, name: str, any_word: bool = False) -> int | None:
    """0 exact, 1 the name starts with it, 2 a word does, 3 it is inside, 4 all its words are, 5 (with
    ``any_word``) one of them is; None: no match."""
    n, h = fold(needle.strip()), fold(name)
    if not n:
        return None
    if n not in h:
        words = [w for w in n.split() if len(w) > 1]
        if words and all(w in h for w in words):
            return 4
        return 5 if any_word and any(len(w) > 2 and w in h for w in words) else None
    if h == n:
        return 0
    if h.startswith(n):
        return 1
    if re.search(r"(^|[\s\-–(„“\"'’])" + re.escape(n), h):
        return 2
    return 3


def search_hits(q: str, limit: int = MAX_HITS, any_word: bool = False) -> list[dict]:
    lang = page_lang()
    found: list[dict[str, Any]] = []
    for iri, thing in things().items():
        names = [(v, False, k) for k, v in thing.labels.items()] + \
            [(v, True, k) for k, vs in thing.alt.items() for v in vs]
        best = min(((r, name, alt, tag) for name, alt, tag in names if (r := rank(q, name, any_word)) is not None),
                   default=None, key=lambda t: (t[0], t[2], len(t[1])))
        if best is None:
            continue
        shown = label(iri, lang=lang)
        description, _l = pick(thing.descriptions, lang)
        hit: dict[str, Any] = {"iri": iri, "href": href(iri), "label": shown, "rank": best[0],
                      "matched": best[1] if fold(best[1]) != fold(shown) else None,
                      "matched_lang": best[3] if best[3] and best[3] != lang else None,
                      "matched_language": LANGUAGE_NAMES[lang].get(best[3], best[3]) if best[3] else None,
                      "type": type_label(iri, lang), "type_href": _type_href(thing.types),
                      "description": description, "is_quote": any(t.endswith("#Quote") for t in thing.types)}
        found.append(hit)
    # quotes after the things they speak of, shorter names (closer matches) first
    found.sort(key=lambda h: (h["rank"], h["is_quote"], len(h["label"]), h["label"].lower()))
    return found[:limit]


def _type_href(types: list[str]) -> str | None:
    ours = [t for t in types if t.startswith("https://w3id.org/scokg/ontology#")]
    return class_href(ours[0]) if ours else None


def asked_text() -> str:
    """What a 404's path asked for, as search words: /id/almaty-tourism.ttl → 'almaty tourism'."""
    last = request.path.rstrip("/").rsplit("/", 1)[-1]
    stem = last.rsplit(".", 1)[0] if "." in last else last
    return re.sub(r"[-_+]+", " ", stem).strip()[:100]


@bp.app_context_processor
def _not_found_helpers():
    # a 404 suggests things of the graph (/id/…), not the ontology's terms ("version note", "inference note")
    return {"asked_text": asked_text, "suggest": lambda text: [h for h in search_hits(text, 50, any_word=True)
                                                               if h["iri"].startswith(ID)][:5] if text else []}


@bp.get("/search")
def search():
    q = request.args.get("q", "").strip()
    if len(q) > MAX_TEXT:
        raise BadRequest(f"the search text is longer than {MAX_TEXT} characters")
    hits = search_hits(q) if q else []
    return html_response(render_template("search.html", q=q, hits=hits))
