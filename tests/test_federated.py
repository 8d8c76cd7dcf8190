"""The federated example queries join scokg's graph with a Wikidata-shaped endpoint on 127.0.0.1, through the
SERVICE allow-list; a failing or hanging remote end gets a clear 502 or 504."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from conftest import ROOT
from scokg.app import create_app
from scokg.config import load_settings
from scokg.examples import load_examples
from wikidata_support import FixtureServer, SilentServer

WIKIDATA = "https://query.wikidata.org/sparql"
FEDERATED = [e for e in load_examples() if e.federated]


def _app(allow: str, **extra):
    settings = load_settings({"root": str(ROOT), "service_allowlist": allow, "cache_entries": 0, **extra},
                             environ={})
    return create_app(settings)


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    with FixtureServer(tmp_path_factory.mktemp("wd")) as wikidata:
        app = _app(wikidata.url)
        yield app.test_client(), wikidata.url
        app.extensions["scokg"].runtime.close()


def test_there_are_three_federated_examples_aimed_at_wikidata():
    assert len(FEDERATED) == 3
    for e in FEDERATED:
        assert f"SERVICE <{WIKIDATA}>" in e.query


@pytest.mark.parametrize("example", FEDERATED, ids=[e.name for e in FEDERATED])
def test_federated_example_returns_joined_rows(joined, example):
    client, url = joined
    query = example.query.replace(WIKIDATA, url)
    r = client.get("/sparql?query=" + quote(query), headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    doc = json.loads(r.data)
    rows = doc["results"]["bindings"]
    assert rows, "no joined rows"
    ours = [v for v in doc["head"]["vars"] if v in ("thing", "place", "proposer")]
    theirs = [v for v in doc["head"]["vars"] if v in ("coordinates", "type", "wikidataLabel")]
    for row in rows:
        assert row[ours[0]]["value"].startswith("https://w3id.org/scokg/id/")
        assert any(v in row for v in theirs)


def test_coordinates_join_places_of_both_sides(joined):
    client, url = joined
    query = FEDERATED[0].query.replace(WIKIDATA, url)
    rows = json.loads(client.get("/sparql?query=" + quote(query)).data)["results"]["bindings"]
    things = {r["thing"]["value"].rsplit("/", 1)[1]: r["coordinates"]["value"] for r in rows}
    assert things["sco-digital-forum-2024"] == "Point(71.4333 51.1333)"  # Astana
    assert things["un-regional-centre-sdg"] == "Point(76.915 43.24)"  # Almaty


def test_a_service_outside_the_allow_list_is_refused(joined):
    client, _ = joined
    r = client.get("/sparql?query=" + quote(FEDERATED[0].query))  # still aimed at the real Wikidata
    assert r.status_code == 400 and "not allowed" in r.get_json()["error"]


def test_a_failing_remote_end_is_a_502():
    app = _app("http://127.0.0.1:9/query")
    try:
        query = FEDERATED[0].query.replace(WIKIDATA, "http://127.0.0.1:9/query")
        r = app.test_client().get("/sparql?query=" + quote(query))
        assert r.status_code == 502 and "SERVICE" in r.get_json()["error"]
    finally:
        app.extensions["scokg"].runtime.close()


def test_a_hanging_remote_end_is_a_504_within_the_service_timeout():
    with SilentServer() as silent:
        app = _app(silent.url, service_timeout=1.5)
        try:
            query = FEDERATED[0].query.replace(WIKIDATA, silent.url)
            r = app.test_client().get("/sparql?query=" + quote(query))
            assert r.status_code == 504 and "1.5 s" in r.get_json()["error"]
            # and the endpoint keeps answering
            assert app.test_client().get("/sparql?query=" + quote("ASK { ?s ?p ?o }")).status_code == 200
        finally:
            app.extensions["scokg"].runtime.close()
