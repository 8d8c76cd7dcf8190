"""Issue 14, done when: Debian's Chromium, with every request off 127.0.0.1 refused, opens home, a place, a priority,
an initiative, a class list, the query page with results and with an error, in English and German, at desktop and
phone widths; takes a screenshot of each (into pytest's tmp folder); and finds the editor loaded, names not IRIs in
results, each statement's quote in the row of its value, no horizontal overflow at 390 px, no Content-Security-Policy
violation, no request leaving 127.0.0.1, and no serious or critical accessibility violation by axe-core.

Also a reader's walk: home → a priority → one of its initiatives → its place → German."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib

from conftest import live_chromium
from page_support import files_graph, local
from scokg.namespaces import GEO, SCO
from scokg.web.examples import load_examples

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "support" / "axe" / "axe.min.js"
AXE_VERSION = "4.14.1"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
BAD = ("serious", "critical")


@pytest.fixture(scope="module")
def pages(app) -> dict[str, str]:
    """The pages to look at, chosen from the release's files."""
    g = files_graph(str(app.config["SCOKG_SETTINGS"].root))
    place = max(g.subjects(GEO.lat, None), key=lambda p: (len(list(g.subjects(SCO.locatedIn, p))), str(p)))
    priority = min(g.subjects(rdflib.RDF.type, SCO.Priority), key=lambda p: int(str(g.value(p, SCO.order) or 99)))
    initiatives = set(g.subjects(SCO.servesPriority, None))
    quoted = [g.value(st, rdflib.RDF.subject) for st in g.subjects(rdflib.RDF.type, rdflib.RDF.Statement)
              if g.value(st, rdflib.RDF.subject) in initiatives]
    initiative = max(initiatives, key=lambda i: (quoted.count(i), str(i)))
    example = next(e for e in load_examples() if e.name.startswith("12-"))
    return {"home": "/", "place": local(place), "priority": local(priority), "initiative": local(initiative),
            "class-list": "/browse/Initiative", "query-results": "/sparql?query=" + quote(example.query),
            "query-error": "/sparql?query=" + quote("SELECT ?place WHERE {\n  ?place a ?type\n  FILTER(\n}")}
    return pages


@pytest.fixture(scope="module")
def chromium(app):
    with live_chromium(app) as both:
        yield both


def offline_context(browser, server, width: str, lang: str, log: dict):
    """A context that reaches only the test server and records what a page tried and what went wrong."""
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="de-DE" if lang == "de" else "en-GB")
    context.set_default_timeout(10_000)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url + "/")
                  else (log["offsite"].append(route.request.url), route.abort()))
    context.add_init_script(path=str(AXE))  # as the DevTools protocol adds it: outside the page's CSP
    return context


def check_page(page, name: str, width: str) -> list[str]:
    """What is wrong with the page in front of us, as messages (empty: nothing)."""
    problems = []
    if width == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e =>
                e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll, .cm-editor, pre'))
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
            problems.append(f"{overflow}px of horizontal overflow at 390 px: {wide}")
    if name.startswith("query") and not page.locator(".cm-editor .cm-content").is_visible():
        problems.append("the editor did not load")
    if name == "query-results":
        cells = page.locator("table.results tbody td").all_inner_texts()
        if not cells or any(c.strip().startswith("https://w3id.org/") for c in cells):
            problems.append(f"IRIs instead of names in the results: {cells[:4]}")
        if page.locator("table.results a", has_text="Almaty").count() == 0:
            problems.append("no named link in the results")
    if name == "query-error" and not page.locator(".error-box pre.caret").is_visible():
        problems.append("no caret under the error")
    if name == "initiative":
        rows = page.locator("tr.statement").all()
        unquoted = [r.inner_text()[:60] for r in rows if r.locator("figure.ref, .ref-other, .ref-note").count() == 0]
        if not rows or unquoted:
            problems.append(f"statements without their source in their row: {unquoted or 'no statement rows'}")
    return problems


def axe_violations(page) -> list[str]:
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in result if v["impact"] in BAD]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_pages_in_chromium_offline(chromium, pages, tmp_path_factory, width, lang):
    server, browser = chromium
    shots = tmp_path_factory.mktemp(f"screenshots-{lang}-{width}")
    log: dict = {"offsite": [], "console": []}
    context = offline_context(browser, server, width, lang, log)
    problems: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        page.on("console", lambda m: log["console"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: log["console"].append(str(e)))
        for name, path in pages.items():
            suffix = ("&" if "?" in path else "?") + "lang=de" if lang == "de" else ""
            response = page.goto(server.url + path + suffix)
            assert response is not None and response.status in (200, 400), (name, response and response.status)
            if name.startswith("query"):
                page.wait_for_selector(".cm-editor .cm-content")
            if name == "place":
                page.wait_for_selector(".map.live")
            assert page.evaluate(f"typeof axe !== 'undefined' && axe.version === '{AXE_VERSION}'")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            found = check_page(page, name, width) + axe_violations(page)
            # the error page is a 400 by design, which Chromium reports
            found += [f"console: {m}" for m in log["console"] if not (name == "query-error" and "400" in m)]
            log["console"].clear()
            if found:
                problems[name] = found
    finally:
        context.close()
    assert log["offsite"] == [], "requests left 127.0.0.1"
    assert problems == {}, "\n".join([f"screenshots in {shots}"] + [f"{k}: {v}" for k, v in problems.items()])


def test_a_reader_walks_from_home_to_a_place_and_switches_to_german(chromium, app):
    server, browser = chromium
    g = files_graph(str(app.config["SCOKG_SETTINGS"].root))
    chain = next((p, i, place) for p in sorted(g.subjects(rdflib.RDF.type, SCO.Priority))
                 for i in sorted(g.subjects(SCO.servesPriority, p))
                 for place in sorted(g.objects(i, SCO.locatedIn)) if (place, GEO.lat, None) in g)
    path = dict(zip(("priority", "initiative", "place"), map(local, chain), strict=True))
    german = next(str(o) for o in g.objects(chain[2], rdflib.RDFS.label) if o.language == "de")
    log: dict = {"offsite": [], "console": []}
    context = offline_context(browser, server, "desktop", "en", log)
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator(f'ol.priorities a[href="{path["priority"]}"]').first.click()
        page.wait_for_url(f"**{path['priority']}")
        page.locator(f'main a[href="{path["initiative"]}"]').first.click()
        page.wait_for_url(f"**{path['initiative']}")
        page.locator(f'tr.statement a[href="{path["place"]}"]').first.click()
        page.wait_for_url(f"**{path['place']}")
        page.wait_for_selector(".map.live path.leaflet-interactive")  # the map, drawn from local files only
        page.locator('.langs a[data-lang="de"]').click()
        page.wait_for_url("**lang=de")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").inner_text() == german
        assert page.locator("#map-heading").inner_text() == "Lage"
        page.locator("a.brand").click()
        page.wait_for_url("**/?lang=de")
        assert "Prioritäten" in page.locator("h1").inner_text()
    finally:
        context.close()
    assert log["offsite"] == []
