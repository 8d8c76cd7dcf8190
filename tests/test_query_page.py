"""The query page for people (issue 14): an editor shipped with the package over a form that works without scripts,
prefixes known to the editor instead of pasted above the query, clean and searchable examples in the reader's
language, results with names beside IRIs, language badges and numbers aligned, a map or a timeline when the result
has coordinates or years, syntax errors as a line with a caret, long queries by POST with a short share link."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from competency_support import expected_answer
from conftest import live_chromium
from page_support import text
from scokg.namespaces import PREFIXES
from scokg.web.examples import load_examples
from scokg.web.query_page import MAX_GET_URL

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXAMPLES = {e.name: e for e in load_examples()}


def page(client, path: str, **kwargs) -> str:
    r = client.get(path, headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "en"}, **kwargs)
    return r.get_data(as_text=True)


def run(client, query: str, lang: str = "en"):
    suffix = "&lang=de" if lang == "de" else ""
    return client.get("/sparql?query=" + quote(query) + suffix, headers={"Accept": BROWSER_ACCEPT,
                                                                          "Accept-Language": "en"})


def test_the_editor_comes_from_the_package_and_the_form_works_without_it(client):
    r = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="query-form" class="query-form" method="get"' in html and "<textarea" in html
    # the editor is an ES module query.js imports from the folder the form names (issue 22: code-split)
    assert 'data-modules="/static/vendor/modules/"' in html and 'src="/static/query.js"' in html
    assert "unpkg" not in html and "cdn" not in html
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'; style-src 'self';")
    assert "https://" not in r.headers["Content-Security-Policy"]
    for path in ("/static/vendor/modules/editor.js", "/static/vendor/modules/chart.js",
                 "/static/vendor/modules/graph.js", "/static/vendor/modules/LICENSES.txt",
                 "/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/LICENSE",
                 "/static/vendor/world-atlas/countries-110m.geojson", "/static/vendor/world-atlas/LICENSE"):
        asset = client.get(path)
        assert asset.status_code == 200, path
        asset.close()


def test_prefixes_are_known_to_the_editor_not_pasted_above_the_query(client):
    html = page(client, "/sparql")
    query = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert query.count("PREFIX") <= 3, "only the prefixes the default query uses"
    terms = client.get("/query/terms.json?lang=de").get_json()
    assert terms["prefixes"] == PREFIXES
    by_curie = {t["curie"]: t for t in terms["terms"]}
    assert by_curie["sco:locatedIn"]["type"] == "property" and by_curie["id:almaty"]["label"] == "Almaty"
    assert by_curie["id:bishkek"]["label"] == "Bischkek"


def test_examples_are_clean_titled_and_described_in_the_readers_language(client):
    en, de = page(client, "/sparql"), page(client, "/sparql?lang=de")
    for e in load_examples():
        assert e.title("en").replace("'", "&#39;") in en and e.title("de").replace("'", "&#39;") in de
        assert e.description("de").replace("'", "&#39;") in de
        assert "# expected" not in e.query and "# title" not in e.query
    assert 'id="example-filter"' in en and "Beispiele durchsuchen" in de
    assert "# expected" not in en and "expected-count" not in en


def test_the_german_examples_ask_for_german_names(client):
    example = EXAMPLES["01-six-priorities"]
    de = page(client, "/sparql?lang=de")
    link = re.search(rf'<a class="example" href="([^"]+)" data-name="{example.name}"', de).group(1)
    result = client.get(link.replace("&amp;", "&"), headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "Sicherheit und Stabilität" in result and "Security and stability" not in result


def test_results_show_names_beside_iris_and_quiet_language_badges(client):
    example = EXAMPLES["01-six-priorities"]
    html = run(client, example.query).get_data(as_text=True)
    assert len(re.findall(r"<tr><td", html)) == expected_answer(example.name)["count"]
    named = '<a href="/id/priority-security">Security and stability</a> <span class="curie">id:priority-security</span>'
    assert named in html
    assert '<span class="badge" title="English">en</span>' in html and "@en" not in text(html)
    assert re.search(r'<p class="count" id="result-count">6 rows in [\d,.]+ ms</p>', html)


def test_numbers_are_right_aligned(client):
    html = run(client, EXAMPLES["02-initiatives-per-priority"].query).get_data(as_text=True)
    assert '<th scope="col" class="num">initiatives</th>' in html
    assert re.search(r'<td class="num"><span>\d+</span>', html)


def test_a_result_with_coordinates_has_a_map_and_one_with_years_a_timeline(client):
    places = run(client, EXAMPLES["12-places-and-wikidata"].query).get_data(as_text=True)
    # a Wikidata item by the name the verified list gives it (the graph holds no label of its own for it)
    assert 'rel="noopener">Almaty</a> <span class="curie">wd:Q35493</span>' in places
    assert 'id="view-map"' in places and re.search(r'<li data-lat="43\.24" data-long="76\.915"><a href="/id/almaty">',
                                                     places)
    years = run(client, EXAMPLES["06-strategies-and-programmes-years"].query).get_data(as_text=True)
    assert 'id="view-timeline"' in years and "tl-span" in years
    assert 'id="view-map"' not in years and 'id="view-timeline"' not in run(
        client, EXAMPLES["01-six-priorities"].query).get_data(as_text=True)


def test_share_and_download_links(client):
    html = run(client, EXAMPLES["01-six-priorities"].query).get_data(as_text=True)
    assert 'id="share-link"' in html
    formats = re.findall(r'class="download" href="[^"]*format=(\w+)', html)
    assert formats == ["json", "xml", "csv", "tsv"]
    link = re.search(r'class="download" href="([^"]*format=csv)', html).group(1).replace("&amp;", "&")
    assert client.get(link, headers={"Accept": BROWSER_ACCEPT}).mimetype == "text/csv"


def test_machines_still_get_results(client):
    example = load_examples()[0]
    for accept in (None, "*/*", "application/sparql-results+json", "application/json, text/html;q=0.5"):
        headers = {"Accept": accept} if accept else {}
        r = client.get("/sparql?query=" + quote(example.query), headers=headers)
        assert r.mimetype == "application/sparql-results+json", accept


def test_a_syntax_error_shows_its_line_with_a_caret_and_a_short_message(client):
    query = "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}"
    r = run(client, query)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and r.mimetype == "text/html"
    # issue 22: the caret stands where the value is missing (the closing brace), not at the triple's subject
    assert 'role="alert"' in html and "on line 4, column 1" in html
    caret = '<pre class="caret" aria-label="Line 4"><code>}\n<span class="caret-mark">^</span></code></pre>'
    assert caret in html and "a value is missing before “}”" in html
    assert 'data-line="4" data-column="1"' in html  # for the editor's mark
    assert "expected one of" not in html and "LATERAL" not in html
    de = run(client, query, "de").get_data(as_text=True)
    assert "in Zeile 4, Spalte 1" in de and "vor „}“ fehlt ein Wert" in de


def test_an_undeclared_known_prefix_is_named_and_can_be_added(client):
    html = run(client, "SELECT ?s WHERE { ?s a sco:City }").get_data(as_text=True)
    assert "the prefix “sco:” is not declared" in html
    fix = re.search(r'<a href="([^"]+)" id="fix-prefixes">', html).group(1).replace("&amp;", "&")
    fixed = client.get(fix, headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert 'href="/id/almaty"' in fixed


def test_a_long_query_is_posted_and_shared_by_a_short_link(client):
    padding = "# " + "x" * 80 + "\n"
    query = padding * (MAX_GET_URL // 60) + EXAMPLES["01-six-priorities"].query
    r = client.post("/sparql", data={"query": query}, headers={"Accept": BROWSER_ACCEPT})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Security and stability" in html
    share = re.search(r'<a id="share-link" href="(/query/[0-9a-f]{20})">', html).group(1)
    assert 'class="download-form" method="post"' in html, "downloads of a long query are posted too"
    again = page(client, share)
    assert "Security and stability" in again and "x" * 80 in again
    assert client.get("/query/0123456789abcdef0123", headers={"Accept": BROWSER_ACCEPT}).status_code == 404


def test_the_page_escapes_queries_and_values(client):
    hostile = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'
    html = run(client, hostile).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_cut_result_says_so_on_the_page(tiny_copy):
    from scokg.config import load_settings
    from scokg.web.app import create_app

    app = create_app(load_settings({"root": str(tiny_copy), "max_rows": 2, "service_allowlist": ""}, environ={}))
    try:
        client = app.test_client()
        query = "SELECT * WHERE { ?s ?p ?o }"
        html = page(client, "/sparql?query=" + quote(query))
        assert len(re.findall(r"<tr><td", html)) == 2
        assert 'class="truncated"' in html and "limit of 2 rows" in html
        html = page(client, "/sparql?query=" + quote(query + " LIMIT 1"))
        assert 'class="truncated"' not in html
    finally:
        app.extensions["scokg"].runtime.close()


@pytest.mark.browser
def test_a_reader_completes_runs_and_shares_a_query_in_chromium(app):
    """The editor completes a term by its name and adds its PREFIX line; Ctrl+Enter runs the query; a query too long
    for a GET URL goes by POST and its short link works."""
    with live_chromium(app) as (server, browser):
        page = browser.new_page(locale="en-GB")
        page.set_default_timeout(10_000)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
                   else route.abort())
        page.goto(server.url + "/sparql")
        page.wait_for_selector(".cm-editor .cm-content")
        assert not page.locator("#query").is_visible(), "the editor replaces the textarea"
        editor = page.locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.type("SELECT ?p ?o WHERE { ")
        page.keyboard.type("id:alm")
        # the keyword list of the earlier typing may still be open while the terms load: wait for the terms'
        page.locator(".cm-tooltip-autocomplete").filter(has_text="Almaty").wait_for()
        page.keyboard.press("Enter")
        page.keyboard.type(" ?p ?o }")
        assert "PREFIX id: <https://w3id.org/scokg/id/>" in editor.inner_text()
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("table.results")
        assert "Almaty" in page.inner_text("table.results")
        # a long query goes by POST, and the page offers a short link
        page.goto(server.url + "/sparql")
        page.wait_for_selector(".cm-editor .cm-content")
        long_query = "# " + "y" * 3000 + "\nASK { ?s ?p ?o }"
        page.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(long_query)
        with page.expect_request(lambda req: req.url.endswith("/sparql") and req.method == "POST"):
            page.keyboard.press("Control+Enter")
        page.wait_for_selector("p.boolean")
        share = page.get_attribute("#share-link", "href")
        assert share and share.startswith("/query/")
        page.goto(server.url + share)
        assert page.inner_text("p.boolean") == "true"
