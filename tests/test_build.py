"""scokg build: the published files, written to a temporary folder that replaces the old one only when complete."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Namespace

from publishing_support import make_mini_project
from scokg.config import load_settings
from scokg.graph import build as build_module
from scokg.graph.build import build
from scokg.graph.metadata import DATASET

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PUBLISHED = {"scokg.ttl", "scokg.nt.gz", "scokg.jsonld", "scokg-ontology.ttl", "scokg-shapes.ttl",
             "scokg-wikidata-links.nt", "void.ttl", "SHA256SUMS"}


@pytest.fixture()
def settings(tmp_path):
    return load_settings({"root": str(make_mini_project(tmp_path / "p")), "public_url": "https://example.org/"},
                         environ={})


def test_build_writes_every_file_and_void_lists_them(settings, tmp_path):
    out = tmp_path / "dist"
    result = build(settings, out, validate=False)
    assert {p.name for p in out.iterdir()} >= PUBLISHED
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    # one complete dump of the default graph is the void:dataDump; every file is a DCAT distribution
    assert {str(o) for o in void.objects(DATASET, VOID.dataDump)} == {"https://example.org/dumps/scokg.ttl"}
    urls = {str(o) for o in void.objects(None, DCAT.downloadURL)}
    for f in result.files:
        if f["name"] != "void.ttl":
            assert f"https://example.org/dumps/{f['name']}" in urls
    links = (out / "scokg-wikidata-links.nt").read_text().splitlines()
    assert links and all("owl#sameAs" in line and "wikidata.org/entity/" in line for line in links)


def test_unchanged_inputs_are_skipped_and_force_rebuilds(settings, tmp_path):
    out = tmp_path / "dist"
    build(settings, out, validate=False)
    assert build(settings, out, validate=False).skipped
    assert not build(settings, out, validate=False, force=True).skipped


def test_a_failed_build_keeps_the_previous_release(settings, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    build(settings, out, validate=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(store, folder):
        (folder / "scokg.ttl").write_text("half a file")
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_dumps", broken)
    with pytest.raises(OSError):
        build(settings, out, validate=False, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist.")], "no temporary folder left behind"


def test_a_big_release_is_published_while_its_dumps_are_written_elsewhere(tmp_path, monkeypatch):
    """The server does not wait for a big release's dumps: a process of its own writes them, /dumps/ answers 503
    with Retry-After meanwhile, and the files appear complete."""
    import time

    from publishing_support import close_app, open_app

    root = make_mini_project(tmp_path / "p")
    monkeypatch.setattr(build_module, "BACKGROUND_BYTES", 0)
    settings = load_settings({"root": str(root), "instance": str(tmp_path / "i"), "validate": "false"}, environ={})
    release = build_module.publish(settings)
    assert build_module.building(release.dumps) or release.dumps.is_dir()

    app = open_app(root, tmp_path / "i")
    try:
        client = app.test_client()
        deadline = time.monotonic() + 60
        statuses = set()
        while time.monotonic() < deadline:
            r = client.get("/dumps/scokg.ttl")
            statuses.add(r.status_code)
            if r.status_code == 200:
                break
            assert r.status_code == 503 and r.headers["Retry-After"].isdigit(), r.get_data(as_text=True)
            time.sleep(0.1)
        assert r.status_code == 200 and statuses <= {200, 503}
        assert {p.name for p in release.dumps.iterdir()} >= PUBLISHED
        # the writer then records the release (its sources and changelog) and ends
        while (release.folder / build_module.BUILDING_MARK).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not (release.folder / build_module.BUILDING_MARK).exists()
        assert (release.folder / "release.json").is_file()
    finally:
        close_app(app)


def test_dumps_answer_503_while_a_process_writes_them(tmp_path):
    import os

    from publishing_support import close_app, open_app

    root = make_mini_project(tmp_path / "p")
    app = open_app(root, tmp_path / "i")
    try:
        release = app.extensions["scokg"].runtime.release
        import shutil
        shutil.rmtree(release.dumps)
        (release.folder / build_module.BUILDING_MARK).write_text(str(os.getpid()))  # a live process
        r = app.test_client().get("/dumps/scokg.ttl", headers={"Accept": "application/json"})
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        assert r.get_json()["error"] == "the dumps of this release are being written"
        assert app.test_client().get("/dumps/", headers={"Accept": "application/json"}).get_json()["building"]
        (release.folder / build_module.BUILDING_MARK).write_text("999999999")  # gone: no longer building
        assert app.test_client().get("/dumps/scokg.ttl").status_code == 404
    finally:
        close_app(app)
