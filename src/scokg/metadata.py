"""The dataset's own description: VoID and DCAT, computed from the store and the dump files."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from .namespaces import BASE, PREFIXES


def describe_dataset(store, files: list[dict] | None = None, public_url: str = "http://127.0.0.1:8000/") -> Graph:
    """VoID + DCAT description; ``files`` are the dump files as dicts (name, size, sha256, media_type)."""
    g = Graph()
    for k, v in PREFIXES.items():
        g.bind(k, v)
    ds = URIRef(BASE + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("scokg: Kazakhstan's SCO chairmanship priorities", lang="en")))
    g.add((ds, VOID.triples, Literal(store.count(), datatype=XSD.integer)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(public_url + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(BASE + "id/")))
    for f in files or []:
        url = URIRef(public_url + "dumps/" + f["name"])
        g.add((ds, VOID.dataDump, url))
        dist = URIRef(BASE + "dataset/distribution/" + f["name"])
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, Literal(f["media_type"])))
        g.add((dist, DCAT.byteSize, Literal(f["size"], datatype=XSD.nonNegativeInteger)))
        g.add((dist, URIRef("http://spdx.org/rdf/terms#checksum"), Literal(f["sha256"])))
    return g
