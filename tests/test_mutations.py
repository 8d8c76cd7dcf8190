"""Break the real data in each way the shapes forbid and expect that specific violation.

Every mutation picks its victims by querying the data (the first initiative that serves a priority, the first
node with a period, …), so the tests follow the data as it grows. MUTATIONS is also what
tests/test_validate_fast.py replays against the SPARQL-compiled validator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from shape_support import ID, ROOT, SCO, copy_graph, describe, is_editor_message, parse_tree, project_graphs, validate

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module attributes
GEO = URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#")
LAT, LONG = URIRef(f"{GEO}lat"), URIRef(f"{GEO}long")
SCHEME = ID["chairmanship-priorities"]

# The shape that checks labels, descriptions and provenance of each family of classes.
FAMILIES = {
    SCO.Organisation: "OrganisationShape", SCO.Person: "PersonShape", SCO.Location: "LocationShape",
    SCO.Priority: "PriorityShape", SCO.Agenda: "AgendaShape", SCO.Status: "StatusShape",
    SCO.Initiative: "InitiativeShape", SCO.Event: "EventShape", SCO.Source: "SourceShape", SCO.Quote: "QuoteShape",
}
PROVENANCE = {SCO.Initiative: "InitiativeShape", SCO.Priority: "PriorityShape", SCO.Event: "EventShape"}


class Expect(NamedTuple):
    focus: URIRef
    shape: str
    component: str
    constraint: str = ""


class Mutation(NamedTuple):
    mutate: Callable[[Graph], list[Expect]]  # changes the graph in place, returns the violations it must cause
    doc: str


def _parse(folder: str) -> Graph:  # kept for tests/test_validate_fast.py
    return parse_tree(ROOT / folder)


def _instances(g: Graph, cls) -> list[URIRef]:
    """Instances of `cls` or of its subclasses (from the ontology), IRIs only, in a stable order."""
    ontology = project_graphs()[2]
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, cls))
    found = {s for c in classes for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)}
    return sorted(found, key=str)


def _first(g: Graph, cls, having=None) -> URIRef:
    for s in _instances(g, cls):
        if having is None or g.value(s, having) is not None:
            return s
    pytest.skip(f"the data has no {cls} with {having}")


def _subject_with(g: Graph, predicate) -> URIRef | None:
    return min((s for s in g.subjects(predicate, None) if isinstance(s, URIRef)), key=str, default=None)


def _drop_lang(g: Graph, s, p, lang: str) -> None:
    for o in list(g.objects(s, p)):
        if isinstance(o, Literal) and o.language == lang:
            g.remove((s, p, o))


def _swap(g: Graph, s, p, new) -> None:
    g.remove((s, p, None))
    g.add((s, p, new))


def _one_per_family(g: Graph) -> list[tuple[URIRef, str]]:
    return [(_first(g, cls), shape) for cls, shape in FAMILIES.items()]


def german_label_dropped(g: Graph) -> list[Expect]:
    victims = _one_per_family(g)
    for s, _ in victims:
        _drop_lang(g, s, RDFS.label, "de")
    return [Expect(s, shape, "MinCountConstraintComponent") for s, shape in victims]


def second_english_label(g: Graph) -> list[Expect]:
    victims = _one_per_family(g)
    for s, _ in victims:
        g.add((s, RDFS.label, Literal("A second English label", lang="en")))
    return [Expect(s, shape, "UniqueLangConstraintComponent") for s, shape in victims]


def label_in_russian(g: Graph) -> list[Expect]:
    s = _first(g, SCO.City)
    g.add((s, RDFS.label, Literal("Город", lang="ru")))
    return [Expect(s, "LocationShape", "LanguageInConstraintComponent")]


def english_description_dropped(g: Graph) -> list[Expect]:
    victims = [(s, shape) for s, shape in _one_per_family(g) if shape != "QuoteShape"]
    for s, _ in victims:
        _drop_lang(g, s, DCTERMS.description, "en")
    return [Expect(s, shape, "MinCountConstraintComponent") for s, shape in victims]


def source_article_dropped(g: Graph) -> list[Expect]:
    # sco:evidence is a sub-property of prov:wasDerivedFrom: the quotes remain derivations, but no sco:Source does.
    victims = [(_first(g, cls), shape) for cls, shape in PROVENANCE.items()]
    for s, _ in victims:
        g.remove((s, PROV.wasDerivedFrom, None))
    return [Expect(s, shape, "QualifiedMinCountConstraintComponent") for s, shape in victims]


def evidence_dropped(g: Graph) -> list[Expect]:
    victims = [(_first(g, cls), shape) for cls, shape in PROVENANCE.items()]
    for s, _ in victims:
        g.remove((s, SCO.evidence, None))
    return [Expect(s, shape, "MinCountConstraintComponent") for s, shape in victims]


def german_quote_dropped(g: Graph) -> list[Expect]:
    victims = [(_first(g, cls), shape) for cls, shape in PROVENANCE.items()]
    for s, _ in victims:
        for quote in list(g.objects(s, SCO.evidence)):
            if any(t.language == "de" for t in g.objects(quote, SCO.quoteText)):
                g.remove((s, SCO.evidence, quote))
    return [Expect(s, shape, "QualifiedMinCountConstraintComponent") for s, shape in victims]


def priority_is_a_city(g: Graph) -> list[Expect]:
    # RDFS reads the range of sco:servesPriority and makes the city a priority: the shapes notice both the
    # initiative pointing outside the six and the city that has become a priority.
    initiative, city = _first(g, SCO.Initiative, SCO.servesPriority), _first(g, SCO.City)
    _swap(g, initiative, SCO.servesPriority, city)
    return [Expect(initiative, "InitiativeShape", "SPARQLConstraintComponent", "ServesOneOfTheSixConstraint"),
            Expect(city, "PriorityShape", "SPARQLConstraintComponent", "PriorityIsOnlyAPriorityConstraint")]


def priority_and_agenda(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.servesPriority)
    g.add((initiative, SCO.partOfAgenda, ID["sco-development-agenda"]))
    return [Expect(initiative, "InitiativeShape", "XoneConstraintComponent")]


def neither_priority_nor_agenda(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.partOfAgenda)
    g.remove((initiative, SCO.partOfAgenda, None))
    return [Expect(initiative, "InitiativeShape", "XoneConstraintComponent")]


def year_as_plain_string(g: Graph) -> list[Expect]:
    s = _subject_with(g, SCO.year) or _first(g, SCO.Initiative)
    _swap(g, s, SCO.year, Literal("2024"))
    return [Expect(s, "TimeShape", "DatatypeConstraintComponent")]


def start_year_as_integer(g: Graph) -> list[Expect]:
    s = _subject_with(g, SCO.startYear) or _first(g, SCO.Initiative)
    _swap(g, s, SCO.startYear, Literal(2025))
    g.set((s, SCO.endYear, Literal("2027", datatype=XSD.gYear)))
    return [Expect(s, "PeriodShape", "DatatypeConstraintComponent")]


def period_ends_before_it_starts(g: Graph) -> list[Expect]:
    s = _subject_with(g, SCO.startYear) or _first(g, SCO.Initiative)
    start = int(str(g.value(s, SCO.startYear) or "2025")[:4])
    g.set((s, SCO.startYear, Literal(str(start), datatype=XSD.gYear)))
    g.set((s, SCO.endYear, Literal(str(start - 1), datatype=XSD.gYear)))
    return [Expect(s, "PeriodShape", "SPARQLConstraintComponent", "PeriodOrderConstraint")]


def period_without_end(g: Graph) -> list[Expect]:
    s = _subject_with(g, SCO.startYear) or _first(g, SCO.Initiative)
    g.set((s, SCO.startYear, g.value(s, SCO.startYear) or Literal("2025", datatype=XSD.gYear)))
    g.remove((s, SCO.endYear, None))
    return [Expect(s, "PeriodShape", "MinCountConstraintComponent")]


def inferred_year_without_note(g: Graph) -> list[Expect]:
    s = _subject_with(g, SCO.inferredYear) or _first(g, SCO.Event)
    g.set((s, SCO.inferredYear, g.value(s, SCO.inferredYear) or Literal("2023", datatype=XSD.gYear)))
    g.remove((s, SCO.inferenceNote, None))
    return [Expect(s, "InferenceShape", "MinCountConstraintComponent")]


def wikidata_iri_malformed(g: Graph) -> list[Expect]:
    victims = sorted({s for s in g.subjects(OWL.sameAs, None) if isinstance(s, URIRef)}, key=str)[:3]
    if not victims:
        pytest.skip("the data has no owl:sameAs links")
    wrong = ["https://www.wikidata.org/wiki/Q{}", "http://www.wikidata.org/prop/direct/P{}",
             "https://www.wikidata.org/entity/Q{}"]
    for s, form in zip(victims, wrong, strict=False):
        qid = str(g.value(s, OWL.sameAs)).rsplit("Q", 1)[-1]
        _swap(g, s, OWL.sameAs, URIRef(form.format(qid)))
    return [Expect(s, "WikidataLinkShape", "PatternConstraintComponent") for s in victims]


def wikidata_link_as_string(g: Graph) -> list[Expect]:
    s = _subject_with(g, OWL.sameAs) or _first(g, SCO.City)
    _swap(g, s, OWL.sameAs, Literal("http://www.wikidata.org/entity/Q1520"))
    return [Expect(s, "WikidataLinkShape", "NodeKindConstraintComponent")]


def seventh_priority(g: Graph) -> list[Expect]:
    extra = ID["priority-institutions"]
    g.add((extra, RDF.type, SCO.Priority))
    g.add((extra, SKOS.inScheme, SCHEME))
    return [Expect(SCHEME, "PrioritySchemeShape", "SPARQLConstraintComponent", "SixPrioritiesConstraint")]


def agenda_made_a_priority(g: Graph) -> list[Expect]:
    agenda = _first(g, SCO.Agenda)
    g.add((agenda, RDF.type, SCO.Priority))
    return [Expect(agenda, "AgendaShape", "NotConstraintComponent"),
            Expect(SCHEME, "PrioritySchemeShape", "SPARQLConstraintComponent", "SixPrioritiesConstraint")]


def priority_order_shared(g: Graph) -> list[Expect]:
    first, second = _instances(g, SCO.Priority)[:2]
    _swap(g, second, SCO.order, g.value(first, SCO.order))
    return [Expect(SCHEME, "PrioritySchemeShape", "SPARQLConstraintComponent", "PriorityOrderUniqueConstraint")]


def quote_language_differs_from_source(g: Graph) -> list[Expect]:
    quote = next(q for q in _instances(g, SCO.Quote) if g.value(q, SCO.quoteText).language == "de")
    english = next(s for s in _instances(g, SCO.Source) if str(g.value(s, DCTERMS.language)) == "en")
    _swap(g, quote, PROV.wasQuotedFrom, english)
    return [Expect(english, "SourceShape", "SPARQLConstraintComponent", "QuoteLanguageConstraint")]


def latitude_out_of_range(g: Graph) -> list[Expect]:
    s = _subject_with(g, LAT) or _first(g, SCO.City)
    _swap(g, s, LAT, Literal("143.24", datatype=XSD.decimal))
    g.set((s, LONG, g.value(s, LONG) or Literal("76.9", datatype=XSD.decimal)))
    return [Expect(s, "CoordinatesShape", "MaxInclusiveConstraintComponent")]


def coordinates_as_strings(g: Graph) -> list[Expect]:
    s = _subject_with(g, LONG) or _first(g, SCO.City)
    _swap(g, s, LONG, Literal("76.915"))
    g.set((s, LAT, g.value(s, LAT) or Literal("43.24", datatype=XSD.decimal)))
    return [Expect(s, "CoordinatesShape", "DatatypeConstraintComponent")]


def latitude_without_longitude(g: Graph) -> list[Expect]:
    s = _subject_with(g, LAT) or _first(g, SCO.City)
    g.set((s, LAT, g.value(s, LAT) or Literal("43.24", datatype=XSD.decimal)))
    g.remove((s, LONG, None))
    return [Expect(s, "CoordinatesShape", "MinCountConstraintComponent")]


def city_is_a_country(g: Graph) -> list[Expect]:
    city = _first(g, SCO.City)
    g.add((city, RDF.type, SCO.Country))
    return [Expect(city, "CountryShape", "NotConstraintComponent")]


def proposer_is_a_literal(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.proposedBy)
    _swap(g, initiative, SCO.proposedBy, Literal("Kazakhstan"))
    return [Expect(initiative, "InitiativeShape", "ClassConstraintComponent"),
            Expect(initiative, "InitiativeShape", "NodeKindConstraintComponent")]


def publisher_is_a_person(g: Graph) -> list[Expect]:
    # dcterms:publisher has no range in the ontology, so sh:class is what catches a wrong kind of value.
    source, person = _first(g, SCO.Source), _first(g, SCO.Person)
    _swap(g, source, DCTERMS.publisher, person)
    return [Expect(source, "SourceShape", "ClassConstraintComponent")]


def two_statuses(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.status)
    statuses = _instances(g, SCO.Status)
    for status in statuses[:2]:
        g.add((initiative, SCO.status, status))
    return [Expect(initiative, "InitiativeShape", "MaxCountConstraintComponent")]


MUTATIONS: dict[str, Mutation] = {
    f.__name__.replace("_", "-"): Mutation(f, f.__doc__ or f.__name__.replace("_", " "))
    for f in (german_label_dropped, second_english_label, label_in_russian, english_description_dropped,
              source_article_dropped, evidence_dropped, german_quote_dropped, priority_is_a_city,
              priority_and_agenda, neither_priority_nor_agenda, year_as_plain_string, start_year_as_integer,
              period_ends_before_it_starts, period_without_end, inferred_year_without_note,
              wikidata_iri_malformed, wikidata_link_as_string, seventh_priority, agenda_made_a_priority,
              priority_order_shared, quote_language_differs_from_source, latitude_out_of_range,
              coordinates_as_strings, latitude_without_longitude, city_is_a_country, proposer_is_a_literal,
              publisher_is_a_person, two_statuses)
}


def test_the_real_data_conforms():
    data, shapes, ontology = project_graphs()
    conforms, found = validate(data, shapes, ontology)
    assert conforms, describe(found)
    assert all(r.severity == "Warning" for r in found), describe(found)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_is_caught(name):
    data, shapes, ontology = project_graphs()
    g = copy_graph(data)
    expected = MUTATIONS[name].mutate(g)
    assert expected and set(g) != set(data), "the mutation changed nothing"
    conforms, found = validate(g, shapes, ontology)
    assert not conforms, f"{name} went unnoticed"
    violations = [r for r in found if r.severity == "Violation"]
    for want in expected:
        hits = [r for r in violations if r.focus == want.focus and r.shape == want.shape
                and r.component == want.component and (not want.constraint or r.constraint == want.constraint)]
        assert hits, f"expected {want} among:\n{describe(violations)}"
        assert all(is_editor_message(r.message, shapes) for r in hits), f"{hits[0].message!r} is not a shape's"
