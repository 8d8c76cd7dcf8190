"""The dataset's own description: VoID and DCAT, computed from the store and the dump files.

Every number in it comes from a SPARQL query over what the endpoint serves (the default graph:
ontology + data), never from a hand-typed value; ``tests/test_metadata.py`` recounts each one.

>>> from scokg.config import PACKAGE_ROOT
>>> from scokg.graph.load import open_sources, select, source_files
>>> store = open_sources(source_files(PACKAGE_ROOT / "tests" / "fixtures" / "tiny"))
>>> stats = dataset_stats(lambda q: select(store, q, use_default_graph_as_union=True))
>>> stats.triples > 0 and stats.entities > 0
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, VOID, XSD

from ..namespaces import BASE, PREFIXES, WD

Select = Callable[[str], list[dict]]
# The one dump that holds the whole default graph (void:dataDump); the other formats of it are DCAT distributions.
DATA_DUMP = "scokg.ttl"
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
WIKIDATA = URIRef("http://www.wikidata.org/")
DATASET = URIRef(BASE + "dataset")
LINKSET = URIRef(BASE + "dataset#wikidata-links")
PUBLISHER = URIRef(BASE + "dataset#publisher")
SERVICE = URIRef(BASE + "dataset#sparql-service")
LANGUAGES = {"en": "http://id.loc.gov/vocabulary/iso639-1/en", "de": "http://id.loc.gov/vocabulary/iso639-1/de"}

TITLE = {
    "en": "scokg: the priorities of Kazakhstan's SCO chairmanship",
    "de": "scokg: die Prioritäten des kasachischen SCO-Vorsitzes",
}
DESCRIPTION = {
    "en": ("A linked-open-data knowledge graph of the six priorities of Kazakhstan's chairmanship of the "
           "Shanghai Cooperation Organisation and the initiatives, organisations, people and places they name, "
           "drawn from an article of The Astana Times (© The Astana Times). The graph is published under "
           "CC BY 4.0; the quotes it holds are short excerpts of the article, kept as provenance for the facts "
           "they support, and the article is credited as the source."),
    "de": ("Ein Linked-Open-Data-Wissensgraph der sechs Prioritäten des kasachischen Vorsitzes der "
           "Shanghaier Organisation für Zusammenarbeit und der Initiativen, Organisationen, Personen und Orte, "
           "die sie nennen, gewonnen aus einem Artikel der Astana Times (© The Astana Times). Der Graph steht "
           "unter CC BY 4.0; die enthaltenen Zitate sind kurze Auszüge des Artikels, die als Herkunftsnachweis "
           "der Fakten dienen, und der Artikel wird als Quelle genannt."),
}

ENTITY_FILTER = f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/"))'
COUNT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {ENTITY_FILTER} }}",
    "distinct_subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinct_objects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
    "links": f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{OWL.sameAs}> ?o
                 FILTER(STRSTARTS(STR(?o), "{WD}")) }}""",
}
CLASS_QUERY = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
PROPERTY_QUERY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
SOURCE_QUERY = f"SELECT DISTINCT ?doc WHERE {{ ?doc <{DCAT.downloadURL}> ?url }} ORDER BY ?doc"
DATES_QUERY = f"""SELECT ?issued ?modified WHERE {{ ?o a <{OWL.Ontology}> .
  OPTIONAL {{ ?o <{DCTERMS.issued}> ?issued }} OPTIONAL {{ ?o <{DCTERMS.modified}> ?modified }} }} LIMIT 1"""
EXAMPLE_QUERY = f"""SELECT ?s WHERE {{ ?s ?p ?o {ENTITY_FILTER} }} GROUP BY ?s ORDER BY DESC(COUNT(*)) ?s LIMIT 3"""


@dataclass(frozen=True)
class DatasetStats:
    """Counts made by SPARQL over the default graph; computed once per store version."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: int
    links: int
    class_counts: dict = field(default_factory=dict)
    property_counts: dict = field(default_factory=dict)
    sources: tuple = ()
    examples: tuple = ()
    issued: object = None
    modified: object = None


def _number(select: Select, query: str) -> int:
    rows = select(query)
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0


def dataset_stats(select: Select) -> DatasetStats:
    """Count what ``select`` (a SELECT over the published default graph, rows of rdflib terms) sees."""
    counts = {name: _number(select, q) for name, q in COUNT_QUERIES.items()}
    classes = {str(r["c"]): int(r["n"]) for r in select(CLASS_QUERY) if isinstance(r.get("c"), URIRef)}
    props = {str(r["p"]): int(r["n"]) for r in select(PROPERTY_QUERY)}
    dates = (select(DATES_QUERY) or [{}])[0]
    return DatasetStats(
        **counts, class_counts=dict(sorted(classes.items())), property_counts=dict(sorted(props.items())),
        sources=tuple(str(r["doc"]) for r in select(SOURCE_QUERY)),
        examples=tuple(str(r["s"]) for r in select(EXAMPLE_QUERY)),
        issued=dates.get("issued"), modified=dates.get("modified"))


def vocabulary_of(iri: str) -> str:
    """The namespace of a term: everything up to the last '#' or '/'.

    >>> vocabulary_of("http://www.w3.org/2000/01/rdf-schema#label")
    'http://www.w3.org/2000/01/rdf-schema#'
    """
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _slug(iri: str) -> str:
    """A stable fragment for a partition: 'scokg-City' for a known prefix, else a short hash."""
    for prefix, ns in PREFIXES.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and local.replace("-", "").replace("_", "").isalnum():
            return f"{prefix}-{local}"
    return "h" + hashlib.sha256(iri.encode()).hexdigest()[:12]


def _date(value, default: dt.date) -> Literal:
    if value is None:
        return Literal(default.isoformat(), datatype=XSD.date)
    return Literal(str(value), datatype=getattr(value, "datatype", None) or XSD.date)


def describe_dataset(stats: DatasetStats, files: list[dict] | None = None, public_url: str = BASE,
                     today: dt.date | None = None) -> Graph:
    """VoID + DCAT description.

    ``files`` are the published dump files as dicts (name, size, sha256, media_type, encoding);
    ``public_url`` is where the server answers (its /sparql and /dumps/ are linked).
    """
    today = today or dt.date.today()
    public_url = public_url.rstrip("/") + "/"
    g = Graph()
    for k, v in PREFIXES.items():
        g.bind(k, v, replace=True)
    g.bind("spdx", SPDX)
    ds = DATASET
    for t in (VOID.Dataset, DCAT.Dataset):
        g.add((ds, RDF.type, t))
    for lang in ("en", "de"):
        g.add((ds, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        g.add((ds, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
        g.add((ds, DCTERMS.language, URIRef(LANGUAGES[lang])))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.rights, Literal(
        "Data: CC BY 4.0. Quotes are short excerpts of the source article (© The Astana Times), "
        "reproduced as provenance for the facts they support.", lang="en")))
    g.add((PUBLISHER, RDF.type, FOAF.Organization))
    g.add((PUBLISHER, FOAF.name, Literal("The scokg project")))
    g.add((PUBLISHER, FOAF.homepage, URIRef(BASE)))
    g.add((ds, DCTERMS.creator, PUBLISHER))
    g.add((ds, DCTERMS.publisher, PUBLISHER))
    g.add((ds, DCTERMS.issued, _date(stats.issued, today)))
    g.add((ds, DCTERMS.modified, _date(stats.modified or stats.issued, today)))
    for src in stats.sources:
        g.add((ds, DCTERMS.source, URIRef(src)))
        g.add((ds, PROV.wasDerivedFrom, URIRef(src)))
    g.add((ds, DCAT.landingPage, URIRef(public_url)))
    g.add((ds, FOAF.homepage, URIRef(public_url)))
    for kw in ("Shanghai Cooperation Organisation", "Kazakhstan", "SCO chairmanship"):
        g.add((ds, DCAT.keyword, Literal(kw, lang="en")))

    # VoID statistics
    g.add((ds, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(stats.distinct_objects, datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(stats.properties, datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(stats.classes, datatype=XSD.integer)))
    g.add((ds, VOID.uriSpace, Literal(BASE + "id/")))
    g.add((ds, VOID.uriRegexPattern, Literal("^" + BASE.replace(".", r"\.") + "id/")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(public_url + "sparql")))
    g.add((ds, VOID.rootResource, URIRef(BASE + "ontology")))
    for ex in stats.examples:
        g.add((ds, VOID.exampleResource, URIRef(ex)))
    vocabularies = {vocabulary_of(i) for i in (*stats.class_counts, *stats.property_counts)}
    for voc in sorted(vocabularies):
        g.add((ds, VOID.vocabulary, URIRef(voc)))
    for cls, n in stats.class_counts.items():
        part = URIRef(f"{BASE}dataset#class-{_slug(cls)}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in stats.property_counts.items():
        part = URIRef(f"{BASE}dataset#property-{_slug(prop)}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))

    # the links to Wikidata, as a linkset
    g.add((ds, VOID.subset, LINKSET))
    g.add((LINKSET, RDF.type, VOID.Linkset))
    g.add((LINKSET, VOID.linkPredicate, OWL.sameAs))
    g.add((LINKSET, VOID.subjectsTarget, ds))
    g.add((LINKSET, VOID.objectsTarget, WIKIDATA))
    g.add((LINKSET, VOID.target, ds))
    g.add((LINKSET, VOID.target, WIKIDATA))
    g.add((LINKSET, VOID.triples, Literal(stats.links, datatype=XSD.integer)))
    g.add((WIKIDATA, RDF.type, VOID.Dataset))
    g.add((WIKIDATA, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    g.add((WIKIDATA, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))

    # the SPARQL service, as a DCAT data service
    g.add((SERVICE, RDF.type, DCAT.DataService))
    g.add((SERVICE, DCTERMS.title, Literal("scokg SPARQL endpoint", lang="en")))
    g.add((SERVICE, DCAT.endpointURL, URIRef(public_url + "sparql")))
    g.add((SERVICE, DCAT.endpointDescription, URIRef(public_url + "sparql")))
    g.add((SERVICE, DCAT.servesDataset, ds))
    g.add((SERVICE, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((ds, DCAT.distribution, URIRef(f"{BASE}dataset#distribution-sparql")))
    _add_distribution(g, "sparql", None, public_url)

    for f in files or []:
        _add_distribution(g, f["name"], f, public_url)
    return g


def _add_distribution(g: Graph, name: str, f: dict | None, public_url: str) -> None:
    dist = URIRef(f"{BASE}dataset#distribution-{name}")
    g.add((DATASET, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.license, LICENSE))
    if f is None:  # the SPARQL endpoint
        g.add((dist, DCAT.accessURL, URIRef(public_url + "sparql")))
        g.add((dist, DCAT.accessService, SERVICE))
        g.add((dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
        return
    url = URIRef(public_url + "dumps/" + f["name"])
    if name == DATA_DUMP:
        g.add((DATASET, VOID.dataDump, url))
    g.add((dist, DCTERMS.title, Literal(f["name"])))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, URIRef(public_url + "dumps/")))
    g.add((dist, DCAT.mediaType, URIRef(IANA + f["media_type"])))
    if f.get("encoding") == "gzip":
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((dist, DCAT.byteSize, Literal(f["size"], datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(f["sha256"], datatype=XSD.hexBinary)))
    if name.endswith("wikidata-links.nt"):
        g.add((LINKSET, VOID.dataDump, url))
    g.add((dist, RDFS.label, Literal(name)))
