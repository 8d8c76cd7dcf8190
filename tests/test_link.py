"""`scokg link` against a real SPARQL server on 127.0.0.1 serving a Wikidata-shaped fixture."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from conftest import ROOT
from scokg.cli import cli
from scokg.errors import UpstreamError
from scokg.store import build_store
from scokg.wikidata import WikidataClient, check_links, suggest_links
from wikidata_support import FixtureServer, FlakyProxy, SilentServer

ID = "https://w3id.org/scokg/id/"


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory):
    with FixtureServer(tmp_path_factory.mktemp("wd")) as server:
        yield server


def _links(root) -> int:
    return sum(line.count("owl:sameAs") for line in (root / "data" / "links" / "wikidata.ttl").read_text().splitlines()
               if not line.startswith("#"))


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
