"""Each way the shapes forbid, done to the real data, is caught with its own shape and constraint."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from scokg.validate import validate_graph

ROOT = Path(__file__).resolve().parents[1]
SCO = Namespace("https://w3id.org/scokg/ontology#")
ID = Namespace("https://w3id.org/scokg/id/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def _parse(folder: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((ROOT / folder).rglob("*.ttl")):
        g.parse(path)
    return g


@pytest.fixture(scope="module")
def graphs():
    return _parse("data"), _parse("shapes"), _parse("ontology")


def _drop_lang(g, s, p, lang):
    for o in list(g.objects(s, p)):
        if isinstance(o, Literal) and o.language == lang:
            g.remove((s, p, o))


def _swap(g, s, p, new):
    g.remove((s, p, None))
    g.add((s, p, new))


FUND = ID["sco-investment-fund"]
MUTATIONS = {
    "german-label-dropped": (lambda g: _drop_lang(g, ID.almaty, RDFS.label, "de"),
                             ID.almaty, "LabelShape", "MinCountConstraintComponent"),
    "second-english-label": (lambda g: g.add((FUND, RDFS.label, Literal("Investment Fund", lang="en"))),
                             FUND, "LabelShape", "UniqueLangConstraintComponent"),
    "label-in-russian": (lambda g: g.add((ID.bishkek, RDFS.label, Literal("Бишкек", lang="ru"))),
                         ID.bishkek, "LabelShape", "LanguageInConstraintComponent"),
    "english-description-dropped": (lambda g: _drop_lang(g, ID.kaziss, DCTERMS.description, "en"),
                                    ID.kaziss, "DescriptionShape", "MinCountConstraintComponent"),
    "source-article-dropped": (lambda g: g.remove((FUND, PROV.wasDerivedFrom, None)),
                               FUND, "ProvenanceShape", "QualifiedMinCountConstraintComponent"),
    "evidence-dropped": (lambda g: g.remove((FUND, SCO.evidence, None)),
                         FUND, "ProvenanceShape", "MinCountConstraintComponent"),
    "german-quote-dropped": (lambda g: g.remove((FUND, SCO.evidence, ID["quote-investment-fund-de"])),
                             FUND, "ProvenanceShape", "QualifiedMinCountConstraintComponent"),
    # RDFS inference reads the range of sco:servesPriority and makes the city a priority: it is then caught as
    # a priority without its place in the list (and as a seventh priority).
    "priority-is-a-city": (lambda g: _swap(g, FUND, SCO.servesPriority, ID.almaty),
                           ID.almaty, "PriorityShape", "MinCountConstraintComponent"),
    "priority-and-agenda": (lambda g: g.add((FUND, SCO.partOfAgenda, ID["sco-development-agenda"])),
                            FUND, "InitiativeShape", "XoneConstraintComponent"),
    "neither-priority-nor-agenda": (lambda g: g.remove((FUND, SCO.servesPriority, None)),
                                    FUND, "InitiativeShape", "XoneConstraintComponent"),
    "year-as-plain-string": (lambda g: _swap(g, ID["sco-digital-forum-2024"], SCO.year, Literal("2024")),
                             ID["sco-digital-forum-2024"], "InitiativeShape", "DatatypeConstraintComponent"),
    "period-ends-before-it-starts": (
        lambda g: _swap(g, ID["sco-anti-drug-strategy-2024-2029"], SCO.endYear, Literal("2020", datatype=XSD.gYear)),
        ID["sco-anti-drug-strategy-2024-2029"], "InitiativeShape", "SPARQLConstraintComponent"),
    "wikidata-iri-malformed": (lambda g: _swap(g, ID.astana, OWL.sameAs, URIRef("https://www.wikidata.org/wiki/Q1520")),
                               ID.astana, "WikidataLinkShape", "PatternConstraintComponent"),
    "seventh-priority": (lambda g: [g.add(t) for t in (
        (ID["priority-institutions"], RDF.type, SCO.Priority),
        (ID["priority-institutions"], SKOS.inScheme, ID["chairmanship-priorities"]))],
                         ID["chairmanship-priorities"], "PrioritySchemeShape", "SPARQLConstraintComponent"),
    "inferred-year-without-note": (
        lambda g: g.remove((ID["sco-heads-of-government-meeting-bishkek"], SCO.inferenceNote, None)),
        ID["sco-heads-of-government-meeting-bishkek"], "EventShape", "SPARQLConstraintComponent"),
    "quote-language-differs-from-source": (
        lambda g: _swap(g, ID["quote-investment-fund-de"], PROV.wasQuotedFrom, ID["astana-times-sco-priorities-en"]),
        ID["quote-investment-fund-de"], "QuoteShape", "SPARQLConstraintComponent"),
    "latitude-out-of-range": (lambda g: _swap(g, ID.almaty, Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#").lat,
                                              Literal("143.24", datatype=XSD.decimal)),
                              ID.almaty, "LocationShape", "MaxInclusiveConstraintComponent"),
}


def test_the_real_data_conforms(graphs):
    data, shapes, ontology = graphs
    report = validate_graph(data, shapes, ontology)
    assert report.conforms, report.format()


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_is_caught(graphs, name):
    data, shapes, ontology = graphs
    mutate, focus, shape, component = MUTATIONS[name]
    g = rdflib.Graph()
    for t in data:
        g.add(t)
    mutate(g)
    report = validate_graph(g, shapes, ontology)
    assert not report.conforms
    hits = [v for v in report.violations if v.severity == "Violation" and v.shape == f"shapes:{shape}"
            and v.constraint == f"sh:{component}" and v.focus.endswith(str(focus).rsplit("/", 1)[1])]
    assert hits, report.format()
    assert hits[0].message, "every violation tells the editor what to fix"
