"""Installed anywhere, it serves (issue 13): a wheel (not an editable install) in a fresh virtual environment,
started from an empty folder, serves the release it carries inside the package."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, accept: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; its dependencies come from this environment (no network)."""
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheels), str(ROOT)], check=True, capture_output=True, timeout=300)
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    purelib = Path(sysconfig.get_paths(vars={"base": str(env_dir), "platbase": str(env_dir)})["purelib"])
    # this environment's packages as a path entry: regular packages import, the editable scokg does not
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("scokg-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
                    "--no-deps", "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    return env_dir


def test_the_wheel_carries_the_release_and_serves_it_from_an_empty_folder(installed, tmp_path):
    python = installed / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import scokg, sys; sys.stdout.write(scokg.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert where.startswith(str(installed)), "the wheel's copy, not the checkout's, must be imported"
    empty = tmp_path / "empty"
    empty.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCOKG_")}
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(installed / "bin" / "scokg"), "serve", "--port", str(port), "--workers", "1"],
                                  cwd=empty, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(base + "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
                                    "application/sparql-results+json")
                break
            except OSError:
                assert server.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the installed server did not answer within 90 s"
                time.sleep(0.5)
        # the same number of triples as the checkout's ontology/ and data/ hold, counted by rdflib
        expected = rdflib.Graph()
        for folder in ("ontology", "data"):
            for path in (ROOT / folder).rglob("*.ttl"):
                expected.parse(path, format="turtle")
        assert status == 200 and f'"value":"{len(expected)}"'.encode() in body.replace(b" ", b"")
        status, dump = _get(base + "/dumps/scokg.ttl", "text/turtle")
        assert status == 200 and len(rdflib.Graph().parse(data=dump, format="turtle")) == len(expected)
        assert list((empty / "instance" / "releases").glob("*/dumps/scokg.ttl"))
        # access-log lines are written on the metrics' beat (twice a second), not as each response leaves
        deadline = time.monotonic() + 10
        while '"GET /dumps/scokg.ttl' not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert '"GET /dumps/scokg.ttl' in log.read_text(), "serve writes an access log by default"
    finally:
        server.terminate()
        server.wait(timeout=30)
