"""/dumps/: the files written by 'scokg build', and /sources/: the article texts the graph cites.

Files are sent with ``send_file(conditional=True)``: Content-Length, Last-Modified, a strong ETag
(the file's SHA-256), If-None-Match/If-Modified-Since (304) and Range (206).

Compressed dumps: ``scokg.nt.gz`` is served as what it is, ``application/gzip`` without
Content-Encoding, so ``curl -O`` and browsers save the .gz file unchanged (as DBpedia and Wikidata
serve their dumps). Content-Encoding applies to ``/dumps/scokg.nt``: the same bytes, sent as
``application/n-triples`` with ``Content-Encoding: gzip`` to clients that accept gzip
(``curl --compressed``), and decompressed on the fly for the others.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, request, send_file, stream_with_context

from ..errors import NotFound, Unavailable
from ..formats import HTML, JSON_API, http_content_type, published_media_type
from ..graph.build import building
from . import conneg
from .html import html_response
from .runtime import get_runtime
from .source_page import source_page, wants_page

bp = Blueprint("dumps", __name__)

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
GZIP_VIEWS = {"scokg.nt": "scokg.nt.gz"}  # name served with Content-Encoding → file on disk
CHUNK = 64 * 1024


def _settings():
    return current_app.config["SCOKG_SETTINGS"]


def dumps_folder() -> Path:
    """The dumps of the release this worker serves (a remote store's releases are published elsewhere)."""
    release = get_runtime().release
    if release is None:
        raise NotFound("this server reads a remote store: its dumps are published where it was loaded from")
    return release.dumps


def _sha256(path: Path) -> str:
    """SHA-256 of a file, remembered while its size and mtime stay the same."""
    st = path.stat()
    memo = current_app.extensions.setdefault("scokg-file-hashes", {})
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in memo:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        memo[key] = h.hexdigest()
    return memo[key]


def dump_files() -> list[dict]:
    """The published files (name, size, sha256, media_type, encoding); [] before the first build, and over a remote
    store (its release is published where it was loaded from)."""
    if get_runtime().release is None:
        return []
    folder = dumps_folder()
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and SAFE_NAME.match(path.name):
            out.append({"name": path.name, "size": path.stat().st_size, "sha256": _sha256(path),
                        "media_type": published_media_type(path.name),
                        "encoding": "gzip" if path.name.endswith(".gz") else None})
    return out


def _safe_file(folder: Path, name: str) -> Path:
    """A regular file directly inside ``folder``; anything else (.., separators, links out) is 404."""
    if not SAFE_NAME.match(name) or ".." in name:
        raise NotFound(f"no file named {name!r}")
    path = folder / name
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise NotFound(f"no file named {name!r}", hint="see the list of files at /dumps/") from None
    if resolved.parent != folder.resolve() or not resolved.is_file():
        raise NotFound(f"no file named {name!r}")
    return resolved


# One satisfiable range of bytes: "bytes=first-last", "bytes=first-" or "bytes=-suffix".
SINGLE_RANGE = re.compile(r"^bytes=(\d+-\d*|-\d+)$")


def _conditions_we_honour(environ) -> None:
    """RFC 9110: a Range the server does not support (several ranges) or cannot parse is ignored, so the whole
    file is sent (not a 416); ``If-Match: *`` holds for any file that exists."""
    if not SINGLE_RANGE.match(environ.get("HTTP_RANGE", "bytes=0-").replace(" ", "")):
        environ.pop("HTTP_RANGE", None)
    if environ.get("HTTP_IF_MATCH", "").strip() == "*":
        environ.pop("HTTP_IF_MATCH")


def _send(path: Path, mimetype: str, etag: str) -> Response:
    _conditions_we_honour(request.environ)
    response = send_file(path, mimetype=mimetype, conditional=True, etag=etag, max_age=_settings().cache_max_age)
    response.headers["Content-Type"] = mimetype  # exactly as given (send_file would add a second charset)
    # not "public": the fast path must not replay a full body to a later Range request
    response.headers["Cache-Control"] = f"max-age={_settings().cache_max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/dumps/")
def index():
    files = dump_files()
    folder = dumps_folder()
    media = conneg.negotiate(request.headers.get("Accept"), (HTML, JSON_API), HTML.media_type)
    release = get_runtime().release
    version = release.version if release is not None else None
    if media == "application/json":
        return {"ok": True, "release": version, "built": folder.is_dir(), "building": building(folder),
                "files": files}
    return html_response(render_template("dumps.html", files=files, built=folder.is_dir(), building=building(folder),
                                         folder=str(folder), gzip_views=GZIP_VIEWS, release=version), negotiated=True)


@bp.get("/dumps")
def index_redirect():
    return redirect(request.script_root + "/dumps/", code=301)


@bp.get("/dumps/<name>")
def dump_file(name: str):
    folder = dumps_folder()
    if not folder.is_dir() and building(folder):
        raise Unavailable("the dumps of this release are being written", hint="try again in a few seconds")
    if not folder.is_dir():
        raise NotFound("no dumps have been built yet", hint="run 'scokg build' to write them")
    if name in GZIP_VIEWS:
        return _encoded(_safe_file(folder, GZIP_VIEWS[name]), name)
    path = _safe_file(folder, name)
    return _send(path, http_content_type(name), _sha256(path))


def _encoded(path: Path, name: str) -> Response:
    """The uncompressed view of a .gz dump: gzip transfer coding when accepted, inflated otherwise."""
    media = http_content_type(name)
    if "gzip" in request.accept_encodings:
        response = _send(path, media, _sha256(path) + "-gz")
        response.headers["Content-Encoding"] = "gzip"
    else:
        def inflate():
            with gzip.open(path, "rb") as f:
                yield from iter(lambda: f.read(CHUNK), b"")

        response = Response(stream_with_context(inflate()), mimetype=media)
        response.headers["Cache-Control"] = f"max-age={_settings().cache_max_age}"
        response.headers["Accept-Ranges"] = "none"
    response.headers["Vary"] = "Accept-Encoding"
    return response


@bp.get("/sources/<name>")
def source_file(name: str):
    """The article texts that source documents point at with dcat:downloadURL."""
    path = _safe_file(Path(_settings().root) / "data" / "sources", name)
    if wants_page():  # a browser: the text as a page, the quoted words highlighted
        return source_page(path, name)
    response = _send(path, "text/plain; charset=utf-8", _sha256(path))
    response.headers["Vary"] = "Accept"
    return response
