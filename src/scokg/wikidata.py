"""Links to Wikidata, checked and suggested against a Wikidata SPARQL endpoint.

Library functions return values; ``scokg link`` prints them. Requests follow Wikimedia's policy: a descriptive
User-Agent, batches of at most 50 items in one ``VALUES`` query sent by POST, a timeout, and retries with backoff
on 429 and 5xx that honour ``Retry-After``.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
import urllib.error
from dataclasses import dataclass, field

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from . import __version__
from .errors import UpstreamError
from .namespaces import SCO

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
USER_AGENT = f"scokg/{__version__} (https://w3id.org/scokg; linked-data publisher of the scokg graph) SPARQLWrapper"
ENTITY = "http://www.wikidata.org/entity/"
BATCH = 50
# Our class → the P31 values that fit it (only classes whose QIDs the team verified).
FITTING_TYPES = {
    f"{SCO}City": {"Q515", "Q5119"},
    f"{SCO}Country": {"Q6256", "Q3624078"},
    f"{SCO}Person": {"Q5"},
    f"{SCO}Organisation": {"Q484652", "Q31855", "Q11032"},
}
KNOWN_TYPES = set().union(*FITTING_TYPES.values())
ABBREVIATIONS = {"sco": "shanghai cooperation organisation", "un": "united nations", "uk": "united kingdom",
                 "usa": "united states of america", "kaziss": "kazakhstan institute for strategic studies"}
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
    """
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    words = [SPELLINGS.get(w, w) for w in text.split() if w != "the"]
    text = " ".join(words)
    return ABBREVIATIONS.get(text, text)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def parse_point(wkt: str) -> tuple[float, float] | None:
    """Wikidata's P625 literal, 'Point(lon lat)', as (lat, lon)."""
    m = re.match(r"\s*Point\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)", wkt)
    return (float(m.group(2)), float(m.group(1))) if m else None


class WikidataClient:
    """A polite client for one SPARQL endpoint."""

    def __init__(self, endpoint: str = WIKIDATA_SPARQL, timeout: float = 30, retries: int = 4,
                 backoff: float = 1.0, sleep=time.sleep):
        self.endpoint, self.timeout, self.retries, self.backoff, self.sleep = endpoint, timeout, retries, backoff, sleep

    def select(self, query: str) -> list[dict]:
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(self.timeout)
        wrapper.setQuery(query)
        for attempt in range(self.retries + 1):
            try:
                return wrapper.query().convert()["results"]["bindings"]
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500 or attempt == self.retries:
                    raise UpstreamError(f"{self.endpoint} answered HTTP {exc.code}") from None
                self.sleep(self._wait(exc.headers.get("Retry-After"), attempt))
            except EndPointInternalError:
                if attempt == self.retries:
                    raise UpstreamError(f"{self.endpoint} failed with an internal error") from None
                self.sleep(self._wait(None, attempt))
            except (TimeoutError, urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if "timed out" in str(reason):
                    raise UpstreamError(f"{self.endpoint} did not answer within {self.timeout:g} s") from None
                raise UpstreamError(f"cannot reach {self.endpoint}: {reason}") from None
            except SPARQLWrapperException as exc:
                raise UpstreamError(f"{self.endpoint} refused the query: {exc}") from None
        raise UpstreamError(f"{self.endpoint} kept failing")  # pragma: no cover - the loop returns or raises

    def _wait(self, retry_after: str | None, attempt: int) -> float:
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after.strip())
        return self.backoff * 2 ** attempt

    def describe_items(self, qids: list[str]) -> dict[str, dict]:
        """Labels (en, de, with alternatives), P31 and P625 of items, one VALUES query per 50."""
        out: dict[str, dict] = {q: {"labels": set(), "types": set(), "points": []} for q in qids}
        for start in range(0, len(qids), BATCH):
            values = " ".join(f"wd:{q}" for q in qids[start:start + BATCH])
            rows = self.select(f"""PREFIX wd: <{ENTITY}>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?item ?label ?type ?point WHERE {{
  VALUES ?item {{ {values} }}
  {{ ?item rdfs:label|skos:altLabel ?label FILTER(LANG(?label) IN ("en", "de")) }}
  UNION {{ ?item wdt:P31 ?type }}
  UNION {{ ?item wdt:P625 ?point }}
}}""")
            for row in rows:
                info = out[row["item"]["value"].removeprefix(ENTITY)]
                if "label" in row:
                    info["labels"].add(row["label"]["value"])
                if "type" in row:
                    info["types"].add(row["type"]["value"].removeprefix(ENTITY))
                if "point" in row and (p := parse_point(row["point"]["value"])):
                    info["points"].append(p)
        return out


LINKED = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?e ?item ?class ?label ?lat ?long WHERE {{
  ?e owl:sameAs ?item FILTER(STRSTARTS(STR(?item), "{ENTITY}"))
  OPTIONAL {{ ?e a ?class }}
  OPTIONAL {{ ?e rdfs:label|skos:altLabel ?label }}
  OPTIONAL {{ ?e geo:lat ?lat ; geo:long ?long }}
}}"""


def _entities(rows, key="item") -> dict[str, dict]:
    found: dict[str, dict] = {}
    for r in rows:
        e = found.setdefault(str(r["e"]), {"qid": str(r.get(key, "")).removeprefix(ENTITY), "classes": set(),
                                           "labels": set(), "point": None})
        if "class" in r:
            e["classes"].add(str(r["class"]))
        if "label" in r:
            e["labels"].add(str(r["label"]))
        if "lat" in r:
            e["point"] = (float(r["lat"]), float(r["long"]))
    return found


def check_links(store, client: WikidataClient, max_km: float = 50.0) -> list[LinkReport]:
    """Every owl:sameAs link to Wikidata, with what is wrong about it (label, type, coordinates)."""
    ours = _entities(store.select(LINKED))
    theirs = client.describe_items(sorted({e["qid"] for e in ours.values()}))
    reports = []
    for iri, e in sorted(ours.items()):
        item = theirs.get(e["qid"], {"labels": set(), "types": set(), "points": []})
        report = LinkReport(iri, e["qid"], sorted(e["labels"])[0] if e["labels"] else iri)
        if not (item["labels"] or item["types"] or item["points"]):
            report.problems.append("the item is unknown to the endpoint")
            reports.append(report)
            continue
        if not {normalise(x) for x in e["labels"]} & {normalise(x) for x in item["labels"]}:
            report.problems.append("label differs: ours " + ", ".join(sorted(e["labels"]))
                                   + "; Wikidata's " + ", ".join(sorted(item["labels"])))
        fitting = set().union(*(FITTING_TYPES.get(c, set()) for c in e["classes"]))
        if fitting and item["types"] & KNOWN_TYPES and not item["types"] & fitting:
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
SELECT ?e ?class ?label WHERE {{
  VALUES ?class {{ {" ".join(f"<{c}>" for c in FITTING_TYPES)} <{SCO}Region> }}
  ?e a ?class ; rdfs:label|skos:altLabel ?label .
  FILTER NOT EXISTS {{ ?e owl:sameAs ?any }}
}}"""


def suggest_links(store, client: WikidataClient, limit: int = 5) -> list[Candidate]:
    """Ranked Wikidata candidates for each entity without a link: label matches (en, de) of a fitting type."""
    ours = _entities(store.select(UNLINKED))
    suggestions: list[Candidate] = []
    for iri, e in sorted(ours.items()):
        values = " ".join(f'"{_escape(x)}"@{lang}' for x in sorted(e["labels"]) for lang in ("en", "de"))
        rows = client.select(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?label ?how ?type WHERE {{
  VALUES ?label {{ {values} }}
  {{ ?item rdfs:label ?label BIND("label" AS ?how) }} UNION {{ ?item skos:altLabel ?label BIND("alias" AS ?how) }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
}}""")
        fitting = set().union(*(FITTING_TYPES.get(c, set()) for c in e["classes"]))
        found: dict[str, Candidate] = {}
        for row in rows:
            qid = row["item"]["value"].removeprefix(ENTITY)
            typ = row.get("type", {}).get("value", "").removeprefix(ENTITY)
            score = (2 if row["how"]["value"] == "label" else 1) + (4 if typ in fitting else 0)
            if typ in KNOWN_TYPES and fitting and typ not in fitting:
                score = -1  # a known type of another class: a person for a city
            best = found.get(qid)
            if best is None or score > best.score:
                reason = f"{row['how']['value']} match" + (f", instance of {typ}" if typ else "")
                found[qid] = Candidate(iri, sorted(e["labels"])[0], qid, row["label"]["value"], score, reason)
        ranked = sorted((c for c in found.values() if c.score >= 0), key=lambda c: (-c.score, c.qid))
        suggestions.extend(ranked[:limit])
    return suggestions


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_review_file(path, suggestions: list[Candidate]) -> None:
    """The candidates as a tab-separated file for a person to review; data/ is never edited."""
    lines = ["entity\tour label\twikidata\twikidata label\tscore\treason"]
    lines += [f"{c.entity}\t{c.label}\t{ENTITY}{c.qid}\t{c.item_label}\t{c.score}\t{c.reason}" for c in suggestions]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
