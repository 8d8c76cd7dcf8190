"""`scokg link` against a real SPARQL server on 127.0.0.1 serving a Wikidata-shaped fixture."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from conftest import ROOT
from scokg.cli import cli
from scokg.errors import UpstreamError
from scokg.store import build_store
from scokg.wikidata import BATCH, WikidataClient, check_links, suggest_links
from wikidata_support import FixtureServer, FlakyProxy, SilentServer

ID = "https://w3id.org/scokg/id/"


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory):
    with FixtureServer(tmp_path_factory.mktemp("wd")) as server:
        yield server


def _links(root) -> int:
    """How many owl:sameAs links to Wikidata the project's graph holds, wherever they are written."""
    store = build_store(root)
    try:
        return len(store.select("""SELECT DISTINCT ?e ?item WHERE { ?e <http://www.w3.org/2002/07/owl#sameAs> ?item
            FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/")) }"""))
    finally:
        store.close()


def test_every_real_link_checks_green(wikidata):
    store = build_store(ROOT)
    try:
        reports = check_links(store, WikidataClient(wikidata.url, timeout=10))
    finally:
        store.close()
    assert len(reports) == _links(ROOT)
    assert [r for r in reports if not r.ok] == []


def test_cli_check_passes_and_reports_json(wikidata):
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(ROOT), "link", "check", "--endpoint", wikidata.url])
    assert result.exit_code == 0, result.output
    assert f"All {_links(ROOT)} links fit" in result.output
    result = runner.invoke(cli, ["--root", str(ROOT), "link", "check", "--endpoint", wikidata.url, "--json"])
    doc = json.loads(result.output)
    assert {r["entity"] for r in doc} >= {ID + "almaty", ID + "astana"} and all(r["ok"] for r in doc)


@pytest.mark.parametrize("swap,expected", [
    (("Q35493", "Q200881"), ("label differs", "type does not fit")),   # Almaty → a person
    (("Q35493", "Q9361"), ("label differs", "km apart")),              # Almaty → Bishkek
])
def test_a_swapped_link_is_caught_and_named(wikidata, project_copy, swap, expected):
    links = project_copy / "data" / "links" / "wikidata.ttl"
    text = links.read_text()
    links.write_text(text.replace(f"id:almaty owl:sameAs wd:{swap[0]}", f"id:almaty owl:sameAs wd:{swap[1]}"))
    result = CliRunner().invoke(cli, ["--root", str(project_copy), "link", "check", "--endpoint", wikidata.url])
    assert result.exit_code == 1
    wrong = [line for line in result.output.splitlines() if line.startswith("WRONG")]
    assert len(wrong) == 1 and "Almaty" in wrong[0] and swap[1] in wrong[0]
    for words in expected:
        assert words in wrong[0]


def test_missing_link_is_suggested_with_the_right_item_first(wikidata, tmp_path):
    store = build_store(ROOT)
    try:
        suggestions = suggest_links(store, WikidataClient(wikidata.url, timeout=10))
    finally:
        store.close()
    turkistan = [c for c in suggestions if c.entity == ID + "turkistan"]
    assert turkistan and turkistan[0].qid == "Q999000001"
    assert "Q999000002" not in {c.qid for c in turkistan}, "a person of the same name is not a city"


def test_suggest_writes_a_review_file_and_leaves_data_alone(wikidata, project_copy, tmp_path):
    before = {p: p.read_bytes() for p in (project_copy / "data").rglob("*") if p.is_file()}
    out = tmp_path / "review.tsv"
    result = CliRunner().invoke(cli, ["--root", str(project_copy), "link", "suggest", "--endpoint", wikidata.url,
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Q999000001" in out.read_text()
    assert before == {p: p.read_bytes() for p in (project_copy / "data").rglob("*") if p.is_file()}


def test_429_is_retried_honouring_retry_after(wikidata):
    waits = []
    with FlakyProxy(wikidata.url, failures=2) as proxy:
        client = WikidataClient(proxy.url, timeout=10, sleep=waits.append)
        info = client.describe_items(["Q1520"])
    assert proxy.requests == 3 and waits == [1.0, 1.0]
    assert "Astana" in info["Q1520"]["labels"]


def test_5xx_is_retried_with_backoff(wikidata):
    waits = []
    with FlakyProxy(wikidata.url, failures=1, status=503) as proxy:
        info = WikidataClient(proxy.url, timeout=10, sleep=waits.append).describe_items(["Q9361"])
    assert proxy.requests == 2 and len(waits) == 1
    assert "Bishkek" in info["Q9361"]["labels"]


def test_a_hanging_endpoint_times_out_with_a_clear_message():
    with SilentServer() as silent:
        started = time.monotonic()
        with pytest.raises(UpstreamError, match="did not answer within 1 s"):
            WikidataClient(silent.url, timeout=1, retries=0).describe_items(["Q1520"])
        assert time.monotonic() - started < 5
        result = CliRunner().invoke(cli, ["--root", str(ROOT), "link", "check", "--endpoint", silent.url,
                                          "--timeout", "1"])
    assert result.exit_code == 2 and "did not answer within 1 s" in result.output


def test_links_check_from_an_rdflib_graph_against_an_endpoint_url(wikidata):
    import rdflib

    g = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").rglob("*.ttl")):
        g.parse(path)
    reports = check_links(g, wikidata.url, timeout=10)
    assert len(reports) == _links(ROOT) and all(r.ok for r in reports)


def test_a_region_linked_to_a_country_is_caught(wikidata, project_copy):
    links = project_copy / "data" / "links" / "wikidata.ttl"
    links.write_text(links.read_text().replace("id:central-asia owl:sameAs wd:Q27275",
                                               "id:central-asia owl:sameAs wd:Q232"))
    store = build_store(project_copy)
    try:
        reports = {r.entity: r for r in check_links(store, wikidata.url, timeout=10)}
    finally:
        store.close()
    wrong = [r for r in reports.values() if not r.ok]
    assert [r.entity for r in wrong] == [ID + "central-asia"]
    assert any("label differs" in p for p in wrong[0].problems)
    assert any("type does not fit" in p and "Q6256" in p for p in wrong[0].problems)


def test_requests_are_batched_posted_and_identify_themselves(wikidata):
    qids = [f"Q{n}" for n in range(1, 2 * BATCH + 2)] + ["Q1520"]  # three batches, one real item
    with FlakyProxy(wikidata.url, failures=0) as proxy:
        info = WikidataClient(proxy.url, timeout=10).describe_items(qids)
    assert len(proxy.seen) == -(-len(qids) // BATCH) == 3
    for method, headers, body in proxy.seen:
        assert method == "POST"
        agent = headers["User-Agent"]
        assert agent.startswith("scokg/") and "https://w3id.org/scokg" in agent and "SPARQLWrapper/" in agent
        query = parse_qs(body.decode())["query"][0]
        assert "VALUES ?item" in query and query.count("wd:Q") <= BATCH
    assert "Astana" in info["Q1520"]["labels"] and not info["Q2"]["labels"]


def test_retry_after_is_waited_for_real(wikidata):
    started = time.monotonic()
    with FlakyProxy(wikidata.url, failures=1) as proxy:
        info = WikidataClient(proxy.url, timeout=5).describe_items(["Q35493"])
    assert proxy.requests == 2 and time.monotonic() - started >= 1.0  # Retry-After: 1
    assert "Almaty" in info["Q35493"]["labels"]


def test_an_endpoint_that_keeps_refusing_gives_up_with_a_clear_message(wikidata):
    waits = []
    with FlakyProxy(wikidata.url, failures=10) as proxy, \
            pytest.raises(UpstreamError, match=r"answered HTTP 429 after 3 attempts"):
        WikidataClient(proxy.url, timeout=5, retries=2, sleep=waits.append).describe_items(["Q1520"])
    assert proxy.requests == 3 and waits == [1.0, 1.0]


def test_an_entity_with_two_links_has_each_checked(wikidata, project_copy):
    links = project_copy / "data" / "links" / "wikidata.ttl"
    links.write_text(links.read_text() + "\nid:astana owl:sameAs wd:Q9361 .\n")  # a second, wrong item
    store = build_store(project_copy)
    try:
        reports = [r for r in check_links(store, wikidata.url, timeout=10) if r.entity == ID + "astana"]
    finally:
        store.close()
    assert {(r.qid, r.ok) for r in reports} == {("Q1520", True), ("Q9361", False)}
