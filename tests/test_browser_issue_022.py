"""Issue 22, pages second pass: what a newcomer saw in Chromium at 1280 and 390 px in both languages, each as a test
that failed before: map labels covering markers (by their boxes), no place names, no way back to the first view, the
map's layout shift; browse chips with raw ids, no "nothing matches", the stray "· 1 of 25 ·", a wide table that gave
no sign it scrolls; English on German pages; the query page's column order, 3,198 rows on one page, the caret and
the editor's mark, the format chosen before running, copying the share link, the history, the chart and graph views;
the editor loaded only where it edits, and compressed."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from conftest import live_chromium
from test_browser_pages import WIDTHS

pytestmark = pytest.mark.browser
# Words that mark English prose (and are not German words); two of them in one text node is English
ENGLISH = r"\b(the|The|of|and|is|are|from|with|this|This|that|which|shown|only|must|give|Give|linked)\b"
GERMAN_PAGES = ["/", "/dataset", "/shapes", "/search?q=almaty", "/id/un-regional-centre-sdg", "/id/almaty",
                "/timeline", "/map", "/browse/Initiative", "/id/", "/ontology", "/id/no-such-thing", "/sparql"]
CLS = """() => new Promise(done => { let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(total), 1500); })"""
BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const seen = e => getComputedStyle(e).visibility !== 'hidden' && e.getBoundingClientRect().width > 0;
  return {markers: [...document.querySelectorAll('.map path.leaflet-interactive')].map(box),
          labels: [...document.querySelectorAll('.map .leaflet-tooltip')].filter(seen)
                    .map(e => [e.textContent, box(e)]),
          countries: [...document.querySelectorAll('.map .country-label span')].filter(seen)
                       .map(e => [e.textContent, box(e)])}; }"""


@pytest.fixture(scope="module")
def browser(app):
    with live_chromium(app) as both:
        yield both


@pytest.fixture()
def page_at(browser):
    """page_at(width, lang) -> a page in a fresh context that reaches only the test server; requests are logged."""
    server, chromium = browser
    contexts = []

    def make(width: str = "desktop", lang: str = "en"):
        w, h = WIDTHS[width]
        context = chromium.new_context(viewport={"width": w, "height": h}, locale="de-DE" if lang == "de" else "en-GB")
        context.set_default_timeout(10_000)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url + "/")
                      else route.abort())
        contexts.append(context)
        page = context.new_page()
        page.requested = []
        page.on("request", lambda r: page.requested.append(r.url))
        page.base = server.url
        return page

    yield make
    for c in contexts:
        c.close()


def until(page, script: str, timeout: float = 10.0) -> None:
    """Wait until a function evaluates true (wait_for_function evaluates strings, which the pages' CSP refuses)."""
    for _ in range(int(timeout * 10)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def covered(found: dict) -> list[str]:
    out = []
    for text, box in found["labels"] + found["countries"]:
        out += [f"{text!r} covers a marker at {m}" for m in found["markers"] if overlap(box, m)]
    return out


# -- the map ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("width", list(WIDTHS))
def test_map_labels_cover_no_marker_and_the_base_layer_names_countries(page_at, width):
    page = page_at(width, "de")
    page.goto(page.base + "/map?lang=de")
    until(page, "() => document.querySelectorAll('.map.live .country-label span').length > 0")
    page.wait_for_timeout(300)
    found = page.evaluate(BOXES)
    assert len(found["markers"]) >= 3 and len(found["labels"]) == len(found["markers"])
    assert covered(found) == []
    labels = [t for t, _ in found["labels"]]
    assert "Almaty" in labels and "Bischkek" in labels
    names = [t for t, _ in found["countries"]]
    assert "Kasachstan" in names, names  # the country names, in the page's language
    for i, (_t, a) in enumerate(found["countries"]):  # and never on top of each other
        assert not any(overlap(a, b) for _u, b in found["countries"][i + 1:])


def test_a_result_map_places_its_labels_too(page_at):
    page = page_at("phone")
    query = ("PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> SELECT ?place ?lat ?long "
             "WHERE { ?place geo:lat ?lat ; geo:long ?long }")
    page.goto(page.base + "/sparql?query=" + quote(query))
    page.click("#view-map-tab")
    page.wait_for_selector(".map.live .leaflet-tooltip")
    page.wait_for_timeout(300)
    found = page.evaluate(BOXES)
    assert found["labels"] and covered(found) == []


def test_the_map_returns_to_its_first_view(page_at):
    page = page_at("desktop")
    page.goto(page.base + "/map")
    page.wait_for_selector(".map.live path.leaflet-interactive")
    first = page.evaluate(BOXES)["markers"]
    page.click(".leaflet-control-zoom-in")
    page.click(".leaflet-control-zoom-in")
    page.wait_for_timeout(600)
    assert page.evaluate(BOXES)["markers"] != first
    page.get_by_role("button", name="Reset the view").click()
    page.wait_for_timeout(600)
    again = page.evaluate(BOXES)["markers"]
    assert all(abs(a - b) < 1 for m, n in zip(first, again, strict=True) for a, b in zip(m, n, strict=True))


@pytest.mark.parametrize("path", ["/map", "/id/almaty"])
def test_the_map_pages_do_not_shift_when_the_map_loads(page_at, path):
    page = page_at("phone")
    page.goto(page.base + path)
    page.wait_for_selector(".map.live")
    assert page.evaluate(CLS) <= 0.1


# -- browse ----------------------------------------------------------------------------------------------------
def test_chips_name_their_filters_and_nothing_matching_says_so(page_at):
    page = page_at("desktop")
    page.goto(page.base + "/browse/Initiative?priority=priority-energy&place=almaty")
    chips = page.locator("a.chip").all_inner_texts()
    assert [re.sub(r"\s+", " ", c).strip() for c in chips] == ["Priority: Energy cooperation ×", "Place: Almaty ×"]
    assert page.locator(".nothing").inner_text().startswith("Nothing matches")
    assert page.locator("table.listing").count() == 0
    page.goto(page.base + "/browse/Initiative?lang=de&priority=priority-energy&place=almaty")
    assert page.locator(".nothing").inner_text().startswith("Nichts passt")


def test_the_count_has_no_stray_separators(page_at):
    page = page_at("desktop")
    for query in ("", "?priority=priority-security"):
        page.goto(page.base + "/browse/Initiative" + query)
        shown = page.locator("p.showing").inner_text()
        assert re.fullmatch(r"Showing \d+ of \d+", shown), shown


def test_a_wide_table_at_390_px_says_it_scrolls_and_cuts_no_word(page_at):
    page = page_at("phone")
    page.goto(page.base + "/browse/Initiative")
    box = page.locator(".table-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # it does scroll
    assert page.locator("#scroll-hint").is_visible()
    assert box.get_attribute("aria-describedby") == "scroll-hint"
    # no cell breaks a word in the middle: every word fits its cell's width
    cut = page.evaluate("""() => [...document.querySelectorAll('table.listing td, table.listing th')].filter(td => {
        const r = document.createRange(); r.selectNodeContents(td);
        return [...r.getClientRects()].some(x => x.right > td.getBoundingClientRect().right + 1); }).length""")
    assert cut == 0
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


# -- German pages ----------------------------------------------------------------------------------------------
UNMARKED_ENGLISH = """(pattern) => { const re = new RegExp(pattern, 'g'); const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) { const node = walk.currentNode; const el = node.parentElement;
    if (!el || el.closest('code, pre, script, style, .cm-editor, textarea, .curie, .iri, [hidden]')) continue;
    if (el.closest('[lang]').getAttribute('lang') !== 'de' || !el.checkVisibility()) continue;
    const words = node.textContent.match(re) || [];
    if (words.length >= 2) out.push(node.textContent.trim().slice(0, 90)); }
  return out; }"""


def test_german_pages_mark_every_english_text_as_english(page_at):
    page = page_at("desktop", "de")
    found = {}
    for path in GERMAN_PAGES:
        page.goto(page.base + path + ("&" if "?" in path else "?") + "lang=de")
        english = page.evaluate(UNMARKED_ENGLISH, ENGLISH)
        if english:
            found[path] = english
    assert found == {}


def test_german_words_for_what_was_english_or_wrong(page_at):
    page = page_at("desktop", "de")
    page.goto(page.base + "/id/almaty?lang=de")
    assert page.locator(".coords").inner_text() == "Koordinaten: 43,24° N, 76,915° O"
    page.goto(page.base + "/dataset?lang=de")
    facts = page.locator("main").inner_text()
    assert "http://id.loc.gov/" not in facts and "Deutsch" in facts and "Englisch" in facts
    assert "/dataset#wikidata-links" not in facts and "http://purl.org/dc/terms/" not in facts
    assert "Die Zitate sind kurze Auszüge" in facts
    page.goto(page.base + "/shapes?lang=de")
    assert page.locator("h1").inner_text() != "Shapes"
    page.goto(page.base + "/id/un-regional-centre-sdg?lang=de")
    involves = page.locator('tbody[data-property="sco:involves"] th').inner_text()
    assert involves == "bezieht ein", involves


def test_the_incoming_heading_reads_as_incoming(page_at):
    page = page_at("desktop")
    page.goto(page.base + "/id/almaty")
    assert "What links here" in page.locator("main").inner_text()
    assert "Linked from here" not in page.locator("main").inner_text()


def test_a_404_suggests_things_not_ontology_terms(page_at):
    page = page_at("desktop")
    page.goto(page.base + "/id/almaty-note")
    hits = page.locator("ul.hits a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hits and all(h.startswith("/id/") for h in hits), hits
    assert "version note" not in page.locator("main").inner_text()


def test_the_timeline_has_a_legend_for_its_three_bar_styles(page_at):
    page = page_at("desktop", "de")
    page.goto(page.base + "/timeline?lang=de")
    legend = page.locator("ul.legend li")
    assert legend.count() == 3
    styles = legend.evaluate_all("items => items.map(li => getComputedStyle(li.querySelector('.tl-bar')).background)")
    assert len(set(styles)) == 3  # three different bars, each named
    assert "erschlossen" in page.locator("ul.legend").inner_text()


# -- the query page ----------------------------------------------------------------------------------------------
def run_query(page, query: str, lang: str = "en"):
    page.goto(page.base + "/sparql?query=" + quote(query) + ("&lang=de" if lang == "de" else ""))
    page.wait_for_selector(".cm-editor .cm-content")


def test_select_star_columns_come_in_the_order_of_the_query(page_at):
    page = page_at("desktop")
    run_query(page, "SELECT * WHERE { ?thing ?property ?value } LIMIT 5")
    assert page.locator("table.results thead th").all_inner_texts() == ["thing", "property", "value"]


def test_a_long_answer_comes_in_pages_with_its_count_and_a_download_of_all(page_at):
    page = page_at("desktop")
    run_query(page, "SELECT * WHERE { ?s ?p ?o }")
    count = page.locator("#result-count").inner_text()
    total = int(re.match(r"([\d,]+) rows", count).group(1).replace(",", ""))
    assert total > 1000 and "rows 1–1,000 shown" in count
    assert page.locator("table.results tbody tr").count() == 1000
    pages = page.locator("nav.pages a")
    assert pages.count() == -(-total // 1000)
    assert page.locator(".downloads").inner_text().startswith(f"Download all {count.split(' ')[0]} rows")
    pages.nth(1).click()
    page.wait_for_selector(".cm-editor .cm-content")
    assert "rows 1,001–2,000 shown" in page.locator("#result-count").inner_text()
    assert page.locator("nav.pages a[aria-current=page]").inner_text() == "2"


def test_a_syntax_error_is_marked_where_the_value_is_missing_in_the_editor_too(page_at):
    page = page_at("desktop")
    run_query(page, "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}")
    assert "line 4, column 1" in page.locator(".error-box").inner_text()
    mark = page.locator(".cm-editor .cm-lintRange-error")
    mark.wait_for()
    assert mark.inner_text() == "}"
    assert page.locator(".cm-editor .cm-lint-marker-error").count() == 1  # and in the gutter


def test_the_format_is_chosen_before_running(page_at):
    page = page_at("desktop")
    page.goto(page.base + "/sparql")
    page.wait_for_selector(".cm-editor .cm-content")
    page.select_option("#output-format", "csv")
    with page.expect_response(lambda r: "/sparql?" in r.url) as answer:
        page.click("#run")
    response = answer.value
    assert response.headers["content-type"].startswith("text/csv")
    assert "format=csv" in response.url


def test_the_share_link_can_be_copied_and_queries_are_kept_in_a_history(page_at):
    page = page_at("desktop")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    query = "SELECT ?s WHERE { ?s a ?type } LIMIT 3"
    run_query(page, query)
    page.click("#copy-share")
    until(page, "() => document.getElementById('copy-status').textContent !== ''")
    assert page.locator("#copy-status").inner_text() == "Link copied"
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.locator("#share-link").evaluate("a => a.href")
    page.goto(page.base + "/sparql")
    history = page.locator("#history-list li")
    assert page.locator("#history").is_visible() and history.count() >= 1
    assert query in history.first.inner_text()
    history.first.get_by_role("button").click()
    assert page.locator(".cm-content").inner_text().strip() == query


def test_a_number_column_can_be_seen_as_a_chart(page_at):
    page = page_at("desktop")
    run_query(page, "PREFIX sco: <https://w3id.org/scokg/ontology#> SELECT ?priority (COUNT(?i) AS ?n) "
                    "WHERE { ?i sco:servesPriority ?priority } GROUP BY ?priority ORDER BY DESC(?n)")
    assert not any("/modules/chart.js" in u for u in page.requested)  # not before the tab is chosen
    page.click("#view-chart-tab")
    canvas = page.locator("#view-chart canvas")
    until(page, "() => document.querySelector('#view-chart canvas').dataset.kind === 'bar'")
    drawn = canvas.evaluate("""c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let blue = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 150 && d[i] < 40) blue += 1;
        return blue; }""")
    assert drawn > 1000  # bars drawn in the bars' blue
    page.get_by_role("button", name="Line").click()
    until(page, "() => document.querySelector('#view-chart canvas').dataset.kind === 'line'")


def test_a_construct_answer_can_be_seen_as_a_graph(page_at):
    page = page_at("desktop")
    run_query(page, "DESCRIBE <https://w3id.org/scokg/id/almaty>")
    assert page.locator("pre.graph").is_visible()
    page.click("#view-graph-tab")
    page.wait_for_selector("#view-graph svg circle")
    labels = page.locator("#view-graph svg text.graph-label").all_text_contents()
    assert "Almaty" in labels
    assert page.locator("#view-graph svg line").count() >= 3


def test_only_the_query_page_loads_the_editor_and_compressed(page_at, browser):
    page = page_at("desktop")
    for path in ("/", "/id/almaty", "/browse/Initiative", "/timeline", "/map"):
        page.requested.clear()
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        assert not [u for u in page.requested if "/vendor/modules/" in u], path
    page.requested.clear()
    with page.expect_response(lambda r: r.url.endswith("/modules/editor.js")) as editor:
        page.goto(page.base + "/sparql")
    page.wait_for_selector(".cm-editor .cm-content")
    assert editor.value.headers.get("content-encoding") in ("br", "gzip")
    assert not [u for u in page.requested if u.endswith(("/modules/chart.js", "/modules/graph.js"))]


# -- axe-core on the new views, both languages, both widths ------------------------------------------------------
CHART_QUERY = ("PREFIX sco: <https://w3id.org/scokg/ontology#> SELECT ?priority (COUNT(?i) AS ?n) "
               "WHERE { ?i sco:servesPriority ?priority } GROUP BY ?priority")
AXE_PAGES = {  # name -> (path, the tab to open first)
    "map": ("/map", None), "timeline": ("/timeline", None), "dataset": ("/dataset", None), "shapes": ("/shapes", None),
    "nothing-matches": ("/browse/Initiative?priority=priority-energy&place=almaty", None),
    "chart": ("/sparql?query=" + quote(CHART_QUERY), "#view-chart-tab"),
    "graph": ("/sparql?query=" + quote("DESCRIBE <https://w3id.org/scokg/id/almaty>"), "#view-graph-tab"),
    "paged": ("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }") + "&page=2", None),
}


@pytest.mark.slow  # 20 s: in CI's slow suite (make test-slow); test_browser_pages sweeps the other pages in make test
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_new_views_have_no_serious_accessibility_violation(browser, width, lang):
    from test_browser_pages import axe_violations, offline_context

    server, chromium = browser
    log: dict = {"offsite": [], "console": []}
    context = offline_context(chromium, server, width, lang, log)
    problems = {}
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: log["console"].append(str(e)))
        for name, (path, tab) in AXE_PAGES.items():
            page.goto(server.url + path + ("&" if "?" in path else "?") + f"lang={lang}")
            if path.startswith("/sparql"):
                page.wait_for_selector(".cm-editor .cm-content")
            if tab:
                page.click(tab)
                page.wait_for_selector("#view-chart canvas[data-kind], #view-graph svg")
            found = axe_violations(page) + [f"script error: {m}" for m in log["console"]]
            log["console"].clear()
            if width == "phone" and page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 0:
                found.append("horizontal overflow at 390 px")
            if found:
                problems[name] = found
    finally:
        context.close()
    assert log["offsite"] == [] and problems == {}
