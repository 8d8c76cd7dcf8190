"""Shared fixtures: settings for the real project or a copy, an app, a client, a live server."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from collections import defaultdict
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


CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def live_chromium(app):
    """(server, browser): the app on 127.0.0.1 and a headless Chromium; skips where Chromium is absent."""
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with LiveServer(app) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield server, browser
        finally:
            browser.close()


# The W3C suites' pass counts, printed at the end of the run. Here, not in tests/w3c/conftest.py: pytest-xdist's
# controller collects nothing, so it loads only this conftest; it maps node ids to suites from the manifests.
_w3c_labels: dict[str, str] = {}  # W3C test id -> suite line ("sparql11 syntax")
_w3c_outcomes: dict[str, dict[str, str]] = defaultdict(dict)  # suite line -> nodeid -> outcome


def _w3c_suite(nodeid: str) -> str | None:
    if not nodeid.startswith("tests/w3c/test_w3c_") or "[" not in nodeid:
        return None
    if not _w3c_labels:
        from w3c.w3c_manifest import all_tests  # the manifests: read only when W3C tests ran

        _w3c_labels.update({case.test_id: case.label for case in all_tests()})
    return _w3c_labels.get(nodeid.rsplit("[", 1)[1].rstrip("]"))


def pytest_runtest_logreport(report):
    suite = _w3c_suite(report.nodeid)
    if suite is None:
        return
    if report.when == "call" or report.outcome != "passed":  # a setup or teardown error counts as a failure
        outcome = "xfailed" if hasattr(report, "wasxfail") and report.outcome == "skipped" else report.outcome
        if outcome == "failed" or report.nodeid not in _w3c_outcomes[suite]:
            _w3c_outcomes[suite][report.nodeid] = outcome


def pytest_terminal_summary(terminalreporter):
    if not _w3c_outcomes:
        return
    terminalreporter.section("W3C SPARQL test suites")
    for suite in sorted(_w3c_outcomes):
        counts: dict[str, int] = defaultdict(int)
        for outcome in _w3c_outcomes[suite].values():
            counts[outcome] += 1
        extra = [f"{counts[k]} {k}" for k in ("xfailed", "failed", "skipped") if counts[k]]
        terminalreporter.write_line(f"W3C {suite}: {counts['passed']}/{sum(counts.values())} passed"
                                    + (f" ({', '.join(extra)})" if extra else ""))
