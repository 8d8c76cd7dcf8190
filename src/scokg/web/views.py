"""What the page templates see: the reader's language, labels, links, and view models built from graphs.

Kept apart from pages.py (routes and HTTP) so the templates' data can be tested without a request cycle
where that is useful; everything here reads the current app's settings and store.
"""

from __future__ import annotations

from urllib.parse import quote as urlquote

from flask import current_app, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from ..namespaces import BASE, GEO, PREFIXES, SCHEMA, SCO, WD
from .runtime import cached

LANGS = ("en", "de")
LABEL_PROPS = (RDFS.label, SKOS.prefLabel)
DESCRIPTION_PROPS = (DCTERMS.description, SKOS.definition, RDFS.comment, SCHEMA.description)
# The provenance pattern of the ontology: resource sco:evidence quote; quote sco:quoteText words,
# prov:wasQuotedFrom source.
QUOTE_TEXT = (SCO.quoteText,)
QUOTE_SOURCE = (PROV.wasQuotedFrom,)
PROVENANCE_LINKS = (SCO.evidence,)

UI = {
    "en": {
        "home": "Home", "query": "Query", "ontology": "Ontology", "dataset": "Dataset", "dumps": "Downloads",
        "search": "Search", "properties": "Properties", "incoming": "Referenced by", "type": "Type",
        "wikidata": "On Wikidata", "map": "Location", "sources": "Sources", "quote": "Source quote",
        "formats": "This description as", "priorities": "The six priorities", "initiatives": "Initiatives",
        "counts": "In numbers", "triples": "triples", "entities": "entities", "links": "links to Wikidata",
        "not_found": "Not found", "search_hint": "Search the labels", "no_hits": "Nothing matches",
        "coordinates": "Coordinates", "classes": "Classes", "object_properties": "Object properties",
        "datatype_properties": "Datatype properties", "other_properties": "Other properties",
        "domain": "Domain", "range": "Range", "alignments": "Alignments", "superclass": "Subclass of",
        "superproperty": "Subproperty of", "label": "Label", "definition": "Definition", "shapes": "Shapes",
        "targets": "Targets", "open_map": "Open in OpenStreetMap", "read_source": "read the source",
        "about": "About this dataset", "beyond": "Beyond the six priorities",
    },
    "de": {
        "home": "Start", "query": "Abfrage", "ontology": "Ontologie", "dataset": "Datensatz", "dumps": "Downloads",
        "search": "Suche", "properties": "Eigenschaften", "incoming": "Verwiesen von", "type": "Typ",
        "wikidata": "Auf Wikidata", "map": "Lage", "sources": "Quellen", "quote": "Zitat aus der Quelle",
        "formats": "Diese Beschreibung als", "priorities": "Die sechs Prioritäten", "initiatives": "Initiativen",
        "counts": "In Zahlen", "triples": "Tripel", "entities": "Entitäten", "links": "Verknüpfungen mit Wikidata",
        "not_found": "Nicht gefunden", "search_hint": "Bezeichnungen durchsuchen", "no_hits": "Keine Treffer",
        "coordinates": "Koordinaten", "classes": "Klassen", "object_properties": "Objekteigenschaften",
        "datatype_properties": "Dateneigenschaften", "other_properties": "Weitere Eigenschaften",
        "domain": "Definitionsbereich", "range": "Wertebereich", "alignments": "Entsprechungen",
        "superclass": "Unterklasse von", "superproperty": "Untereigenschaft von", "label": "Bezeichnung",
        "definition": "Definition", "shapes": "Shapes", "targets": "Ziele", "open_map": "In OpenStreetMap öffnen",
        "read_source": "zur Quelle", "about": "Über diesen Datensatz", "beyond": "Über die sechs Prioritäten hinaus",
    },
}


def page_lang() -> str:
    """?lang= wins, then Accept-Language, then English."""
    asked = request.args.get("lang", "")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS, default="en") or "en"


def _settings():
    return current_app.config["SCOKG_SETTINGS"]


def local_path(iri: str) -> str | None:
    """Our own IRIs (under the data's base or the configured base) → this server's path."""
    for base in dict.fromkeys((BASE, _settings().base_iri)):
        if iri.startswith(base):
            return request.script_root + "/" + iri[len(base):]
    return None


SAFE_SCHEMES = ("http", "https", "mailto", "urn", "ftp")


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


def all_labels(store) -> dict[str, dict[str, str]]:
    rows = store.select(f"SELECT ?s ?l WHERE {{ {{ ?s <{RDFS.label}> ?l }} UNION {{ ?s <{SKOS.prefLabel}> ?l }} "
                        "FILTER(isIRI(?s)) }")
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        lit = r["l"]
        out.setdefault(str(r["s"]), {}).setdefault(lit.language or "", str(lit))
    return out


def pick(by_lang: dict[str, str], lang: str | None = None) -> str | None:
    lang = lang or page_lang()
    for key in (lang, "en", ""):
        if key in by_lang:
            return by_lang[key]
    return next(iter(by_lang.values()), None)


def curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def label(iri, graph: Graph | None = None) -> str:
    """The best label of ``iri`` in the reader's language: the graph's own, then the release's, then a CURIE."""
    iri = str(iri)
    if graph is not None:
        found = literals_by_lang(graph, URIRef(iri), LABEL_PROPS)
        if found:
            return pick(found) or curie(iri)

    found = cached("labels", all_labels).get(iri)
    return (pick(found) if found else None) or curie(iri)


def literals_by_lang(graph: Graph, subject, props) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in props:
        for o in graph.objects(subject, p):
            if isinstance(o, Literal):
                out.setdefault(o.language or "", str(o))
    return out


def value_view(o, graph: Graph, subject, depth: int = 0) -> dict:
    if isinstance(o, Literal):
        return {"kind": "literal", "text": str(o), "lang": o.language,
                "datatype": curie(str(o.datatype)) if o.datatype else None}
    nested = (isinstance(o, BNode) or str(o).startswith(str(subject) + "#")) and (o, None, None) in graph
    if nested and depth < 3:
        return {"kind": "node", "rows": property_rows(graph, o, depth + 1), "id": str(o)}
    if isinstance(o, BNode):
        return {"kind": "literal", "text": "[…]", "lang": None, "datatype": None}
    return {"kind": "iri", "href": href(o), "text": label(o, graph), "iri": str(o),
            "external": local_path(str(o)) is None}


def property_rows(graph: Graph, subject, depth: int = 0) -> list[dict]:
    rows = []
    for p in sorted(set(graph.predicates(subject, None)), key=lambda p: label(p).lower()):
        values = [value_view(o, graph, subject, depth) for o in sorted(graph.objects(subject, p), key=str)]
        rows.append({"iri": str(p), "href": href(p), "label": label(p), "curie": curie(str(p)),
                     "values": values, "quotes": []})
    return rows


def _quotes(graph: Graph, subject) -> list[dict]:
    """Quote nodes the resource points at, with their source."""
    quotes = []
    for p, node in graph.predicate_objects(subject):
        if isinstance(node, Literal):
            continue
        texts = literals_by_lang(graph, node, QUOTE_TEXT)
        if not texts:
            continue
        source = next((s for prop in QUOTE_SOURCE for s in graph.objects(node, prop) if s != subject), None)
        download = next(iter(graph.objects(source, DCAT.downloadURL)), None) if source is not None else None
        text = pick(texts)
        quotes.append({"text": text, "lang": next(k for k, v in texts.items() if v == text) or None,
                       "via": str(p), "node": node,
                       "source": {"href": href(source), "label": label(source, graph)} if source is not None else None,
                       "download": href(download) if download is not None else None})
    return quotes


def resource_view(iri: str, graph: Graph) -> dict:
    subject = URIRef(iri)
    rows = property_rows(graph, subject)
    quotes = _quotes(graph, subject)
    quote_nodes = {str(q["node"]) for q in quotes}
    # quote nodes are shown beside the facts, not again as values
    for r in rows:
        r["values"] = [v for v in r["values"] if v.get("id") not in quote_nodes and v.get("iri") not in quote_nodes]
    rows = [r for r in rows if r["values"] or r["quotes"]]
    incoming = [{"href": href(s), "label": label(s, graph), "prop": label(p), "prop_href": href(p)}
                for s, p in sorted(graph.subject_predicates(subject), key=str) if isinstance(s, URIRef)]
    lat = next(iter(graph.objects(subject, GEO.lat)), None)
    long = next(iter(graph.objects(subject, GEO.long)), None)
    return {
        "iri": iri, "rel": local_path(iri) or iri,
        "title": label(subject, graph),
        "description": pick(literals_by_lang(graph, subject, DESCRIPTION_PROPS) or {}),
        "types": [{"href": href(t), "label": label(t, graph)}
                  for t in sorted(graph.objects(subject, RDF.type), key=str)],
        "rows": rows, "incoming": incoming, "quotes": quotes,
        "wikidata": [str(o) for o in graph.objects(subject, OWL.sameAs) if str(o).startswith(str(WD))],
        "coords": {"lat": float(str(lat)), "long": float(str(long))} if lat is not None and long is not None else None,
    }


def template_helpers() -> dict:
    lang = page_lang()
    return {"lang": lang, "langs": LANGS, "t": UI[lang], "href": href, "label": label,
            "lang_link": lambda code: with_lang(request.path, code), "curie": curie}


PRIORITY_QUERY = f"""SELECT ?p ?order WHERE {{ ?p a <{SCO}Priority> OPTIONAL {{ ?p <{SCO}order> ?order }} }}"""
SCHEME_QUERY = f"""SELECT DISTINCT ?scheme WHERE {{ ?p a <{SCO}Priority> ; <{SKOS}inScheme> ?scheme }}"""
INITIATIVE_QUERY = f"""SELECT ?p ?i WHERE {{ ?i <{SCO}servesPriority> ?p }}"""
AGENDA_QUERY = f"""SELECT ?a ?i WHERE {{ ?a a <{SCO}Agenda> OPTIONAL {{ ?i <{SCO}partOfAgenda> ?a }} }}"""


def _order(row) -> tuple:
    try:
        return (0, float(row["order"]), str(row["p"]))
    except (KeyError, TypeError, ValueError):
        return (1, 0.0, str(row["p"]))


def home_data(store) -> dict:
    """Priorities in the article's order with their initiatives, and the agendas apart from them: once per release."""
    schemes = [str(r["scheme"]) for r in store.select(SCHEME_QUERY)]
    priorities = [str(r["p"]) for r in sorted(store.select(PRIORITY_QUERY), key=_order)]
    initiatives: dict[str, list[str]] = {p: [] for p in priorities}
    for r in store.select(INITIATIVE_QUERY):
        initiatives.setdefault(str(r["p"]), []).append(str(r["i"]))
    agendas: dict[str, list[str]] = {}
    for r in store.select(AGENDA_QUERY):
        agendas.setdefault(str(r["a"]), [])
        if "i" in r:
            agendas[str(r["a"])].append(str(r["i"]))
    return {"scheme": schemes[0] if len(schemes) == 1 else None, "priorities": priorities,
            "initiatives": initiatives, "agendas": agendas}


def home_view(stats) -> dict:

    data = cached("home", home_data)
    priorities = [{"iri": p, "href": href(p), "label": label(p),
                   "initiatives": sorted(({"href": href(i), "label": label(i)} for i in data["initiatives"][p]),
                                         key=lambda d: d["label"].lower())}
                  for p in data["priorities"]]
    agendas = [{"iri": a, "href": href(a), "label": label(a),
                "initiatives": sorted(({"href": href(i), "label": label(i)} for i in items),
                                      key=lambda d: d["label"].lower())}
               for a, items in sorted(data["agendas"].items())]
    ours = sorted(((label(c), n, href(c)) for c, n in stats.class_counts.items() if c.startswith(str(SCO))),
                  key=lambda x: -x[1])
    return {"priorities": priorities, "agendas": agendas, "stats": stats, "class_counts": ours,
            "scheme": {"href": href(data["scheme"]), "label": label(data["scheme"])} if data["scheme"] else None}
