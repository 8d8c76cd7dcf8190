"""The query page for people: works without scripts, offers the competency questions, shows results as a table,
links to share and to download, escapes whatever the data holds; and a reader runs an example in Chromium."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from conftest import LiveServer, browser_or_skip
from scokg.namespaces import PREFIXES
from scokg.web.examples import load_examples

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_editor_without_scripts_with_prefixes_and_examples(client):
    r = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="query-form" method="get"' in html and "<textarea" in html
    for prefix, ns in PREFIXES.items():
        assert f"PREFIX {prefix}: &lt;{ns}&gt;" in html
    examples = load_examples()
    assert len(examples) >= 10
    for e in examples:
        assert e.title("en").replace("'", "&#39;") in html


def test_german_titles(client):
    html = client.get("/sparql?lang=de", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert load_examples()[0].title("de") in html and "Beispielabfragen" in html


def test_a_browser_query_gets_a_table_share_and_download_links(client):
    example = load_examples()[0]
    r = client.get("/sparql?query=" + quote(example.query), headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    rows = re.findall(r"<tr><td>", html)
    assert len(rows) == example.expected_count
    assert 'id="share-link"' in html
    formats = re.findall(r'class="download" href="[^"]*format=(\w+)', html)
    assert formats == ["json", "xml", "csv", "tsv"]
    # a download link answers in its format
    link = re.search(r'class="download" href="([^"]*format=csv)', html).group(1).replace("&amp;", "&")
    assert client.get(link, headers={"Accept": BROWSER_ACCEPT}).mimetype == "text/csv"


def test_machines_still_get_results(client):
    example = load_examples()[0]
    for accept in (None, "*/*", "application/sparql-results+json", "application/json, text/html;q=0.5"):
        headers = {"Accept": accept} if accept else {}
        r = client.get("/sparql?query=" + quote(example.query), headers=headers)
        assert r.mimetype == "application/sparql-results+json", accept


def test_errors_show_beside_the_query(client):
    r = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p }"), headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 400 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert 'class="error"' in html and "1:" in html and "SELECT * WHERE { ?s ?p }" in html


def test_the_page_escapes_queries_and_values(client):
    hostile = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'
    html = client.get("/sparql?query=" + quote(hostile), headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.browser
def test_reader_runs_an_example_in_chromium(app):
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    example = load_examples()[0]
    with LiveServer(app) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS, timeout=30_000)
        try:
            page = browser.new_page(locale="en-GB")
            page.set_default_timeout(10_000)
            page.route("https://**/*", lambda route: route.abort())  # the CDN is out of reach here
            page.goto(server.url + "/sparql")
            assert page.locator("#query-form").is_visible(), "without YASGUI the plain form stays"
            page.click(f'a.example[data-name="{example.name}"]')
            page.wait_for_selector("table.results")
            cells = page.locator("table.results tbody tr").all_inner_texts()
            assert len(cells) == example.expected_count
            assert "Security and stability" in " ".join(cells)
            # edit and run from the form
            page.fill("#query", "ASK { ?s ?p ?o }")
            page.click("#run")
            page.wait_for_selector("p.boolean")
            assert page.inner_text("p.boolean") == "true"
        finally:
            browser.close()


def test_a_cut_result_says_so_on_the_page(tiny_copy):
    from scokg.config import load_settings
    from scokg.web.app import create_app

    app = create_app(load_settings({"root": str(tiny_copy), "max_rows": 2, "service_allowlist": ""}, environ={}))
    try:
        client = app.test_client()
        query = "SELECT * WHERE { ?s ?p ?o }"
        html = client.get("/sparql?query=" + quote(query), headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
        assert len(re.findall(r"<tr><td>", html)) == 2
        assert 'class="truncated"' in html and "limit of 2 rows" in html
        html = client.get("/sparql?query=" + quote(query + " LIMIT 1"),
                          headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
        assert 'class="truncated"' not in html
    finally:
        app.extensions["scokg"].runtime.close()


# A stand-in for YASGUI, served where the CDN would be: it records what the page asks of it.
FAKE_YASGUI = """window.Yasgui = function (holder, config) {
  var tab = {
    setQuery: function (q) { holder.dataset.query = q; },
    query: function () { holder.dataset.ran = holder.dataset.query; }
  };
  holder.dataset.endpoint2 = config.requestConfig.endpoint;
  this.getTab = function () { return tab; };
};"""


@pytest.mark.browser
def test_yasgui_takes_over_when_it_loads(app):
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    example = load_examples()[1]
    with LiveServer(app) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS, timeout=30_000)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.route("https://**/*.js", lambda route: route.fulfill(body=FAKE_YASGUI,
                                                                     content_type="application/javascript"))
            page.route("https://**/*.css", lambda route: route.fulfill(body="", content_type="text/css"))
            page.goto(server.url + "/sparql")
            page.wait_for_function("document.getElementById('yasgui').dataset.query !== undefined")
            assert not page.locator("#query-form").is_visible(), "YASGUI replaces the plain form"
            holder = page.locator("#yasgui")
            assert holder.get_attribute("data-endpoint2") == "/sparql"
            assert "PREFIX sco: <https://w3id.org/scokg/ontology#>" in holder.get_attribute("data-query")
            page.click(f'a.example[data-name="{example.name}"]')
            assert holder.get_attribute("data-ran") == example.query, "the example runs in YASGUI, in place"
            assert "query=" in page.url, "the address is the example's shareable link"
        finally:
            browser.close()
