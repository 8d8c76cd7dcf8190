"""Links to Wikidata checked against what Wikidata says about the items, not against a record the editor types.

``data/links/wikidata-snapshot.json`` holds, for each linked item, its label (and other names), its kind and its
coordinates, as ``scokg link check --write-snapshot`` wrote them: from Wikidata where it can be reached, or offline
from the team's verified list (``--from-list``). The snapshot is a file of ``data/``, so the review ledger covers
it like the rest. ``check_links`` refuses a link to an item the snapshot does not hold, of a kind that does not fit,
to an entity none of whose names is the item's, with coordinates or a link record (``sco:listed…``) that differ
from the snapshot's.

>>> parse_verified_list("## Places (P625)\\n| entity | QID | lat, lon |\\n|---|---|---|\\n"
...                     "| Almaty | Q35493 | 43.24, 76.915 |")
{'Q35493': {'label': 'Almaty', 'aliases': [], 'kind': 'place', 'coordinates': [43.24, 76.915]}}
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..namespaces import GEO, SCO, WD
from .report import Violation, short_name

LINK_RULE = "gate:WikidataSnapshotRule"
SNAPSHOT = Path("data") / "links" / "wikidata-snapshot.json"
SECTIONS = {"places": "place", "organisations and people": "agent", "topics": "topic", "classes": "class"}
KIND_CLASS = {"place": SCO.Location, "agent": SCO.Agent, "topic": SKOS.Concept}
ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*(Q\d+)\s*\|(?:\s*([-\d.]+)\s*,\s*([-\d.]+)\s*\|)?")


def parse_verified_list(text: str) -> dict[str, dict]:
    """The verified list (markdown tables under ## headings) as snapshot items: name, other names, kind, P625."""
    items: dict[str, dict] = {}
    kind = ""
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip().lower()
            kind = next((k for name, k in SECTIONS.items() if heading.startswith(name)), "")
            continue
        m = ROW.match(line)
        if not (m and kind):
            continue
        name, qid, lat, long = m.groups()
        label, _, rest = name.partition(" (")
        aliases = [re.sub(r"^the ", "", rest.rstrip(")"))] if rest else []
        coordinates = [float(lat), float(long)] if lat and long else None
        items[qid] = {"label": label.strip(), "aliases": aliases, "kind": kind, "coordinates": coordinates}
    return items


def read_snapshot(root: str | Path) -> dict[str, dict] | None:
    path = Path(root) / SNAPSHOT
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["items"]


def write_snapshot(root: str | Path, items: dict[str, dict], origin: str) -> Path:
    path = Path(root) / SNAPSHOT
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"written_by": "scokg link check --write-snapshot", "from": origin,
            "items": {q: items[q] for q in sorted(items, key=lambda q: int(q[1:]))}}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def _problems(data: rdflib.Graph, entity, path, item: dict | None) -> list[str]:
    if item is None:
        return ["the Wikidata snapshot (data/links/wikidata-snapshot.json) does not hold this item: link only what "
                "scokg link check --write-snapshot recorded"]
    kind = item.get("kind")
    if path == DCTERMS.subject:
        return [] if kind == "topic" else [f"the item is a {kind}, not a topic"]
    out = []
    wanted = KIND_CLASS.get(kind or "")
    if wanted is None or not any((entity, RDF.type, c) in data for c in _subclasses(data, wanted)):
        out.append(f"the snapshot has the item as a {kind}, which this entity is not")
    names = {_norm(str(n)) for p in (RDFS.label, SKOS.altLabel, SKOS.prefLabel) for n in data.objects(entity, p)}
    if not names & {_norm(n) for n in [item.get("label", ""), *item.get("aliases", [])]}:
        out.append(f"none of the entity's names is the item's ({item.get('label')})")
    coordinates = item.get("coordinates")
    lat, long = data.value(entity, GEO.lat), data.value(entity, GEO.long)
    if lat is not None and (coordinates is None or Decimal(str(lat)) != Decimal(str(coordinates[0]))
                            or long is None or Decimal(str(long)) != Decimal(str(coordinates[1]))):
        out.append(f"the coordinates {lat}, {long} are not the item's {coordinates}")
    return out


def _subclasses(data: rdflib.Graph, cls) -> set:
    found, todo = {cls}, [cls]
    while todo:
        for sub in data.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _record_problems(data: rdflib.Graph, entity, path, value, item: dict) -> list[str]:
    out = []
    for record in data.subjects(RDF.object, value):
        if data.value(record, RDF.subject) != entity or data.value(record, RDF.predicate) != path:
            continue
        name = data.value(record, SCO.listedName)
        if name is not None and str(name).partition(" (")[0] != item.get("label"):
            out.append(f"its record names the item {name}, the snapshot {item.get('label')}")
        coords = [data.value(record, SCO.listedLatitude), data.value(record, SCO.listedLongitude)]
        given = [float(str(c)) for c in coords if c is not None]
        if coords[0] is not None and given != (item.get("coordinates") or []):
            out.append(f"its record gives the coordinates {coords[0]}, {coords[1]}, the snapshot "
                       f"{item.get('coordinates')}")
        kind = data.value(record, SCO.listedAs)
        if kind is not None and kind != KIND_CLASS.get(item.get("kind") or ""):
            out.append(f"its record lists the item as {short_name(kind)}, the snapshot as a {item.get('kind')}")
    return out


def check_links(data: rdflib.Graph, ontology: rdflib.Graph, snapshot: dict[str, dict] | None,
                origin: dict | None = None) -> list[Violation]:
    """One violation per Wikidata link (owl:sameAs, dcterms:subject) that the snapshot does not bear out."""
    origin = origin or {}
    both = data + ontology
    out = []
    for path in (OWL.sameAs, DCTERMS.subject):
        for entity, value in sorted(data.subject_objects(path)):
            if not (isinstance(value, URIRef) and str(value).startswith(str(WD))):
                continue
            item = (snapshot or {}).get(str(value).removeprefix(str(WD)))
            problems = _problems(both, entity, path, item)
            if item is not None:
                problems += _record_problems(data, entity, path, value, item)
            for problem in problems:
                out.append(Violation(focus=short_name(entity), path=short_name(path), constraint=LINK_RULE,
                                     severity="Violation", shape=LINK_RULE, source_file=origin.get(entity, ""),
                                     message=f"{short_name(path)} {short_name(value)}: {problem}."))
    return out


def linked_qids(data: rdflib.Graph) -> set[str]:
    return {str(o).removeprefix(str(WD)) for p in (OWL.sameAs, DCTERMS.subject) for o in data.objects(None, p)
            if isinstance(o, URIRef) and str(o).startswith(str(WD))} - {""}
