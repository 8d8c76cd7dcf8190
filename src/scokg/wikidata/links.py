"""Our links against Wikidata's items: ``check_links`` asks about every linked item (label, type, coordinates),
``suggest_links`` ranks candidates for entities without a link, ``write_review_file`` writes them for a person to
review. Our side is read from a scokg store (anything with ``select(text)``) or an rdflib graph."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from ..namespaces import SCO
from .client import ENTITY, WIKIDATA_SPARQL, WikidataClient

# Our class → the P31 values that fit it (only classes whose QIDs the team verified). A class mapped to an empty set
# fits none of the known types: a region linked to a city, a country or a person is wrong.
FITTING_TYPES = {
    f"{SCO}City": {"Q515", "Q5119"},
    f"{SCO}Country": {"Q6256", "Q3624078"},
    f"{SCO}Person": {"Q5"},
    f"{SCO}Organisation": {"Q484652", "Q31855", "Q11032"},
    f"{SCO}Region": set(),
}
KNOWN_TYPES = set().union(*FITTING_TYPES.values())
ABBREVIATIONS = {"sco": "shanghai cooperation organisation", "un": "united nations", "uk": "united kingdom",
                 "usa": "united states of america", "kaziss": "kazakhstan institute for strategic studies",
                 "soz": "shanghai cooperation organisation", "uno": "united nations"}
SPELLINGS = {"organization": "organisation", "center": "centre", "program": "programme"}


@dataclass
class LinkReport:
    entity: str
    qid: str
    label: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"entity": self.entity, "qid": self.qid, "label": self.label, "ok": self.ok, "problems": self.problems}


@dataclass
class Candidate:
    entity: str
    label: str
    qid: str
    item_label: str
    score: int
    reason: str


def normalise(label: str) -> str:
    """Compare labels without case, diacritics, punctuation, spelling variants or common abbreviations.

    >>> normalise("Shanghai Cooperation Organization") == normalise("SCO")
    True
    >>> normalise("Bishkek") == normalise("Bíshkek")
    True
    >>> normalise("the United Nations") == normalise("U.N.")
    False
    """
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    words = [SPELLINGS.get(w, w) for w in text.split() if w != "the"]
    text = " ".join(words)
    return ABBREVIATIONS.get(text, text)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points.

    >>> round(distance_km((51.1333, 71.4333), (43.24, 76.915)))
    970
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _client(endpoint, timeout: float) -> WikidataClient:
    return endpoint if isinstance(endpoint, WikidataClient) else WikidataClient(endpoint or WIKIDATA_SPARQL,
                                                                               timeout=timeout)


def _select(source, query: str) -> list[dict]:
    """Rows of a SELECT over a scokg store (``select``) or an rdflib graph (``query``), as name → rdflib term."""
    if hasattr(source, "select"):
        return source.select(query)
    return [{k: v for k, v in row.asdict().items() if v is not None} for row in source.query(query)]


LINKED = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?e ?item ?class ?label ?name ?lat ?long WHERE {{
  ?e owl:sameAs ?item FILTER(STRSTARTS(STR(?item), "{ENTITY}"))
  OPTIONAL {{ ?e a ?class }}
  OPTIONAL {{ ?e rdfs:label|skos:altLabel ?label }}
  OPTIONAL {{ ?e rdfs:label ?name FILTER(LANGMATCHES(LANG(?name), "en")) }}
  OPTIONAL {{ ?e geo:lat ?lat ; geo:long ?long }}
}}"""


def _entities(rows) -> dict[tuple[str, str], dict]:
    """Our side, one entry per (entity, QID): an entity linked to two items is checked twice."""
    found: dict[tuple[str, str], dict] = {}
    for r in rows:
        qid = str(r.get("item", "")).removeprefix(ENTITY)
        e = found.setdefault((str(r["e"]), qid), {"qid": qid, "classes": set(), "labels": set(), "names": set(),
                                                  "point": None})
        if "class" in r:
            e["classes"].add(str(r["class"]))
        if "label" in r:
            e["labels"].add(str(r["label"]))
        if "name" in r:
            e["names"].add(str(r["name"]))
        if "lat" in r:
            e["point"] = (float(r["lat"]), float(r["long"]))
    return found


def _fitting(classes: set[str]) -> set[str] | None:
    """The P31 values that fit an entity of these classes; None when none of them is checkable."""
    checkable = [FITTING_TYPES[c] for c in classes if c in FITTING_TYPES]
    return set().union(*checkable) if checkable else None


def _label_of(e: dict, iri: str) -> str:
    """The entity's English label for display (any label, or its IRI, when it has none)."""
    names = sorted(e["names"]) or sorted(e["labels"])
    return names[0] if names else iri


def check_links(source, endpoint=WIKIDATA_SPARQL, *, max_km: float = 50.0, timeout: float = 30) -> list[LinkReport]:
    """Every owl:sameAs link to Wikidata, with what is wrong about it (label, type, coordinates); [] when none is."""
    client = _client(endpoint, timeout)
    ours = _entities(_select(source, LINKED))
    theirs = client.describe_items(sorted({e["qid"] for e in ours.values()}))
    reports = []
    for (iri, _), e in sorted(ours.items()):
        item = theirs.get(e["qid"], {"labels": set(), "types": set(), "points": []})
        report = LinkReport(iri, e["qid"], _label_of(e, iri))
        if not (item["labels"] or item["types"] or item["points"]):
            report.problems.append("the item is unknown to the endpoint")
            reports.append(report)
            continue
        if not {normalise(x) for x in e["labels"]} & {normalise(x) for x in item["labels"]}:
            report.problems.append("label differs: ours " + ", ".join(sorted(e["labels"]))
                                   + "; Wikidata's " + ", ".join(sorted(item["labels"])))
        fitting = _fitting(e["classes"])
        if fitting is not None and item["types"] & KNOWN_TYPES and not item["types"] & fitting:
            report.problems.append("type does not fit: Wikidata says instance of " + ", ".join(sorted(item["types"])))
        if e["point"] and item["points"]:
            km = min(distance_km(e["point"], p) for p in item["points"])
            if km > max_km:
                report.problems.append(f"coordinates are {km:.0f} km apart (limit {max_km:g} km)")
        reports.append(report)
    return reports


UNLINKED = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?class ?label ?name WHERE {{
  VALUES ?class {{ {" ".join(f"<{c}>" for c in FITTING_TYPES)} }}
  ?e a ?class ; rdfs:label|skos:altLabel ?label .
  OPTIONAL {{ ?e rdfs:label ?name FILTER(LANGMATCHES(LANG(?name), "en")) }}
  FILTER NOT EXISTS {{ ?e owl:sameAs ?any }}
}}"""


def suggest_links(source, endpoint=WIKIDATA_SPARQL, *, limit: int = 5, timeout: float = 30) -> list[Candidate]:
    """Ranked Wikidata candidates for each entity without a link: exact label or alias matches (en, de), a label
    match above an alias match, a fitting type above no known type; items of a type that cannot fit are dropped."""
    client = _client(endpoint, timeout)
    ours = {iri: e for (iri, _), e in _entities(_select(source, UNLINKED)).items()}
    by_label: dict[str, list[str]] = {}
    for iri, e in ours.items():
        for label in e["labels"]:
            by_label.setdefault(label, []).append(iri)
    rows = client.find_by_labels(sorted(by_label))
    found: dict[str, dict[str, Candidate]] = {iri: {} for iri in ours}
    for row in rows:
        qid = row["item"]["value"].removeprefix(ENTITY)
        typ = row.get("type", {}).get("value", "").removeprefix(ENTITY)
        how = row["how"]["value"]
        for iri in by_label.get(row["label"]["value"], []):
            fitting = _fitting(ours[iri]["classes"]) or set()
            score = (2 if how == "label" else 1) + (4 if typ in fitting else 0)
            if typ in KNOWN_TYPES and typ not in fitting:
                score = -1  # a known type of another class: a person for a city
            best = found[iri].get(qid)
            # one P31 that cannot fit disqualifies the item, whatever its other types
            if best is not None and (best.score < 0 or score < 0):
                best.score = -1
                continue
            if best is None or score > best.score:
                reason = f"{how} match" + (f", instance of {typ}" if typ else "")
                found[iri][qid] = Candidate(iri, _label_of(ours[iri], iri), qid, row["label"]["value"], score, reason)
    suggestions: list[Candidate] = []
    for iri in sorted(found):
        ranked = sorted((c for c in found[iri].values() if c.score >= 0), key=lambda c: (-c.score, c.qid))
        suggestions.extend(ranked[:limit])
    return suggestions


def write_review_file(path, suggestions: list[Candidate]) -> None:
    """The candidates as a tab-separated file for a person to review; data/ is never edited."""
    lines = ["entity\tour label\twikidata\twikidata label\tscore\treason"]
    lines += [f"{c.entity}\t{c.label}\t{ENTITY}{c.qid}\t{c.item_label}\t{c.score}\t{c.reason}" for c in suggestions]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
