"""Publish a release: dumps of the default graph, ontology and shapes, a Wikidata linkset, VoID/DCAT and SHA256SUMS,
written to a temporary folder that replaces the output folder only when complete.

The release is validated once: the output folder records the digest of the sources it was built (and validated)
from, so ``scokg serve`` after ``scokg build`` neither validates nor writes again, and a changed source file
makes both happen once more.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..config import load_settings, settings_environ
from ..formats import JSON_LD, N_TRIPLES, TURTLE, Format, published_media_type, serialize_triples
from ..namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from .load import SourceFile, open_sources, release_digest, select, source_files
from .metadata import dataset_stats, describe_dataset
from .quickstatements import quickstatements
from .releases import prune, record_release
from .validate import gate

VERSION_FILE = ".scokg-version"
VALIDATED_MARK = "validated"  # in a release folder: the gate passed for it
BUILDING_MARK = "building"  # in a release folder: the pid of the process writing its dumps
BACKGROUND_BYTES = 32 << 20  # sources above this size: the dumps are written while the server starts
# Releases this process has already validated (by source digest): several apps over one release, as in the test
# suite or a reload that changes nothing, pay for the gate once.
_VALIDATED: set[tuple[str, str]] = set()
PUBLISHED_GRAPHS = (ONTOLOGY_GRAPH, DATA_GRAPH)  # the default graph the endpoint serves
LINKSET_QUERY = """CONSTRUCT { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o } WHERE {
  ?s <http://www.w3.org/2002/07/owl#sameAs> ?o FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) }"""


@dataclass(frozen=True)
class Release:
    """A validated (unless told otherwise) release of the sources: ``folder`` holds its dumps and, for big graphs,
    its on-disk store; ``files`` are the sources it was made from."""

    folder: Path
    version: str
    files: tuple[SourceFile, ...]

    @property
    def dumps(self) -> Path:
        return self.folder / "dumps"


@dataclass
class BuildResult:
    out: Path
    version: str
    files: list[dict] = field(default_factory=list)
    skipped: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def file_info(path: Path) -> dict:
    """What DCAT says of a published file: name, size, checksum, media type of its content, compression."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"name": path.name, "size": path.stat().st_size, "sha256": h.hexdigest(),
            "media_type": published_media_type(path.name),
            "encoding": "gzip" if path.name.endswith(".gz") else None}


def is_built(out: Path, version: str, validated: bool) -> bool:
    """True when ``out`` holds the release of these sources (validated, when that is asked for)."""
    try:
        stamp = (out / VERSION_FILE).read_text().split()
    except OSError:
        return False
    return stamp[:1] == [version] and (not validated or stamp[1:2] == ["validated"])


def build(settings, out: str | Path, *, validate: bool = True, force: bool = False,
          progress: Callable[[str, float], None] | None = None) -> BuildResult:
    """Validate (unless told not to), then write every published file; skip when the sources are unchanged."""
    progress = progress or (lambda step, seconds: None)
    out = Path(out)
    timings: dict[str, float] = {}

    def step(name: str, t0: float) -> None:
        timings[name] = time.perf_counter() - t0
        progress(name, timings[name])

    files = source_files(settings.root)
    version = release_digest(settings.root)[:16]
    if not force and is_built(out, version, validate):
        infos = [file_info(p) for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")]
        return BuildResult(out, version, infos, skipped=True, timings=timings)
    if validate and (version, settings.validator) not in _VALIDATED:
        t0 = time.perf_counter()
        gate(settings.root, settings.validator)
        _VALIDATED.add((version, settings.validator))
        step("validate", t0)
    t0 = time.perf_counter()
    store = open_sources(files)
    step("load", t0)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{time.time_ns()}"
    tmp.mkdir()
    try:
        t0 = time.perf_counter()
        write_dumps(store, tmp)
        step("dumps", t0)
        t0 = time.perf_counter()
        infos = [file_info(p) for p in sorted(tmp.iterdir())]
        public = (settings.public_url or settings.base_iri).rstrip("/") + "/"
        default = [ox.NamedNode(str(g)) for g in PUBLISHED_GRAPHS]
        stats = dataset_stats(lambda q: select(store, q, default_graph=default))
        describe_dataset(stats, infos, public).serialize(tmp / "void.ttl", format="turtle")
        infos.append(file_info(tmp / "void.ttl"))
        (tmp / "SHA256SUMS").write_text("".join(f"{i['sha256']}  {i['name']}\n" for i in infos))
        (tmp / VERSION_FILE).write_text(f"{version} {'validated' if validate else 'unvalidated'}\n")
        step("metadata", t0)
        _replace_dir(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return BuildResult(out, version, infos, timings=timings)


def release_folder(settings) -> Path:
    """Where the release of the sources under ``settings.root`` lives: ``<instance>/releases/<version>/``."""
    return Path(settings.instance) / "releases" / release_digest(settings.root)[:16]


def publish(settings, progress: Callable[[str, float], None] | None = None, wait: bool = False) -> Release:
    """The release of the sources under ``settings.root``: validated once (the gate; a mark in its folder says it
    passed), its dumps and VoID written once; older releases beyond the last few are removed.

    A big release's dumps are written by a process of their own while the server starts (``wait`` waits instead):
    a server should not need longer to start than the store needs to load.
    """
    progress = progress or (lambda step, seconds: None)
    files = tuple(source_files(settings.root))
    folder = release_folder(settings)
    version = folder.name
    folder.mkdir(parents=True, exist_ok=True)
    if settings.validate and not (folder / VALIDATED_MARK).exists():
        if (version, settings.validator) not in _VALIDATED:
            t0 = time.perf_counter()
            gate(settings.root, settings.validator)
            _VALIDATED.add((version, settings.validator))
            progress("validate", time.perf_counter() - t0)
        (folder / VALIDATED_MARK).touch()
    dumps = folder / "dumps"
    if not is_built(dumps, version, validated=False):
        if not wait and sum(f.path.stat().st_size for f in files) > BACKGROUND_BYTES:
            _build_elsewhere(settings, dumps)
        else:
            build(settings, dumps, validate=False, progress=progress)
    if is_built(dumps, version, validated=False):
        record(settings, folder)
    prune(folder.parent, settings.releases_kept, folder.name)
    return Release(folder, version, files)


def record(settings, folder: Path) -> None:
    """The release's record, sources and changelog (once its dumps exist: the triple count comes from its VoID)."""
    record_release(folder, Path(settings.root), release_digest(settings.root), void_triples(folder / "dumps"))


def void_triples(dumps: Path) -> int:
    """The dataset's void:triples, as the release's VoID says."""
    try:
        g = rdflib.Graph().parse(dumps / "void.ttl", format="turtle")
    except (OSError, SyntaxError, ValueError):
        return 0
    counts = [int(str(o)) for o in g.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#triples"))]
    return max(counts, default=0)


def building(dumps: Path) -> bool:
    """True while a process of its own writes these dumps."""
    try:
        pid = int((dumps.parent / BUILDING_MARK).read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _build_elsewhere(settings, dumps: Path) -> None:
    if building(dumps):
        return
    child = subprocess.Popen([sys.executable, "-m", __name__, str(dumps)],
                             env={**os.environ, **settings_environ(settings)})
    (dumps.parent / BUILDING_MARK).write_text(str(child.pid))
    threading.Thread(target=child.wait, name="scokg-dumps-writer", daemon=True).start()  # reaped when it ends


def _triples(store: ox.Store, graphs) -> list[ox.Triple]:
    """The triples of the union of ``graphs`` (a set: a triple in two graphs is written once), sorted."""
    seen = set()
    for g in graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g))):
            seen.add(ox.Triple(q.subject, q.predicate, q.object))
    return sorted(seen, key=str)


def _write(triples, path: Path, fmt: Format, compress: bool = False) -> None:
    if compress:
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            serialize_triples(triples, gz, fmt.media_type, PREFIXES)
    else:
        with open(path, "wb") as f:
            serialize_triples(triples, f, fmt.media_type, PREFIXES)


def write_dumps(store: ox.Store, folder: Path) -> None:
    default = _triples(store, PUBLISHED_GRAPHS)
    _write(default, folder / "scokg.ttl", TURTLE)
    _write(default, folder / "scokg.nt.gz", N_TRIPLES, compress=True)
    _write(default, folder / "scokg.jsonld", JSON_LD)
    _write(_triples(store, [ONTOLOGY_GRAPH]), folder / "scokg-ontology.ttl", TURTLE)
    _write(_triples(store, [SHAPES_GRAPH]), folder / "scokg-shapes.ttl", TURTLE)
    found = store.query(LINKSET_QUERY, default_graph=[ox.NamedNode(str(g)) for g in PUBLISHED_GRAPHS])
    assert isinstance(found, ox.QueryTriples)
    links = sorted(found, key=str)
    _write(links, folder / "scokg-wikidata-links.nt", N_TRIPLES)
    lines = quickstatements(store, [ox.NamedNode(str(g)) for g in PUBLISHED_GRAPHS])
    (folder / "scokg-quickstatements.txt").write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")


def _replace_dir(new: Path, out: Path) -> None:
    """Swap ``new`` into place of ``out``; the old folder is removed only after the swap."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{time.time_ns()}"
        out.rename(old)
    new.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover - the process _build_elsewhere starts; settings from SCOKG_*
    try:
        build(load_settings(), Path(sys.argv[1]), validate=False)
        record(load_settings(), Path(sys.argv[1]).parent)
    finally:
        (Path(sys.argv[1]).parent / BUILDING_MARK).unlink(missing_ok=True)
