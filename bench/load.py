"""Load test: N concurrent keep-alive clients for T seconds on the example query mix.

    python bench/load.py                       # starts `scokg serve --workers 2` on a free port, 32 clients, 60 s
    python bench/load.py --url http://127.0.0.1:8000 --clients 8 --seconds 10

Prints requests/s, p50/p99 latency and the error count. Bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"  # SELECT/ASK and CONSTRUCT/DESCRIBE alike


# Used when the project has no example queries (src/scokg/queries/*.rq) yet.
BUILTIN_QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 50",
    "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 100",
]


def example_queries() -> list[str]:
    """The competency questions that need no network (SERVICE ones are left out), else BUILTIN_QUERIES."""
    sys.path.insert(0, str(ROOT / "src"))
    from scokg.web.examples import load_examples

    return [e.query for e in load_examples() if not e.federated] or list(BUILTIN_QUERIES)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def scokg_server(workers: int = 2, root: Path = ROOT, extra: tuple[str, ...] = (), ready_timeout: float = 60,
                 log: Path | None = None):
    """`scokg serve` in a subprocess on 127.0.0.1; yields (url, process); stopped on exit. Its output (the log and
    the access log) goes to `log`, or to a temporary file: never to a pipe nobody reads, which would fill up and
    stall the server."""
    port = free_port()
    scokg = Path(sys.executable).parent / "scokg"
    cmd = [str(scokg), "--root", str(root), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), *extra]
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(log) if log else Path(scratch) / "serve.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + ready_timeout
            try:
                while True:
                    try:
                        with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2) as r:
                            if r.status == 200:
                                break
                    except OSError:
                        if proc.poll() is not None or time.monotonic() > deadline:
                            raise RuntimeError("scokg serve did not start: " + log.read_text()[-2000:]) from None
                        time.sleep(0.1)
                yield url, proc
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)  # quick shutdown: no graceful wait for idle keep-alive
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)


RETRIABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def run_load(url: str, clients: int = 32, seconds: float = 60, queries: list[str] | None = None,
             timeout: float = 30) -> dict:
    """Drive the endpoint; returns requests, errors, rps, p50/p99 (ms) and the statuses seen."""
    queries = queries or example_queries()
    paths = ["/sparql?query=" + quote(q) for q in queries]
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: dict[int | str, int] = {}
    lock = threading.Lock()

    def client(i: int) -> None:
        conn = None
        n = i
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            status: int | str = "not sent"
            for attempt in range(2):
                reused = conn is not None
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
                    conn.request("GET", path, headers={"Accept": ACCEPT})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException) as exc:
                    status = type(exc).__name__
                    if conn is not None:
                        conn.close()
                    conn = None
                    # RFC 9112, 9.3.1: a server may close an idle keep-alive connection (a worker being replaced)
                    # as a request arrives; clients retry such an idempotent request once on a new connection
                    if not (reused and attempt == 0 and isinstance(exc, RETRIABLE)):
                        break
            latencies[i].append(time.perf_counter() - started)
            if status != 200:
                errors[i] += 1
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        if conn is not None:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + timeout + 5)
    elapsed = time.monotonic() - started
    flat = sorted(x for xs in latencies for x in xs)
    count = len(flat)
    return {
        "requests": count,
        "errors": sum(errors),
        "rps": count / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(flat) if flat else None,
        "p99_ms": 1000 * flat[min(count - 1, int(count * 0.99))] if flat else None,
        "statuses": statuses,
        "seconds": elapsed,
        "clients": clients,
    }


def format_stats(stats: dict) -> str:
    return (f"{stats['clients']} clients, {stats['seconds']:.1f} s: {stats['requests']} requests, "
            f"{stats['rps']:.0f} req/s, p50 {stats['p50_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms, "
            f"errors {stats['errors']} {stats['statuses']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running server; default: start scokg serve")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.url:
        print(format_stats(run_load(args.url, args.clients, args.seconds)))
        return
    with scokg_server(args.workers) as (url, _):
        print(format_stats(run_load(url, args.clients, args.seconds)))


if __name__ == "__main__":
    main()
