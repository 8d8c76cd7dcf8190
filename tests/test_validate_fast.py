"""The SPARQL-compiled validator gives pyshacl's verdict and results on the real data and on every mutation
the shape tests make; it refuses shapes it does not understand instead of passing them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from scokg.errors import ScokgError
from scokg.graph.shacl_sparql import validate_fast
from scokg.graph.validate import validate_graph
from scokg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from scokg.store import build_store
from test_mutations import MUTATIONS, ROOT, _parse, mutated


@pytest.fixture(scope="module")
def graphs():
    return _parse("data"), _parse("shapes"), _parse("ontology")


def _fast(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph):
    store = ox.Store()
    for graph, g in ((DATA_GRAPH, data), (ONTOLOGY_GRAPH, ontology)):
        nt = g.serialize(format="nt", encoding="utf-8")
        store.load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)))
    return validate_fast(store, shapes, [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)])


def _key(report):  # blank nodes (statements, selectors) carry each engine's own labels: compared as blank nodes
    return sorted({(v.focus if ":" in v.focus else "_:blank", v.shape, v.constraint, v.severity)
                   for v in report.violations})


def test_real_data_same_as_pyshacl(graphs):
    data, shapes, ontology = graphs
    slow, fast = validate_graph(data, shapes, ontology), _fast(data, shapes, ontology)
    assert fast.conforms == slow.conforms
    assert _key(fast) == _key(slow)


def test_project_store_directly(graphs):
    _, shapes, _ = graphs
    store = build_store(ROOT)
    report = validate_fast(store.raw(), shapes, [str(ONTOLOGY_GRAPH), str(DATA_GRAPH)])
    assert report.conforms and [v.severity for v in report.violations] == ["Warning"]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_same_as_pyshacl(graphs, name):
    _, shapes, ontology = graphs
    g, slow, _ = mutated(name)  # the mutated graph and pyshacl's report, shared with tests/test_mutations.py
    fast = _fast(g, shapes, ontology)
    assert fast.conforms is slow.conforms is False
    assert _key(fast) == _key(slow)


def test_unknown_constraints_are_refused(graphs):
    data, shapes, ontology = graphs
    extra = rdflib.Graph()
    extra += shapes
    extra.update("""PREFIX sh: <http://www.w3.org/ns/shacl#>
        INSERT DATA { <urn:s> a sh:NodeShape ; sh:targetClass <https://w3id.org/scokg/ontology#City> ;
                      sh:property [ sh:path <urn:p> ; sh:equals <urn:q> ] }""")
    with pytest.raises(ScokgError, match="unsupported"):
        _fast(data, extra, ontology)


def test_the_gate_can_use_it(project_copy):
    from click.testing import CliRunner

    from scokg.cli import cli

    ok = CliRunner().invoke(cli, ["--root", str(project_copy), "--setting", "validator", "sparql", "validate"])
    assert ok.exit_code == 0, ok.output
    for path in (project_copy / "data").rglob("*.ttl"):
        path.write_text(path.read_text().replace('"@de', '"@fr'))
    bad = CliRunner().invoke(cli, ["--root", str(project_copy), "--setting", "validator", "sparql", "validate"])
    assert bad.exit_code == 1 and "LanguageInConstraintComponent" in bad.output
