"""A deterministic synthetic graph in scokg's own ontology, with the real graph's shape and proportions.

    python bench/generate.py --triples 1000000 --out bench/.work/M/data/generated.nt

The real data (data/**/*.ttl) is the template: replica 0 is the real graph itself; replica k renames every
entity (id:almaty → id:almaty-k), shifts years and coordinates, numbers labels and quotes, and links to distinct
made-up Wikidata items. The six priorities, the statuses, the agenda and their schemes are shared by all
replicas, so "per priority" queries keep their meaning. Streams N-Triples: any size fits in memory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/scokg/id/"
SCO = "https://w3id.org/scokg/ontology#"
WD = "http://www.wikidata.org/entity/Q"
SHARED_TYPES = {SCO + "Priority", SCO + "Status", SCO + "Agenda", "http://www.w3.org/2004/02/skos/core#ConceptScheme"}
YEARS = {SCO + "year", SCO + "startYear", SCO + "endYear", SCO + "inferredYear"}
GEO = {"http://www.w3.org/2003/01/geo/wgs84_pos#lat", "http://www.w3.org/2003/01/geo/wgs84_pos#long"}
TEXT = {"http://www.w3.org/2000/01/rdf-schema#label", "http://purl.org/dc/terms/description", SCO + "quoteText"}


def template(root: Path = ROOT) -> tuple[list[ox.Triple], set[str]]:
    triples = []
    for path in sorted((root / "data").rglob("*.ttl")):
        triples.extend(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path),
                                                                                     format=ox.RdfFormat.TURTLE))
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    shared = {t.subject.value for t in triples if t.predicate.value == rdf_type and t.object.value in SHARED_TYPES}
    return triples, shared


def _rename(term, k: int, shared: set[str]):
    if isinstance(term, ox.NamedNode):
        v = term.value
        if v.startswith(ID) and v not in shared:
            return ox.NamedNode(f"{v}-{k}")
        if v.startswith(WD):
            return ox.NamedNode(f"{WD}{90_000_000 + k * 1000 + int(v[len(WD):]) % 1000}")
    return term


def _literal(triple: ox.Triple, k: int) -> ox.Literal:
    lit = triple.object
    p = triple.predicate.value
    if p in YEARS:
        return ox.Literal(str(int(lit.value) + k % 10), datatype=lit.datatype)  # same shift keeps periods in order
    if p in GEO:
        return ox.Literal(f"{float(lit.value) + (k % 100) * 0.01:.4f}", datatype=lit.datatype)
    if p in TEXT:
        return ox.Literal(f"{lit.value} {k}", language=lit.language) if lit.language else ox.Literal(
            f"{lit.value} {k}", datatype=lit.datatype)
    return lit


def replica(triples: list[ox.Triple], shared: set[str], k: int):
    if k == 0:
        yield from triples
        return
    for t in triples:
        if t.subject.value in shared:
            continue  # the shared concepts are described once
        obj = _literal(t, k) if isinstance(t.object, ox.Literal) else _rename(t.object, k, shared)
        yield ox.Triple(_rename(t.subject, k, shared), t.predicate, obj)


def generate(target: int, out) -> int:
    """Write replicas until at least `target` triples; returns how many were written."""
    triples, shared = template()
    written, k = 0, 0
    while written < target:
        batch = list(replica(triples, shared, k))
        ox.serialize(batch, out, ox.RdfFormat.N_TRIPLES)
        written += len(batch)
        k += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as f:
        n = generate(args.triples, f)
    print(f"{n} triples → {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
