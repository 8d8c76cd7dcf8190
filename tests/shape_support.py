"""Helpers for the shape tests: the project's graphs, and validation results named the way editors read them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, BNode, Graph, Namespace
from rdflib.namespace import SH

from scokg.graph.validate import validate_graph

ROOT = Path(__file__).resolve().parents[1]
SHAPE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
SCO = Namespace("https://w3id.org/scokg/ontology#")
ID = Namespace("https://w3id.org/scokg/id/")
SHAPES = Namespace("https://w3id.org/scokg/shapes#")


def parse_tree(folder: Path) -> Graph:
    g = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        g.parse(path)
    return g


@functools.cache
def project_graphs() -> tuple[Graph, Graph, Graph]:
    """data/, shapes/ and ontology/ of the project; callers copy the data before changing it."""
    return parse_tree(ROOT / "data"), parse_tree(ROOT / "shapes"), parse_tree(ROOT / "ontology")


def copy_graph(g: Graph) -> Graph:
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for t in g:
        out.add(t)
    return out


@dataclass(frozen=True)
class Result:
    focus: rdflib.term.Node
    shape: str  # local name of the named node shape that reported it
    component: str  # local name of sh:sourceConstraintComponent
    constraint: str  # local name of sh:sourceConstraint (named SPARQL constraints), else ""
    severity: str
    message: str


def _local(term) -> str:
    return "" if term is None or isinstance(term, BNode) else str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def node_shape_of(shapes: Graph, shape):
    """The named node shape that holds `shape` (a blank property shape or nested value shape)."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = next((s for p in (SH.property, SH.qualifiedValueShape, SH["not"], SH.sparql)
                       for s in shapes.subjects(p, shape)), None)
        if parent is None:
            break
        shape = parent
    return shape


def results(report, shapes: Graph) -> list[Result]:
    graph = report.graph
    out = []
    for r in graph.subjects(RDF.type, SH.ValidationResult):
        out.append(Result(
            focus=graph.value(r, SH.focusNode),
            shape=_local(node_shape_of(shapes, graph.value(r, SH.sourceShape))),
            component=_local(graph.value(r, SH.sourceConstraintComponent)),
            constraint=_local(graph.value(r, SH.sourceConstraint)),
            severity=_local(graph.value(r, SH.resultSeverity)),
            message=str(graph.value(r, SH.resultMessage) or ""),
        ))
    return out


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, list[Result]]:
    report = validate_graph(data, shapes, ontology)
    return report.conforms, results(report, shapes)


def describe(found: list[Result]) -> str:
    return "\n".join(f"{r.severity} {r.shape}/{r.component}{'/' + r.constraint if r.constraint else ''} "
                     f"at {r.focus}: {r.message}" for r in found) or "(no results)"


def is_editor_message(message: str, shapes: Graph) -> bool:
    """The result carries one of the shapes' own sh:message texts (with {?var} filled in), not pyshacl's default."""
    for template in shapes.objects(None, SH.message):
        pattern = "".join(".*" if part.startswith("{?") else re.escape(part)
                          for part in re.split(r"(\{\?\w+\})", str(template)))
        if re.fullmatch(pattern, message, re.S):
            return True
    return False
