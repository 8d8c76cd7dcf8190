"""/query/<key>: a query too long for a GET URL, stored when the page ran it without error and shared by the hash of
its text (a query that calls other services is shown, and runs only when the reader runs it);
/query/terms.json: what the editor completes (prefixes, the ontology's terms and the graph's things, with their
names in the reader's language)."""

from __future__ import annotations

import re
import time

from flask import Blueprint, g, jsonify, request

from ..errors import NotFound, ScokgError
from ..formats import JSON_RESULTS, TURTLE
from ..namespaces import PREFIXES, SCO
from .protocol import ProtocolRequest
from .query_page import query_key, render_query_page, shared_folder
from .runtime import cached, get_runtime
from .sparql import dataset_of, read_query, timeout_of
from .views import curie, page_lang, pick, things

bp = Blueprint("query", __name__)
KEY = re.compile(r"^[0-9a-f]{20}$")
KINDS = {"Class": "class", "ObjectProperty": "property", "DatatypeProperty": "property",
         "AnnotationProperty": "property", "Property": "property"}


@bp.before_app_request
def _start_clock():
    g.scokg_started = time.perf_counter()


@bp.get("/query/<key>")
def shared(key: str):
    path = shared_folder() / f"{key}.rq"
    if not KEY.match(key) or not path.is_file():
        raise NotFound(f"no shared query is known as {key}", hint="a short link lasts as long as the server's "
                                                                  "instance folder; open /sparql to write it again")
    text = path.read_bytes().decode("utf-8")
    if query_key(text) != key:
        raise NotFound(f"no shared query is known as {key}")
    settings = get_runtime().settings
    lang = page_lang()
    release_file = path.with_suffix(".release")
    pinned = release_file.read_text(encoding="utf-8").strip() if release_file.is_file() else None
    release = get_runtime().release
    current = release.version if release is not None else None
    try:
        info = read_query(text, settings.base_iri or None)
        if info.calls or (pinned and pinned != current):
            # a link a crawler follows makes no outside call, and a query from another release is run on the
            # reader's choice of release: shown, and run when the reader runs it
            return render_query_page(text, lang=lang, pending=True, pinned=pinned)
        dataset = dataset_of(ProtocolRequest("GET", {}), info, settings.allowlist)
        answer = get_runtime().execute(text, JSON_RESULTS.media_type, TURTLE.media_type, dataset=dataset,
                                       timeout=timeout_of(info, settings))
    except ScokgError as exc:
        return render_query_page(text, lang=lang, status=exc.status, error=exc.message)
    return render_query_page(text, answer, lang=lang)


def vocabulary(lang: str) -> dict:
    terms = []
    for iri, thing in things().items():
        name = curie(iri)
        if name == iri:
            continue
        kinds = [KINDS[t.rsplit("#", 1)[-1]] for t in thing.types if t.rsplit("#", 1)[-1] in KINDS]
        ours = [t for t in thing.types if t.startswith(str(SCO)) and t not in (str(SCO.Quote),)]
        if not kinds and not ours:
            continue
        label, _found = pick(thing.labels, lang)
        kind = kinds[0] if kinds else "thing"
        type_name = pick(things()[ours[0]].labels, lang)[0] if ours and ours[0] in things() else None
        terms.append({"curie": name, "label": label or "", "kind": type_name or kind,
                      "type": {"class": "class", "property": "property"}.get(kind, "constant")})
    terms.sort(key=lambda t: (t["type"] != "property", t["curie"]))
    return {"prefixes": PREFIXES, "terms": terms}


@bp.get("/query/terms.json")
def terms():
    asked = request.args.get("lang", "")
    lang = asked if asked in ("en", "de") else page_lang()
    response = jsonify(cached(f"vocabulary:{lang}", lambda store: vocabulary(lang)))
    response.headers["Cache-Control"] = f"public, max-age={get_runtime().settings.cache_max_age}"
    return response
