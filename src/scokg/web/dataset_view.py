"""/dataset for people: the dataset's title, description, licence and sources first, then where to get it (the
SPARQL endpoint, the files), what it holds, and the rest of its VoID/DCAT description."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, VOID

from .browse_view import class_tree
from .i18n import UI, format_number
from .resource_view import HEADER_PROPS, statement_rows
from .views import href, label, link_view, literal_view, literals_by_lang, page_lang, pick

LICENCES = {"https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
            "http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0"}
SHOWN = {DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.rights, DCTERMS.source, DCTERMS.issued,
         DCTERMS.modified, VOID.sparqlEndpoint, VOID.classPartition, VOID.propertyPartition, VOID.triples,
         VOID.entities, VOID.distinctSubjects, VOID.distinctObjects, VOID.properties, VOID.classes, DCAT.distribution,
         VOID.dataDump, FOAF.homepage, DCAT.landingPage, PROV.wasDerivedFrom}


def _one(graph: Graph, subject, prop):
    return next(iter(sorted(graph.objects(subject, prop), key=str)), None)


def dataset_view(iri: str, graph: Graph, files: list[dict]) -> dict:
    lang = page_lang()
    ds = URIRef(iri)
    title, _t = pick(literals_by_lang(graph, ds, (DCTERMS.title,)), lang)
    description, _d = pick(literals_by_lang(graph, ds, (DCTERMS.description,)), lang)
    rights, rights_lang = pick(literals_by_lang(graph, ds, (DCTERMS.rights,)), lang)
    if rights_lang not in (lang, "") and UI[lang]["rights_note"]:  # the release states it in English only
        rights = UI[lang]["rights_note"]
    licence = _one(graph, ds, DCTERMS.license)
    counts = []
    for prop in (VOID.triples, VOID.entities, VOID.classes, VOID.properties):
        value = _one(graph, ds, prop)
        if isinstance(value, Literal):
            counts.append({"label": label(prop), "value": format_number(str(value), lang)})
    endpoint = _one(graph, ds, VOID.sparqlEndpoint)
    dates = {name: literal_view(v, lang)["text"] for name, v in
             (("issued", _one(graph, ds, DCTERMS.issued)), ("modified", _one(graph, ds, DCTERMS.modified)))
             if isinstance(v, Literal)}
    return {
        "iri": iri, "rel": "/dataset", "title": title or label(ds), "description": description, "rights": rights,
        "licence": {"href": href(licence), "label": LICENCES.get(str(licence), str(licence))} if licence else None,
        "sources": sorted((link_view(s, lang) for s in graph.objects(ds, DCTERMS.source)), key=lambda v: v["text"]),
        "endpoint": link_view(endpoint, lang, graph) if endpoint is not None else None,
        "files": [{**f, "href": href(f"/dumps/{f['name']}"), "size_text": format_number(str(f.get("size", "")), lang)}
                  for f in files],
        "counts": counts, "dates": dates, "classes": class_tree(lang),
        "types": [link_view(t, lang) for t in sorted(graph.objects(ds, RDF.type), key=str)],
        "rows": statement_rows(graph, ds, {}, lang, hide=HEADER_PROPS | SHOWN),
    }
