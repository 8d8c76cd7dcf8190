"""Publish a release: dumps of the whole graph, ontology and shapes, a Wikidata linkset, VoID/DCAT
and SHA256SUMS, written to a temporary folder that replaces the output folder only when complete."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ValidationFailed
from .metadata import dataset_stats, describe_dataset
from .namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH
from .store import build_store

MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".nt.gz": "application/n-triples",
}
VERSION_FILE = ".scokg-version"
LINKSET_QUERY = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
CONSTRUCT { ?s owl:sameAs ?o } WHERE {
  ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) }"""


@dataclass
class BuildResult:
    out: Path
    files: list[dict] = field(default_factory=list)
    skipped: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def media_type_of(name: str) -> str:
    for suffix in (".nt.gz", ".ttl", ".nt", ".jsonld"):
        if name.endswith(suffix):
            return MEDIA_TYPES[suffix]
    return "application/octet-stream"


def _file_info(path: Path) -> dict:
    data = path.read_bytes()
    return {"name": path.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "media_type": media_type_of(path.name),
            "encoding": "gzip" if path.name.endswith(".gz") else None}


def build(settings, out: str | Path, *, validate: bool = True, force: bool = False,
          progress: Callable[[str, float], None] | None = None) -> BuildResult:
    """Validate (unless told not to), then write every published file; skip when inputs are unchanged."""
    progress = progress or (lambda step, seconds: None)
    out = Path(out)
    timings: dict[str, float] = {}

    def step(name: str, t0: float) -> None:
        timings[name] = time.perf_counter() - t0
        progress(name, timings[name])

    t0 = time.perf_counter()
    store = build_store(settings.root)
    step("load", t0)
    if not force and (out / VERSION_FILE).exists() and (out / VERSION_FILE).read_text() == store.version:
        return BuildResult(out, [_file_info(p) for p in sorted(out.iterdir()) if p.name != VERSION_FILE
                                 and p.name != "SHA256SUMS"], skipped=True, timings=timings)
    if validate:
        from .validate import validate_sources

        t0 = time.perf_counter()
        report = validate_sources(settings.root, settings.validator)
        step("validate", t0)
        if not report.conforms:
            raise ValidationFailed(report)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{time.time_ns()}"
    tmp.mkdir()
    try:
        t0 = time.perf_counter()
        write_dumps(store, tmp)
        step("dumps", t0)
        t0 = time.perf_counter()
        infos = [_file_info(p) for p in sorted(tmp.iterdir())]
        # the published description names the public server; behind w3id.org that is the base IRI itself
        public = (settings.public_url or settings.base_iri).rstrip("/") + "/"
        describe_dataset(dataset_stats(store), infos, public).serialize(tmp / "void.ttl", format="turtle")
        infos.append(_file_info(tmp / "void.ttl"))
        (tmp / "SHA256SUMS").write_text("".join(f"{i['sha256']}  {i['name']}\n" for i in infos))
        (tmp / VERSION_FILE).write_text(store.version)
        step("metadata", t0)
        _replace_dir(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return BuildResult(out, infos, timings=timings)


def write_dumps(store, folder: Path) -> None:
    buf = io.BytesIO()
    store.export(buf, "application/n-triples")
    nt = buf.getvalue()
    with open(folder / "scokg.nt.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(nt)
    with open(folder / "scokg.ttl", "wb") as f:
        store.export(f, "text/turtle")
    with open(folder / "scokg.jsonld", "wb") as f:
        store.export(f, "application/ld+json")
    with open(folder / "scokg-ontology.ttl", "wb") as f:
        store.export(f, "text/turtle", graph=str(ONTOLOGY_GRAPH))
    with open(folder / "scokg-shapes.ttl", "wb") as f:
        store.export(f, "text/turtle", graph=str(SHAPES_GRAPH))
    links = store.construct(LINKSET_QUERY)
    lines = sorted(links.serialize(format="nt").strip().splitlines())
    (folder / "scokg-wikidata-links.nt").write_text("\n".join(lines) + ("\n" if lines else ""))


def _replace_dir(new: Path, out: Path) -> None:
    """Swap ``new`` into place of ``out``; the old folder is removed only after the swap."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{time.time_ns()}"
        out.rename(old)
    new.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
