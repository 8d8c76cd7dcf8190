"""Every format scokg reads or writes, in one table.

Negotiation (``web/conneg``), result writers (``store/results``), dumps, pages, the service description and VoID
all read ``FORMATS``; nothing else names a media type, a file suffix or a parser.

>>> by_suffix("jsonld").media_type
'application/ld+json'
>>> by_media_type("application/x-turtle").name
'turtle'
>>> [f.name for f in RESULT_FORMATS]
['json', 'xml', 'csv', 'tsv']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"
# Characters XML 1.0 cannot carry, not even as character references (SPARQL XML and RDF/XML answers refuse them).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Format:
    """One serialisation. ``kind`` is ``rdf`` (graphs: CONSTRUCT, DESCRIBE, pages, dumps), ``results`` (SELECT and
    ASK answers), ``html`` (pages for people) or ``text`` (plain files)."""

    media_type: str
    suffix: str
    name: str
    kind: str
    label: str
    rdflib: str = ""
    rdf: ox.RdfFormat | None = None  # pyoxigraph's parser/serialiser of a graph format
    results: ox.QueryResultsFormat | None = None  # pyoxigraph's writer of a result format
    iri: str | None = None
    aliases: tuple[str, ...] = ()
    # names a client may give in ?format= (SPARQLWrapper, Virtuoso, Fuseki), beside the name and the media types
    format_names: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats say their charset."""
        textual = self.media_type.startswith("text/") or self.media_type in (
            "application/n-triples", "application/sparql-results+json", "application/sparql-results+xml")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


FORMATS: tuple[Format, ...] = (
    Format("application/sparql-results+json", "srj", "json", "results", "SPARQL JSON",
           results=ox.QueryResultsFormat.JSON, iri=W3C_FORMATS + "SPARQL_Results_JSON",
           aliases=("application/json", "text/javascript", "application/javascript"),
           format_names=("srj", "sparql-results+json")),
    Format("application/sparql-results+xml", "srx", "xml", "results", "SPARQL XML",
           results=ox.QueryResultsFormat.XML, iri=W3C_FORMATS + "SPARQL_Results_XML",
           aliases=("application/xml", "text/xml"), format_names=("srx", "sparql-results+xml")),
    Format("text/csv", "csv", "csv", "results", "CSV", results=ox.QueryResultsFormat.CSV,
           iri=W3C_FORMATS + "SPARQL_Results_CSV"),
    Format("text/tab-separated-values", "tsv", "tsv", "results", "TSV", results=ox.QueryResultsFormat.TSV,
           iri=W3C_FORMATS + "SPARQL_Results_TSV", format_names=("tab-separated-values",)),
    Format("text/turtle", "ttl", "turtle", "rdf", "Turtle", rdflib="turtle", rdf=ox.RdfFormat.TURTLE,
           iri=W3C_FORMATS + "Turtle",
           aliases=("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
           format_names=("ttl", "n3", "rdf+n3")),
    Format("application/ld+json", "jsonld", "json-ld", "rdf", "JSON-LD", rdflib="json-ld",
           rdf=ox.RdfFormat.JSON_LD, iri=W3C_FORMATS + "JSON-LD",
           aliases=("application/json+ld", "application/x-json+ld", "application/json"),
           format_names=("jsonld", "json")),  # what a client asking a graph for JSON gets
    Format("application/n-triples", "nt", "ntriples", "rdf", "N-Triples", rdflib="nt",
           rdf=ox.RdfFormat.N_TRIPLES, iri=W3C_FORMATS + "N-Triples", aliases=("text/plain",),
           format_names=("nt", "n-triples")),
    Format("application/rdf+xml", "rdf", "rdfxml", "rdf", "RDF/XML", rdflib="xml", rdf=ox.RdfFormat.RDF_XML,
           iri=W3C_FORMATS + "RDF_XML", aliases=("application/xml", "text/xml"),
           format_names=("rdf", "rdf+xml", "rdf/xml", "xml")),  # what a client asking a graph for XML gets
    Format("text/html", "html", "html", "html", "HTML", aliases=("application/xhtml+xml",)),
)

# The JSON of the API's own answers (errors, the dumps listing): not a format of the graph.
JSON_API = Format("application/json", "json", "json", "api", "JSON")

RESULT_FORMATS = tuple(f for f in FORMATS if f.kind == "results")
RDF_FORMATS = tuple(f for f in FORMATS if f.kind == "rdf")
PAGE_FORMATS = tuple(f for f in FORMATS if f.kind in ("html", "rdf"))
HTML = next(f for f in FORMATS if f.kind == "html")
JSON_RESULTS = RESULT_FORMATS[0]
TURTLE = RDF_FORMATS[0]
N_TRIPLES = next(f for f in RDF_FORMATS if f.name == "ntriples")
JSON_LD = next(f for f in RDF_FORMATS if f.name == "json-ld")

# Source files scokg loads: the graph formats, and .owl as RDF/XML.
SOURCE_SUFFIXES: dict[str, ox.RdfFormat] = {"." + f.suffix: f.rdf for f in RDF_FORMATS if f.rdf is not None}
SOURCE_SUFFIXES[".owl"] = ox.RdfFormat.RDF_XML
# Published files other than graphs: compressed dumps keep their content's media type for DCAT.
FILE_TYPES = {".gz": "application/gzip", ".txt": "text/plain; charset=utf-8", "SHA256SUMS": "text/plain; charset=utf-8"}

_BY_MEDIA: dict[str, Format] = {f.media_type: f for f in FORMATS}
for _f in FORMATS:
    for _alias in _f.aliases:
        _BY_MEDIA.setdefault(_alias, _f)  # an alias two formats share names the first (results before graphs)
_BY_SUFFIX = {f.suffix: f for f in FORMATS}


def by_media_type(media_type: str) -> Format | None:
    return _BY_MEDIA.get(media_type.strip().lower())


def get(media_type: str) -> Format:
    """The format of a media type the code itself chose (a KeyError is a bug, not a client's fault)."""
    return _BY_MEDIA[media_type]


def rdf_format(media_type: str) -> ox.RdfFormat:
    """pyoxigraph's RdfFormat for a graph media type of the table."""
    f = _BY_MEDIA[media_type].rdf
    if f is None:
        raise KeyError(f"{media_type} is not a graph format")
    return f


def by_suffix(suffix: str) -> Format | None:
    return _BY_SUFFIX.get(suffix.lstrip(".").lower())


def canonical(media_type: str) -> str:
    """A client's alias of a media type, as the table names it (unknown types unchanged).

    >>> canonical("application/json"), canonical("image/png")
    ('application/sparql-results+json', 'image/png')
    """
    f = by_media_type(media_type)
    return f.media_type if f else media_type


def by_format_name(name: str, kinds: tuple[str, ...]) -> Format | None:
    """A ``format=`` value (a name, a suffix or a media type) among the formats of the given kinds."""
    name = name.strip().lower()
    for f in FORMATS:
        if f.kind in kinds and name in (f.name, f.suffix, f.media_type, *f.aliases, *f.format_names):
            return f
    return None


def published_media_type(file_name: str) -> str:
    """The media type of a published file's content (DCAT ``mediaType``): ``scokg.nt.gz`` holds N-Triples.

    >>> published_media_type("scokg.nt.gz"), published_media_type("void.ttl")
    ('application/n-triples', 'text/turtle')
    """
    stem = file_name.removesuffix(".gz")
    f = by_suffix(stem.rsplit(".", 1)[-1]) if "." in stem else None
    if f is not None:
        return f.media_type
    return "text/plain" if stem in ("SHA256SUMS",) or stem.endswith(".txt") else "application/octet-stream"


def http_content_type(file_name: str) -> str:
    """The Content-Type a published file is sent with: a .gz file as what it is, so it is saved unchanged.

    >>> http_content_type("scokg.nt.gz"), http_content_type("scokg.ttl")
    ('application/gzip', 'text/turtle; charset=utf-8')
    """
    for suffix, media in FILE_TYPES.items():
        if file_name.endswith(suffix):
            return media
    f = by_suffix(file_name.rsplit(".", 1)[-1]) if "." in file_name else None
    return f.content_type if f else "application/octet-stream"


def serialize_triples(triples, output, media_type: str, prefixes: dict[str, str] | None = None) -> bytes | None:
    """Write triples with pyoxigraph in a graph format of the table; prefixes where the format has them.

    >>> serialize_triples([], None, "application/n-triples")
    b''
    """
    fmt = rdf_format(media_type)
    with_prefixes = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)
    return ox.serialize(triples, output, fmt, prefixes=prefixes if with_prefixes else None)
