"""The page of one resource, laid out like a Wikidata item: a header (name, description, alternative names in the
reader's language, the type in words, identifiers apart), then one row per property with its values, each value with
the words of the article that state it under it, then the links pointing here grouped by property, and a map for a
place. Only the reader's language is shown; a value missing in it is shown in the other with a note.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from ..namespaces import GEO, SCO, WD
from . import provenance_view as prov
from .browse_view import class_href
from .i18n import ARTICLE_NAMES, LANGUAGE_NAMES, UI, format_number, inverse_name
from .provenance_view import OA
from .runtime import cached, get_runtime
from .views import (
    DESCRIPTION_PROPS,
    LABEL_PROPS,
    curie,
    href,
    label,
    language_note,
    link_view,
    literal_view,
    literals_by_lang,
    page_lang,
    pick,
)

# Shown in the header, the identifiers or the map, not as statements.
HEADER_PROPS = {*LABEL_PROPS, *DESCRIPTION_PROPS, SKOS.altLabel, RDF.type, OWL.sameAs, GEO.lat, GEO.long,
                OA.hasSelector}
# The properties a reader looks for first, in this order; the rest follow by name.
FIRST = [SCO.servesPriority, SCO.partOfAgenda, SCO.proposedBy, SCO.status, SCO.locatedIn, SCO.year, SCO.startYear,
         SCO.endYear, SCO.period, SCO.dateAsWritten, SCO.monthDay, SCO.inferredYear, SCO.discussedAt,
         SCO.toBeAdoptedAt, SCO.organisedBy, SCO.coincidesWith, SCO.order, SCO.priorityOf]
MANY = 12  # incoming groups longer than this start folded


def inverses(store) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in store.select(f"SELECT ?p ?i WHERE {{ ?p <{OWL.inverseOf}> ?i }}"):
        out.setdefault(str(r["p"]), str(r["i"]))
        out.setdefault(str(r["i"]), str(r["p"]))
    return out


def _sort_key(p) -> tuple:
    return (FIRST.index(p), "") if p in FIRST else (len(FIRST), label(p).lower())


def quote_view(iri: str, lang: str) -> dict:
    """One thing a statement was derived from: a quote with its words and place, or another source by name."""
    q = prov.quotes().get(iri)
    if q is None:
        return {"kind": "source", "href": href(iri), "label": label(iri)}
    link = href(q.text_iri) + q.fragment if q.text_iri else None
    language = LANGUAGE_NAMES[lang].get(q.lang or "", q.lang or "")
    name = ARTICLE_NAMES[lang].get(q.lang or "") or label(q.source or iri)
    return {"kind": "quote", "text": q.text, "lang": q.lang, "link": link, "href": href(iri),
            "source": {"href": href(q.source), "label": name, "title": label(q.source)} if q.source else None,
            "position": UI[lang]["position"].format(start=q.start, end=q.end) if q.start is not None else None,
            "note": UI[lang]["only_in"].format(language=language) if q.lang not in (None, lang) else None}


def sources_view(statements: list, lang: str) -> dict:
    """What a value's statements were derived from, in the reader's language where the article has it."""
    derived = sorted({d for s in statements for d in s.derived_from})
    found = [quote_view(d, lang) for d in derived]
    quotes = [v for v in found if v["kind"] == "quote"]
    mine = [v for v in quotes if v["lang"] in (lang, None)]
    notes = []
    for s in statements:
        for kind, by_lang in sorted(s.notes.items()):
            text, in_lang = pick(by_lang, lang)
            if text:
                notes.append({"kind": kind, "text": text, "lang": in_lang or None,
                              "title": UI[lang]["inference" if kind == "inferenceNote" else "version_note"]})
    return {"quotes": mine or quotes, "others": [v for v in found if v["kind"] == "source"], "notes": notes,
            "stated": bool(statements)}


def value_view(o, graph: Graph, lang: str, depth: int = 0) -> dict:
    if isinstance(o, Literal):
        return literal_view(o, lang)
    if isinstance(o, BNode):
        if depth < 2 and (o, None, None) in graph:
            rows = [{"label": label(p), "values": [value_view(v, graph, lang, depth + 1) for v in graph.objects(o, p)]}
                    for p in sorted(set(graph.predicates(o)), key=str) if p != RDF.type]
            return {"kind": "node", "rows": rows}
        return {"kind": "literal", "text": "[…]", "lang": None, "datatype": None, "value_kind": "text"}
    return link_view(o, lang, graph)


def _in_language(values: list, lang: str) -> tuple[list, str | None]:
    """Literals in the reader's language (and untagged ones); those in another language only when none is."""
    tagged = [o for o in values if isinstance(o, Literal) and o.language]
    if not tagged:
        return values, None
    mine = [o for o in values if not (isinstance(o, Literal) and o.language and o.language != lang)]
    if any(isinstance(o, Literal) and o.language == lang for o in mine):
        return mine, None
    _text, found = pick({o.language or "": o for o in tagged}, lang)
    return [o for o in values if not isinstance(o, Literal) or o.language in (None, "", found)], found


def statement_rows(graph: Graph, subject: URIRef, statements: dict, lang: str, hide=HEADER_PROPS) -> list[dict]:
    rows = []
    for p in sorted({p for p in graph.predicates(subject) if p not in hide}, key=_sort_key):
        values, other = _in_language(sorted(graph.objects(subject, p), key=str), lang)
        views = []
        for o in values:
            view = value_view(o, graph, lang)
            found = statements.get((p, o), [])
            listed = [v for s in found for v in s.extra.get(str(SCO.listedName), [])]
            if listed and view["kind"] == "iri" and view["text"] == view["curie"]:
                view["text"] = f"{listed[0]} ({view['curie'].split(':', 1)[-1]})"  # the list's name for the item
                view["text_lang"] = _name_lang(listed[0])
            view["sources"] = sources_view(found, lang)
            views.append(view)
        rows.append({"iri": str(p), "href": href(p), "label": label(p), "curie": curie(str(p)), "values": views,
                     "note": language_note(other, lang)})
    return rows


def incoming_groups(graph: Graph, subject: URIRef, lang: str) -> list[dict]:
    by_prop: dict = {}
    for s, p in graph.subject_predicates(subject):
        if isinstance(s, URIRef) and s != subject:
            by_prop.setdefault(p, set()).add(s)
    inverse = cached("inverses", inverses)
    groups = []
    for p, subjects in by_prop.items():
        name = label(inverse[str(p)]) if str(p) in inverse else inverse_name(str(p), lang) or f"← {label(p)}"
        items = sorted((link_view(s, lang) for s in subjects), key=lambda v: v["text"].lower())
        groups.append({"label": name[:1].upper() + name[1:], "prop": str(p), "prop_label": label(p),
                       "items": items, "folded": len(items) > MANY})
    return sorted(groups, key=lambda g: (g["folded"], g["label"].lower()))


def header_view(graph: Graph, subject: URIRef, lang: str) -> dict:
    labels = literals_by_lang(graph, subject, LABEL_PROPS)
    title, title_lang = pick(labels, lang)
    descriptions = literals_by_lang(graph, subject, DESCRIPTION_PROPS)
    description, description_lang = pick(descriptions, lang)
    alt = sorted({str(o) for o in graph.objects(subject, SKOS.altLabel)
                  if isinstance(o, Literal) and o.language in (lang, None, "")} - {str(title)})
    types = sorted(graph.objects(subject, RDF.type), key=str)
    return {
        "title": title or label(subject), "title_lang": title_lang or None,
        "title_note": language_note(title_lang, lang),
        "description": description, "description_lang": description_lang or None,
        "description_note": language_note(description_lang, lang) if description else None,
        "alt": alt,
        "types": [{"href": class_href(t), "label": label(t)} for t in types if str(t).startswith(str(SCO))]
        or [{"href": href(t), "label": label(t)} for t in types],
    }


def identifiers_view(graph: Graph, subject: URIRef, statements: dict) -> list[dict]:
    out = []
    for o in sorted(graph.objects(subject, OWL.sameAs), key=str):
        listed = [v for s in statements.get((OWL.sameAs, o), []) for v in s.extra.get(str(SCO.listedName), [])]
        qid = str(o).rsplit("/", 1)[-1]
        out.append({"href": href(o), "qid": qid if str(o).startswith(str(WD)) else curie(str(o)),
                    "label": str(listed[0]) if listed else None,
                    "label_lang": _name_lang(listed[0]) if listed else None, "wikidata": str(o).startswith(str(WD))})
    return out


def _name_lang(name) -> str:
    """The language of a name from the team's verified list of Wikidata items: its tag, else English (the list
    gives Wikidata's English labels), so a German page marks it as English text."""
    return getattr(name, "language", None) or "en"


def quote_page_view(store, iri: str, lang: str) -> dict | None:
    """For a quote: its words with a link to their place, and the facts they state."""
    if iri not in prov.quotes():
        return None
    facts = [{"subject": link_view(s, lang), "property": label(p), "value":
              link_view(o, lang) if isinstance(o, URIRef) else literal_view(o, lang)}
             for s, p, o in prov.statements_from(store, iri)]
    return {"quote": quote_view(iri, lang), "facts": facts}


def resource_view(iri: str, graph: Graph) -> dict:
    lang = page_lang()
    store = get_runtime().store
    subject = URIRef(iri)
    statements = prov.statements_about(store, iri)
    lat = next(iter(graph.objects(subject, GEO.lat)), None)
    long = next(iter(graph.objects(subject, GEO.long)), None)
    supported = [] if iri in prov.quotes() else prov.statements_from(store, iri)
    return {
        "iri": iri, "rel": href(iri).split("?")[0],
        **header_view(graph, subject, lang),
        "identifiers": identifiers_view(graph, subject, statements),
        "rows": statement_rows(graph, subject, statements, lang),
        "incoming": incoming_groups(graph, subject, lang),
        "quote_page": quote_page_view(store, iri, lang),
        "derived": [{"subject": link_view(s, lang), "property": label(p),
                     "value": link_view(o, lang) if isinstance(o, URIRef) else literal_view(o, lang)}
                    for s, p, o in supported],
        "coords": coordinates_view(lat, long, statements, lang),
    }


def coordinates_view(lat, long, statements: dict, lang: str) -> dict | None:
    if not isinstance(lat, Literal) or not isinstance(long, Literal):
        return None
    lat_f, long_f = float(str(lat)), float(str(long))
    north, east = ("N", "S"), ("E", "W") if lang == "en" else ("O", "W")
    return {"lat": lat_f, "long": long_f,
            "lat_text": f"{format_number(str(abs(lat_f)), lang)}° {north[lat_f < 0]}",
            "long_text": f"{format_number(str(abs(long_f)), lang)}° {east[long_f < 0]}",
            "sources": sources_view(statements.get((GEO.lat, lat), []) + statements.get((GEO.long, long), []), lang)}
