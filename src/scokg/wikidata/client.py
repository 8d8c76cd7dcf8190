"""The Wikidata SPARQL client: polite (a descriptive User-Agent, batches, POST, a timeout) and patient (retries
with backoff that honour ``Retry-After``)."""

from __future__ import annotations

import email.utils
import re
import time
import urllib.error
from datetime import UTC, datetime
from importlib.metadata import version as package_version

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from .. import __version__
from ..errors import UpstreamError

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
CONTACT = "https://w3id.org/scokg"
ENTITY = "http://www.wikidata.org/entity/"
BATCH = 50
MAX_WAIT = 60.0  # never sleep longer than this for one retry, whatever Retry-After says


def user_agent(contact: str = CONTACT) -> str:
    """The User-Agent Wikimedia asks for: client/version (contact) library/version."""
    return f"scokg/{__version__} ({contact}; scokg link checker) SPARQLWrapper/{package_version('SPARQLWrapper')}"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date.

    >>> retry_after_seconds("2")
    2.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    10.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class WikidataClient:
    """A polite client for one SPARQL endpoint (``sleep`` is injectable so that tests need not wait)."""

    def __init__(self, endpoint: str = WIKIDATA_SPARQL, timeout: float = 30, retries: int = 4,
                 backoff: float = 1.0, sleep=time.sleep, contact: str = CONTACT):
        self.endpoint, self.timeout, self.retries, self.backoff, self.sleep = endpoint, timeout, retries, backoff, sleep
        self.agent = user_agent(contact)
        self.requests = 0

    def select(self, query: str) -> list[dict]:
        """The bindings of a SELECT, as SPARQL JSON rows; UpstreamError when the endpoint fails for good."""
        wrapper = SPARQLWrapper(self.endpoint, agent=self.agent)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.timeout = self.timeout  # type: ignore[assignment]  # not setTimeout(): it truncates to seconds
        wrapper.setQuery(query)
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                answer = wrapper.query().convert()
                if not isinstance(answer, dict):
                    raise UpstreamError(f"{self.endpoint} did not answer with SPARQL JSON")
                return answer["results"]["bindings"]
            except urllib.error.HTTPError as exc:
                if (exc.code != 429 and exc.code < 500) or attempt == self.retries:
                    raise UpstreamError(f"{self.endpoint} answered HTTP {exc.code}"
                                        + (f" after {attempt + 1} attempts" if attempt else "")) from None
                self.sleep(self._wait(exc.headers.get("Retry-After"), attempt))
            except EndPointInternalError:  # SPARQLWrapper's name for HTTP 500
                if attempt == self.retries:
                    raise UpstreamError(f"{self.endpoint} failed with an internal error") from None
                self.sleep(self._wait(None, attempt))
            except (TimeoutError, urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                    raise UpstreamError(f"{self.endpoint} did not answer within {self.timeout:g} s") from None
                raise UpstreamError(f"cannot reach {self.endpoint}: {reason}") from None
            except SPARQLWrapperException as exc:
                raise UpstreamError(f"{self.endpoint} refused the query: {exc}") from None
            except ValueError as exc:  # not JSON: not a SPARQL endpoint
                raise UpstreamError(f"{self.endpoint} did not answer with SPARQL JSON results: {exc}") from None
        raise UpstreamError(f"{self.endpoint} kept failing")  # pragma: no cover - the loop returns or raises

    def _wait(self, retry_after: str | None, attempt: int) -> float:
        seconds = retry_after_seconds(retry_after)
        return min(MAX_WAIT, seconds if seconds is not None else self.backoff * 2 ** attempt)

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
                info = out.get(row["item"]["value"].removeprefix(ENTITY))
                if info is None:
                    continue
                if "label" in row:
                    info["labels"].add(row["label"]["value"])
                if "type" in row:
                    info["types"].add(row["type"]["value"].removeprefix(ENTITY))
                if "point" in row and (p := parse_point(row["point"]["value"])):
                    info["points"].append(p)
        return out

    def find_by_labels(self, labels: list[str]) -> list[dict]:
        """Items whose label or alternative label (en, de) is exactly one of ``labels``, with their P31."""
        rows: list[dict] = []
        for start in range(0, len(labels), BATCH):
            values = " ".join(f'"{_escape(x)}"@{lang}' for x in labels[start:start + BATCH] for lang in ("en", "de"))
            rows += self.select(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?label ?how ?type WHERE {{
  VALUES ?label {{ {values} }}
  {{ ?item rdfs:label ?label BIND("label" AS ?how) }} UNION {{ ?item skos:altLabel ?label BIND("alias" AS ?how) }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
}}""")
        return rows


def parse_point(wkt: str) -> tuple[float, float] | None:
    """Wikidata's P625 literal, 'Point(lon lat)', as (lat, lon).

    >>> parse_point("Point(71.4333 51.1333)")
    (51.1333, 71.4333)
    """
    m = re.match(r"\s*(?:<[^>]*>\s*)?Point\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)", wkt, re.I)
    return (float(m.group(2)), float(m.group(1))) if m else None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
