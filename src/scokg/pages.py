"""Pages and dereferenceable IRIs: /, /id/<local>, /ontology, /shapes, /dataset."""

from __future__ import annotations

from flask import Blueprint, render_template

from .app import get_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("index.html", triples=get_store().count())
