"""The SPARQL 1.1 Service Description served by GET /sparql without a query."""

from __future__ import annotations

from flask import Response, current_app, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID, XSD

from . import conneg
from .app import get_runtime
from .namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES, SD, SHAPES_GRAPH
from .results import GRAPH_TYPES, SELECT_TYPES

FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}


def public_base() -> str:
    settings = current_app.config["SCOKG_SETTINGS"]
    return (settings.public_url or request.host_url).rstrip("/") + "/"


def service_description() -> Graph:
    settings = current_app.config["SCOKG_SETTINGS"]
    base = public_base()
    g = Graph()
    for k, v in PREFIXES.items():
        g.bind(k, v)
    g.bind("sd", SD)
    svc = URIRef(base + "sparql")
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update_token:
        g.add((svc, SD.supportedLanguage, SD.SPARQL11Update))
    for media in list(SELECT_TYPES) + [m for m in GRAPH_TYPES if m in FORMAT_IRIS]:
        g.add((svc, SD.resultFormat, URIRef(FORMAT_IRIS[media])))
    for feature in ("UnionDefaultGraph", "BasicFederatedQuery"):
        g.add((svc, SD.feature, SD[feature]))
    ds = BNode("dataset")
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    default = BNode("defaultGraph")
    g.add((ds, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDF.type, VOID.Dataset))
    g.add((default, VOID.triples, Literal(get_runtime().store.count(), datatype=XSD.integer)))
    g.add((default, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), URIRef(base + "dataset")))
    for iri in (ONTOLOGY_GRAPH, DATA_GRAPH, SHAPES_GRAPH):
        ng = BNode("g-" + str(iri).rsplit("/", 1)[-1])
        g.add((ds, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(iri)))
    g.add((svc, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(
        ("Updates need the server's bearer token. " if settings.update_token else "Read-only. ")
        + f"Results are capped at {settings.max_rows} rows (header X-Result-Truncated announces a cut); "
        f"queries stop after {settings.query_timeout:g} s. Relative IRIs resolve against <{settings.base_iri}>.",
        lang="en")))
    return g


def service_description_response(params) -> Response:
    table = {**conneg.HTML, **conneg.RDF_FORMATS}
    media = conneg.negotiate(request.headers.get("Accept"), table, "text/turtle")
    if media == "text/html":
        from .query_page import render_query_page
        from .views import page_lang

        return render_query_page(lang=page_lang())
    body = service_description().serialize(format=_rdflib_format(media))
    response = Response(body, mimetype=media)
    response.headers["Content-Type"] = f"{media}; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response


def _rdflib_format(media: str) -> str:
    return {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
            "application/rdf+xml": "xml"}[media]
