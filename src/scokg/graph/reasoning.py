"""OWL 2 RL over the data, the ontology and the imported vocabularies' own axioms: the gate refuses inconsistency.

The ontology's ``owl:imports`` (PROV-O, SKOS, W3C ORG) are read from ``ontology/imports/`` (see its README), never
fetched. The reasoner is owlrl; its input is cut to what can change a conclusion, to keep the gate fast:

- from the imports, the axioms about the terms the ontology and data use, followed upwards (super-classes and
  super-properties, domains, ranges) and across (equivalence, inverse, disjointness) to a fixpoint: an axiom about
  a term nothing reaches cannot make our resources inconsistent;
- from the data and the ontology, everything except annotations (labels, descriptions, definitions) and plain or
  language-tagged strings, on which OWL RL draws no conclusion.

Results are memoised per input (a release is validated once per build, but tests build many apps).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import owlrl
import pyoxigraph as ox
import rdflib
from owlrl import DatatypeHandling
from rdflib import OWL, RDF, RDFS, XSD, BNode, Literal, URIRef

from ..errors import LoadError
from .load import to_rdflib
from .report import Violation, short_name

CONSISTENCY_RULE = "gate:OwlRlConsistencyRule"
IMPORTS_DIR = Path("ontology") / "imports"
WIKIDATA = "http://www.wikidata.org/entity/"
ERROR_MESSAGE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
# Axioms followed from a term to the terms it depends on (upwards and across), when the term is reached.
UPWARDS = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDF.type, OWL.propertyChainAxiom,
           OWL.hasKey, OWL.unionOf, OWL.intersectionOf, OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom,
           OWL.hasValue, OWL.onClass, OWL.complementOf, OWL.oneOf, OWL.maxCardinality, OWL.maxQualifiedCardinality,
           OWL.disjointUnionOf, OWL.members, RDF.first, RDF.rest}
ACROSS = {OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, OWL.disjointWith, OWL.propertyDisjointWith,
          OWL.sameAs}
ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
STRINGS = {None, XSD.string, RDF.langString}
DECLARATIONS = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
                OWL.Ontology}


def _g_month_day(lexical: str) -> str:
    """owlrl (7.6) checks an xsd:gMonthDay as "MM-DD" although its lexical form is "--MM-DD", and logs a traceback
    for every correct value it meets, in its own closures and in pyshacl's: check the real form instead."""
    if not re.fullmatch(r"--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?", lexical):
        raise ValueError(f"invalid gMonthDay {lexical}")
    return lexical


DatatypeHandling.AltXSDToPYTHON[XSD.gMonthDay] = _g_month_day


def load_imports(ontology: rdflib.Graph, imports_dir: Path) -> rdflib.Graph:
    """The vocabularies the ontology imports (owl:imports), from the N-Quads files in ``imports_dir``."""
    wanted = set(ontology.objects(None, OWL.imports))
    if not wanted:
        return rdflib.Graph()
    found, merged = set(), rdflib.Graph()
    for path in sorted(imports_dir.glob("*.nq")) if imports_dir.is_dir() else []:
        graph = rdflib.Graph()
        try:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        except (SyntaxError, OSError) as exc:
            raise LoadError(str(exc), path=str(path)) from None
        declared = set(graph.subjects(RDF.type, OWL.Ontology))
        if declared & wanted:
            found |= declared
            merged += graph
    missing = wanted - found
    if missing:
        raise LoadError(f"the ontology imports {', '.join(sorted(map(str, missing)))}, but no file in {imports_dir} "
                        "declares it", hint="see ontology/imports/README.md")
    return merged


def _module(imports: rdflib.Graph, seeds: set) -> rdflib.Graph:
    """The imports' axioms that the seed terms reach (upwards and across), to a fixpoint."""
    reached, out, todo = set(), rdflib.Graph(), list(seeds)
    while todo:
        term = todo.pop()
        if term in reached:
            continue
        reached.add(term)
        for p, o in imports.predicate_objects(term):
            if p in UPWARDS or p in ACROSS:
                out.add((term, p, o))
                if not isinstance(o, Literal):
                    todo.append(o)
        for s, p in imports.subject_predicates(term):
            if p in ACROSS or (p in (RDF.first, OWL.members) and isinstance(s, BNode)):
                out.add((s, p, term))
                todo.append(s)
    return out


def reasoning_input(data: rdflib.Graph, ontology: rdflib.Graph, imports: rdflib.Graph) -> rdflib.Graph:
    """What owlrl reads: the ontology and the module of the imports it and the data reach (the schema), and the
    data triples an OWL 2 RL rule can use: types, equality, and properties some axiom of the schema mentions.

    A property no axiom mentions (no domain, range, super-property, characteristic, restriction or key) enters no
    rule but the copying of equals, so leaving its triples out changes no conclusion about consistency.
    """
    # annotation properties as the vocabularies that define them declare them (ours only for our own terms)
    imported = {p for p, _ in imports.subject_objects(RDF.type)}
    annotations = ANNOTATIONS | set(imports.subjects(RDF.type, OWL.AnnotationProperty)) | {
        p for p in ontology.subjects(RDF.type, OWL.AnnotationProperty) if p not in imported}

    def kept(triples):
        for s, p, o in triples:
            if p not in annotations and not (isinstance(o, Literal) and o.datatype in STRINGS):
                yield s, p, o

    schema = rdflib.Graph()
    for triple in kept(ontology):
        schema.add(triple)
    data_triples = list(kept(data))
    seeds = {t for triple in (*schema, *data_triples) for t in triple if isinstance(t, URIRef)}
    schema += _module(imports, seeds)
    mentioned = {t for s, p, o in schema if not (p == RDF.type and o in DECLARATIONS) for t in (s, p, o)}
    used = [(s, p, o) for s, p, o in data_triples if p in (RDF.type, OWL.sameAs, OWL.differentFrom) or p in mentioned]
    g = rdflib.Graph()
    g += schema
    for triple in _without_twins(used):
        g.add(triple)
    return g


def _without_twins(triples: list) -> list:
    """Keep one of each set of blank nodes that say the same things and that nothing points at (the statement
    nodes of facts quoted from the same words): they lead to the same conclusions, once each."""
    pointed = {o for _, _, o in triples if isinstance(o, BNode)}
    nesting = {s for s, _, o in triples if isinstance(o, BNode)}
    said: dict = {}
    for s, p, o in triples:
        if isinstance(s, BNode) and s not in pointed and s not in nesting:
            said.setdefault(s, set()).add((p, o))
    keep, seen = set(), set()
    for node, facts in said.items():
        signature = frozenset(facts)
        if signature not in seen:
            seen.add(signature)
            keep.add(node)
    return [t for t in triples if t[0] not in said or t[0] in keep]


def _digest(graph: rdflib.Graph) -> str:
    """A hash of the graph that does not depend on blank node labels (each is named by what it says, recursively)."""
    names: dict = {}

    def name(term, seen=frozenset()) -> str:
        if not isinstance(term, BNode):
            return term.n3()
        if term not in names:
            if term in seen:  # a cycle of blank nodes: name it by position only
                return "_:cycle"
            inner = sorted(f"{p.n3()} {name(o, seen | {term})}" for p, o in graph.predicate_objects(term))
            names[term] = "_:" + hashlib.sha256("\n".join(inner).encode()).hexdigest()[:16]
        return names[term]

    lines = sorted(" ".join(name(t) for t in triple) for triple in graph)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class _Semantics(owlrl.OWLRL_Semantics):
    """OWL 2 RL without rule eq-ref (x owl:sameAs x for every term): those triples conclude nothing, and copying
    each term's triples onto itself (eq-rep-*) takes half of owlrl's time."""

    def _equality(self, triple, cycle_num):
        s, p, o = triple
        if p == OWL.sameAs and s == o:
            return
        self._no_reflexive = True
        try:
            super()._equality(triple, cycle_num)
        finally:
            self._no_reflexive = False

    def store_triple(self, t):
        if getattr(self, "_no_reflexive", False) and t[1] == OWL.sameAs and t[0] == t[2]:
            return
        super().store_triple(t)


_RESULTS: dict[str, tuple[str, ...]] = {}


def inconsistencies(data: rdflib.Graph, ontology: rdflib.Graph, imports: rdflib.Graph) -> list[str]:
    """owlrl's messages of inconsistency (disjoint classes sharing an individual, …); [] for a consistent graph."""
    graph = reasoning_input(data, ontology, imports)
    key = _digest(graph)
    if key not in _RESULTS:
        owlrl.DeductiveClosure(_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
        if len(_RESULTS) >= 64:
            _RESULTS.pop(next(iter(_RESULTS)))
        _RESULTS[key] = tuple(sorted(str(m) for node in graph.subjects(RDF.type, ERROR_MESSAGE)
                                     for m in graph.objects(node, ERROR_TEXT)))
    return list(_RESULTS[key])


def check_consistency(data: rdflib.Graph, ontology: rdflib.Graph, imports: rdflib.Graph,
                      origin: dict | None = None) -> list[Violation]:
    """One violation per inconsistency OWL 2 RL finds, on the individual it names."""
    origin = origin or {}
    violations = []
    for message in inconsistencies(data, ontology, imports):
        iris = re.findall(r"https?://\S+", message)
        focus = URIRef(iris[-1].rstrip(".,)")) if iris else None
        if focus is not None and str(focus).startswith(WIKIDATA):
            continue  # the same conflict on an item owl:sameAs one of ours: reported on ours
        named = re.sub(r"https?://\S+", lambda m: short_name(m.group(0).rstrip(".,)")), message)
        violations.append(Violation(
            focus=short_name(focus) if focus is not None else "", path="rdf:type", constraint=CONSISTENCY_RULE,
            message=f"OWL 2 RL with the ontology and the axioms of PROV-O, SKOS and ORG finds the data inconsistent: "
                    f"{named}. Give the resource only kinds that can go together (an event is a prov:Activity and "
                    f"never a prov:Entity, a city is never a country).",
            severity="Violation", shape=CONSISTENCY_RULE, source_file=origin.get(focus, "")))
    return violations
