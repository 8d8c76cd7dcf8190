"""The release gate: SHACL validation of the data against the shapes, with the ontology as ``ont_graph``.

``validate_sources`` returns a ValidationReport (printing and exit codes are the CLI's business); ``gate`` is the
one function that build, serve, reload and load call: it validates and refuses a release that does not conform.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import SH

from ..errors import ConfigError, ValidationFailed
from ..namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from .load import SOURCE_GRAPHS, SourceFile, open_sources, parse_file, source_files, to_rdflib
from .report import ValidationReport, Violation, short_name
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
    """Validate a project's data/ against shapes/ with ontology/; raises LoadError on unreadable files."""
    if engine == "sparql":
        return _validate_with_sparql(root)
    if engine not in ENGINES:
        raise ConfigError(f"unknown validator {engine!r}", hint="use " + " or ".join(ENGINES))
    files = source_files(root)
    by_graph = {name: [f for f in files if f.graph == iri] for name, iri in SOURCE_GRAPHS.items()}
    data, origin = _to_graph(by_graph["data"])
    ontology, _ = _to_graph(by_graph["ontology"])
    shapes, _ = _to_graph(by_graph["shapes"])
    report = validate_graph(data, shapes, ontology, origin)
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


def _validate_with_sparql(root: str | Path) -> ValidationReport:
    files = source_files(root)
    shapes, _ = _to_graph([f for f in files if f.graph == SOURCE_GRAPHS["shapes"]])
    return validate_fast(open_sources(files), shapes, [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)])


def gate(root: str | Path, engine: str = "pyshacl") -> ValidationReport:
    """Validate a release and refuse it (ValidationFailed) unless it conforms; warnings do not refuse."""
    report = validate_sources(root, engine)
    if not report.conforms:
        raise ValidationFailed(report)
    return report


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph | None = None,
                   origin: dict | None = None) -> ValidationReport:
    """Run pyshacl (RDFS inference with the ontology) and collect each result."""
    conforms, graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", advanced=True,
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
