"""Each shape against its fixtures: tests/fixtures/shapes/<ShapeName>-valid.ttl conforms, and every
<ShapeName>-invalid-NN.ttl breaks exactly the rule its header names. The gate's two rules beyond SHACL (the quotes
against the source texts, OWL 2 RL) have fixtures of the same form, <RuleName>-valid.ttl and -invalid-NN.ttl.

Header of an invalid fixture:
    # Breaks: what is wrong, in words
    # Expect: [shapes:Shape] sh:Component [shapes:NamedSparqlConstraint] [sh:Warning]   (one line per result kind)
    # Expect: gate:RuleName                                                           (a rule beyond SHACL)
    # Focus: id:node                                                                  (optional)

A fixture is validated against its own shape only (with the real ontology and RDFS inference), so it stays small;
the whole set of shapes meets the real data in tests/test_mutations.py. Adding a fixture file adds a test.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from scokg.graph.provenance import QUOTE_ANCHOR_RULE, check_quote_anchors
from scokg.graph.reasoning import CONSISTENCY_RULE, IMPORTS_DIR, check_consistency, load_imports
from shape_support import ID, ROOT, SCO, SHAPE_FIXTURES, SHAPES, Result, describe, project_graphs, validate

FIXTURE_NAME = re.compile(r"^(?P<shape>[A-Za-z]+(?:Shape|Rule))-(?:valid|invalid-(?P<n>\d{2}))\.ttl$")
PREFIXES = {"shapes:": str(SHAPES), "id:": str(ID), "sh:": str(SH)}


@functools.cache
def _imports() -> Graph:
    return load_imports(project_graphs()[2], ROOT / IMPORTS_DIR)


# The gate's rules beyond SHACL, by the name their fixtures carry: each returns the report's violations.
RULES = {
    QUOTE_ANCHOR_RULE.removeprefix("gate:"): lambda data: check_quote_anchors(data, ROOT / "data" / "sources"),
    CONSISTENCY_RULE.removeprefix("gate:"): lambda data: check_consistency(data, project_graphs()[2], _imports()),
}


def _fixtures(kind: str) -> list[Path]:
    return sorted(p for p in SHAPE_FIXTURES.glob(f"*-{kind}*.ttl"))


def pytest_generate_tests(metafunc):
    for name, kind in (("valid_file", "valid"), ("invalid_file", "invalid")):
        if name in metafunc.fixturenames:
            files = _fixtures(kind)
            metafunc.parametrize(name, files, ids=[f.stem for f in files])
    if "fixture_file" in metafunc.fixturenames:  # the SHACL shapes' fixtures, for the second engine
        files = sorted(f for f in SHAPE_FIXTURES.glob("*.ttl") if FIXTURE_NAME.match(f.name)["shape"] not in RULES)
        metafunc.parametrize("fixture_file", files, ids=[f.stem for f in files])
    if "shape" in metafunc.fixturenames:
        names = node_shapes()
        metafunc.parametrize("shape", names, ids=names)
    if "rule" in metafunc.fixturenames:
        metafunc.parametrize("rule", sorted(RULES))


def node_shapes() -> list[str]:
    shapes = project_graphs()[1]
    return sorted(str(s).removeprefix(str(SHAPES)) for s in shapes.subjects(RDF.type, SH.NodeShape))


def _expand(curie: str) -> str:
    for prefix, ns in PREFIXES.items():
        if curie.startswith(prefix):
            return curie[len(prefix):] if prefix != "id:" else ns + curie[len(prefix):]
    raise ValueError(f"unknown prefix in {curie!r}")


@functools.cache
def shape_graph(name: str) -> Graph:
    """The node shape `name` with everything it references in the shapes file (property shapes, lists, named
    SPARQL constraints, the prefix declarations), and no other node shape."""
    shapes = project_graphs()[1]
    out, todo, seen = Graph(), [SHAPES[name]], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and p != RDF.type and (o, None, None) in shapes
                                         and (o, RDF.type, SH.NodeShape) not in shapes):
                todo.append(o)
    return out


def _header(path: Path) -> dict:
    lines = [line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    fields: dict = {"expect": set()}
    for line in lines:
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "expect":
            parts = value.split()
            if parts[0].startswith("gate:"):  # a rule beyond SHACL: its name is its shape and its component
                name = parts[0].removeprefix("gate:")
                fields["expect"].add((name, name, "", "Violation"))
                continue
            shape = parts.pop(0) if parts[0].startswith("shapes:") else None
            component = parts.pop(0)
            severity = parts.pop() if parts and parts[-1] in ("sh:Warning", "sh:Info", "sh:Violation") else None
            constraint = _expand(parts.pop(0)) if parts else ""
            fields["expect"].add((shape and _expand(shape), _expand(component), constraint,
                                  _expand(severity) if severity else "Violation"))
        elif key in ("breaks", "focus"):
            fields[key] = value.strip()
    return fields


def _shape_of(path: Path) -> str:
    match = FIXTURE_NAME.match(path.name)
    assert match, f"{path.name}: name it <ShapeName>-valid.ttl or <ShapeName>-invalid-NN.ttl"
    assert match["shape"] in node_shapes() or match["shape"] in RULES, (
        f"{path.name}: no shapes:{match['shape']} in shapes/ and no gate rule of that name")
    return match["shape"]


def _full(short: str):
    return URIRef(str(ID) + short.removeprefix("id:")) if short.startswith("id:") else short


def _run(path: Path):
    shape = _shape_of(path)
    data = Graph().parse(path)
    if shape in RULES:
        found = [Result(focus=_full(v.focus), shape=shape, component=shape, constraint="", severity=v.severity,
                        message=v.message) for v in RULES[shape](data)]
        return shape, (not any(r.severity == "Violation" for r in found), found)
    return shape, validate(data, shape_graph(shape), project_graphs()[2])


def test_valid_fixture_conforms(valid_file):
    _, (conforms, found) = _run(valid_file)
    assert conforms and not found, describe(found)


def test_invalid_fixture_breaks_exactly_the_rule_it_names(invalid_file):
    shape, (conforms, found) = _run(invalid_file)
    header = _header(invalid_file)
    assert header.get("breaks") and header["expect"], f"{invalid_file.name}: say '# Breaks:' and '# Expect:'"
    expected = {(s or shape, c, k, sev) for s, c, k, sev in header["expect"]}
    reported = {(r.shape, r.component, r.constraint, r.severity) for r in found}
    assert reported == expected, f"{invalid_file.name}: {header['breaks']}\n{describe(found)}"
    if any(sev == "Violation" for *_, sev in expected):
        assert not conforms, f"{invalid_file.name} conforms"
    if "focus" in header:
        assert {str(r.focus) for r in found} == {_expand(header["focus"])}, describe(found)


def test_every_shape_has_valid_and_invalid_fixtures(shape):
    assert (SHAPE_FIXTURES / f"{shape}-valid.ttl").is_file(), f"add tests/fixtures/shapes/{shape}-valid.ttl"
    assert list(SHAPE_FIXTURES.glob(f"{shape}-invalid-*.ttl")), f"add tests/fixtures/shapes/{shape}-invalid-01.ttl"


def test_every_rule_has_valid_and_invalid_fixtures(rule):
    test_every_shape_has_valid_and_invalid_fixtures(rule)


def test_every_named_sparql_constraint_has_an_invalid_fixture():
    """A SPARQL constraint no fixture breaks is a rule nobody has seen refuse anything."""
    shapes = project_graphs()[1]
    named = {str(c).removeprefix(str(SHAPES)) for c in shapes.subjects(RDF.type, SH.SPARQLConstraint)}
    expected = " ".join(path.read_text(encoding="utf-8") for path in _fixtures("invalid"))
    assert not {c for c in named if f"shapes:{c}" not in expected}

def test_every_constraint_says_what_to_fix_and_how_bad_it_is(shape):
    """Each property shape and SPARQL constraint of the shape carries an English sh:message and a sh:severity."""
    shapes = project_graphs()[1]
    node = SHAPES[shape]
    assert (node, SH.severity, None) in shapes, f"{shape}: no sh:severity"
    parts = [*shapes.objects(node, SH.property), *shapes.objects(node, SH.sparql)]
    if any(shapes.value(node, p) is not None for p in (SH.xone, SH["not"], SH["or"], SH["and"])):
        parts.append(node)
    assert parts, f"{shape} checks nothing"
    for part in parts:
        messages = [m for m in shapes.objects(part, SH.message) if getattr(m, "language", None) == "en"]
        assert messages, f"{shape}: a constraint without an English sh:message ({shapes.value(part, SH.path)})"
        assert (part, SH.severity, None) in shapes, f"{shape}: a constraint without sh:severity"


def test_shape_subgraph_holds_one_node_shape():
    for name in node_shapes():
        assert set(shape_graph(name).subjects(RDF.type, SH.NodeShape)) == {SHAPES[name]}


# ---------------------------------------------------------------- the shapes against the ontology

SCO_NS = "https://w3id.org/scokg/ontology#"


def _paths(shapes: Graph, prop_shape) -> set:
    path = shapes.value(prop_shape, SH.path)
    alternatives = shapes.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    return set(Collection(shapes, alternatives)) if alternatives is not None else {path}


def _ontology_properties(kind) -> list[URIRef]:
    ontology = project_graphs()[2]
    return sorted((p for p in ontology.subjects(RDF.type, kind) if str(p).startswith(SCO_NS)
                   and ontology.value(p, RDFS.range) is not None), key=str)


@pytest.mark.parametrize("prop", _ontology_properties(OWL.ObjectProperty), ids=lambda p: p.fragment)
def test_every_object_property_value_is_class_checked(prop):
    """Following the ontology's range: some property shape on this path demands sh:class of the range."""
    shapes, ontology = project_graphs()[1], project_graphs()[2]
    wanted = ontology.value(prop, RDFS.range)
    classes = {shapes.value(ps, SH["class"]) for ps in shapes.subjects(SH.path, None) if prop in _paths(shapes, ps)}
    assert wanted in classes, f"no property shape checks that {prop.fragment}'s values are {wanted.fragment}"


@pytest.mark.parametrize("prop", _ontology_properties(OWL.DatatypeProperty), ids=lambda p: p.fragment)
def test_every_datatype_property_value_is_datatype_checked(prop):
    shapes, ontology = project_graphs()[1], project_graphs()[2]
    wanted = ontology.value(prop, RDFS.range)
    types = {shapes.value(ps, SH.datatype) for ps in shapes.subjects(SH.path, None) if prop in _paths(shapes, ps)}
    assert wanted in types, f"no property shape checks that {prop.fragment}'s values are {wanted}"


def test_shapes_name_only_terms_the_ontology_defines():
    """A misspelt class or property in a shape silently checks nothing: every sco: term must exist."""
    shapes, ontology = project_graphs()[1], project_graphs()[2]
    defined = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(SCO_NS)}
    used = {o for o in shapes.objects() if isinstance(o, URIRef) and str(o).startswith(SCO_NS)}
    for query in shapes.objects(None, SH.select):
        used |= {URIRef(SCO_NS + t) for t in re.findall(r"\bsco:(\w+)", str(query))}
    assert used and used <= defined, f"undefined in ontology/: {sorted(map(str, used - defined))}"


def test_every_class_has_a_node_shape():
    """Each class of the ontology is the target of a node shape of its own (its family shape covers the rest)."""
    shapes, ontology = project_graphs()[1], project_graphs()[2]
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(SCO_NS)}
    targeted = set(shapes.objects(None, SH.targetClass))
    kinds = set(ontology.transitive_subjects(RDFS.subClassOf, SCO.Initiative)) - {SCO.Initiative}
    missing = classes - targeted - kinds - {SCO.Agent}  # an initiative kind and an agent are covered by family
    assert not missing, f"no node shape targets {sorted(c.fragment for c in missing)}"


# ---------------------------------------------------------------- the SPARQL-compiled validator on the same fixtures

# Where the two engines cannot agree, and why (each entry must still differ: the xfail is strict).
ENGINE_DIFFERENCES = {
    "PriorityShape-invalid-06": "oxigraph stores \"1\"^^xsd:int as xsd:integer, so the datatype cannot be told apart",
}


def test_fixture_gives_the_same_results_with_the_sparql_validator(request, fixture_file):
    import pyoxigraph as ox

    from scokg.graph.shacl_sparql import validate_fast
    from scokg.graph.validate import validate_graph
    from scokg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH

    if fixture_file.stem in ENGINE_DIFFERENCES:
        request.applymarker(pytest.mark.xfail(strict=True, reason=ENGINE_DIFFERENCES[fixture_file.stem]))
    shape, ontology = _shape_of(fixture_file), project_graphs()[2]
    data = Graph().parse(fixture_file)
    store = ox.Store()
    for graph, g in ((DATA_GRAPH, data), (ONTOLOGY_GRAPH, ontology)):
        nt = g.serialize(format="nt", encoding="utf-8")
        store.load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)))
    fast = validate_fast(store, shape_graph(shape), [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)])
    slow = validate_graph(data, shape_graph(shape), ontology)

    def key(report):  # blank nodes have each engine's own labels: compared as blank nodes
        return sorted({(v.focus if ":" in v.focus else "_:blank", v.shape, v.constraint, v.severity)
                       for v in report.violations})

    assert (fast.conforms, key(fast)) == (slow.conforms, key(slow))
