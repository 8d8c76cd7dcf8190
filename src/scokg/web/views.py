"""What every page template sees: the reader's language, links, the names of things, and values in the reader's
format. Names, alternative names, descriptions and types of every IRI are read once per release (``things``).

Kept apart from the routes so the view models (resource_view, browse_view, results_view, …) share one way of
naming and linking things.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote as urlquote

from flask import current_app, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ..namespaces import BASE, PREFIXES, SCO
from .i18n import IRI_NAMES, LABEL_OVERRIDES, LANGS, LANGUAGE_NAMES, UI, format_date, format_number, property_name
from .runtime import cached

IRI_SAFE = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')  # what a path may hold to be part of an IRI


def data_iri(rel: str) -> str:
    """The data's IRI for a request path relative to the root ('id/almaty')."""
    return BASE + rel


LABEL_PROPS = (SKOS.prefLabel, RDFS.label)
# what else names a thing in a page's own graph (the dataset's publisher, a document)
GRAPH_LABEL_PROPS = (*LABEL_PROPS, DCTERMS.title, FOAF.name)
DESCRIPTION_PROPS = (DCTERMS.description, SKOS.definition, RDFS.comment)
NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                 "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                 "unsignedInt", "unsignedLong")}
DATES = {str(XSD.date), str(XSD.gMonthDay)}
SAFE_SCHEMES = ("http", "https", "mailto", "urn", "ftp")
T = TypeVar("T")


def page_lang() -> str:
    """?lang= wins, then Accept-Language, then English."""
    asked = request.args.get("lang", "")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS, default="en") or "en"


def _settings():
    return current_app.config["SCOKG_SETTINGS"]


def local_path(iri: str) -> str | None:
    """Our own IRIs (under the data's base, the configured base or the public URL) → this server's path."""
    for base in dict.fromkeys((BASE, _settings().base_iri, _settings().public_base)):
        if base and iri.startswith(base):
            return request.script_root + "/" + iri[len(base):]
    return None


def href(iri: object) -> str:
    """Where a link to ``iri`` goes: our pages keep an explicitly chosen language."""
    iri = str(iri)
    path = request.script_root + iri if iri.startswith("/") else local_path(iri)
    if path is None:
        # Only web links leave the site: a javascript: or data: IRI in the data must never become a live link.
        return iri if iri.split(":", 1)[0].lower() in SAFE_SCHEMES else "#unsafe-link"
    if "lang" in request.args and page_lang() in LANGS:
        path, hash_, frag = path.partition("#")
        sep = "&" if "?" in path else "?"
        path = f"{path}{sep}lang={page_lang()}{hash_}{frag}"
    return path


def with_lang(path: str, lang: str) -> str:
    """The current page in another language (the switcher)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return path + "?" + "&".join(f"{urlquote(k)}={urlquote(v)}" for k, v in args)


def curie(iri: str) -> str:
    """
    >>> curie("https://w3id.org/scokg/id/almaty")
    'id:almaty'
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


# -- names of things, once per release ----------------------------------------------------------------------
@dataclass
class Thing:
    labels: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)


THINGS_QUERY = f"""SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ <{SKOS.prefLabel}> <{RDFS.label}> <{SKOS.altLabel}> <{DCTERMS.description}> <{SKOS.definition}>
              <{RDFS.comment}> <{RDF.type}> }}
  ?s ?p ?o FILTER(isIRI(?s)) }}"""


def read_things(store) -> dict[str, Thing]:
    out: dict[str, Thing] = {}
    rows = sorted(store.select(THINGS_QUERY), key=lambda r: (str(r["s"]), str(r["p"]), str(r["o"])))
    for r in rows:
        thing = out.setdefault(str(r["s"]), Thing())
        p, o = r["p"], r["o"]
        if p == RDF.type:
            thing.types.append(str(o))
        elif isinstance(o, Literal):
            lang = o.language or ""
            if p in LABEL_PROPS:
                # skos:prefLabel wins over rdfs:label
                if p == SKOS.prefLabel or lang not in thing.labels:
                    thing.labels[lang] = str(o)
            elif p == SKOS.altLabel:
                thing.alt.setdefault(lang, []).append(str(o))
            else:
                thing.descriptions.setdefault(lang, str(o))
    return out


def things() -> dict[str, Thing]:
    return cached("things", read_things)


def read_listed_names(store) -> dict[str, str]:
    """Outside items (Wikidata) by the name the team's verified list gives them (sco:listedName on the link's
    statement): the graph holds no labels of its own for them."""
    rows = store.select(f"SELECT ?o ?name WHERE {{ ?st <{RDF.object}> ?o ; <{SCO.listedName}> ?name }}")
    return {str(r["o"]): str(r["name"]) for r in sorted(rows, key=lambda r: (str(r["o"]), str(r["name"])))}


def listed_names() -> dict[str, str]:
    return cached("listed-names", read_listed_names)


def pick(by_lang: Mapping[str, T], lang: str | None = None) -> tuple[T | None, str | None]:
    """The value in the reader's language, else English, else untagged, else any; with the language it is in."""
    lang = lang or page_lang()
    for key in (lang, "", "en", *LANGS):
        if key in by_lang:
            return by_lang[key], key
    for key, value in by_lang.items():
        return value, key
    return None, None


def label(iri, graph: Graph | None = None, lang: str | None = None) -> str:
    """The best name of ``iri`` in the reader's language: the release's, the page graph's, the vocabularies' own
    names, or a CURIE."""
    iri = str(iri)
    lang = lang or page_lang()
    named = LABEL_OVERRIDES.get(iri) or IRI_NAMES.get(iri)
    if named:
        return named[LANGS.index(lang)]
    found = things().get(iri)
    if found and found.labels:
        return str(pick(found.labels, lang)[0])
    if graph is not None:
        local = literals_by_lang(graph, URIRef(iri), GRAPH_LABEL_PROPS)
        if local:
            return str(pick(local, lang)[0])
    return property_name(iri, lang) or curie(iri)


def type_label(iri: str, lang: str | None = None) -> str:
    """A thing's most specific type of our ontology, in words."""
    types = [t for t in (things().get(str(iri)) or Thing()).types if t.startswith(str(SCO))]
    return label(types[0], lang=lang) if types else ""


def literals_by_lang(graph: Graph, subject, props) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in props:
        for o in sorted(graph.objects(subject, p), key=str):
            if isinstance(o, Literal):
                out.setdefault(o.language or "", str(o))
    return out


def literal_view(o: Literal, lang: str) -> dict:
    """A literal for the page: numbers and dates in the reader's format, its language and datatype apart."""
    datatype = str(o.datatype) if o.datatype else None
    text = str(o)
    kind = "text"
    if datatype in NUMERIC:
        text, kind = format_number(text, lang), "number"
    elif datatype in DATES:
        text, kind = format_date(text, lang), "date"
    elif datatype == str(XSD.gYear):
        kind = "year"
    return {"kind": "literal", "text": text, "raw": str(o), "lang": o.language, "value_kind": kind,
            "datatype": curie(datatype) if datatype and datatype != str(XSD.string) else None,
            "language_name": LANGUAGE_NAMES[lang].get(o.language or "", o.language)}


def link_view(iri, lang: str | None = None, graph: Graph | None = None) -> dict:
    iri = str(iri)
    path = local_path(iri)
    text = label(iri, graph, lang=lang)
    if text == iri and path is not None:  # one of our own IRIs without a name or a prefix: where it is here
        text = path
    return {"kind": "iri", "href": href(iri), "text": text, "iri": iri, "curie": curie(iri), "external": path is None}


def language_note(found_lang: str | None, lang: str) -> str | None:
    """Said beside a value shown in another language than the reader's."""
    if found_lang in (None, "", lang):
        return None
    return UI[lang]["missing_in_lang"].format(language=LANGUAGE_NAMES[lang].get(found_lang, found_lang))


def template_helpers() -> dict:
    lang = page_lang()
    other = next(code for code in LANGS if code != lang)
    return {"lang": lang, "langs": LANGS, "other_lang": other, "t": UI[lang], "href": href, "label": label,
            "lang_link": lambda code: with_lang(request.path, code), "curie": curie,
            "search_text": request.args.get("q", "") if request.endpoint == "search.search" else ""}
