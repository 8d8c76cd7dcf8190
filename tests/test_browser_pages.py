"""A reader in headless Chromium: home → a priority → one of its initiatives → its place → German."""

from __future__ import annotations

import pytest

from conftest import LiveServer, browser_or_skip
from publishing_support import close_app, open_app, project_root
from scokg.namespaces import BASE, GEO, SCO

pytestmark = pytest.mark.browser
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CHAIN = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?priority ?initiative ?place ?de WHERE {{
  ?priority a <{SCO}Priority> . ?initiative ?r ?priority . ?initiative ?r2 ?place .
  ?place <{GEO}lat> ?lat ; rdfs:label ?de FILTER(LANG(?de) = "de")
}} ORDER BY ?priority ?initiative ?place LIMIT 1"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = open_app(project_root(tmp_path_factory), tmp_path_factory.mktemp("instance"))
    with LiveServer(app) as live:
        yield live
    close_app(app)


def test_reader_walks_from_home_to_a_place_and_switches_to_german(server):
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    store = server.app.extensions["scokg"].runtime.store
    rows = store.select(CHAIN)
    assert rows, "the graph links a priority to an initiative to a place with coordinates"
    chain = rows[0]
    path = {k: "/" + str(chain[k])[len(BASE):] for k in ("priority", "initiative", "place")}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS, timeout=30_000)
        try:
            page = browser.new_page(locale="en-GB")
            page.set_default_timeout(10_000)
            # the CDN is out of reach here: block it so the test never waits on the network
            page.route("https://**/*", lambda route: route.abort())
            page.goto(server.url + "/")
            assert page.locator("html").get_attribute("lang") == "en"
            assert page.locator("ol.priorities > li").count() >= 1
            page.locator(f'ol.priorities a[href="{path["priority"]}"]').first.click()
            page.wait_for_url(f"**{path['priority']}")
            page.locator(f'main a[href="{path["initiative"]}"]').first.click()
            page.wait_for_url(f"**{path['initiative']}")
            page.locator(f'main a[href="{path["place"]}"]').first.click()
            page.wait_for_url(f"**{path['place']}")
            # without Leaflet the coordinates stay readable
            assert page.locator(".coords .lat").inner_text()
            page.locator('.langs a[data-lang="de"]').click()
            page.wait_for_url("**lang=de")
            assert page.locator("html").get_attribute("lang") == "de"
            assert page.locator("h1").inner_text() == str(chain["de"])
            assert page.locator("section.map h2").inner_text() == "Lage"
            # links now keep German: back home, the heading is German too
            page.locator("a.brand").click()
            page.wait_for_url("**/?lang=de")
            assert "Prioritäten" in page.locator("h2").first.inner_text()
        finally:
            browser.close()
