"""The federated example queries join scokg's graph with a Wikidata-shaped endpoint on 127.0.0.1, through the
SERVICE allow-list; a failing or hanging remote end gets a clear 502 or 504.

SERVICE is carried out by scokg itself (``store/federation``: the allow-list, ``service_timeout``, no redirects),
and its answer joined where it stood; the engine never calls out. The expected rows come
from an oracle: the same query with the SERVICE wrapper removed, run over one local store holding both our graph
and the fixture.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conftest import ROOT
from scokg.config import load_settings
from scokg.graph.load import SOURCE_GRAPHS, source_files
from scokg.web.app import create_app
from scokg.web.examples import load_examples
from wikidata_support import FIXTURE, FixtureServer, SilentServer

WIKIDATA = "https://query.wikidata.org/sparql"
FEDERATED = [e for e in load_examples() if e.federated]
ID = "https://w3id.org/scokg/id/"
WD = "http://www.wikidata.org/entity/"


class RedirectServer:
    """Answers every request with 307 to ``target``: an allowed endpoint that points elsewhere."""

    def __init__(self, target: str):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(307)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/query"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _app(allow: str, **extra):
    settings = load_settings({"root": str(ROOT), "service_allowlist": allow, "cache_bytes": 0, **extra},
                             environ={})
    return create_app(settings)


def _rows_json(doc) -> set[tuple]:
    names = doc["head"]["vars"]
    return {tuple(row.get(n, {}).get("value") for n in names) for row in doc["results"]["bindings"]}


def _oracle(query: str) -> set[tuple]:
    """The query without SERVICE, over our ontology and data plus the fixture in one store."""
    store = ox.Store()
    for f in source_files(ROOT):
        if f.graph != SOURCE_GRAPHS["shapes"]:
            store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                         for t in ox.parse(path=str(f.path), format=f.format))
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    local = re.sub(r"SERVICE\s+<[^>]+>\s*\{", "{", query)
    res = store.query(local)
    names = [v.value for v in res.variables]
    return {tuple(None if row[n] is None else row[n].value for n in names) for row in res}


DEAD = "http://127.0.0.1:9/query"  # the discard port: nothing listens, the connection is refused
SERVICE_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory):
    """One app whose allow-list holds the fixture server, a dead port and a server that never answers."""
    with FixtureServer(tmp_path_factory.mktemp("wd")) as wikidata, SilentServer() as silent, \
            RedirectServer(wikidata.url) as redirect:
        app = _app(",".join([wikidata.url, DEAD, silent.url, redirect.url]), service_timeout=SERVICE_TIMEOUT)
        try:
            yield app.test_client(), wikidata.url, silent, redirect
        finally:
            app.extensions["scokg"].runtime.close()


@pytest.fixture()
def joined(endpoints):
    return endpoints[:2]


def _ask(client, query):
    r = client.get("/sparql?query=" + quote(query), headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return json.loads(r.data)


def test_there_are_three_federated_examples_aimed_at_wikidata_with_titles():
    assert len(FEDERATED) == 3
    for e in FEDERATED:
        assert f"SERVICE <{WIKIDATA}>" in e.query
        assert e.titles.get("en") and e.titles.get("de") and e.titles["en"] != e.titles["de"]


@pytest.mark.parametrize("example", FEDERATED, ids=[e.name for e in FEDERATED])
def test_federated_example_returns_the_joined_rows(joined, example):
    client, url = joined
    query = example.query.replace(WIKIDATA, url)
    doc = _ask(client, query)
    rows = _rows_json(doc)
    assert rows, "no joined rows"
    assert rows == _oracle(query)
    for row in rows:  # each row carries our entity and a value that only the Wikidata side has
        assert any(v and v.startswith(ID) for v in row)
        assert any(v and (v.startswith(WD) or v.startswith("Point(")) for v in row)


def test_coordinates_join_initiatives_with_their_places(joined):
    client, url = joined
    example = next(e for e in FEDERATED if "coordinates" in e.name)
    doc = _ask(client, example.query.replace(WIKIDATA, url))
    got = {(r["place"]["value"], r["coordinates"]["value"]) for r in doc["results"]["bindings"]}
    # every place an initiative is located in and linked to Wikidata appears with the fixture's P625
    assert (ID + "astana", "Point(71.4333 51.1333)") in got
    assert (ID + "almaty", "Point(76.915 43.24)") in got
    assert not any(place == ID + "turkistan" for place, _ in got), "Turkistan has no link, so no join"


def test_countries_come_from_wikidata_and_map_back_to_ours(joined):
    client, url = joined
    example = next(e for e in FEDERATED if "countries" in e.name)
    doc = _ask(client, example.query.replace(WIKIDATA, url))
    rows = doc["results"]["bindings"]
    assert rows and all(r["country"]["value"] == WD + "Q232" for r in rows if r["place"]["value"] != ID + "bishkek")
    assert {r["ourCountry"]["value"] for r in rows if "ourCountry" in r} == {ID + "kazakhstan"}


def test_a_service_outside_the_allow_list_is_refused(joined):
    client, _ = joined
    r = client.get("/sparql?query=" + quote(FEDERATED[0].query))  # still aimed at the real Wikidata
    assert r.status_code == 400 and "not allowed" in r.get_json()["error"]


def test_a_failing_remote_end_is_a_502(endpoints):
    client = endpoints[0]
    r = client.get("/sparql?query=" + quote(FEDERATED[0].query.replace(WIKIDATA, DEAD)))
    body = r.get_json()
    assert r.status_code == 502 and "SERVICE" in body["error"] and body["ok"] is False


def test_a_hanging_remote_end_is_a_504_within_the_service_timeout(endpoints):
    client, _, silent, _ = endpoints
    started = time.monotonic()
    r = client.get("/sparql?query=" + quote(FEDERATED[0].query.replace(WIKIDATA, silent.url)))
    assert r.status_code == 504 and f"{SERVICE_TIMEOUT:g} s" in r.get_json()["error"]
    assert time.monotonic() - started < SERVICE_TIMEOUT + 3
    assert silent.connections >= 1, "the SERVICE call reached the remote end"
    # and the endpoint keeps answering
    assert client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }")).status_code == 200


def test_a_redirect_from_an_allowed_endpoint_is_not_followed(endpoints):
    # scokg's client follows no redirect: an allowed endpoint cannot send the SERVICE call to another host
    client, _, _, redirect = endpoints
    r = client.get("/sparql?query=" + quote(FEDERATED[0].query.replace(WIKIDATA, redirect.url)))
    assert r.status_code == 502 and "307" in r.get_json()["error"]
