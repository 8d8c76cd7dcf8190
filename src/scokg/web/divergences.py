"""/divergences: where the English and the German versions of the article say different things.

Every statement with an ``sco:versionNote`` is one reading of one version; the readings of one fact (its subject and
property) are shown side by side, each with its quotes in its own language (linked to their place in the source,
highlighted there) and the note that says how the versions differ.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template
from rdflib import Literal, URIRef

from ..namespaces import RDF, SCO
from . import provenance_view as prov
from .html import html_response
from .resource_view import quote_view
from .runtime import cached, get_runtime
from .views import href, label, page_lang, pick

bp = Blueprint("divergences", __name__)

QUERY = f"""SELECT ?st ?s ?p ?o WHERE {{ ?st <{SCO.versionNote}> ?note ; <{RDF.subject}> ?s ;
    <{RDF.predicate}> ?p ; <{RDF.object}> ?o }}"""


def read_divergences(store) -> dict:
    """(subject, property) → the statements with a version note about it, by value."""
    found: dict = defaultdict(set)
    for r in store.select(QUERY):
        found[(str(r["s"]), str(r["p"]))].add(r["o"])
    return dict(found)


def divergence_view(lang: str) -> list[dict]:
    store = get_runtime().store
    out = []
    for (subject, predicate), values in sorted(cached("divergences", read_divergences).items()):
        statements = prov.statements_about(store, subject)
        readings = []
        for value in sorted(values, key=str):
            for st in statements.get((URIRef(predicate), value), []):
                quotes = [quote_view(d, lang) for d in st.derived_from]
                note, note_lang = pick(st.notes.get("versionNote", {}), lang)
                readings.append({"value": str(value) if isinstance(value, Literal) else label(str(value)),
                                 "quotes": [q for q in quotes if q["kind"] == "quote"],
                                 "langs": sorted({q["lang"] for q in quotes if q.get("lang")}),
                                 "note": note, "note_lang": note_lang})
        out.append({"subject": label(subject), "subject_href": href(subject), "property": label(predicate),
                    "readings": readings})
    return out


@bp.get("/divergences")
def divergences():
    lang = page_lang()
    return html_response(render_template("divergences.html", groups=divergence_view(lang)))
