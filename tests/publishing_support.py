"""Helpers shared by the publishing tests (pages, dumps, metadata, build, browser).

They run against the real project when its data is present, and otherwise against a mini project:
the tiny fixture plus tests/golden/mini-extra.ttl, which has the shape of the real graph
(priority scheme, initiatives, a place, a quote node, a source document).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from scokg.config import load_settings
from scokg.web.app import create_app

ROOT = Path(os.environ.get("SCOKG_TEST_ROOT") or Path(__file__).resolve().parents[1])  # as in conftest
TESTS = Path(__file__).resolve().parent
TEST_SETTINGS = {"service_allowlist": "", "query_timeout": 5.0, "query_workers": 1}


def real_data_present() -> bool:
    return any((ROOT / "data").glob("*.ttl"))


def make_mini_project(folder: Path) -> Path:
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(TESTS / "fixtures" / "tiny" / name, folder / name)
    shutil.copy(TESTS / "golden" / "mini-extra.ttl", folder / "data" / "mini-extra.ttl")
    (folder / "data" / "sources").mkdir()
    (folder / "data" / "sources" / "article.en.txt").write_text("ASTANA – the article.\n", encoding="utf-8")
    return folder


def project_root(tmp_factory) -> Path:
    if real_data_present():
        return ROOT
    return make_mini_project(tmp_factory.mktemp("mini"))


def open_app(root: Path, instance: Path, **overrides):
    """An app over ``root`` whose runtime state (the published dumps) goes to ``instance``."""
    validate = "true" if root == ROOT else "false"
    settings = load_settings({"root": str(root), "validate": validate, "instance": str(instance), **TEST_SETTINGS,
                              **overrides}, environ={})
    return create_app(settings)


def close_app(app) -> None:
    app.extensions["scokg"].runtime.close()
