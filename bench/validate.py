"""SHACL validation at scale: the SPARQL-compiled engine against plain pyshacl on a generated graph.

    python bench/validate.py --triples 100000              # both engines, and whether their results are equal
    python bench/validate.py --triples 1000000 --no-pyshacl

Prints each engine's time (loading included), verdict and number of results.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from generate import ROOT, generate
from scokg.graph.validate import validate_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--no-pyshacl", action="store_true", help="skip plain pyshacl (minutes at 100k, >25 min at 1M)")
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / ".work")
    args = parser.parse_args()
    project = args.work / f"validate-{args.triples}"
    data = project / "data" / "generated.nt"
    if not data.exists():
        for name in ("ontology", "shapes"):
            shutil.copytree(ROOT / name, project / name, dirs_exist_ok=True)
        data.parent.mkdir(parents=True, exist_ok=True)
        with open(data, "wb") as f:
            generate(args.triples, f)
    reports = {}
    for engine in ("sparql",) if args.no_pyshacl else ("sparql", "pyshacl"):
        started = time.monotonic()
        report = validate_sources(project, engine)
        print(f"{engine:8} {time.monotonic() - started:8.1f} s  conforms {report.conforms}  results {report.count}",
              flush=True)
        reports[engine] = {(v.focus, v.shape, v.constraint, v.severity) for v in report.violations}
    if len(reports) == 2:
        print("same results:", reports["sparql"] == reports["pyshacl"])


if __name__ == "__main__":
    main()
