"""/releases/: every kept release, citable and served for good, and the resources as they were (Memento).

- ``/releases/``: the kept releases (version, date, triples, digest, what changed), as a page and as DCAT/VoID:
  each release a ``dcat:Dataset`` with ``dcat:version``, ``dcat:previousVersion``, ``prov:wasRevisionOf``, its
  distributions and its changelog (``adms:versionNotes``, English and German).
- ``/releases/<version>/``: one release, its changes in words; ``/releases/<version>/dumps/<file>``: its files,
  ``Cache-Control: immutable`` (a release never changes); 410 Gone once the release is no longer kept.
- Memento (RFC 7089) for ``/id/<slug>``: ``archived_description`` gives a resource as a release had it (the
  release's dump, read into a store of its own); ``timegate``, ``memento_headers`` and ``/timemap/id/<slug>``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import re
from collections import OrderedDict
from pathlib import Path

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Response, current_app, redirect, render_template, request
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, VOID

from .. import formats
from ..errors import BadRequest, NotFound, ScokgError
from ..formats import PAGE_FORMATS, http_content_type, published_media_type
from ..graph.metadata import DATASET, IANA
from ..graph.releases import ReleaseInfo, in_force, kept_releases, read_changes, read_info, removed_releases
from ..namespaces import DCAT3 as DCAT
from ..store.base import Answer
from ..store.oneshot import run_pinned
from ..store.oxigraph import OxigraphStore
from . import conneg
from .dumps import SAFE_NAME, _safe_file, _send, _sha256
from .html import html_response
from .runtime import get_runtime
from .serialize import serialize
from .views import IRI_SAFE, data_iri

bp = Blueprint("releases", __name__)
ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")
CS = rdflib.Namespace("http://purl.org/vocab/changeset/schema#")
# not "public": the fast path would replay a whole body to a Range or If-Modified-Since request, and a stale Date
IMMUTABLE = "max-age=31536000, immutable"
VERSION = re.compile(r"^[0-9a-f]{16}$")
EXPOSED = "Link, Memento-Datetime, X-Release, ETag"  # what a script in a page of another origin may read
ARCHIVE_STORES = 2  # old releases' stores a worker keeps open


class Gone(ScokgError):
    status = 410


def releases_dir() -> Path:
    release = get_runtime().release
    if release is None:
        raise NotFound("this server reads a remote store: its releases are published where it was loaded from")
    return release.folder.parent


def current_version() -> str:
    release = get_runtime().release
    return release.version if release is not None else ""


def kept() -> list[ReleaseInfo]:
    return kept_releases(releases_dir())


def release_node(public: str, version: str) -> URIRef:
    """A release as a dcat:Dataset: its page on this server."""
    return URIRef(f"{public}releases/{version}/")


def release_of(version: str, releases_folder: Path | None = None, doing: str = "") -> ReleaseInfo:
    """A kept release; 400 for what cannot be a version, 410 for one removed from here, 404 for one never
    published here (the removed ones are remembered in ``releases/.removed``)."""
    folder = releases_folder or releases_dir()
    if not VERSION.match(version):
        raise BadRequest("a release is named by 16 lowercase hexadecimal digits",
                         hint="the kept releases are listed at /releases/")
    info = read_info(folder / version)
    if info is not None:
        return info
    if version in removed_releases(folder):
        raise Gone(f"release {version} is no longer kept here{doing}",
                   hint="the kept releases are listed at /releases/; the current one at /dumps/")
    raise NotFound(f"no release {version} was published here", hint="the kept releases are listed at /releases/")


def pinned_answer(releases_folder: Path, settings, version: str, text: str, select_type: str | None,
                  graph_type: str | None) -> Answer:
    """A query run again on a kept release (its own process, the same limits); 410 once it is no longer kept."""
    release_of(version, releases_folder, doing=": the query cannot run on it again")
    return run_pinned(releases_folder / version / "sources", text, select_type, graph_type, settings.max_rows,
                      settings.query_timeout, settings.executor_memory_limit)


# -- the resource as a release had it ------------------------------------------------------------------------
def archive_store(version: str) -> OxigraphStore:
    """The graph of a kept release, read from its N-Triples dump into memory once per worker (a few at a time)."""
    cache: OrderedDict = current_app.extensions.setdefault("scokg-archive", OrderedDict())
    if version in cache:
        cache.move_to_end(version)
        return cache[version]
    release_of(version)
    dump = releases_dir() / version / "dumps" / "scokg.nt.gz"
    store = ox.Store()
    with gzip.open(dump, "rb") as f:
        store.bulk_load(f.read(), format=ox.RdfFormat.N_TRIPLES)
    cache[version] = OxigraphStore(store, version)
    while len(cache) > ARCHIVE_STORES:
        cache.popitem(last=False)
    return cache[version]


def archived_description(version: str, iri: str) -> rdflib.Graph:
    return archive_store(version).describe(iri)


def http_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def known_in(version: str, iri: str) -> bool:
    """Whether a release (the current one, or a kept one) describes ``iri``."""
    if version == current_version():
        return bool(len(get_runtime().store.describe(iri)))
    return bool(len(archived_description(version, iri)))


def timegate(rel: str, iri: str):
    """With Accept-Datetime: a 302 to the memento of the release in force at that time (RFC 7089, 4.1.1); 410
    when that release is no longer kept, 404 when it did not describe the resource."""
    asked = request.headers.get("Accept-Datetime")
    if not asked or request.args.get("release"):
        return None
    try:
        when = email.utils.parsedate_to_datetime(asked)
    except (TypeError, ValueError):
        raise BadRequest("Accept-Datetime is not an HTTP date", hint="RFC 7089 asks for an RFC 1123 date, such as "
                         "'Sun, 06 Nov 1994 08:49:37 GMT'") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    releases = kept()
    chosen = in_force(releases, when)
    if chosen is None:
        return None
    if chosen.published_at > when and chosen.previous:  # what was in force then has been removed
        raise Gone(f"the release in force on {http_date(when)} is no longer kept here",
                   hint=f"the oldest kept release is {chosen.version}, published {http_date(chosen.published_at)}")
    if not known_in(chosen.version, iri):
        raise NotFound(f"no resource is known as <{iri}> in release {chosen.version}, in force then")
    response = redirect(f"{request.script_root}/{rel}?release={chosen.version}", code=302)
    response.headers["Vary"] = "accept-datetime"
    response.headers["Link"] = ", ".join(_memento_links(rel))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def memento_headers(response: Response, rel: str, version: str | None) -> Response:
    """Link to the original, the timegate and the timemap; a memento says when it was the release."""
    links = _memento_links(rel)
    if version:
        response.headers["Memento-Datetime"] = http_date(release_of(version).published_at)
    else:
        response.headers["Vary"] = ", ".join(v for v in (response.headers.get("Vary"), "accept-datetime") if v)
    existing = response.headers.get("Link")
    response.headers["Link"] = ", ".join([existing, *links] if existing else links)
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def _memento_links(rel: str) -> list[str]:
    return [f'<{request.script_root}/{rel}>; rel="original timegate"',
            f'<{request.script_root}/timemap/{rel}>; rel="timemap"; type="application/link-format"']


@bp.get("/timemap/<path:rel>")
def timemap(rel: str):
    """Every kept release's memento of a resource (application/link-format, RFC 7089 5)."""
    if not rel.startswith("id/") or not IRI_SAFE.match(rel[3:]):
        raise NotFound("timemaps are kept for /id/ resources")
    base = request.script_root + "/" + rel
    iri = data_iri(rel)
    releases = [r for r in sorted(kept(), key=lambda r: r.published) if known_in(r.version, iri)]
    if not releases:
        raise NotFound(f"no kept release describes <{iri}>")
    lines = [f'<{base}>; rel="original"', f'<{base}>; rel="timegate"',
             f'<{request.script_root}/timemap/{rel}>; rel="self"; type="application/link-format"']
    for n, r in enumerate(releases):
        role = "memento" if 0 < n < len(releases) - 1 else ("first memento" if n == 0 else "last memento")
        if len(releases) == 1:
            role = "first last memento"
        lines.append(f'<{base}?release={r.version}>; rel="{role}"; datetime="{http_date(r.published_at)}"')
    response = Response(",\n".join(lines) + "\n", mimetype="application/link-format")
    response.headers["Cache-Control"] = "no-cache"
    return response


# -- the releases, as pages and as DCAT/VoID ------------------------------------------------------------------
def releases_graph() -> rdflib.Graph:
    public = current_app.config["SCOKG_SETTINGS"].public_base
    g = rdflib.Graph()
    g.bind("dcat", DCAT)
    g.bind("prov", PROV)
    g.bind("adms", ADMS)
    g.bind("cs", CS)
    g.bind("void", VOID)
    whole = DATASET  # the one the VoID at /dataset describes, wherever this server answers
    for info in kept():
        node = release_node(public, info.version)
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((whole, DCAT.hasVersion, node))
        g.add((node, DCAT.version, Literal(info.version)))
        g.add((node, DCTERMS.identifier, Literal(info.digest)))
        g.add((node, DCTERMS.issued, Literal(info.published, datatype=XSD.dateTime)))
        g.add((node, VOID.triples, Literal(info.triples)))
        if info.previous:
            previous = release_node(public, info.previous)
            g.add((node, DCAT.previousVersion, previous))
            g.add((node, PROV.wasRevisionOf, previous))
        folder = releases_dir() / info.version
        for path in sorted((folder / "dumps").glob("*")):
            if path.is_file() and SAFE_NAME.match(path.name):
                dist = URIRef(f"{node}dumps/{path.name}")
                g.add((node, DCAT.distribution, dist))
                g.add((dist, RDF.type, DCAT.Distribution))
                g.add((dist, DCAT.downloadURL, dist))
                g.add((dist, DCAT.mediaType, URIRef(IANA + published_media_type(path.name))))
                if path.name.endswith(".gz"):
                    g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
                g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        changes = read_changes(folder)
        for lang in ("en", "de"):
            notes = [change_words(c, lang) for c in changes]
            if notes:
                g.add((node, ADMS.versionNotes, Literal("\n".join(notes), lang=lang)))
        for c in changes:  # each change on its own, in the changeset vocabulary, for machines
            change = URIRef(f"{node}#change-{c['digest'][:16]}")
            g.add((change, RDF.type, CS.ChangeSet))
            g.add((change, DCTERMS.isPartOf, node))
            g.add((change, DCTERMS.type, Literal(c["change"])))
            g.add((change, CS.createdDate, Literal(info.published, datatype=XSD.dateTime)))
            if (subject := c.get("key", "").split(" ")[0]).startswith("<") and subject.endswith(">"):
                g.add((change, CS.subjectOfChange, URIRef(subject[1:-1])))
            for lang in ("en", "de"):
                g.add((change, CS.changeReason, Literal(change_words(c, lang), lang=lang)))
    return g


CHANGE_WORDS = {"added": "hinzugefügte", "changed": "geänderte", "removed": "entfernte"}
KIND_WORDS = {"statement": "Aussage", "link": "Verknüpfung", "entity": "Entität", "quote": "Zitat", "file": "Datei",
              "node": "Knoten"}


def change_words(change: dict, lang: str) -> str:
    """One change in a sentence of the language: 'changed statement: …', 'geänderte Aussage: …'."""
    if lang == "de":
        kind, what = change["change"], change["kind"]
        head = f"{CHANGE_WORDS.get(kind, kind)} {KIND_WORDS.get(what, what)}"
    else:
        head = f"{change['change']} {change['kind']}"
    return f"{head}: {change['words'][lang]}"


def _negotiated(graph_fn, page_fn) -> Response:
    media = conneg.negotiate(request.headers.get("Accept"), PAGE_FORMATS, "text/html")
    if media == "text/html":
        return html_response(page_fn(), negotiated=True)
    response = Response(serialize(graph_fn(), media), content_type=formats.get(media).content_type)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/releases/")
def index():
    def page() -> str:  # the rows read every release's changelog: only for the page
        current = current_version()
        rows = [{"info": r, "changes": len(read_changes(releases_dir() / r.version)), "current": r.version == current}
                for r in kept()]
        return render_template("releases.html", rows=rows, current=current)

    return _negotiated(releases_graph, page)


@bp.get("/releases")
def index_redirect():
    return redirect(request.script_root + "/releases/", code=301)


@bp.get("/releases/<version>/")
def release_page(version: str):
    info = release_of(version)
    folder = releases_dir() / version
    files = sorted(p.name for p in (folder / "dumps").glob("*") if p.is_file() and SAFE_NAME.match(p.name))
    return _negotiated(releases_graph, lambda: render_template(
        "release.html", info=info, changes=read_changes(folder), files=files, current=current_version(),
        public=current_app.config["SCOKG_SETTINGS"].public_base))


@bp.get("/releases/<version>/dumps/")
@bp.get("/releases/<version>/dumps")
def release_files(version: str):
    """The folder of a release's files is listed on the release's own page (as /dumps/ lists the current one's)."""
    release_of(version)
    return redirect(f"{request.script_root}/releases/{version}/", code=301)


@bp.get("/releases/<version>/dumps/<name>")
def release_file(version: str, name: str):
    release_of(version)
    path = _safe_file(releases_dir() / version / "dumps", name)
    response = _send(path, http_content_type(name), _sha256(path))
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers.pop("Expires", None)  # send_file's, from the short max-age of the current dumps
    return response
