"""A real SPARQL server on 127.0.0.1 serving the Wikidata fixture (the `oxigraph` server from PyPI), and small
misbehaving HTTP servers (one that answers 429 first, one that never answers) for the failure cases."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "wikidata" / "wikidata.ttl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    for candidate in (Path(sys.executable).parent / "oxigraph", shutil.which("oxigraph")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.fail("the oxigraph server (PyPI package 'oxigraph', in the test extras) is not installed")


def wait_until_answering(server, url: str, seconds: float = 20):
    """Return `server` once its SPARQL endpoint answers; stop it and fail when it does not in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.__exit__()
    raise RuntimeError(f"the server at {url} did not start")


class FixtureServer:
    """`oxigraph serve-read-only` over a fresh store loaded with the fixture; stopped on exit."""

    def __init__(self, tmp: Path, data: Path = FIXTURE):
        self.tmp, self.data = tmp, data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = None

    def __enter__(self):
        binary = oxigraph_binary()
        location = self.tmp / "wikidata-store"
        subprocess.run([binary, "load", "--location", str(location), "--file", str(self.data)], check=True,
                       capture_output=True, timeout=60)
        self.process = subprocess.Popen([binary, "serve-read-only", "--location", str(location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return wait_until_answering(self, self.url)

    def __exit__(self, *exc):
        if self.process:
            self.process.kill()
            self.process.wait(timeout=10)


class FlakyProxy:
    """Answers the first `failures` requests with 429 (Retry-After: 1), then forwards to `target`."""

    def __init__(self, target: str, failures: int = 1, status: int = 429):
        self.requests = 0
        self.seen: list[tuple[str, dict, bytes]] = []  # (method, headers, body) of every request
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                outer.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.seen.append((self.command, dict(self.headers), body))
                if outer.requests <= failures:
                    self.send_response(status)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                req = urllib.request.Request(target, data=body, method="POST",
                                             headers={"Content-Type": self.headers["Content-Type"],
                                                      "Accept": self.headers.get("Accept", "*/*")})
                with urllib.request.urlopen(req, timeout=10) as r:
                    payload = r.read()
                    self.send_response(200)
                    self.send_header("Content-Type", r.headers["Content-Type"])
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/query"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SilentServer:
    """Accepts connections and never answers: a hanging endpoint."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/query"
        self.connections = 0
        self._held = []
        self._stop = False

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self._held.append(conn)

    def __enter__(self):
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        self.thread.join(timeout=5)
        for c in self._held:
            c.close()
        self.sock.close()


class EmptyOxigraph:
    """`oxigraph serve` in memory, read-write: query at /query, Graph Store Protocol at /store."""

    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url, self.store_url = self.base + "/query", self.base + "/store"
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen([oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return wait_until_answering(self, self.query_url)

    def __exit__(self, *exc):
        if self.process:
            self.process.kill()
            self.process.wait(timeout=10)
