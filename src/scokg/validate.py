"""SHACL validation of the data against the shapes, with the ontology as ``ont_graph``.

Returns a ValidationReport; printing and exit codes are the CLI's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import SH

from .errors import ConfigError
from .load import SOURCE_GRAPHS, SourceFile, parse_file, source_files
from .store import to_rdflib


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    constraint: str
    message: str
    severity: str
    shape: str
    source_file: str


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: rdflib.Graph | None = None
    text: str = ""

    @property
    def count(self) -> int:
        return len(self.violations)

    def format(self) -> str:
        """A readable report: one block per result."""
        if self.conforms and not self.violations:
            return "The data conforms to the shapes."
        if self.conforms:
            lines = [f"The data conforms to the shapes, with {self.count} warning(s) to look at."]
        else:
            lines = [f"The data does not conform: {self.count} result(s)."]
        for v in self.violations:
            lines.append(
                f"- {v.severity}: {v.message}\n"
                f"    focus node: {v.focus}\n"
                f"    path:       {v.path or '-'}\n"
                f"    constraint: {v.constraint} (shape {v.shape})\n"
                f"    file:       {v.source_file or '-'}"
            )
        return "\n".join(lines)


def _short(term) -> str:
    if term is None:
        return ""
    text = str(term)
    for prefix, ns in (("sh:", str(SH)), ("shapes:", "https://w3id.org/scokg/shapes#"),
                       ("sco:", "https://w3id.org/scokg/ontology#"), ("id:", "https://w3id.org/scokg/id/")):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


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
    if engine != "pyshacl":
        raise ConfigError(f"unknown validator {engine!r}", hint="use pyshacl or sparql")
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
    from .namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
    from .store import build_store
    from .validate_fast import validate_fast

    files = source_files(root)
    shapes, _ = _to_graph([f for f in files if f.graph == SOURCE_GRAPHS["shapes"]])
    store = build_store(root)
    try:
        return validate_fast(store.raw(), shapes, [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)])
    finally:
        store.close()


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
            focus=_short(focus),
            path=_short(graph.value(result, SH.resultPath)),
            constraint=_short(graph.value(result, SH.sourceConstraintComponent)),
            message=str(graph.value(result, SH.resultMessage) or ""),
            severity=_short(graph.value(result, SH.resultSeverity)).removeprefix("sh:"),
            shape=_short(_named_shape(shapes, graph.value(result, SH.sourceShape))),
            source_file=origin.get(focus, ""),
        ))
    violations.sort(key=lambda v: (v.source_file, v.focus, v.path, v.constraint))
    return ValidationReport(bool(conforms), violations, graph, text)
