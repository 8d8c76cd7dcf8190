"""The house rules of src/scokg, read from the source with ast (issue 13): no import cycle, counting imports inside
functions; no import inside a function at all; and data flows one way, cli → web → store → graph → core."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "scokg"
CORE = {"scokg", "scokg.config", "scokg.errors", "scokg.namespaces", "scokg.formats"}
# What each wing may import, besides itself and the core.
MAY_IMPORT = {
    "graph": set(),
    "wikidata": set(),
    "store": {"graph"},
    "web": {"store", "graph"},
    "cli": {"web", "store", "graph", "wikidata"},
    "__main__": {"cli"},  # `python -m scokg`
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def wing(module: str) -> str:
    if module in CORE:
        return "core"
    return module.split(".")[1]


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported scokg module, line, inside a function) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend((a.name, child.lineno, in_function) for a in child.names if a.name.startswith("scokg"))
                if in_function:
                    out.extend((a.name, child.lineno, True) for a in child.names if not a.name.startswith("scokg"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.startswith("scokg"):
                    for alias in child.names:  # 'from . import x' may name a module
                        candidate = f"{target}.{alias.name}"
                        known = (SRC / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                            SRC / Path(*candidate.split(".")) / "__init__.py").exists()
                        out.append((candidate if known else target, child.lineno, in_function))
                elif in_function:
                    out.append((target, child.lineno, True))
            visit(child, inside)

    visit(tree, False)
    return out


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        edges[module_name(path)] = {m for m, _line, _inside in imports_of(path) if m.startswith("scokg")}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    """The oracle of the next test can fail."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_no_import_inside_a_function():
    inside = [f"{path.relative_to(SRC)}:{line} imports {m}" for path in PACKAGE.rglob("*.py")
              for m, line, in_function in imports_of(path) if in_function]
    assert inside == []


def test_data_flows_one_way():
    wrong = []
    for source, targets in graph().items():
        w = wing(source)
        allowed = MAY_IMPORT.get(w, set()) | {w, "core"}
        wrong += [f"{source} imports {t}" for t in targets if wing(t) not in allowed]
    assert wrong == []


def test_every_wing_says_what_it_does():
    for folder in ("graph", "store", "web", "cli"):
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{folder}/__init__.py should say what the wing does and may import"
