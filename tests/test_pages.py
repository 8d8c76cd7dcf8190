"""Dereferenceable IRIs: every resource in every format, conneg, 404s, languages, escaping, /ontology, /shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from publishing_support import close_app, make_mini_project, open_app, project_root
from rdf_support import isomorphic
from scokg.graph.load import to_rdflib
from scokg.namespaces import BASE, ONTOLOGY_GRAPH, SCO, SHAPES_GRAPH

RDF_TYPES = {"text/turtle": ("ttl", "turtle"), "application/ld+json": ("jsonld", "json-ld"),
             "application/n-triples": ("nt", "nt"), "application/rdf+xml": ("rdf", "xml")}


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    app = open_app(project_root(tmp_path_factory), tmp_path_factory.mktemp("instance"))
    yield app
    close_app(app)


@pytest.fixture()
def web(pub):
    return pub.test_client()


def store_of(app):
    return app.extensions["scokg"].runtime.store


INTEGER_TYPES = {rdflib.XSD[t] for t in ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                          "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                                          "unsignedInt", "unsignedShort", "unsignedByte")}


def source_graph(app) -> rdflib.Graph:
    """The published default graph read by rdflib straight from the files: the expectation, not the server."""
    root = app.config["SCOKG_SETTINGS"].root
    g = rdflib.Graph()
    for folder in ("ontology", "data"):
        for path in sorted((Path(root) / folder).rglob("*.ttl")):
            g.parse(path, format="turtle")
    # the same value: oxigraph stores every integer type as xsd:integer (a quote's oa:start is nonNegativeInteger)
    for t in [t for t in g if isinstance(t[2], rdflib.Literal) and t[2].datatype in INTEGER_TYPES]:
        g.remove(t)
        g.add((t[0], t[1], rdflib.Literal(str(t[2]), datatype=rdflib.XSD.integer)))
    return g


def described(g: rdflib.Graph, iri: str) -> rdflib.Graph:
    """What a resource's document must hold: its triples, the triples pointing at it, the labels of what it points
    at and of what points at it, and the blank nodes it points at, closed."""
    s, out = rdflib.URIRef(iri), rdflib.Graph()
    for p, o in g.predicate_objects(s):
        out.add((s, p, o))
        if not isinstance(o, rdflib.Literal):
            for label in g.objects(o, rdflib.RDFS.label):
                out.add((o, rdflib.RDFS.label, label))
    for x, p in g.subject_predicates(s):
        out.add((x, p, s))
        for label in g.objects(x, rdflib.RDFS.label):
            out.add((x, rdflib.RDFS.label, label))
    todo = [o for o in g.objects(s) if isinstance(o, rdflib.BNode)]
    seen: set = set()
    while todo:
        b = todo.pop()
        if b in seen:
            continue
        seen.add(b)
        for p, o in g.predicate_objects(b):
            out.add((b, p, o))
            if isinstance(o, rdflib.BNode):
                todo.append(o)
    return out


def resources(app) -> list[str]:
    return sorted({str(s) for s in source_graph(app).subjects() if str(s).startswith(BASE + "id/")})


OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
              "xml": ox.RdfFormat.RDF_XML}


def parse(body: bytes, fmt: str) -> rdflib.Graph:
    """Parse with pyoxigraph: an independent parser, and no rdflib JSON-LD deprecation warnings."""
    g = rdflib.Graph()
    for t in ox.parse(body, format=OX_FORMATS[fmt]):
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def test_every_resource_answers_in_every_rdf_format(pub, web):
    iris = resources(pub)
    assert iris
    files = source_graph(pub)
    for iri in iris:
        local = iri[len(BASE):]
        expected = described(files, iri)
        for media, (suffix, fmt) in RDF_TYPES.items():
            r = web.get("/" + local, headers={"Accept": media})
            assert r.status_code == 200, (iri, media)
            assert r.mimetype == media
            got = parse(r.data, fmt)
            assert isomorphic(got, expected), (iri, media)
            assert r.headers["Content-Location"] == f"/{local}.{suffix}"
            # an explicit suffix names the same document, whatever Accept says
            r2 = web.get(f"/{local}.{suffix}", headers={"Accept": "text/html"})
            assert r2.status_code == 200 and r2.mimetype == media and r2.data == r.data


def test_almaty_is_described_by_what_the_article_says_of_it(pub, web):
    """Hand-derived from the article: Almaty is a city, and the UN regional centre is to be established there."""
    got = parse(web.get("/id/almaty.nt").data, "nt")
    almaty = rdflib.URIRef(BASE + "id/almaty")
    assert (almaty, rdflib.RDF.type, SCO.City) in got
    assert (almaty, rdflib.RDFS.label, rdflib.Literal("Almaty", lang="en")) in got
    assert (rdflib.URIRef(BASE + "id/un-regional-centre-sdg"), SCO.locatedIn, almaty) in got


def test_html_page_headers_and_links(pub, web):
    iri = resources(pub)[0]
    local = iri[len(BASE):]
    r = web.get("/" + local, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "Accept" in r.headers["Vary"] and "Accept-Language" in r.headers["Vary"]
    links = r.headers["Link"]
    for suffix, _fmt in RDF_TYPES.values():
        assert f"</{local}.{suffix}>; rel=\"alternate\"" in links
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.get_data(as_text=True)), "no inline scripts"
    again = web.get("/" + local, headers={"Accept": "text/html", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("accept, expected", [
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("application/n-triples;q=0.9, application/rdf+xml", "application/rdf+xml"),
    ("*/*", "text/html"),
    ("text/*", "text/html"),
    ("application/*;q=0.8, text/turtle;q=0.9", "text/turtle"),
    (None, "text/html"),
])
def test_accept_negotiation(pub, web, accept, expected):
    local = resources(pub)[0][len(BASE):]
    r = web.get("/" + local, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype == expected


def test_unacceptable_type_is_406_with_the_error_shape(pub, web):
    r = web.get("/" + resources(pub)[0][len(BASE):], headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.json["ok"] is False and r.json["status"] == 406


@pytest.mark.parametrize("path", ["/id/no-such-thing", "/id/a%20b", "/id/%3Cscript%3E", "/id/x.ttl.nt",
                                  "/id/..%2f..%2fetc", "/ontology.exe", "/id/%00"])
def test_unknown_iris_are_helpful_404s(web, path):
    page = web.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert 'action="/search"' in html and 'href="/sparql' in html
    assert "<script>" not in html
    machine = web.get(path, headers={"Accept": "text/turtle"})
    assert machine.status_code == 404 and machine.json["status"] == 404


def test_language_choice(pub, web):
    iri = resources(pub)[0]
    path = "/" + iri[len(BASE):]
    labels = {r["l"].language: str(r["l"]) for r in store_of(pub).select(
        f"SELECT ?l WHERE {{ <{iri}> <{rdflib.RDFS.label}> ?l }}")}
    de = web.get(path + "?lang=de", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="de">' in de
    if "de" in labels:
        assert f"<h1>{labels['de']}</h1>" in de.replace("&#39;", "'")
    # links keep the chosen language, and the switcher offers the other one
    assert 'href="/?lang=de"' in de and f'href="{path}?lang=en"' in de
    by_header = web.get(path, headers={"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in by_header.get_data(as_text=True)
    fallback = web.get(path + "?lang=fr", headers={"Accept": "text/html", "Accept-Language": "fr"})
    assert '<html lang="en">' in fallback.get_data(as_text=True)


def test_data_is_escaped(tmp_path):
    root = make_mini_project(tmp_path)
    (root / "data" / "evil.ttl").write_text(
        '<https://w3id.org/scokg/id/evil> <http://www.w3.org/2000/01/rdf-schema#label> '
        '"<script>alert(1)</script>"@en .\n', encoding="utf-8")
    app = open_app(root, tmp_path / "instance", base_iri="https://example.org/kg/")
    try:
        html = app.test_client().get("/id/evil", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        # another base IRI: the request path still finds the data's IRI, links stay local
        r = app.test_client().get("/id/un-regional-centre", headers={"Accept": "text/html"})
        assert r.status_code == 200 and 'href="/id/almaty"' in r.get_data(as_text=True)
    finally:
        close_app(app)


def test_ontology_document_covers_every_term(pub, web):
    store = store_of(pub)
    graph_q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"
    expected = store.construct(graph_q)
    r = web.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and isomorphic(parse(r.data, "turtle"), expected)
    html = web.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    terms = {str(s) for s in expected.subjects() if str(s).startswith(str(SCO)) and str(s) != str(SCO)}
    assert terms
    for term in terms:
        assert f'id="{term[len(str(SCO)):]}"' in html, term
    de = web.get("/ontology?lang=de").get_data(as_text=True)
    for label in expected.objects(None, rdflib.RDFS.label):
        if label.language == "de" and any((s, rdflib.RDFS.label, label) in expected for s in map(rdflib.URIRef, terms)):
            assert str(label) in de.replace("&#39;", "'")


def test_shapes_document(pub, web):
    expected = store_of(pub).construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SHAPES_GRAPH}> {{ ?s ?p ?o }} }}")
    r = web.get("/shapes.ttl")
    assert r.status_code == 200 and isomorphic(parse(r.data, "turtle"), expected)
    assert web.get("/shapes", headers={"Accept": "text/html"}).status_code == 200


def test_home_page_lists_priorities_and_entry_points(pub, web):
    html = web.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for link in ('href="/sparql"', 'href="/dumps/"', 'href="/ontology"', 'href="/dataset"'):
        assert link in html
    rows = store_of(pub).select(f"""SELECT ?p WHERE {{ ?p a <{SCO}Priority> }}""")
    assert rows
    for row in rows:
        assert f'href="/{str(row["p"])[len(BASE):]}"' in html


def test_search_finds_labels(pub, web):
    iri = resources(pub)[0]
    label = next(str(r["l"]) for r in store_of(pub).select(
        f"SELECT ?l WHERE {{ <{iri}> <{rdflib.RDFS.label}> ?l }}"))
    r = web.get("/search", query_string={"q": label})
    assert r.status_code in (200, 303)
    assert ("/" + iri[len(BASE):]) in (r.headers.get("Location", "") + r.get_data(as_text=True))
    assert web.get("/search", query_string={"q": "zzzz-nothing"}).status_code == 200


def test_sources_are_served_as_text_and_guarded(pub, web):
    settings = pub.config["SCOKG_SETTINGS"]
    from pathlib import Path

    files = sorted((Path(settings.root) / "data" / "sources").glob("*.txt"))
    assert files
    r = web.get("/sources/" + files[0].name)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.data == files[0].read_bytes()
    r.close()  # send_file holds the file open until the response is closed
    for bad in ("/sources/..%2f..%2fpyproject.toml", "/sources/%2e%2e", "/sources/.hidden", "/sources/nope.txt"):
        assert web.get(bad).status_code == 404, bad


