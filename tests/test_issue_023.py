"""Regressions of issue 23: releases kept and citable, resources as they were, and giving back to Wikidata.

Issue: https://w3id.org/scokg/issues/23 (the project's tracker, issue 23).

Two releases are built in one instance folder: the project's, then a copy with one reviewed change (the year scokg
infers for the Bishkek meeting). Both are served; the changelog names the change; Memento negotiation gives the
older description for a date before the second release; a query link pinned to the first release runs on it; the
divergence page shows the Almaty quotes; the QuickStatements pass their grammar and the verified list.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib

from conftest import ROOT, make_settings
from scokg.graph.items import items_of_tree
from scokg.graph.quickstatements import quickstatements
from scokg.graph.releases import kept_releases
from scokg.graph.review import approve, read_ledger, unreviewed
from scokg.web.app import create_app

VERIFIED = (Path(__file__).resolve().parent / "fixtures" / "wikidata-qids.md").read_text(encoding="utf-8")
VERIFIED_QIDS = set(re.findall(r"\|\s*(Q\d+)\s*\|", VERIFIED))
MEETING = "https://w3id.org/scokg/id/sco-heads-of-government-meeting-bishkek"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """The instance folder after serving the project's release, then a changed copy's (one year changed)."""
    base = tmp_path_factory.mktemp("releases")
    instance = base / "instance"
    first = create_app(make_settings(instance=str(instance), query_workers=1))
    first_version = first.extensions["scokg"].runtime.release.version
    first.extensions["scokg"].runtime.close()
    copy = base / "copy"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / name, copy / name)
    events = copy / "data" / "events.ttl"
    events.write_text(events.read_text(encoding="utf-8").replace('"2023"^^xsd:gYear', '"2022"^^xsd:gYear'),
                      encoding="utf-8")
    approve(copy, unreviewed(items_of_tree(copy), read_ledger(copy)), "Test Reviewer")
    app = create_app(make_settings(root=str(copy), instance=str(instance), query_workers=1))
    second_version = app.extensions["scokg"].runtime.release.version
    yield app, first_version, second_version, instance
    app.extensions["scokg"].runtime.close()


def test_both_releases_are_listed_and_their_files_served_for_good(two_releases):
    app, first, second, _ = two_releases
    client = app.test_client()
    assert first != second
    listing = client.get("/releases/")
    page = listing.get_data(as_text=True)
    assert first in page and second in page
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in listing.headers["Vary"].split(",")}
    g = rdflib.Graph().parse(data=client.get("/releases/", headers={"Accept": "text/turtle"}).data, format="turtle")
    nodes = {str(v): n for n, v in g.subject_objects(DCAT.version)}
    assert set(nodes) == {first, second}
    assert (nodes[second], DCAT.previousVersion, nodes[first]) in g
    assert (nodes[second], rdflib.URIRef("http://www.w3.org/ns/prov#wasRevisionOf"), nodes[first]) in g
    for version in (first, second):
        r = client.get(f"/releases/{version}/dumps/scokg.ttl")
        assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    old = rdflib.Graph().parse(data=client.get(f"/releases/{first}/dumps/scokg.ttl").data, format="turtle")
    new = rdflib.Graph().parse(data=client.get(f"/releases/{second}/dumps/scokg.ttl").data, format="turtle")
    year = rdflib.URIRef("https://w3id.org/scokg/ontology#inferredYear")
    assert str(old.value(rdflib.URIRef(MEETING), year)) == "2023"
    assert str(new.value(rdflib.URIRef(MEETING), year)) == "2022"
    assert client.get("/dumps/", headers={"Accept": "application/json"}).get_json()["release"] == second
    assert client.get("/releases/0000000000000000/dumps/scokg.ttl").status_code == 404  # never published here
    for folder in (f"/releases/{first}/dumps/", f"/releases/{first}/dumps"):  # a release's files: on its page
        moved = client.get(folder)
        assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/releases/{first}/")
        assert "scokg.ttl" in client.get(moved.headers["Location"]).get_data(as_text=True)
    assert client.get("/releases/0000000000000000/dumps/").status_code == 404
    assert client.get("/releases/../dumps/scokg.ttl").status_code in (400, 404)
    refused = client.get("/releases/" + "x" * 5000 + "/")
    assert refused.status_code == 400 and len(refused.data) < 1000  # the value is not echoed back


def test_the_dataset_names_its_releases_and_their_files_by_media_type_iris(two_releases):
    """/dataset and /releases/ describe one dataset wherever the server answers (its public URL is not its IRI);
    the dataset points at every kept release and the current one (DCAT 3); a file's media type is an IANA IRI
    (DCAT's range is dcterms:MediaType), its gzip a compression format, as in the VoID of /dataset."""
    _app, first, second, instance = two_releases
    elsewhere = create_app(make_settings(root=str(instance.parent / "copy"), instance=str(instance),
                                         query_workers=1, public_url="https://mirror.example/scokg/"))
    try:
        client = elsewhere.test_client()
        void = rdflib.Graph().parse(data=client.get("/dataset", headers={"Accept": "text/turtle"}).data,
                                    format="turtle")
        releases = rdflib.Graph().parse(data=client.get("/releases/", headers={"Accept": "text/turtle"}).data,
                                        format="turtle")
    finally:
        elsewhere.extensions["scokg"].runtime.close()
    dataset = rdflib.URIRef("https://w3id.org/scokg/dataset")
    assert (dataset, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in void
    node = {v: rdflib.URIRef(f"https://mirror.example/scokg/releases/{v}/") for v in (first, second)}
    assert set(void.objects(dataset, DCAT.hasVersion)) == set(node.values())
    assert set(releases.objects(dataset, DCAT.hasVersion)) == set(node.values())
    assert list(void.objects(dataset, DCAT.hasCurrentVersion)) == [node[second]]
    iana = "http://www.iana.org/assignments/media-types/"
    for g in (void, releases):
        types = {str(d).rsplit("/", 1)[-1]: m for d, m in g.subject_objects(DCAT.mediaType)}
        assert types and all(isinstance(m, rdflib.URIRef) and str(m).startswith(iana) for m in types.values())
    files = {str(d).rsplit("/", 1)[-1]: d for d in releases.subjects(DCAT.mediaType, None)
             if f"/releases/{second}/" in str(d)}
    assert releases.value(files["scokg.nt.gz"], DCAT.mediaType) == rdflib.URIRef(iana + "application/n-triples")
    assert releases.value(files["scokg.nt.gz"], DCAT.compressFormat) == rdflib.URIRef(iana + "application/gzip")
    assert releases.value(files["scokg.ttl"], DCAT.mediaType) == rdflib.URIRef(iana + "text/turtle")


def test_the_changelog_names_the_change_in_both_languages(two_releases):
    app, first, second, _ = two_releases
    client = app.test_client()
    page = client.get(f"/releases/{second}/").get_data(as_text=True)
    assert "inferred year" in page.lower() or "inferredYear" in page
    assert "2023" in page and "2022" in page and first in page
    german = client.get(f"/releases/{second}/?lang=de").get_data(as_text=True)
    assert "geändert" in german and "Sitzung des SOZ-Rats der Regierungschefs in Bischkek" in german
    g = rdflib.Graph().parse(data=client.get("/releases/", headers={"Accept": "text/turtle"}).data, format="turtle")
    notes = {n.language: str(n) for n in g.objects(None, rdflib.URIRef("http://www.w3.org/ns/adms#versionNotes"))}
    assert "changed statement" in notes["en"] and "Bishkek" in notes["en"] and "Bischkek" in notes["de"]
    cs = rdflib.Namespace("http://purl.org/vocab/changeset/schema#")
    release = next(node for node, v in g.subject_objects(DCAT.version) if str(v) == second)
    changed = [c for c in g.subjects(rdflib.RDF.type, cs.ChangeSet)
               if g.value(c, rdflib.URIRef("http://purl.org/dc/terms/isPartOf")) == release]
    assert [g.value(c, cs.subjectOfChange) for c in changed] == [rdflib.URIRef(MEETING)]
    assert str(g.value(changed[0], rdflib.URIRef("http://purl.org/dc/terms/type"))) == "changed"


def test_memento_gives_the_older_description_for_a_date_before_the_second_release(two_releases):
    app, first, second, instance = two_releases
    client = app.test_client()
    dates = {r.version: r.published_at for r in kept_releases(instance / "releases")}
    before_second = dates[second] - dt.timedelta(microseconds=1)
    asked = email.utils.format_datetime(max(before_second, dates[first]), usegmt=True)
    gate = client.get("/id/sco-heads-of-government-meeting-bishkek", headers={"Accept-Datetime": asked})
    assert gate.status_code == 302 and gate.headers["Location"].endswith(f"?release={first}")
    assert "accept-datetime" in gate.headers["Vary"].lower() and 'rel="timemap"' in gate.headers["Link"]
    memento = client.get(gate.headers["Location"], headers={"Accept": "text/turtle"})
    assert memento.status_code == 200 and memento.headers["Memento-Datetime"]
    assert 'rel="original timegate"' in memento.headers["Link"]
    old = rdflib.Graph().parse(data=memento.data, format="turtle")
    assert '"2023"' in old.serialize(format="nt")
    now = client.get("/id/sco-heads-of-government-meeting-bishkek", headers={"Accept": "text/turtle"})
    assert '"2022"' in rdflib.Graph().parse(data=now.data, format="turtle").serialize(format="nt")
    html = client.get(gate.headers["Location"], headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"As release {first} had it" in html
    refused = client.get("/id/almaty", headers={"Accept-Datetime": "yesterday"})
    assert refused.status_code == 400 and "HTTP date" in refused.get_json()["error"]
    timemap = client.get("/timemap/id/sco-heads-of-government-meeting-bishkek").get_data(as_text=True)
    assert f"release={first}" in timemap and f"release={second}" in timemap and 'rel="first memento"' in timemap


def test_a_query_link_pinned_to_the_first_release_runs_on_it(two_releases):
    app, first, second, _ = two_releases
    client = app.test_client()
    q = f"SELECT ?y WHERE {{ <{MEETING}> <https://w3id.org/scokg/ontology#inferredYear> ?y }}"
    pinned = client.get(f"/sparql?query={quote(q)}&release={first}",
                        headers={"Accept": "application/sparql-results+json"})
    assert pinned.status_code == 200 and pinned.headers["X-Release"] == first
    assert pinned.get_json()["results"]["bindings"][0]["y"]["value"] == "2023"
    current = client.get(f"/sparql?query={quote(q)}", headers={"Accept": "application/sparql-results+json"})
    assert current.get_json()["results"]["bindings"][0]["y"]["value"] == "2022"
    unknown = client.get(f"/sparql?query={quote(q)}&release=0123456789abcdef")
    assert unknown.status_code == 404 and "no release" in unknown.get_json()["error"]
    assert client.get(f"/sparql?query={quote(q)}&release=../../etc/passwd").status_code == 400
    # the page's share link records the release it ran on
    page = client.get(f"/sparql?query={quote(q)}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"release={second}" in page


def test_a_long_shared_query_from_an_older_release_offers_both(two_releases):
    app, first, _second, _instance = two_releases
    client = app.test_client()
    long = f"SELECT ?y WHERE {{ <{MEETING}> <https://w3id.org/scokg/ontology#inferredYear> ?y }} # " + "x" * 2500
    folder = Path(app.config["SCOKG_SETTINGS"].instance) / "queries"
    folder.mkdir(parents=True, exist_ok=True)
    from scokg.web.query_page import query_key

    key = query_key(long)
    (folder / f"{key}.rq").write_text(long, encoding="utf-8")
    (folder / f"{key}.release").write_text(first, encoding="utf-8")
    page = client.get(f"/query/{key}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="pinned-notice"' in page and f'name="release" value="{first}"' in page


def test_only_the_newest_releases_are_kept_and_never_the_one_served(tmp_path):
    from scokg.graph.releases import prune, record_release, removed_releases

    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for n in range(5):
        folder = tmp_path / f"{n:016x}"
        (folder / "dumps").mkdir(parents=True)
        record_release(folder, ROOT, f"d{n}", 10 + n, now=base + dt.timedelta(days=n))
    assert [r.version for r in kept_releases(tmp_path)][:1] == [f"{4:016x}"]
    removed = prune(tmp_path, 2, current=f"{0:016x}")
    assert sorted(removed) == [f"{n:016x}" for n in (1, 2)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [f"{n:016x}" for n in (0, 3, 4)]
    assert removed_releases(tmp_path) == {f"{n:016x}" for n in (1, 2)}  # their addresses answer 410 from now on


def test_the_divergence_page_shows_the_almaty_quotes_side_by_side():
    app = create_app(make_settings(), start_executor=False)
    try:
        page = app.test_client().get("/divergences").get_data(as_text=True)
        assert "has proposed declaring Almaty" in page and "hat während ihres Vorsitzes erklärt" in page
        assert page.count('class="reading"') >= 2 and "#char=" in page
        assert "times the declaring" in page  # the note on how the versions differ
    finally:
        app.extensions["scokg"].runtime.close()


# ---------------------------------------------------------------- QuickStatements

# QuickStatements v1: ITEM TAB PROPERTY TAB VALUE, then reference pairs (S-property TAB value); values are items,
# strings in double quotes, or monolingual text lang:"…"; nothing may hold a tab or a line end.
QS_VALUE = r'(?:Q\d+|"[^"\t\n]*"|[a-z]{2,3}:"[^"\t\n]*")'
QS_LINE = re.compile(rf"^Q\d+\tP\d+\t{QS_VALUE}(?:\tS\d+\t{QS_VALUE})*$")


def test_quickstatements_pass_the_grammar_and_name_only_verified_items():
    import pyoxigraph as ox

    from scokg.graph.build import PUBLISHED_GRAPHS
    from scokg.graph.load import open_sources, source_files

    lines = quickstatements(open_sources(source_files(ROOT)), [ox.NamedNode(str(g)) for g in PUBLISHED_GRAPHS])
    assert lines, "Bishkek, capital of the Kyrgyz Republic, is a statement Wikidata can hold"
    for line in lines:
        assert QS_LINE.match(line), line
        qids = set(re.findall(r"\bQ\d+\b", line))
        assert qids <= VERIFIED_QIDS, qids - VERIFIED_QIDS
        assert "\tS1683\t" in line  # the quote as the reference
    assert any(line.startswith("Q9361\tP1376\tQ813\t") for line in lines)


def test_the_quickstatements_file_is_among_the_dumps_and_the_cli_writes_it(tmp_path):
    from click.testing import CliRunner

    from scokg.cli import cli

    out = tmp_path / "qs.txt"
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "export", "quickstatements", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(QS_LINE.match(x) for x in lines)
    app = create_app(make_settings(), start_executor=False)
    try:
        r = app.test_client().get("/dumps/scokg-quickstatements.txt")
        assert r.status_code == 200 and r.get_data(as_text=True).splitlines() == lines
    finally:
        app.extensions["scokg"].runtime.close()


def test_nothing_is_given_back_for_an_entity_without_a_verified_item():
    import pyoxigraph as ox

    store = ox.Store()
    store.load(b"""@prefix sco: <https://w3id.org/scokg/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<urn:turkistan> sco:locatedIn <urn:kz> . <urn:kz> owl:sameAs <http://www.wikidata.org/entity/Q232> .
[] a rdf:Statement ; rdf:subject <urn:turkistan> ; rdf:predicate sco:locatedIn ; rdf:object <urn:kz> ;
   prov:wasDerivedFrom <urn:q> . <urn:q> prov:wasQuotedFrom <urn:doc> ; oa:hasSelector [ oa:exact "in Turkistan"@en ] .
""", format=ox.RdfFormat.TURTLE)
    assert quickstatements(store) == []


def test_what_an_outside_review_found_in_mementos_and_release_files(two_releases):
    """Defects an outside tester found (RFC 7089, RFC 9110); each assertion failed before its fix."""
    app, first, second, _ = two_releases
    client = app.test_client()
    rel = "/id/sco-heads-of-government-meeting-bishkek"
    # the newest memento is a memento too; its other formats stay in its release; scripts may read the headers
    newest = client.get(f"{rel}?release={second}", headers={"Accept": "text/turtle"})
    assert newest.status_code == 200 and newest.headers["Memento-Datetime"]
    alternates = [x for x in newest.headers["Link"].split(", ") if 'rel="alternate"' in x]
    assert alternates and all(f"?release={second}>" in x for x in alternates)
    assert "Memento-Datetime" in newest.headers["Access-Control-Expose-Headers"]
    # a resource no release describes has no TimeMap and no TimeGate
    assert client.get("/timemap/id/never-was-here").status_code == 404
    assert client.get("/id/never-was-here", headers={"Accept-Datetime": "Mon, 07 Dec 2026 09:00:00 GMT"}
                      ).status_code == 404
    # a release's files are immutable, revalidate by date, and carry no contradicting Expires
    path = f"/releases/{first}/dumps/scokg.ttl"
    file = client.get(path)
    assert "public" not in file.headers["Cache-Control"] and "Expires" not in file.headers
    assert client.get(path, headers={"If-Modified-Since": file.headers["Last-Modified"]}).status_code == 304
    # a pinned answer as a page says its release and can run again on it
    q = f"SELECT ?y WHERE {{ <{MEETING}> <https://w3id.org/scokg/ontology#inferredYear> ?y }}"
    page = client.get(f"/sparql?query={quote(q)}&release={first}", headers={"Accept": "text/html"})
    assert page.headers["X-Release"] == first
    assert f'id="run-pinned" name="release" value="{first}"' in page.get_data(as_text=True)
    current = client.get(f"/sparql?query={quote(q)}", headers={"Accept": "text/html"})
    assert current.headers["ETag"] != page.headers["ETag"]
    # the citation is absolute and names the dump; the German changelog is German, values in words
    release_page = client.get(f"/releases/{second}/?lang=de").get_data(as_text=True)
    assert f"https://w3id.org/scokg/releases/{second}/dumps/scokg.ttl" in release_page
    g = rdflib.Graph().parse(data=client.get("/releases/", headers={"Accept": "text/turtle"}).data, format="turtle")
    german = [str(o) for o in g.objects(None, rdflib.URIRef("http://purl.org/vocab/changeset/schema#changeReason"))
              if o.language == "de"]
    assert german and all(x.startswith(("geänderte", "hinzugefügte", "entfernte")) for x in german)
    assert any("“2022”" in x for x in german) and not any("XMLSchema" in x for x in german)


def test_a_date_whose_release_was_removed_is_gone_not_a_later_version(two_releases, tmp_path):
    """Before the oldest kept release, the release in force was removed: 410, not the next one (which did not
    exist then); before the very first release, the first is the nearest memento (RFC 7089 allows it)."""
    app, first, _second, instance = two_releases
    copy = tmp_path / "instance"
    shutil.copytree(instance / "releases", copy / "releases")
    info = copy / "releases" / first / "release.json"
    record = json.loads(info.read_text(encoding="utf-8"))
    record["previous"] = "00000000000000aa"  # as if one older release had been published, then removed
    info.write_text(json.dumps(record), encoding="utf-8")
    settings = app.config["SCOKG_SETTINGS"]
    other = create_app(make_settings(root=str(settings.root), instance=str(copy), query_workers=1),
                       start_executor=False)
    try:
        before = "Mon, 01 Jan 2001 00:00:00 GMT"
        gone = other.test_client().get("/id/almaty", headers={"Accept-Datetime": before})
        assert gone.status_code == 410 and "no longer kept" in gone.get_json()["error"]
    finally:
        other.extensions["scokg"].runtime.close()
    nearest = app.test_client().get("/id/almaty", headers={"Accept-Datetime": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert nearest.status_code == 302 and nearest.headers["Location"].endswith(f"?release={first}")
