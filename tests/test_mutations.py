"""Break the real data in each way the gate forbids and expect that specific rule to refuse it.

Two sets of edits, each applied to a copy of the real data:

- MUTATIONS break one SHACL shape each and are checked against the shapes (pyshacl); tests/test_validate_fast.py
  replays them against the SPARQL-compiled validator.
- GATE_EDITS are the edits an editor makes by mistake (issue 12: a fabricated quote, a changed word, year 2099,
  another entity's QID, …). They go through the whole gate (SHACL, the quotes against the source texts, OWL 2 RL
  with the imported vocabularies) and each must be refused by the rule that names it. A careful editor changes a
  fact and its statement together (``restate``): the gate must catch the edit even then.

Every edit picks its victims by querying the data (the first initiative that serves a priority, the statement of
a fact, …), or names them from the article where the issue does (the Golden Horde conference), so the tests follow
the data as it grows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from scokg.graph.reasoning import IMPORTS_DIR, load_imports
from scokg.graph.report import ValidationReport
from scokg.graph.validate import validate_graph, validate_release
from shape_support import (
    ID,
    ROOT,
    SCO,
    Result,
    copy_graph,
    describe,
    is_editor_message,
    parse_tree,
    project_graphs,
    results,
    validate,
)

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module attributes
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#")
LAT, LONG = URIRef(f"{GEO}lat"), URIRef(f"{GEO}long")
WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
SCHEME = ID["chairmanship-priorities"]

# The shape that checks labels and descriptions of each family of classes.
FAMILIES = {
    SCO.Organisation: "OrganisationShape", SCO.Person: "PersonShape", SCO.Location: "LocationShape",
    SCO.Priority: "PriorityShape", SCO.Agenda: "AgendaShape", SCO.InitiativeStatus: "StatusShape",
    SCO.Initiative: "InitiativeShape", SCO.Event: "EventShape", SCO.Source: "SourceShape", SCO.Quote: "QuoteShape",
}


class Expect(NamedTuple):
    focus: URIRef | BNode
    shape: str  # a node shape's local name, or a gate rule's (QuoteAnchorRule, OwlRlConsistencyRule)
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


def statements_of(g: Graph, s, p, o=None) -> list:
    """The statement nodes that describe the fact (s p o), or every fact (s p ·)."""
    return sorted((st for st in g.subjects(RDF.subject, s) if (st, RDF.predicate, p) in g
                   and (o is None or (st, RDF.object, o) in g)), key=str)


def restate(g: Graph, s, p, old, new) -> list:
    """Change a fact and the statements that describe it together, as a careful editor would."""
    found = statements_of(g, s, p, old)
    assert (s, p, old) in g and found, f"no fact {s} {p} {old} with its statement"
    g.remove((s, p, old))
    g.add((s, p, new))
    for st in found:
        g.set((st, RDF.object, new))
    return found


def words_of(g: Graph, quote) -> Literal:
    return next(w for sel in g.objects(quote, OA.hasSelector) for w in g.objects(sel, OA.exact))


def _one_per_family(g: Graph) -> list[tuple[URIRef, str]]:
    return [(_first(g, cls), shape) for cls, shape in FAMILIES.items()]


# ---------------------------------------------------------------- MUTATIONS: one shape each

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


def statement_dropped(g: Graph) -> list[Expect]:
    """The words that state which priority an initiative serves are gone: the fact stands alone."""
    initiative = _first(g, SCO.Initiative, SCO.servesPriority)
    for st in statements_of(g, initiative, SCO.servesPriority):
        g.remove((st, None, None))
    return [Expect(initiative, "FactWithoutStatementShape", "SPARQLConstraintComponent",
                   "FactWithoutStatementConstraint")]


def german_quote_dropped(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.servesPriority)
    st = statements_of(g, initiative, SCO.servesPriority)[0]
    for quote in list(g.objects(st, PROV.wasDerivedFrom)):
        if words_of(g, quote).language == "de":
            g.remove((st, PROV.wasDerivedFrom, quote))
    return [Expect(st, "QuotedInBothVersionsShape", "SPARQLConstraintComponent", "QuotedInBothVersionsConstraint")]


def fact_changed_without_its_statement(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.locatedIn)
    st = statements_of(g, initiative, SCO.locatedIn)[0]
    _swap(g, initiative, SCO.locatedIn, ID.bishkek)
    return [Expect(st, "StatementAssertedShape", "SPARQLConstraintComponent", "StatementAssertedConstraint"),
            Expect(initiative, "FactWithoutStatementShape", "SPARQLConstraintComponent",
                   "FactWithoutStatementConstraint")]


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


def inference_note_dropped(g: Graph) -> list[Expect]:
    """An inferred year without its note is a year its quote does not contain."""
    s = _subject_with(g, SCO.inferredYear) or _first(g, SCO.Event)
    st = statements_of(g, s, SCO.inferredYear)[0]
    g.remove((st, SCO.inferenceNote, None))
    return [Expect(st, "LiteralInQuoteShape", "SPARQLConstraintComponent", "LiteralInQuoteConstraint")]


def inference_note_in_english_only(g: Graph) -> list[Expect]:
    st = min(g.subjects(SCO.inferenceNote, None), key=str)
    _drop_lang(g, st, SCO.inferenceNote, "de")
    return [Expect(st, "InferenceShape", "MinCountConstraintComponent")]


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


def wikidata_link_without_record(g: Graph) -> list[Expect]:
    s = _subject_with(g, OWL.sameAs)
    for st in statements_of(g, s, OWL.sameAs):
        g.remove((st, None, None))
    return [Expect(s, "VerifiedWikidataLinkShape", "SPARQLConstraintComponent", "VerifiedWikidataLinkConstraint")]


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
    quote = next(q for q in _instances(g, SCO.Quote) if words_of(g, q).language == "de")
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


def coordinates_not_the_lists(g: Graph) -> list[Expect]:
    """Bishkek's coordinates taken from another dataset: not the verified list's P625."""
    s = _subject_with(g, LAT)
    g.set((s, LAT, Literal("42.87", datatype=XSD.decimal)))
    return [Expect(s, "CoordinatesShape", "SPARQLConstraintComponent", "CoordinatesFromVerifiedListConstraint")]


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
    source, person = _first(g, SCO.Source, DCTERMS.publisher), _first(g, SCO.Person)
    _swap(g, source, DCTERMS.publisher, person)
    return [Expect(source, "SourceShape", "ClassConstraintComponent")]


def two_statuses(g: Graph) -> list[Expect]:
    initiative = next(i for i in _instances(g, SCO.Initiative) if len(set(g.objects(i, SCO.status))) == 1)
    other = next(s for s in _instances(g, SCO.InitiativeStatus) if (initiative, SCO.status, s) not in g)
    g.add((initiative, SCO.status, other))
    return [Expect(initiative, "StatusReadingsShape", "SPARQLConstraintComponent", "StatusReadingsConstraint")]


MUTATIONS: dict[str, Mutation] = {
    f.__name__.replace("_", "-"): Mutation(f, f.__doc__ or f.__name__.replace("_", " "))
    for f in (german_label_dropped, second_english_label, label_in_russian, english_description_dropped,
              statement_dropped, german_quote_dropped, fact_changed_without_its_statement, priority_is_a_city,
              priority_and_agenda, neither_priority_nor_agenda, year_as_plain_string, start_year_as_integer,
              period_ends_before_it_starts, period_without_end, inference_note_dropped,
              inference_note_in_english_only, wikidata_iri_malformed, wikidata_link_as_string,
              wikidata_link_without_record, seventh_priority, agenda_made_a_priority, priority_order_shared,
              quote_language_differs_from_source, latitude_out_of_range, coordinates_as_strings,
              latitude_without_longitude, coordinates_not_the_lists, city_is_a_country, proposer_is_a_literal,
              publisher_is_a_person, two_statuses)
}


@functools.cache
def mutated(name: str) -> tuple[Graph, ValidationReport, tuple[Expect, ...]]:
    """A mutation's graph, pyshacl's report on it and the expected results, computed once per test session
    (tests/test_validate_fast.py compares the same report with the SPARQL-compiled validator's)."""
    data, shapes, ontology = project_graphs()
    g = copy_graph(data)
    expected = MUTATIONS[name].mutate(g)
    return g, validate_graph(g, shapes, ontology), tuple(expected)


@functools.cache
def imports() -> Graph:
    return load_imports(project_graphs()[2], ROOT / IMPORTS_DIR)


def test_the_real_data_conforms():
    data, shapes, ontology = project_graphs()
    conforms, found = validate(data, shapes, ontology)
    assert conforms, describe(found)
    assert all(r.severity == "Warning" for r in found), describe(found)


def _assert_caught(name: str, conforms: bool, found, expected, shapes: Graph) -> None:
    assert not conforms, f"{name} went unnoticed"
    violations = [r for r in found if r.severity == "Violation"]
    for want in expected:
        hits = [r for r in violations if r.focus == want.focus and r.shape == want.shape
                and r.component == want.component and (not want.constraint or r.constraint == want.constraint)]
        assert hits, f"expected {want} among:\n{describe(violations)}"
        assert all(is_editor_message(r.message, shapes) or r.component == r.shape for r in hits), (
            f"{hits[0].message!r} is not a shape's")


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_is_caught(name):
    data, shapes, _ = project_graphs()
    g, report, expected = mutated(name)
    assert expected and set(g) != set(data), "the mutation changed nothing"
    _assert_caught(name, report.conforms, results(report, shapes), expected, shapes)


# ---------------------------------------------------------------- GATE_EDITS: the careless edits, whole gate

GOLDEN_HORDE, SANCTUARIES = ID["golden-horde-conference-2024"], ID["sco-spiritual-sanctuaries"]
BISHKEK_MEETING = ID["sco-heads-of-government-meeting-bishkek"]


def fabricated_quote(g: Graph) -> list[Expect]:
    """A quote the article never wrote, made to look anchored, and cited for a fact."""
    quote, real = ID["quote-fabricated-en"], ID["quote-investment-fund-en"]
    for p, o in list(g.predicate_objects(real)):
        if p != OA.hasSelector:
            g.add((quote, p, o))
    for sel in g.objects(real, OA.hasSelector):
        copy = BNode()
        for p, o in g.predicate_objects(sel):
            g.add((copy, p, Literal("Kazakhstan has vetoed the SCO Investment Fund at the meeting in Bishkek.",
                                    lang="en") if p == OA.exact else o))
        g.add((quote, OA.hasSelector, copy))
    g.add((statements_of(g, ID["sco-investment-fund"], SCO.discussedAt)[0], PROV.wasDerivedFrom, quote))
    return [Expect(quote, "QuoteAnchorRule", "QuoteAnchorRule")]


def changed_word_in_quote(g: Graph) -> list[Expect]:
    """“Kazakhstan has suggested creating favorable conditions” becomes “… has demanded …”."""
    quote = ID["quote-trade-facilitation-en"]
    sel = next(s for s in g.objects(quote, OA.hasSelector) if (s, OA.exact, None) in g)
    words = g.value(sel, OA.exact)
    g.set((sel, OA.exact, Literal(str(words).replace("suggested", "demanded"), lang="en")))
    return [Expect(quote, "QuoteAnchorRule", "QuoteAnchorRule")]


def year_2099(g: Graph) -> list[Expect]:
    statements = restate(g, GOLDEN_HORDE, SCO.year, Literal("2024", datatype=XSD.gYear),
                         Literal("2099", datatype=XSD.gYear))
    return [Expect(st, "LiteralInQuoteShape", "SPARQLConstraintComponent", "LiteralInQuoteConstraint")
            for st in statements]


def another_entitys_qid(g: Graph) -> list[Expect]:
    """Almaty linked to Q1520, which the verified list gives as Astana."""
    restate(g, ID.almaty, OWL.sameAs, WD.Q35493, WD.Q1520)
    return [Expect(ID.almaty, "VerifiedWikidataLinkShape", "SPARQLConstraintComponent",
                   "VerifiedWikidataLinkConstraint")]


def golden_horde_moved_to_almaty(g: Graph) -> list[Expect]:
    restate(g, GOLDEN_HORDE, SCO.locatedIn, ID.turkistan, ID.almaty)
    return [Expect(GOLDEN_HORDE, "NamingRule", "NamingRule")]


def proposer_replaced_by_unep(g: Graph) -> list[Expect]:
    initiative = ID["trade-facilitation"]
    restate(g, initiative, SCO.proposedBy, ID.kazakhstan, ID.unep)
    return [Expect(initiative, "NamingRule", "NamingRule")]


def priorities_order_swapped(g: Graph) -> list[Expect]:
    first, second = (next(p for p in g.subjects(SCO.order, Literal(n))) for n in (1, 2))
    restate(g, first, SCO.order, Literal(1), Literal(9))
    restate(g, second, SCO.order, Literal(2), Literal(1))
    restate(g, first, SCO.order, Literal(9), Literal(2))
    return [Expect(SCHEME, "PrioritySchemeShape", "SPARQLConstraintComponent", "PriorityOrderFollowsQuotesConstraint")]


def oct_26_rewritten(g: Graph) -> list[Expect]:
    """“Oct. 26” rewritten as “26 October 2023”: a year the article does not give, a date not as written."""
    statements = restate(g, BISHKEK_MEETING, SCO.dateAsWritten, Literal("Oct. 26", lang="en"),
                         Literal("26 October 2023", lang="en"))
    return [Expect(st, "LiteralInQuoteShape", "SPARQLConstraintComponent", "LiteralInQuoteConstraint")
            for st in statements]


def quotes_swapped_between_initiatives(g: Graph) -> list[Expect]:
    """The Golden Horde conference's own quotes exchanged with the Spiritual Sanctuaries project's."""
    def own(initiative, other):
        mine = {q for st in g.subjects(RDF.subject, initiative) for q in g.objects(st, PROV.wasDerivedFrom)}
        theirs = {q for st in g.subjects(RDF.subject, other) for q in g.objects(st, PROV.wasDerivedFrom)}
        return {words_of(g, q).language: q for q in mine - theirs if (q, RDF.type, SCO.Quote) in g}
    horde, sanctuaries = own(GOLDEN_HORDE, SANCTUARIES), own(SANCTUARIES, GOLDEN_HORDE)
    swap = {horde[lang]: sanctuaries[lang] for lang in horde} | {sanctuaries[lang]: horde[lang] for lang in horde}
    for st, q in list(g.subject_objects(PROV.wasDerivedFrom)):
        if q in swap and g.value(st, RDF.subject) in (GOLDEN_HORDE, SANCTUARIES):
            g.remove((st, PROV.wasDerivedFrom, q))
            g.add((st, PROV.wasDerivedFrom, swap[q]))
    return [Expect(GOLDEN_HORDE, "NamingRule", "NamingRule"),
            Expect(statements_of(g, GOLDEN_HORDE, SCO.year)[0], "LiteralInQuoteShape", "SPARQLConstraintComponent",
                   "LiteralInQuoteConstraint")]


def start_date_never_given(g: Graph) -> list[Expect]:
    g.add((GOLDEN_HORDE, SCHEMA.startDate, Literal("2024-06-01", datatype=XSD.date)))
    return [Expect(GOLDEN_HORDE, "UnsourcedDateShape", "SPARQLConstraintComponent", "UnsourcedDateConstraint")]


def almaty_typed_a_country(g: Graph) -> list[Expect]:
    g.add((ID.almaty, RDF.type, SCO.Country))
    return [Expect(ID.almaty, "OwlRlConsistencyRule", "OwlRlConsistencyRule")]


def event_used_as_an_entity(g: Graph) -> list[Expect]:
    """The Bishkek meeting said to be derived from the article, as the old data had it: an activity is no entity."""
    g.add((BISHKEK_MEETING, PROV.wasDerivedFrom, ID["astana-times-sco-priorities-en"]))
    return [Expect(BISHKEK_MEETING, "OwlRlConsistencyRule", "OwlRlConsistencyRule")]


def german_quote_tagged_english(g: Graph) -> list[Expect]:
    quote = ID["quote-investment-fund-de"]
    sel = next(s for s in g.objects(quote, OA.hasSelector) if (s, OA.exact, None) in g)
    g.set((sel, OA.exact, Literal(str(g.value(sel, OA.exact)), lang="en")))
    return [Expect(ID["astana-times-sco-priorities-de"], "SourceShape", "SPARQLConstraintComponent",
                   "QuoteLanguageConstraint")]


def a_seventh_priority(g: Graph) -> list[Expect]:
    return seventh_priority(g)


def initiative_without_priority(g: Graph) -> list[Expect]:
    initiative = _first(g, SCO.Initiative, SCO.servesPriority)
    for st in statements_of(g, initiative, SCO.servesPriority):
        g.remove((st, None, None))
    g.remove((initiative, SCO.servesPriority, None))
    return [Expect(initiative, "InitiativeShape", "XoneConstraintComponent")]


GATE_EDITS: dict[str, Mutation] = {
    f.__name__.replace("_", "-"): Mutation(f, f.__doc__ or f.__name__.replace("_", " "))
    for f in (fabricated_quote, changed_word_in_quote, year_2099, another_entitys_qid, golden_horde_moved_to_almaty,
              proposer_replaced_by_unep, priorities_order_swapped, oct_26_rewritten,
              quotes_swapped_between_initiatives, start_date_never_given, almaty_typed_a_country,
              event_used_as_an_entity, german_quote_tagged_english, a_seventh_priority, initiative_without_priority)
}


def gate_results(report, shapes: Graph) -> list[Result]:
    """Every result of the gate: SHACL's (named by shape and constraint) and the other rules'."""
    found = results(report, shapes)
    for v in report.violations:
        if v.shape.startswith("gate:"):
            focus = URIRef(str(ID) + v.focus.removeprefix("id:")) if v.focus.startswith("id:") else v.focus
            name = v.shape.removeprefix("gate:")
            found.append(Result(focus, name, name, "", v.severity, v.message))
    return found


def test_the_real_data_passes_the_whole_gate():
    data, shapes, ontology = project_graphs()
    report = validate_release(data, shapes, ontology, ROOT / "data" / "sources", imports())
    assert report.conforms, report.format()


@pytest.mark.parametrize("name", sorted(GATE_EDITS))
def test_the_gate_refuses_the_edit_with_its_rule(name):
    data, shapes, ontology = project_graphs()
    g = copy_graph(data)
    expected = GATE_EDITS[name].mutate(g)
    assert expected and set(g) != set(data), "the edit changed nothing"
    report = validate_release(g, shapes, ontology, ROOT / "data" / "sources", imports())
    _assert_caught(name, report.conforms, gate_results(report, shapes), expected, shapes)
