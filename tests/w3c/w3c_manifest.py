"""The W3C SPARQL test manifests, read into plain records (no scokg here: this is the oracle's side).

Files live under ``suites/sparql/`` and are addressed by the IRIs they have on the W3C site
(``https://w3c.github.io/rdf-tests/sparql/...``), so that relative IRIs in queries, data and expected results
resolve exactly as the suites intend; ``path_of`` maps an IRI back to the local copy.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
SUITES = HERE / "suites"
EXPECTED_FAILURES = HERE / "expected-failures.toml"
CAUSES = {"engine": "pyoxigraph limitation", "scokg": "scokg bug"}
BASE = "https://w3c.github.io/rdf-tests/sparql/"
LOCAL_BASE = SUITES / "sparql"

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
DAWGT = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# What we run: root manifests (their mf:include lists are followed), by suite, with the line they count in when it
# is not the kind's own (syntax, update syntax, evaluation).
ROOTS = (
    ("sparql10", "sparql10/manifest.ttl", None),
    ("sparql11", "sparql11/manifest-sparql11-query.ttl", None),
    ("sparql11", "sparql11/syntax-fed/manifest.ttl", None),
    ("sparql11", "sparql11/syntax-update-1/manifest.ttl", None),
    ("sparql11", "sparql11/syntax-update-2/manifest.ttl", None),
    ("sparql11", "sparql11/csv-tsv-res/manifest.ttl", "result formats"),
    ("sparql11", "sparql11/json-res/manifest.ttl", "result formats"),
    ("sparql11", "sparql11/service/manifest.ttl", "federation"),
)

KINDS = {
    MF + "PositiveSyntaxTest": "positive-syntax",
    MF + "PositiveSyntaxTest11": "positive-syntax",
    MF + "NegativeSyntaxTest": "negative-syntax",
    MF + "NegativeSyntaxTest11": "negative-syntax",
    MF + "PositiveUpdateSyntaxTest11": "positive-update-syntax",
    MF + "NegativeUpdateSyntaxTest11": "negative-update-syntax",
    MF + "QueryEvaluationTest": "evaluation",
    MF + "CSVResultFormatTest": "evaluation",
}
CATEGORY = {
    "positive-syntax": "syntax",
    "negative-syntax": "syntax",
    "positive-update-syntax": "update syntax",
    "negative-update-syntax": "update syntax",
    "evaluation": "evaluation",
}


def iri_of(path: Path) -> str:
    return BASE + path.resolve().relative_to(LOCAL_BASE).as_posix()


def path_of(iri: str) -> Path | None:
    """The local copy of a suite file named by its W3C IRI, or None when the IRI is not a suite file."""
    if not iri.startswith(BASE):
        return None
    path = LOCAL_BASE / iri[len(BASE):].split("#", 1)[0]
    return path if path.is_file() else None


@dataclass(frozen=True)
class W3CTest:
    iri: str
    suite: str  # "sparql10" | "sparql11"
    kind: str  # a value of KINDS
    name: str
    manifest: str  # the manifest's folder, relative to suites/sparql ("sparql11/aggregates")
    action: str  # IRI of the query (or update) file
    data: tuple[str, ...] = ()  # IRIs of files loaded into the default graph
    graph_data: tuple[str, ...] = ()  # IRIs of files loaded as named graphs of the same name
    result: str | None = None  # IRI of the expected result
    lax_cardinality: bool = False  # mf:LaxCardinality: duplicates may be (partly) eliminated (REDUCED)
    approval: str = ""
    category: str = ""  # the suite line it counts in, when not its kind's
    service_data: tuple[tuple[str, str], ...] = ()  # (endpoint IRI, IRI of the file it serves), SERVICE tests

    @property
    def label(self) -> str:
        """The suite line this test counts in: 'sparql11 syntax', 'sparql10 evaluation', ..."""
        return f"{self.suite} {self.category or CATEGORY[self.kind]}"

    @property
    def test_id(self) -> str:
        return f"{self.manifest}#{self.iri.rsplit('#', 1)[-1]}"

    @property
    def action_path(self) -> Path:
        path = path_of(self.action)
        assert path is not None, f"{self.action} is not in suites/"
        return path


class _Graph:
    """A manifest's triples, indexed by subject and predicate."""

    def __init__(self, path: Path):
        self.index: dict = defaultdict(lambda: defaultdict(list))
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=iri_of(path)):
            self.index[q.subject][q.predicate.value].append(q.object)

    def objects(self, subject, predicate: str) -> list:
        return self.index.get(subject, {}).get(predicate, [])

    def one(self, subject, predicate: str):
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def subjects_of_type(self, cls: str) -> list:
        return [s for s, props in self.index.items() if ox.NamedNode(cls) in props.get(RDF + "type", [])]

    def items(self, head) -> list:
        out = []
        while head is not None and head != ox.NamedNode(RDF + "nil"):
            out.append(self.one(head, RDF + "first"))
            head = self.one(head, RDF + "rest")
        return out


def _tests_of_manifest(path: Path, suite: str, category: str | None, seen: set) -> list[W3CTest]:
    if path in seen:
        return []
    seen.add(path)
    g = _Graph(path)
    out: list[W3CTest] = []
    for manifest in g.subjects_of_type(MF + "Manifest"):
        for include in g.objects(manifest, MF + "include"):
            for sub in g.items(include):
                sub_path = path_of(sub.value)
                assert sub_path is not None, f"{path}: included manifest {sub.value} is missing from suites/"
                out += _tests_of_manifest(sub_path, suite, category, seen)
        for entries in g.objects(manifest, MF + "entries"):
            for node in g.items(entries):
                test = _test(g, node, suite, category, path)
                if test is not None:
                    out.append(test)
    return out


def _test(g: _Graph, node, suite: str, category: str | None, manifest: Path) -> W3CTest | None:
    types = [t.value for t in g.objects(node, RDF + "type")]
    # DAWG convention: an entry without a type is a query evaluation test
    kinds = [KINDS[t] for t in types if t in KINDS] if types else ["evaluation"]
    if not kinds:
        return None  # protocol, service description, update evaluation, ...: not run here
    kind = kinds[0]
    name = g.one(node, MF + "name")
    approval = g.one(node, DAWGT + "approval")
    action = g.one(node, MF + "action")
    data: list[str] = []
    graph_data: list[str] = []
    service_data: list[tuple[str, str]] = []
    if isinstance(action, ox.BlankNode):
        query = g.one(action, QT + "query")
        data = [d.value for d in g.objects(action, QT + "data")]
        graph_data = [d.value for d in g.objects(action, QT + "graphData")]
        service_data = [(g.one(s, QT + "endpoint").value, g.one(s, QT + "data").value)
                        for s in g.objects(action, QT + "serviceData")]
        action = query
    result = g.one(node, MF + "result")
    return W3CTest(
        iri=node.value,
        suite=suite,
        kind=kind,
        name=name.value if name is not None else "",
        manifest=manifest.parent.relative_to(LOCAL_BASE).as_posix(),
        action=action.value,
        data=tuple(data),
        graph_data=tuple(graph_data),
        result=result.value if result is not None else None,
        lax_cardinality=ox.NamedNode(MF + "LaxCardinality") in g.objects(node, MF + "resultCardinality"),
        approval=approval.value.rsplit("#", 1)[-1] if approval is not None else "",
        category=category or "",
        service_data=tuple(service_data),
    )


@cache
def all_tests() -> tuple[W3CTest, ...]:
    """Every test of the suites we run, in manifest order."""
    out: list[W3CTest] = []
    seen: set = set()
    for suite, root, category in ROOTS:
        out += _tests_of_manifest(LOCAL_BASE / root, suite, category, seen)
    return tuple(out)


def select(*kinds: str) -> list[W3CTest]:
    return [t for t in all_tests() if t.kind in kinds]


def load_expected_failures() -> dict[str, dict]:
    """expected-failures.toml: test IRI -> {cause, feature or repro, reason}."""
    with EXPECTED_FAILURES.open("rb") as f:
        return tomllib.load(f)


# ---------------------------------------------------------------- a test's dataset

RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML, ".nt": ox.RdfFormat.N_TRIPLES}
_NOT_CODE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                       r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*', re.S)
_FROM = re.compile(r"(?<![\w?$:])FROM\s+(?:NAMED\s+)?(<[^<>\s]*>|[\w.-]*:[\w.-]*)", re.I)
_PREFIX = re.compile(r"(?<![\w?$:])PREFIX\s+([\w.-]*):\s*<([^<>\s]*)>", re.I)
_BASE = re.compile(r"(?<![\w?$:])BASE\s*<([^<>\s]*)>", re.I)


def dataset_graphs(query: str, query_iri: str) -> list[str]:
    """The IRIs a query names in FROM and FROM NAMED (its data comes from the files of those names)."""
    code = _NOT_CODE.sub(lambda m: " " * len(m.group(0)), query)
    base_match = _BASE.search(code)
    base = urljoin(query_iri, base_match.group(1)) if base_match else query_iri
    prefixes = {p: urljoin(base, iri) for p, iri in _PREFIX.findall(code)}
    out = []
    for ref in _FROM.findall(code):
        if ref.startswith("<"):
            out.append(urljoin(base, ref[1:-1]))
        elif ref.split(":", 1)[0] in prefixes:
            prefix, local = ref.split(":", 1)
            out.append(prefixes[prefix] + local)
    return out


def quads_of(iri: str, graph) -> list:
    """A suite file's triples in ``graph``, with fresh blank nodes (each file load is a separate graph)."""
    path = path_of(iri)
    assert path is not None, f"{iri} is not in suites/"
    return [ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(path=str(path), format=RDF_FORMATS[path.suffix], base_iri=iri,
                              rename_blank_nodes=True)]


def dataset_of(test: W3CTest, query: str) -> list:
    """qt:data into the default graph, qt:graphData and the files the query names in FROM / FROM NAMED as named
    graphs of their own IRIs."""
    quads = []
    for iri in test.data:
        quads += quads_of(iri, ox.DefaultGraph())
    named = list(dict.fromkeys(test.graph_data))
    named += [iri for iri in dict.fromkeys(dataset_graphs(query, test.action))
              if iri not in named and path_of(iri) is not None]
    for iri in named:
        quads += quads_of(iri, ox.NamedNode(iri))
    return quads
