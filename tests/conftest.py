"""Shared fixtures: settings for the real project or a copy, an app, a client, a live server."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from scokg.config import load_settings
from scokg.web.app import create_app

# The release under test: the checkout's own, or another one (SCOKG_TEST_ROOT) while the data is being edited.
ROOT = Path(os.environ.get("SCOKG_TEST_ROOT") or Path(__file__).resolve().parents[1])
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = FIXTURES / "tiny"

# Runtime state of the tests' apps (built dumps), never the checkout's own instance/.
INSTANCE = Path(tempfile.mkdtemp(prefix="scokg-tests-"))
atexit.register(shutil.rmtree, INSTANCE, ignore_errors=True)
# Settings tests share: no SERVICE calls to the outside world, short limits.
TEST_SETTINGS = {"service_allowlist": "", "query_timeout": 5.0, "query_workers": 2, "instance": str(INSTANCE)}


def make_settings(**overrides):
    return load_settings({"root": str(ROOT), **TEST_SETTINGS, **overrides}, environ={})


@pytest.fixture(scope="session")
def settings():
    return make_settings()


@pytest.fixture(scope="session")
def app(settings):
    application = create_app(settings)
    yield application
    application.extensions["scokg"].runtime.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A writable copy of the project's ontology/, data/ and shapes/ (for breaking things)."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture()
def tiny_copy(tmp_path) -> Path:
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(TINY / name, tmp_path / name)
    return tmp_path


class LiveServer:
    """The app on a real socket on 127.0.0.1, in a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app):
    with LiveServer(app) as server:
        yield server


def browser_or_skip():
    """Path of a Chromium binary; skip (or fail in CI, where SCOKG_REQUIRE_BROWSER=1) when absent."""
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or ""):
        if candidate and os.path.exists(candidate):
            return candidate
    if os.environ.get("SCOKG_REQUIRE_BROWSER"):
        pytest.fail("Chromium is required (SCOKG_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("Chromium is not installed (apt-get install chromium)")
