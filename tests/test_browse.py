"""Issue 14: browsing without SPARQL. /id/ lists every class with its count; /browse/<Class> lists its things with
facets, sorting and counts, every view a URL; a timeline and a map; search that keeps the typed text and ranks exact
matches first; the site's own files (favicon, robots.txt, sitemap.xml); a 404 that searches for what was asked; and
caching headers on every HTML page. Expectations come from the release's files, read by rdflib."""

from __future__ import annotations

import re

import pytest
import rdflib

from conftest import make_settings
from page_support import BROWSER, files_graph, local, text
from scokg.namespaces import BASE, GEO, SCO
from scokg.web.app import create_app

SUBCLASS = rdflib.RDFS.subClassOf


@pytest.fixture(scope="module")
def g(app):
    return files_graph(str(app.config["SCOKG_SETTINGS"].root))


def members(g: rdflib.Graph, cls) -> set:
    classes = set(g.transitive_subjects(SUBCLASS, cls))
    return {s for c in classes for s in g.subjects(rdflib.RDF.type, c) if isinstance(s, rdflib.URIRef)}


def get(client, path: str) -> str:
    r = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert r.status_code == 200, path
    return r.get_data(as_text=True)


def label_of(g, iri, lang="en") -> str:
    return next(str(o) for o in g.objects(iri, rdflib.RDFS.label) if o.language == lang)


def test_every_class_is_listed_with_its_count(client, g):
    html = get(client, "/id/")
    for cls in sorted(set(g.subjects(rdflib.RDF.type, rdflib.OWL.Class))):
        if not str(cls).startswith(str(SCO)) or not members(g, cls):
            continue
        name = str(cls)[len(str(SCO)):]
        found = re.search(rf'<a href="/browse/{name}">[^<]+</a> <span class="count">(\d+)</span>', html)
        assert found and int(found.group(1)) == len(members(g, cls)), name


def test_the_home_page_counts_link_to_the_lists(client):
    html = get(client, "/")
    counts = re.search(r'<table class="class-counts">.*?</table>', html, re.S).group(0)
    assert re.search(r'href="/browse/Initiative"', counts) and "/ontology#" not in counts


def test_a_class_list_holds_every_instance(client, g):
    html = get(client, "/browse/Initiative")
    things = members(g, SCO.Initiative)
    assert things
    rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1), re.S)
    assert len(rows) == len(things)
    for thing in things:
        assert f'href="{local(thing)}"' in html
    assert f"{len(things)} items" in html


def test_facets_filter_and_count(client, g):
    priority = BASE + "id/priority-security"
    expected = {s for s in members(g, SCO.Initiative) if (s, SCO.servesPriority, rdflib.URIRef(priority)) in g}
    if not expected:
        pytest.skip("no initiative serves the security priority in this release")
    html = get(client, "/browse/Initiative?priority=priority-security")
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert len(re.findall(r"<tr>", body)) == len(expected)
    # the chosen value is marked, and a link removes it again
    assert 'aria-current="true" class="chosen"' in html and 'href="/browse/Initiative"' in html


def test_the_year_facet_covers_the_periods(client, g):
    spans = {s: (int(str(g.value(s, SCO.startYear))), int(str(g.value(s, SCO.endYear))))
             for s in members(g, SCO.Initiative) if g.value(s, SCO.startYear) is not None}
    if not spans:
        pytest.skip("no periods in this release")
    year = max(start for start, _end in spans.values()) + 1
    html = get(client, f"/browse/Initiative?year={year}")
    for thing, (start, end) in spans.items():
        assert (f'href="{local(thing)}"' in html) is (start <= year <= end), thing


def test_sorting_is_a_url_and_says_so(client, g):
    html = get(client, "/browse/Initiative?sort=year")
    assert 'aria-sort="ascending"' in html
    years = [int(y) for y in re.findall(r"<td>(\d{4})(?:–\d{4})?", html)]
    assert years == sorted(years)
    html = get(client, "/browse/Initiative?sort=year&desc=1")
    assert 'aria-sort="descending"' in html


def test_an_unknown_class_is_a_404(client):
    assert client.get("/browse/NoSuchClass", headers={"Accept": BROWSER}).status_code == 404


def test_the_timeline_shows_every_dated_initiative_and_event(client, g):
    html = get(client, "/timeline")
    dated = {s for s in members(g, SCO.Initiative) | members(g, SCO.Event)
             if any(g.value(s, p) is not None for p in (SCO.year, SCO.startYear, SCO.inferredYear))}
    assert dated
    for thing in dated:
        assert f'href="{local(thing)}"' in html
    for thing in dated:
        start, end = g.value(thing, SCO.startYear), g.value(thing, SCO.endYear)
        if start is not None and end is not None:
            span = int(str(end)) - int(str(start)) + 1
            row = re.search(rf'href="{re.escape(local(thing))}".*?<div class="tl-bar ([^"]*)"', html, re.S).group(1)
            assert f"span-{span}" in row and "tl-span" in row


def test_the_map_lists_the_places_with_coordinates_and_what_is_there(client, g):
    html = get(client, "/map")
    for place in g.subjects(GEO.lat, None):
        lat = str(g.value(place, GEO.lat))
        assert re.search(rf'<li data-lat="{float(lat)}" data-long="[^"]+"><a href="{re.escape(local(place))}">', html)
        for thing in g.subjects(SCO.locatedIn, place):
            assert f'href="{local(thing)}"' in html
    assert "vendor/leaflet/leaflet.js" in html and "countries-110m.geojson" in html


def test_search_keeps_the_text_finds_both_languages_and_alternative_names(client, g):
    html = get(client, "/search?q=Bischkek")
    assert 'value="Bischkek"' in html
    assert 'href="/id/bishkek"' in html
    alt = next(((s, o) for s, o in g.subject_objects(rdflib.SKOS.altLabel)
                if str(s).startswith(BASE + "id/") and len(str(o)) > 6), None)
    if alt:
        assert f'href="{local(alt[0])}"' in get(client, "/search?q=" + str(alt[1]))


def test_search_ranks_exact_matches_first(client):
    html = get(client, "/search?q=Almaty")
    hits = re.findall(r'<li><a href="([^"]+)">', re.search(r'<ol class="hits">.*?</ol>', html, re.S).group(0))
    assert hits[0] == "/id/almaty"


def test_a_404_searches_for_what_was_asked(client):
    r = client.get("/id/almaty-tourism", headers={"Accept": BROWSER})
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and 'value="almaty tourism"' in html
    assert 'href="/id/almaty"' in html


def test_favicon_robots_and_a_sitemap_of_every_page(client, g):
    assert client.get("/favicon.ico").status_code in (301, 308)
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()  # send_file holds the file open until the response is closed
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: " in robots and "sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap.get_data(as_text=True)))
    for s in {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(BASE + "id/")}:
        assert str(s) in locs, s


HTML_PAGES = ["/", "/id/", "/id/almaty", "/browse/Initiative", "/timeline", "/map", "/search?q=alma", "/dataset",
              "/ontology", "/dumps/", "/sparql"]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_can_be_cached_and_revalidated(client, path):
    r = client.get(path, headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers.get("ETag") and "public" in r.headers.get("Cache-Control", "")
    assert "Accept-Language" in r.headers.get("Vary", "")
    again = client.get(path, headers={"Accept": BROWSER, "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304, path


def test_the_dataset_page_shows_its_title_licence_and_sources(client, app):
    html = get(client, "/dataset")
    title = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert title and "dataset" not in title.lower().split()[0:1]
    assert f"<title>{title} · scokg</title>" in html
    assert "CC BY 4.0" in html and 'rel="license noopener"' in html
    sources = re.search(r"<dt>Sources</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert 'href="/id/' in sources and "external" not in sources, "local links carry no external-link icon"


def test_the_ontology_lists_its_terms_with_instance_counts(client, g):
    html = get(client, "/ontology")
    n = len(members(g, SCO.City))
    assert re.search(rf'<article class="term" id="City">.*?<a href="/browse/City">{n}</a>', html, re.S)
    assert "City" in text(re.search(r'<article class="term" id="City">.*?</article>', html, re.S).group(0))


def test_pages_work_after_the_server_counted_the_triples_and_the_count_stays_a_count(tiny_copy):
    """`scokg serve` counts the release's triples before any request (for /metrics); the pages' own cache of the
    statements once shared that key, and every /browse, /timeline and /map answered 500 under serve."""
    application = create_app(make_settings(root=str(tiny_copy)))
    try:
        runtime = application.extensions["scokg"].runtime
        count = runtime.triples()  # what the master does first
        web = application.test_client()
        for path in ("/timeline", "/map", "/browse/Initiative"):
            r = web.get(path, headers={"Accept": BROWSER})
            assert r.status_code == 200, (path, r.get_data(as_text=True)[:300])
        assert web.get("/health").get_json()["triples"] == count == runtime.triples()
        assert isinstance(count, int)
    finally:
        runtime.close()
