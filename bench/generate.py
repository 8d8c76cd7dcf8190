"""A deterministic synthetic graph in scokg's own ontology, with the real graph's shape and proportions.

    python bench/generate.py --triples 1000000 --out bench/.work/M/data/generated.nt
    python bench/generate.py --triples M --seed 7 --out m7.nt     # S (the real graph), M (1e6), L (1e7)

The real data (data/**/*.ttl) is the template: replica 0 is the real graph itself; replica k renames every
entity (id:almaty → id:almaty-k), shifts years and coordinates, numbers labels and quotes, and links to distinct
made-up Wikidata items. The six priorities, the statuses, the agenda and their schemes are shared by all
replicas, so "per priority" queries keep their meaning. So every class (organisations, initiatives of each
subclass, places with coordinates, events, quotes, owl:sameAs links, EN/DE labels and descriptions) keeps the
real graph's proportions at any size. The shifts of replica k are drawn from Random(f"{seed}:{k}"): the same
--triples and --seed give the same bytes. Streams N-Triples one replica at a time: any size fits in memory.
"""

from __future__ import annotations

import argparse
import random
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
SIZES = {"S": 0, "M": 1_000_000, "L": 10_000_000}  # 0: the real graph alone
# the words of labels, descriptions and quotes (a quote's words are its text selector's oa:exact)
TEXT = {"http://www.w3.org/2000/01/rdf-schema#label", "http://purl.org/dc/terms/description",
        "http://www.w3.org/ns/oa#exact"}


def template(root: Path = ROOT) -> tuple[list[ox.Triple], set[str]]:
    triples = []
    for path in sorted((root / "data").rglob("*.ttl")):
        triples.extend(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path),
                                                                                     format=ox.RdfFormat.TURTLE))
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    shared = {t.subject.value for t in triples if t.predicate.value == rdf_type and t.object.value in SHARED_TYPES}
    return triples, shared


class Shift:
    """What replica k changes: years (one shift keeps periods in order), coordinates, Wikidata numbers."""

    def __init__(self, seed: int, k: int):
        rng = random.Random(f"{seed}:{k}")
        self.k = k
        self.years = rng.randrange(10)
        self.lat, self.long = rng.uniform(-1, 1), rng.uniform(-1, 1)
        self.qid = 100_000_000 * (1 + seed % 9) + k * 1000  # made up, distinct per replica (k < 100,000)


def _rename(term, shift: Shift, shared: set[str]):
    if isinstance(term, ox.BlankNode):  # statements and selectors: a replica's own, not merged with another's
        return ox.BlankNode(f"{term.value}r{shift.k}")
    if isinstance(term, ox.NamedNode):
        v = term.value
        if v.startswith(ID) and v not in shared:
            return ox.NamedNode(f"{v}-{shift.k}")
        if v.startswith(WD):
            return ox.NamedNode(f"{WD}{shift.qid + int(v[len(WD):]) % 1000}")
    return term


def _literal(triple: ox.Triple, shift: Shift) -> ox.Literal:
    lit = triple.object
    p = triple.predicate.value
    k = shift.k
    if p in YEARS:
        return ox.Literal(str(int(lit.value) + shift.years), datatype=lit.datatype)
    if p in GEO:
        delta = shift.lat if p.endswith("lat") else shift.long
        return ox.Literal(f"{float(lit.value) + delta:.4f}", datatype=lit.datatype)
    if p in TEXT:
        return ox.Literal(f"{lit.value} {k}", language=lit.language) if lit.language else ox.Literal(
            f"{lit.value} {k}", datatype=lit.datatype)
    return lit


def replica(triples: list[ox.Triple], shared: set[str], k: int, seed: int = 0):
    if k == 0:
        yield from triples
        return
    shift = Shift(seed, k)
    for t in triples:
        if t.subject.value in shared:
            continue  # the shared concepts are described once
        obj = _literal(t, shift) if isinstance(t.object, ox.Literal) else _rename(t.object, shift, shared)
        yield ox.Triple(_rename(t.subject, shift, shared), t.predicate, obj)


def generate(target: int, out, seed: int = 0) -> int:
    """Write replicas until at least `target` triples (at least the real graph); returns how many were written."""
    triples, shared = template()
    written, k = 0, 0
    while k == 0 or written < target:
        batch = list(replica(triples, shared, k, seed))
        ox.serialize(batch, out, ox.RdfFormat.N_TRIPLES)
        written += len(batch)
        k += 1
    return written


def triple_count(text: str) -> int:
    """--triples: a number (1000000, 1e6, 1_000_000) or a size name S, M, L."""
    return SIZES[text.upper()] if text.upper() in SIZES else int(float(text.replace("_", "")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=triple_count, required=True, help="a number, or S / M / L")
    parser.add_argument("--seed", type=int, default=0, help="varies the replicas' shifts (default 0)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as f:
        n = generate(args.triples, f, args.seed)
    print(f"{n} triples → {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
