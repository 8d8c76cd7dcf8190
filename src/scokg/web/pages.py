"""Dereferenceable IRIs and pages for people: /, /id/<local>, /ontology, /shapes, /dataset.

Request paths map to IRIs by prefix: ``/id/almaty`` answers for ``<base_iri>id/almaty``. The data
always uses ``https://w3id.org/scokg/`` IRIs; when ``base_iri`` names another base (a deployment
of its own), the request's IRI is looked up with that prefix replaced by the data's, and links
on pages go to the server's own paths either way.

Each document negotiates on ``Accept`` (HTML, Turtle, JSON-LD, N-Triples, RDF/XML) and answers
200 with ``Content-Location`` naming the format-specific URL (``/id/almaty.ttl``), which an
explicit suffix always selects. Responses carry ``Vary``, ``Link`` alternates and an ETag derived
from the release, so repeats are cheap (see fastpath.py).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import Graph, Literal, URIRef

from .. import formats
from ..errors import NotFound
from ..formats import PAGE_FORMATS
from ..graph.metadata import dataset_stats, describe_dataset
from ..namespaces import BASE, DCAT3, ONTOLOGY_GRAPH, SHAPES_GRAPH
from . import conneg, releases, views
from .dataset_view import dataset_view
from .dumps import dump_files
from .home_view import home_view
from .html import html_response
from .ontology_doc import ontology_view, shapes_view
from .resource_view import resource_view
from .runtime import cached, get_runtime
from .serialize import serialize
from .views import IRI_SAFE, data_iri

bp = Blueprint("pages", __name__)

SUFFIXES = {f.suffix: f.media_type for f in PAGE_FORMATS}


def _settings():
    return current_app.config["SCOKG_SETTINGS"]


def stats():
    return cached("dataset-stats", lambda store: dataset_stats(store.select))


# -- IRIs and paths ---------------------------------------------------------------------------
def split_suffix(name: str) -> tuple[str, str | None]:
    """'almaty.ttl' → ('almaty', 'text/turtle'); a name without a known suffix is kept whole.

    >>> split_suffix("almaty.jsonld")
    ('almaty', 'application/ld+json')
    >>> split_suffix("almaty")
    ('almaty', None)
    """
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext in SUFFIXES:
        return stem, SUFFIXES[ext]
    return name, None


# -- responses ------------------------------------------------------------------------------
def _choose(explicit: str | None) -> tuple[str, bool]:
    if explicit:
        return explicit, False
    return conneg.negotiate(request.headers.get("Accept"), PAGE_FORMATS, "text/html"), True


def document_response(rel: str, explicit: str | None, graph_fn, html_fn, query: str = "") -> Response:
    """Answer one document (``rel`` like 'id/almaty') in the negotiated or named format; ``query`` (like
    '?release=…') stays on the links to its other formats."""
    media, negotiated = _choose(explicit)
    lang = views.page_lang()
    version = get_runtime().store.version
    tag = hashlib.sha256(f"{version}\0{rel}\0{media}\0{lang}\0{request.query_string!r}".encode()).hexdigest()[:24]
    if conneg.etag_matches(request.headers.get("If-None-Match"), tag):
        response = Response(status=304)
    elif media == "text/html":
        response = Response(html_fn(), mimetype="text/html")
    else:
        response = Response(serialize(graph_fn(), media), content_type=formats.get(media).content_type)
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={_settings().cache_max_age}"
    vary = ["Accept"] if negotiated else []
    if media == "text/html" and "lang" not in request.args:
        vary.append("Accept-Language")
    if vary:
        response.headers["Vary"] = ", ".join(vary)
    base = request.script_root + "/" + rel
    if negotiated:
        response.headers["Content-Location"] = f"{base}.{formats.get(media).suffix}{query}"
    response.headers["Link"] = ", ".join(
        f'<{base}.{f.suffix}{query}>; rel="alternate"; type="{f.media_type}"' for f in PAGE_FORMATS)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# -- routes -----------------------------------------------------------------------------------
@bp.get("/")
def home():
    return html_response(render_template("index.html", **home_view(stats())))


@bp.get("/id/<path:local>")
def resource(local: str):
    local, explicit = split_suffix(local)
    if not IRI_SAFE.match(local):  # characters an IRI cannot hold never reach a query
        raise NotFound(f"no resource is known as /id/{local}", hint="search the names at /search?q=…")
    iri = data_iri("id/" + local)
    gate = releases.timegate("id/" + local, iri)
    if gate is not None:
        return gate
    version = request.args.get("release") or ""
    if version and get_runtime().release is not None:
        releases.release_of(version)  # 400 malformed, 404 never published, 410 no longer kept
    else:
        version = ""
    archived = bool(version) and version != releases.current_version()
    graph = releases.archived_description(version, iri) if archived else get_runtime().store.describe(iri)
    if not len(graph):
        raise NotFound(f"no resource is known as <{iri}>" + (f" in release {version}" if version else ""),
                       hint="search the names at /search?q=… or ask the SPARQL endpoint at /sparql")
    response = document_response("id/" + local, explicit, lambda: graph, lambda: render_template(
        "resource.html", **resource_view(iri, graph), archived=version if archived else None),
        query=f"?release={version}" if version else "")
    return releases.memento_headers(response, "id/" + local, version or None)


def _graph_of(name: str, graph_iri) -> Graph:
    return cached(name, lambda store: store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"))


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None):
    explicit = _suffix(ext)
    graph = _graph_of("ontology-graph", ONTOLOGY_GRAPH)
    return document_response("ontology", explicit, lambda: graph, lambda: render_template(
        "ontology.html", **ontology_view(graph, views.page_lang(), stats())))


@bp.get("/shapes")
@bp.get("/shapes.<ext>")
def shapes(ext: str | None = None):
    explicit = _suffix(ext)
    graph = _graph_of("shapes-graph", SHAPES_GRAPH)
    return document_response("shapes", explicit, lambda: graph,
                             lambda: render_template("ontology.html", **shapes_view(graph, views.page_lang())))


def dataset_graph() -> Graph:
    """VoID + DCAT for this server: counts cached per release, files from the dumps folder, and the releases
    kept here as its versions (DCAT 3), so that a citation can name the one it used."""
    files = dump_files()
    public = _settings().public_base
    versions = [info.version for info in _kept_releases()]
    key = f"dataset-graph:{public}:{hashlib.sha256(repr((files, versions)).encode()).hexdigest()[:12]}"
    return cached(key, lambda store: _with_versions(describe_dataset(stats(), files, public), public, versions))


def _kept_releases():
    try:
        return releases.kept()
    except NotFound:  # a remote store: its releases are published where it was loaded from
        return []


def _with_versions(g: Graph, public: str, versions: list[str]) -> Graph:
    dataset = URIRef(BASE + "dataset")
    current = releases.current_version()
    g.bind("dcat", DCAT3, replace=True)
    for version in versions:
        node = releases.release_node(public, version)
        g.add((dataset, DCAT3.hasVersion, node))
        if version == current:
            g.add((dataset, DCAT3.hasCurrentVersion, node))
            g.add((dataset, DCAT3.version, Literal(version)))
    return g


@bp.get("/dataset")
@bp.get("/dataset.<ext>")
@bp.get("/.well-known/void")
def dataset(ext: str | None = None):
    explicit = _suffix(ext)
    graph = dataset_graph()
    return document_response("dataset", explicit, lambda: graph, lambda: render_template(
        "dataset.html", **dataset_view(str(URIRef(BASE + "dataset")), graph, dump_files())))


def _suffix(ext: str | None) -> str | None:
    if ext is None:
        return None
    if ext not in SUFFIXES:
        raise NotFound(f"no format with suffix .{ext}", hint="suffixes: " + ", ".join(f".{s}" for s in SUFFIXES))
    return SUFFIXES[ext]


@bp.app_context_processor
def _helpers():
    return views.template_helpers()
