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
