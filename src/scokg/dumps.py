"""/dumps/: the files written by 'scokg build'."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dumps", __name__)
