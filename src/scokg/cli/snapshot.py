"""The Wikidata snapshot the gate checks links against, written from Wikidata or, offline, from the verified list."""

from __future__ import annotations

from pathlib import Path

import rdflib

from ..graph.links import linked_qids, parse_verified_list, write_snapshot
from ..graph.load import SOURCE_GRAPHS, parse_file, source_files, to_rdflib
from ..wikidata import WikidataClient
from ..wikidata.links import FITTING_TYPES

KIND_OF_CLASS = {"City": "place", "Country": "place", "Region": "place", "Person": "agent", "Organisation": "agent"}


def _linked(root) -> set[str]:
    g = rdflib.Graph()
    for f in source_files(root):
        if f.graph == SOURCE_GRAPHS["data"]:
            for q in parse_file(f):
                g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return linked_qids(g)


def snapshot_from_list(root, path: Path) -> Path:
    """The linked items as the verified list gives them; a linked QID the list lacks is an error."""
    listed = parse_verified_list(path.read_text(encoding="utf-8"))
    linked = _linked(root)
    missing = sorted(linked - set(listed))
    if missing:
        raise ValueError(f"the list does not hold {', '.join(missing)}: only verified items may be linked")
    return write_snapshot(root, {q: listed[q] for q in linked}, f"the team's verified list ({path.name})")


def snapshot_from_wikidata(root, client: WikidataClient) -> Path:
    """The linked items as Wikidata describes them: names, classes (P31), coordinates (P625)."""
    described = client.describe_items(sorted(_linked(root)))
    items = {}
    for qid, info in described.items():
        types = info["types"]
        kind = next((KIND_OF_CLASS[c.rsplit("#", 1)[-1]] for c, fits in FITTING_TYPES.items() if types & fits), "topic")
        names = sorted(info["labels"])
        point = info["points"][0] if info["points"] else None
        items[qid] = {"label": names[0] if names else "", "aliases": names[1:], "kind": kind,
                      "classes": sorted(types), "coordinates": list(point) if point else None}
    return write_snapshot(root, items, f"Wikidata ({client.endpoint})")
