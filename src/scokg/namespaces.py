"""Every IRI the code relies on, in one place."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/scokg/"
SCO = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SHAPES = Namespace(BASE + "shapes#")
GRAPH = Namespace(BASE + "graph/")
ONTOLOGY_GRAPH = GRAPH.ontology
DATA_GRAPH = GRAPH.data
SHAPES_GRAPH = GRAPH.shapes
# A remote store's release digest (written by 'scokg load', read as the dataset version)
RELEASE_GRAPH = str(GRAPH.release)
VERSION_PREDICATE = str(OWL.versionInfo)
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
DCAT3 = Namespace(str(DCAT))  # open: DCAT 3 terms (version, hasVersion, hasCurrentVersion) rdflib's DCAT lacks
ORG = Namespace("http://www.w3.org/ns/org#")

# Prefixes offered to clients (query page, Turtle output); order is the display order.
PREFIXES = {
    "sco": str(SCO),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "org": str(ORG),
    "foaf": str(FOAF),
    "dcat": str(DCAT),
    "void": str(VOID),
    "sh": str(SH),
    "wd": str(WD),
    "wdt": str(WDT),
}
