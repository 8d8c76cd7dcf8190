"""The release gate: SHACL validation of the data against the shapes, with the ontology as ``ont_graph``, and the
rules SHACL cannot check: each quote is the exact text at its selector's position in its source file
(``provenance``), OWL 2 RL with the imported vocabularies' own axioms finds the data consistent (``reasoning``),
and every item of the data has been reviewed in its present form (``review``).

``validate_sources`` returns a ValidationReport (printing and exit codes are the CLI's business); ``gate`` is the
one function that build, serve, reload and load call: it validates and refuses a release that does not conform.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery

from ..errors import ConfigError, ValidationFailed
from ..namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from .links import check_links, read_snapshot
from .load import SOURCE_GRAPHS, SourceFile, open_sources, parse_file, source_files, to_rdflib
from .naming import check_naming
from .provenance import check_quote_anchors
from .reasoning import IMPORTS_DIR, check_consistency, load_imports
from .report import ValidationReport, Violation, short_name
from .review import check_review
from .shacl_sparql import validate_fast

ENGINES = ("pyshacl", "sparql")


def _to_graph(files: list[SourceFile]) -> tuple[rdflib.Graph, dict]:
    g = rdflib.Graph()
    origin: dict = {}
    for f in files:
        for q in parse_file(f):
            s = to_rdflib(q.subject)
            g.add((s, to_rdflib(q.predicate), to_rdflib(q.object)))
            origin.setdefault(s, str(f.path))
    return g, origin


def validate_sources(root: str | Path, engine: str = "pyshacl") -> ValidationReport:
    """Validate a project's data/ against shapes/ with ontology/, the source texts in data/sources/ and the
    imported vocabularies in ontology/imports/; raises LoadError on unreadable files."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown validator {engine!r}", hint="use " + " or ".join(ENGINES))
    files = source_files(root)
    by_graph = {name: [f for f in files if f.graph == iri] for name, iri in SOURCE_GRAPHS.items()}
    data, origin = _to_graph(by_graph["data"])
    ontology, _ = _to_graph(by_graph["ontology"])
    shapes, _ = _to_graph(by_graph["shapes"])
    if engine == "sparql":
        report = validate_fast(open_sources(files), shapes, [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)])
    else:
        report = validate_graph(data, shapes, ontology, origin)
    report = with_rules(report, gate_rules(data, ontology, Path(root) / "data" / "sources",
                                           load_imports(ontology, Path(root) / IMPORTS_DIR), origin)
                        + check_links(data, ontology, read_snapshot(root), origin) + check_review(root))
    rel = Path(root)
    for i, v in enumerate(report.violations):
        if v.source_file.startswith(str(rel)):
            report.violations[i] = Violation(**{**v.__dict__, "source_file": str(Path(v.source_file).relative_to(rel))})
    return report


def _named_shape(shapes: rdflib.Graph, shape):
    """A property shape written as a blank node is reported by the node shape that holds it."""
    seen = set()
    while isinstance(shape, rdflib.BNode) and shape not in seen:
        seen.add(shape)
        parent = next(iter(shapes.subjects(SH.property, shape)), None) or next(
            iter(shapes.subjects(SH.sparql, shape)), None)
        if parent is None:
            break
        shape = parent
    return shape


def gate_rules(data: rdflib.Graph, ontology: rdflib.Graph, sources_dir: Path, imports: rdflib.Graph,
               origin: dict | None = None) -> list[Violation]:
    """The gate's rules beyond SHACL: quotes anchored in their texts, naming what they state, and consistency
    under OWL 2 RL."""
    return (check_quote_anchors(data, sources_dir, origin) + check_naming(data, origin)
            + check_consistency(data, ontology, imports, origin))


def with_rules(report: ValidationReport, violations: list[Violation]) -> ValidationReport:
    """The SHACL report with the other rules' violations added: it conforms only if none of them is a Violation."""
    merged = sorted([*report.violations, *violations], key=lambda v: (v.source_file, v.focus, v.path, v.constraint))
    conforms = report.conforms and not any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms, merged, report.graph, report.text)


def validate_release(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph, sources_dir: Path,
                     imports: rdflib.Graph) -> ValidationReport:
    """The whole gate over graphs in memory (what tests break): SHACL with pyshacl, then the other rules."""
    return with_rules(validate_graph(data, shapes, ontology), gate_rules(data, ontology, sources_dir, imports))


def gate(root: str | Path, engine: str = "pyshacl") -> ValidationReport:
    """Validate a release and refuse it (ValidationFailed) unless it conforms; warnings do not refuse."""
    report = validate_sources(root, engine)
    if not report.conforms:
        raise ValidationFailed(report)
    return report


class PreparedQueryGraph(rdflib.Graph):
    """A graph that parses each SPARQL text once per process: pyshacl asks a SPARQL constraint once per focus node,
    and rdflib's parser takes longer than the answer."""

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str):
            query_object = _prepared(query_object, tuple(sorted((initNs or {}).items())))
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


@functools.lru_cache(maxsize=512)
def _prepared(text: str, namespaces: tuple):
    return prepareQuery(text, initNs=dict(namespaces))


def entail_rdfs(data: rdflib.Graph, ontology: rdflib.Graph | None = None) -> rdflib.Graph:
    """Data and ontology with what RDFS entails for validation: super-properties, domains, ranges, super-classes.

    These are the rules shacl_sparql materialises too; applying them here, once, instead of pyshacl's complete RDFS
    closure (owlrl: every rdfs:Resource, every axiomatic triple) halves pyshacl's time and gives both engines the
    same inferences.
    """
    g = PreparedQueryGraph()
    for source in (ontology, data):
        for triple in source if source is not None else ():
            g.add(triple)

    def ancestors(relation) -> dict:
        direct: dict = {}
        for a, b in g.subject_objects(relation):
            direct.setdefault(a, set()).add(b)
        closed = {}
        for start in direct:
            seen, todo = set(), list(direct[start])
            while todo:
                x = todo.pop()
                if x not in seen:
                    seen.add(x)
                    todo.extend(direct.get(x, ()))
            closed[start] = seen
        return closed

    super_properties, super_classes = ancestors(RDFS.subPropertyOf), ancestors(RDFS.subClassOf)
    domains: dict = {}
    ranges: dict = {}
    for table, relation in ((domains, RDFS.domain), (ranges, RDFS.range)):
        for prop, cls in g.subject_objects(relation):
            table.setdefault(prop, set()).add(cls)
    entailed = []
    for s, p, o in g:
        for q in {p} | super_properties.get(p, set()):
            if q != p:
                entailed.append((s, q, o))
            entailed.extend((s, RDF.type, c) for c in domains.get(q, ()))
            if not isinstance(o, rdflib.Literal):
                entailed.extend((o, RDF.type, c) for c in ranges.get(q, ()))
    for triple in entailed:
        g.add(triple)
    for x, c in list(g.subject_objects(RDF.type)):
        for broader in super_classes.get(c, ()):
            g.add((x, RDF.type, broader))
    return g


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph | None = None,
                   origin: dict | None = None) -> ValidationReport:
    """Run pyshacl over the data with the ontology and its RDFS entailments, and collect each result."""
    conforms, graph, text = pyshacl.validate(  # inplace: the entailed graph is ours, a copy would be wasted
        entail_rdfs(data, ontology), shacl_graph=shapes, inference="none", advanced=True, inplace=True,
        abort_on_first=False, allow_warnings=True,
    )
    origin = origin or {}
    violations = []
    for result in graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = graph.value(result, SH.focusNode)
        violations.append(Violation(
            focus=short_name(focus),
            path=short_name(graph.value(result, SH.resultPath)),
            constraint=short_name(graph.value(result, SH.sourceConstraintComponent)),
            message=str(graph.value(result, SH.resultMessage) or ""),
            severity=short_name(graph.value(result, SH.resultSeverity)).removeprefix("sh:"),
            shape=short_name(_named_shape(shapes, graph.value(result, SH.sourceShape))),
            source_file=origin.get(focus, ""),
        ))
    violations.sort(key=lambda v: (v.source_file, v.focus, v.path, v.constraint))
    return ValidationReport(bool(conforms), violations, graph, text)
