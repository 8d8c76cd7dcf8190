"""/id/ (every class with its count) and /browse/<Class> (its things as a table with facets and sorting)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from ..errors import NotFound
from ..namespaces import SCO
from .browse_view import class_href, class_table, class_tree, classes
from .html import html_response
from .views import href, label, page_lang, things

bp = Blueprint("browse", __name__)


@bp.get("/id/")
def index():
    return html_response(render_template("browse_index.html", tree=class_tree(page_lang())))


def _url(cls_local: str, args: list[tuple[str, str]]) -> str:
    query = urlencode(args)
    return href(f"/browse/{cls_local}" + (f"?{query}" if query else ""))


@bp.get("/browse/<name>")
def class_page(name: str):
    cls = str(SCO[name])
    if cls not in classes():
        raise NotFound(f"no class of the ontology is called {name!r}", hint="the classes are listed at /id/")
    lang = page_lang()
    table = class_table(cls, request.args, lang)
    current = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]

    def toggle(key: str, value: str) -> str:
        pair = (key, value)
        return _url(name, [p for p in current if p != pair] if pair in current else [*current, pair])

    def sort_link(key: str) -> str:
        keep = [p for p in current if p[0] not in ("sort", "desc")]
        descending = table["sort"] == key and not table["descending"]
        return _url(name, [*keep, ("sort", key)] + ([("desc", "1")] if descending else []))

    thing = things().get(cls)
    return html_response(render_template(
        "browse_class.html", cls=cls, name=name, title=label(cls), table=table, toggle=toggle, sort_link=sort_link,
        clear=_url(name, [p for p in current if p[0] in ("sort", "desc")]),
        definition=(thing.descriptions.get(lang) or thing.descriptions.get("en")) if thing else None,
        subclasses=[{"href": class_href(c), "label": label(c), "count": len(classes()[c]["members"])}
                    for c in sorted(classes()[cls]["children"], key=lambda c: label(c).lower()) if c in classes()],
        ontology_href=href(f"/ontology#{name}")))
