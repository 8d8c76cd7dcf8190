"""Copy, from a checkout of github.com/w3c/rdf-tests, the parts of the SPARQL suites that tests/w3c runs.

    cd tests && ../.venv/bin/python -m w3c.copy_suites /work/shared/w3c-rdf-tests

Copies each manifest reachable from w3c_manifest.ROOTS, every suite file the manifests name (queries,
data, expected results), the files queries name in FROM / FROM NAMED, and the licence notices, keeping the
folder structure under tests/w3c/suites/. Files are copied unchanged.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

from .w3c_manifest import BASE, LOCAL_BASE, ROOTS, SUITES

LICENCES = ("LICENSE.md", "sparql/sparql10/LICENSE", "sparql/sparql10/README")
IRI_REF = re.compile(r"<([^<>\"{}|^`\\\s]*)>")


def referenced(source: Path, path: Path) -> set[Path]:
    """Suite files a manifest names (any object IRI under the suites' base that exists in the checkout)."""
    base = BASE + path.relative_to(source / "sparql").as_posix()
    out = set()
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base):
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                candidate = source / "sparql" / term.value[len(BASE):].split("#", 1)[0]
                if candidate.is_file():
                    out.add(candidate)
    return out


def siblings_named_by(query: Path) -> set[Path]:
    """Files next to a query that it names by a relative IRI (FROM <data-g1.ttl>)."""
    text = query.read_text(encoding="utf-8", errors="replace")
    out = set()
    for iri in IRI_REF.findall(text):
        if iri and ":" not in iri and (query.parent / iri).is_file():
            out.add((query.parent / iri).resolve())
    return out


def main(source: Path) -> None:
    source = source.resolve()
    todo = [source / "sparql" / root for _suite, root, _category in ROOTS]
    files: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in files:
            continue
        files.add(path)
        if path.name.endswith(".ttl") and path.name.startswith("manifest"):
            todo += sorted(referenced(source, path))
        elif path.suffix in (".rq", ".ru"):
            todo += sorted(siblings_named_by(path))
    if LOCAL_BASE.exists():
        shutil.rmtree(LOCAL_BASE)
    for path in sorted(files) + [source / name for name in LICENCES]:
        target = SUITES / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    print(f"copied {len(files)} suite files to {SUITES}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/w3c-rdf-tests"))
