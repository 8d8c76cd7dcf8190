"""SHACL validation at scale: the shapes compiled to SPARQL and run by pyoxigraph.

pyshacl needs the whole graph in rdflib and takes minutes at a million triples. This validator covers the SHACL
Core features scokg's shapes use (targets by class, node and subject; property paths and alternative paths;
min/max count, class, datatype, nodeKind, languageIn, uniqueLang, pattern, minLength, min/maxInclusive,
hasValue, qualified value shapes, xone of count-only shapes, not-class, SPARQL constraints and SHACL-AF SPARQL
targets) with the same RDFS
entailment pyshacl applies (subclass, subproperty, domain, range), materialised first. A shape using anything
else is refused with an error rather than validated half-way. tests/test_validate_fast.py checks that its
verdicts and results equal pyshacl's on the real data and on every mutation the shape tests make.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ..errors import ScokgError
from .report import ValidationReport, Violation, short_name

ENTAILED = "urn:scokg:entailed"
RULES = [  # RDFS rules pyshacl's "rdfs" inference applies that matter for validation
    "INSERT { GRAPH <%s> { ?s ?q ?o } } WHERE { ?s ?p ?o . ?p rdfs:subPropertyOf+ ?q FILTER NOT EXISTS { ?s ?q ?o } }",
    "INSERT { GRAPH <%s> { ?s a ?c } } WHERE { ?s ?p ?o . ?p rdfs:domain ?c FILTER NOT EXISTS { ?s a ?c } }",
    "INSERT { GRAPH <%s> { ?o a ?c } } WHERE { ?s ?p ?o . ?p rdfs:range ?c FILTER(!isLiteral(?o)) "
    "FILTER NOT EXISTS { ?o a ?c } }",
    "INSERT { GRAPH <%s> { ?s a ?d } } WHERE { ?s a ?c . ?c rdfs:subClassOf+ ?d FILTER NOT EXISTS { ?s a ?d } }",
]
PREFIXES = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
HANDLED = {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.languageIn, SH.uniqueLang,
           SH.pattern, SH.flags, SH.minLength, SH.minInclusive, SH.maxInclusive, SH.hasValue, SH.qualifiedValueShape,
           SH.qualifiedMinCount, SH.message, SH.severity, SH.name, SH.description, RDF.type}


class UnsupportedShape(ScokgError):
    status = 500


def _n3(term) -> str:
    return term.n3()


def _path(shapes: Graph, path) -> str:
    if isinstance(path, URIRef):
        return _n3(path)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    raise UnsupportedShape(f"unsupported sh:path {path!r}")


def _value_test(shapes: Graph, shape, var: str) -> str:
    """A SPARQL condition that holds when the value in `var` conforms to a small nested shape."""
    tests = []
    for c in shapes.objects(shape, SH["class"]):
        tests.append(f"EXISTS {{ {var} a {_n3(c)} }}")
    for prop in shapes.objects(shape, SH.property):
        path = _path(shapes, shapes.value(prop, SH.path))
        langs = shapes.value(prop, SH.languageIn)
        ok = "true" if langs is None else "LANG(?w) IN (" + ", ".join(
            f'"{x}"' for x in Collection(shapes, langs)) + ")"
        if shapes.value(prop, SH.minCount) is not None:
            tests.append(f"EXISTS {{ {var} {path} ?w FILTER({ok}) }}")
        tests.append(f"NOT EXISTS {{ {var} {path} ?w FILTER(!({ok})) }}")
    if not tests:
        raise UnsupportedShape(f"unsupported nested shape {shape!r}")
    return " && ".join(tests)


class FastValidator:
    def __init__(self, store: ox.Store, shapes: Graph, data_graphs: list[str]):
        self.store, self.shapes, self.graphs = store, shapes, [ox.NamedNode(g) for g in data_graphs]
        self.results: list[Violation] = []
        # SPARQL targets are spliced into every query of their shape: their prefixes (sh:declare) go on top of all
        self.declared = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                                for d in sorted(shapes.objects(None, SH.declare), key=str))

    def select(self, query: str):
        return self.store.query(PREFIXES + self.declared + query,
                                default_graph=[*self.graphs, ox.NamedNode(ENTAILED)])

    def entail(self) -> None:
        """Materialise the RDFS entailments into their own graph, to a fixpoint."""
        for _ in range(10):
            before = len(self.store)
            for rule in RULES:
                self._update(rule % ENTAILED)
            if len(self.store) == before:
                return

    def _update(self, text: str) -> None:
        # Updates read the store's default graph: run them against the union by naming every graph.
        using = "".join(f"USING <{g.value}> " for g in [*self.graphs, ox.NamedNode(ENTAILED)])
        head, where = text.split(" WHERE ", 1)
        self.store.update(PREFIXES + f"{head} {using}WHERE {where}")

    def targets(self, shape) -> str:
        parts = [f"{{ ?this a {_n3(c)} }}" for c in self.shapes.objects(shape, SH.targetClass)]
        parts += [f"{{ VALUES ?this {{ {_n3(n)} }} }}" for n in self.shapes.objects(shape, SH.targetNode)]
        parts += [f"{{ ?this {_n3(p)} ?any }}" for p in self.shapes.objects(shape, SH.targetSubjectsOf)]
        for target in self.shapes.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.shapes:
                raise UnsupportedShape(f"unsupported sh:target {target!r} in {shape}")
            parts.append("{ " + str(self.shapes.value(target, SH.select)) + " }")  # a sub-query projecting ?this
        return " UNION ".join(parts)

    def report(self, focus, shape, component, message, severity, path=None) -> None:
        self.results.append(Violation(focus=short_name(URIRef(focus) if not focus.startswith("_:") else BNode(focus)),
                                      path=short_name(path), constraint=f"sh:{component}",
                                      message=str(message or ""), severity=short_name(severity).removeprefix("sh:"),
                                      shape=short_name(shape), source_file=""))

    def run_query(self, query: str, shape, component, message, severity, path=None) -> None:
        for row in self.select(query):
            self.report(row["this"].value, shape, component, message, severity, path)

    def property_shape(self, node_shape, prop, targets: str) -> None:
        s = self.shapes
        unknown = set(s.predicates(prop)) - HANDLED
        if unknown:
            raise UnsupportedShape(f"unsupported constraints {sorted(map(str, unknown))} in {node_shape}")
        raw_path = s.value(prop, SH.path)
        path = _path(s, raw_path)
        msg, sev = s.value(prop, SH.message), s.value(prop, SH.severity) or SH.Violation
        path_short = raw_path if isinstance(raw_path, URIRef) else None

        def each(component, condition):
            self.run_query(f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v FILTER({condition}) }}",
                           node_shape, component, msg, sev, path_short)

        def count(component, having):
            self.run_query(f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {targets} "
                           f"OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this }} FILTER({having}) }}",
                           node_shape, component, msg, sev, path_short)

        if (n := s.value(prop, SH.minCount)) is not None:
            count("MinCountConstraintComponent", f"?n < {int(n)}")
        if (n := s.value(prop, SH.maxCount)) is not None:
            count("MaxCountConstraintComponent", f"?n > {int(n)}")
        for c in s.objects(prop, SH["class"]):
            each("ClassConstraintComponent", f"NOT EXISTS {{ ?v a {_n3(c)} }}")
        if (d := s.value(prop, SH.datatype)) is not None:
            each("DatatypeConstraintComponent", f"!isLiteral(?v) || DATATYPE(?v) != {_n3(d)}")
        if s.value(prop, SH.nodeKind) == SH.IRI:
            each("NodeKindConstraintComponent", "!isIRI(?v)")
        if (langs := s.value(prop, SH.languageIn)) is not None:
            allowed = ", ".join(f'"{x}"' for x in Collection(s, langs))
            each("LanguageInConstraintComponent", f"!isLiteral(?v) || !(LANG(?v) IN ({allowed}))")
        if s.value(prop, SH.uniqueLang) == Literal(True):
            self.run_query(f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v, ?w "
                           "FILTER(?v != ?w && LANG(?v) != \"\" && LANG(?v) = LANG(?w)) }",
                           node_shape, "UniqueLangConstraintComponent", msg, sev, path_short)
        if (pattern := s.value(prop, SH.pattern)) is not None:
            flags = s.value(prop, SH.flags) or ""
            each("PatternConstraintComponent", f"isBlank(?v) || !REGEX(STR(?v), {Literal(str(pattern)).n3()}, "
                                               f"\"{flags}\")")
        if (n := s.value(prop, SH.minLength)) is not None:
            each("MinLengthConstraintComponent", f"isBlank(?v) || STRLEN(STR(?v)) < {int(n)}")
        if (x := s.value(prop, SH.minInclusive)) is not None:
            each("MinInclusiveConstraintComponent", f"!COALESCE(?v >= {x.n3()}, false)")
        if (x := s.value(prop, SH.maxInclusive)) is not None:
            each("MaxInclusiveConstraintComponent", f"!COALESCE(?v <= {x.n3()}, false)")
        if (v := s.value(prop, SH.hasValue)) is not None:
            self.run_query(f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} {_n3(v)} }} }}",
                           node_shape, "HasValueConstraintComponent", msg, sev, path_short)
        if (q := s.value(prop, SH.qualifiedValueShape)) is not None:
            n = int(s.value(prop, SH.qualifiedMinCount))
            test = _value_test(s, q, "?v")
            self.run_query(f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?ok) AS ?n) WHERE {{ {targets} "
                           f"OPTIONAL {{ ?this {path} ?v FILTER({test}) BIND(?v AS ?ok) }} }} GROUP BY ?this }} "
                           f"FILTER(?n < {n}) }}", node_shape, "QualifiedMinCountConstraintComponent", msg, sev,
                           path_short)

    def node_shape(self, shape) -> None:
        s = self.shapes
        targets = self.targets(shape)
        if not targets:
            return
        msg, sev = s.value(shape, SH.message), s.value(shape, SH.severity) or SH.Violation
        for prop in s.objects(shape, SH.property):
            self.property_shape(shape, prop, targets)
        if (branches := s.value(shape, SH.xone)) is not None:
            counts, oks = [], []
            for i, b in enumerate(Collection(s, branches)):
                path = _path(s, s.value(b, SH.path))
                counts.append(f"OPTIONAL {{ SELECT ?this (COUNT(DISTINCT ?v{i}) AS ?n{i}) "
                              f"WHERE {{ ?this {path} ?v{i} }} GROUP BY ?this }} BIND(COALESCE(?n{i}, 0) AS ?c{i})")
                lo, hi = s.value(b, SH.minCount), s.value(b, SH.maxCount)
                cond = " && ".join(x for x in (f"?c{i} >= {int(str(lo))}" if lo is not None else "",
                                               f"?c{i} <= {int(str(hi))}" if hi is not None else "") if x) or "true"
                oks.append(f"IF({cond}, 1, 0)")
            self.run_query(f"SELECT ?this WHERE {{ {targets} {' '.join(counts)} FILTER(({' + '.join(oks)}) != 1) }}",
                           shape, "XoneConstraintComponent", msg, sev)
        if (negated := s.value(shape, SH["not"])) is not None:
            self.run_query(f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER({_value_test(s, negated, '?this')}) }}",
                           shape, "NotConstraintComponent", msg, sev)
        for constraint in s.objects(shape, SH.sparql):
            select = str(s.value(constraint, SH.select)).replace("$this", "?this")
            prefixes = "".join(f"PREFIX {s.value(d, SH.prefix)}: <{s.value(d, SH.namespace)}>\n"
                               for decl in s.objects(constraint, SH.prefixes) for d in s.objects(decl, SH.declare))
            body = select[select.upper().index("WHERE"):]
            self.run_query(prefixes + f"SELECT DISTINCT ?this {{ {targets} {{ SELECT * {body} }} }}", shape,
                           "SPARQLConstraintComponent", s.value(constraint, SH.message), sev)


def validate_fast(store: ox.Store, shapes: Graph, data_graphs: list[str]) -> ValidationReport:
    """Validate the named graphs `data_graphs` of `store` (which also holds the ontology among them)."""
    validator = FastValidator(store, shapes, data_graphs)
    validator.entail()
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        validator.node_shape(shape)
    results = sorted(validator.results, key=lambda v: (v.focus, v.shape, v.constraint, v.path))
    conforms = not any(v.severity == "Violation" for v in results)
    return ValidationReport(conforms, results, None, "")
