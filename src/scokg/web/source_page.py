"""/sources/<file> for a browser: the article's text as a page, the words a fact rests on highlighted.

A quote links to its place as ``/sources/<file>#char=<start>,<end>`` (RFC 5147: characters of the text, counted
from 0); the fragment never reaches the server, so source.js marks that range and scrolls to it. ``?char=s,e``
does the same without scripts. Other clients get the plain text, byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template, request
from rdflib.namespace import DCAT

from ..namespaces import BASE
from .browse_view import triples
from .html import html_response
from .provenance_view import OA
from .views import href, label

CHAR = re.compile(r"^(\d+),(\d+)$")


def wants_page() -> bool:
    return request.accept_mimetypes.best_match(["text/plain", "text/html"], default="text/plain") == "text/html"


def source_page(path: Path, name: str):
    text = path.read_text(encoding="utf-8")
    text_iri = f"{BASE}sources/{name}"
    pointing = triples()["in"].get(text_iri, {})
    documents = sorted(set(pointing.get(DCAT.downloadURL, [])))
    parts = [text]
    m = CHAR.match(request.args.get("char", ""))
    if m and int(m.group(1)) <= int(m.group(2)) <= len(text):
        start, end = int(m.group(1)), int(m.group(2))
        parts = [text[:start], text[start:end], text[end:]]
    return html_response(render_template(
        "source.html", name=name, parts=parts, plain=request.script_root + f"/sources/{name}",
        documents=[{"href": href(d), "label": label(d)} for d in documents],
        quotes=len(pointing.get(OA.hasSource, []))), negotiated=True)
