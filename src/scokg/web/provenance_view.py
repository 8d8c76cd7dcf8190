"""Where each fact comes from, for the pages: the statement nodes about a resource (standard RDF reification) with
what they were derived from, and every quote of the release with its words, language and place in its text.

The model (ontology/scokg.ttl): a fact ``S P O`` is described by ``[] a rdf:Statement ; rdf:subject S ;
rdf:predicate P ; rdf:object O ; prov:wasDerivedFrom <quote>`` (or another source, such as the team's list of
Wikidata identifiers), with ``sco:inferenceNote`` where the words do not name the value and ``sco:versionNote`` where
the two language versions differ. A quote is an ``oa:SpecificResource`` whose ``oa:TextQuoteSelector`` holds the
exact words and whose ``oa:TextPositionSelector`` their characters in the published text (``oa:hasSource``), which
``/sources/<file>#char=<start>,<end>`` (RFC 5147) shows highlighted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Literal, Namespace
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF

from ..namespaces import SCO
from .runtime import cached

OA = Namespace("http://www.w3.org/ns/oa#")
STATEMENT_NOTES = (SCO.inferenceNote, SCO.versionNote)


@dataclass(frozen=True)
class Quote:
    iri: str
    text: str
    lang: str | None
    source: str | None  # the document it is quoted from
    text_iri: str | None  # the published text it is anchored in (oa:hasSource), else the document's download URL
    start: int | None = None
    end: int | None = None

    @property
    def fragment(self) -> str:
        """RFC 5147's fragment for the words' place in the text ('' when the quote has no position)."""
        return f"#char={self.start},{self.end}" if self.start is not None and self.end is not None else ""


@dataclass
class Statement:
    """What the release says about one fact: what it was derived from, notes by kind and language, the rest."""

    derived_from: list[str] = field(default_factory=list)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)  # 'inferenceNote' → {lang: text}
    extra: dict[str, list] = field(default_factory=dict)  # other properties of the statement (sco:listedName, …)


QUOTES_QUERY = f"""PREFIX oa: <{OA}>
SELECT ?q ?exact ?source ?text ?download ?doclang ?start ?end WHERE {{
  ?q a <{SCO.Quote}> .
  OPTIONAL {{ ?q oa:hasSelector ?qs . ?qs a oa:TextQuoteSelector ; oa:exact ?exact }}
  OPTIONAL {{ ?q oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }}
  OPTIONAL {{ ?q oa:hasSource ?text }}
  OPTIONAL {{ ?q <{PROV.wasQuotedFrom}> ?source
             OPTIONAL {{ ?source <{DCAT.downloadURL}> ?download }}
             OPTIONAL {{ ?source <{DCTERMS.language}> ?doclang }} }}
}}"""


def _int(term) -> int | None:
    try:
        return int(str(term)) if term is not None else None
    except ValueError:
        return None


def read_quotes(store) -> dict[str, Quote]:
    out: dict[str, Quote] = {}
    for r in store.select(QUOTES_QUERY):
        words = r.get("exact")
        if not isinstance(words, Literal):
            continue
        lang = words.language or (str(r["doclang"]) if "doclang" in r else None)
        text_iri = r.get("text") or r.get("download")
        out[str(r["q"])] = Quote(str(r["q"]), str(words), lang, str(r["source"]) if "source" in r else None,
                                 str(text_iri) if text_iri is not None else None, _int(r.get("start")),
                                 _int(r.get("end")))
    return out


def quotes() -> dict[str, Quote]:
    """Every quote of the release, by IRI (read once per release)."""
    return cached("quotes", read_quotes)


def statements_about(store, iri: str) -> dict[tuple, list[Statement]]:
    """The statement nodes about ``iri``, by (property, value)."""
    rows = store.select(f"SELECT ?st ?p ?o WHERE {{ ?st <{RDF.subject}> <{iri}> . ?st ?p ?o }}")
    nodes: dict = defaultdict(dict)
    for r in rows:
        nodes[r["st"]].setdefault(r["p"], []).append(r["o"])
    out: dict[tuple, list[Statement]] = defaultdict(list)
    for props in nodes.values():
        predicate, value = props.get(RDF.predicate, [None])[0], props.get(RDF.object, [None])[0]
        if predicate is None or value is None:
            continue
        statement = Statement(derived_from=sorted(str(o) for o in props.get(PROV.wasDerivedFrom, [])))
        for prop, values in props.items():
            if prop in STATEMENT_NOTES:
                kind = str(prop).rsplit("#", 1)[-1]
                statement.notes[kind] = {v.language or "": str(v) for v in values if isinstance(v, Literal)}
            elif prop not in (RDF.type, RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom):
                statement.extra[str(prop)] = values
        out[(predicate, value)].append(statement)
    return out


def statements_from(store, iri: str) -> list[tuple]:
    """The facts (subject, property, value) whose statements were derived from ``iri`` (a quote or a source)."""
    rows = store.select(f"""SELECT ?s ?p ?o WHERE {{ ?st <{PROV.wasDerivedFrom}> <{iri}> ;
        <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o }}""")
    facts = {(r["s"], r["p"], r["o"]) for r in rows if not isinstance(r["s"], BNode)}
    return sorted(facts, key=lambda t: tuple(map(str, t)))

