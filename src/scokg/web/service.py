"""The SPARQL 1.1 service description (GET /sparql with no query): only what is true of this server.

Links use the configured public URL (``public_url``, else the base IRI), never the request's Host header, so no
client can make the server describe itself under another host name (and poison caches with it).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from ..config import Settings
from ..formats import RDF_FORMATS, RESULT_FORMATS
from ..namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES, SD, SHAPES_GRAPH
from ..store import Store


def service_description(settings: Settings, store: Store) -> Graph:
    base = settings.public_base
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
    for f in (*RESULT_FORMATS, *RDF_FORMATS):
        if f.iri:
            g.add((svc, SD.resultFormat, URIRef(f.iri)))
    # The default graph is the ontology and data graphs, not the union of every named graph (the shapes are
    # apart), so no sd:UnionDefaultGraph. SERVICE reaches only the allow-list, named in the comment below.
    if settings.allowlist:
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    ds = BNode("dataset")
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    default = BNode("defaultGraph")
    g.add((ds, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDF.type, VOID.Dataset))
    g.add((default, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    g.add((default, RDFS.seeAlso, URIRef(base + "dataset")))
    g.add((default, RDFS.comment, Literal(
        f"The union of the named graphs <{ONTOLOGY_GRAPH}> and <{DATA_GRAPH}>.", lang="en")))
    for iri in (ONTOLOGY_GRAPH, DATA_GRAPH, SHAPES_GRAPH):
        ng = BNode("g-" + str(iri).rsplit("/", 1)[-1])
        g.add((ds, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(iri)))
    federation = ("SERVICE may call only these endpoints: " + ", ".join(settings.allowlist) + "."
                  if settings.allowlist else "SERVICE is refused (no endpoint is allowed).")
    g.add((svc, RDFS.comment, Literal(
        ("Updates need the server's bearer token. " if settings.update_token else "Read-only. ")
        + f"Results are capped at {settings.max_rows} rows (header X-Result-Truncated announces a cut); "
        f"queries stop after {settings.query_timeout:g} s. Relative IRIs resolve against <{settings.base_iri}>. "
        + federation, lang="en")))
    return g
