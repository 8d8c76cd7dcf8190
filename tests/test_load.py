"""Under load and faults, with `scokg serve` in a subprocess on 127.0.0.1 (granian, 2 workers)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from load import run_load, scokg_server

pytestmark = pytest.mark.slow
SIMPLE = "ASK { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
# unbounded property paths over every predicate, joined with each other
PATHS = "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x>)* ?b . ?c (^!<urn:x>)+ ?d . ?b (<urn:y>|!<urn:y>)* ?e }"


def _get(url: str, query: str, timeout: float = 30) -> tuple[int, bytes, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url + "/sparql?query=" + quote(query), timeout=timeout) as r:
            return r.status, r.read(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.monotonic() - started


def _workers(master: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master and fields[0] != "Z":
                found.add(int(entry))
    return found


@pytest.fixture(scope="module")
def server():
    with scokg_server(workers=2, extra=("--query-timeout", "2")) as (url, proc):
        yield url, proc


def test_short_load_has_no_errors(server):
    url, _ = server
    stats = run_load(url, clients=8, seconds=10)
    print(f"\nload: {stats['requests']} requests, {stats['rps']:.0f} req/s, p99 {stats['p99_ms']:.1f} ms")
    assert stats["requests"] > 100
    assert stats["errors"] == 0, stats["statuses"]


@pytest.mark.parametrize("pathological", [RUNAWAY, PATHS], ids=["cartesian", "property-paths"])
def test_runaway_query_ends_at_the_limit_while_simple_ones_are_answered(server, pathological):
    url, _ = server
    outcome = {}

    def runaway():
        outcome["status"], outcome["body"], outcome["seconds"] = _get(url, pathological)

    t = threading.Thread(target=runaway)
    t.start()
    time.sleep(0.3)
    for _ in range(5):
        status, _, seconds = _get(url, SIMPLE)
        assert status == 200 and seconds < 1.0
    t.join(timeout=30)
    assert outcome["status"] == 503 and b"time limit of 2 s" in outcome["body"]
    assert outcome["seconds"] < 6
    # no worker is left busy: a burst right after is answered at full speed
    stats = run_load(url, clients=4, seconds=2)
    assert stats["errors"] == 0 and stats["p99_ms"] < 1000


def test_a_killed_worker_is_replaced_and_only_its_requests_fail(server):
    url, proc = server
    before = _workers(proc.pid)
    assert len(before) == 2
    result = {}
    loader = threading.Thread(target=lambda: result.update(run_load(url, clients=8, seconds=6)))
    loader.start()
    time.sleep(2)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    loader.join(timeout=60)
    print(f"\nkilled worker {victim}: {result['errors']} of {result['requests']} requests failed {result['statuses']}")
    assert result["errors"] <= 8, "only the requests in flight on the killed worker may fail"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_workers(proc.pid) - {victim}) < 2:
        time.sleep(0.2)
    after = _workers(proc.pid)
    assert victim not in after and len(after) == 2, "granian replaced the worker"
    assert run_load(url, clients=4, seconds=2)["errors"] == 0


def test_granian_serves_the_same_app_under_load():
    with scokg_server(workers=2, extra=("--query-timeout", "2")) as (url, _):
        stats = run_load(url, clients=8, seconds=4)
        print(f"\ngranian: {stats['requests']} requests, {stats['rps']:.0f} req/s, p99 {stats['p99_ms']:.1f} ms")
        assert stats["requests"] > 100 and stats["errors"] == 0, stats["statuses"]
        status, body, seconds = _get(url, RUNAWAY)
        assert status == 503 and b"time limit of 2 s" in body and seconds < 6
        assert _get(url, SIMPLE)[0] == 200
