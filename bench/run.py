"""scokg against the SPARQL servers a user would pick instead, on request streams like users send.

    python bench/run.py --quick                  # the real graph (S), GET and POST, 2 s per run: a few minutes
    python bench/run.py --size S,M --seconds 10  # also 1,000,000 generated triples; GET, POST and form POST

Every request is built by wrk's Lua script (bench/wrk/shapes.lua) from parameter pools extracted from the data the
servers load: another subject for point lookups and neighbourhoods, another word for label search, another year
for the join, another threshold for the count per priority, another LIMIT (bench/queries/*.rq, bench/workload.py).
Two modes side by side: "varied" (every request different: what a result cache cannot help with) and "repeated"
(8 fixed requests, sent once in the warm-up: what a cache serves), each with the cache hit ratio, read from
scokg's /metrics when it has the counters, otherwise estimated from the request stream (and labelled so).
Before any timing, for every shape, method and a sample of drawn parameters (and the competency questions of
src/scokg without SERVICE), each server's answer is parsed and compared with the reference server's as typed RDF
terms (answers.py); any difference fails the run (exit 1). wrk's Lua script is also checked to send exactly the
queries that were compared.
Output: one table on stdout, and bench/results/<time>/ with report.md, charts (PNG and SVG) and results.json.
Servers are stopped on every exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import answers  # noqa: E402
import report as reporting  # noqa: E402
import servers as srv  # noqa: E402
import workload  # noqa: E402
from generate import SIZES, generate  # noqa: E402

CHECKED_SAMPLES = 8  # drawn parameters checked per shape and method, besides the repeated set


class BenchFailure(Exception):
    pass


def conditions() -> dict:
    """What else the machine was doing: load averages and how many processes were runnable."""
    with open("/proc/loadavg") as f:
        load = f.read().split()
    return {"loadavg_1m": float(load[0]), "loadavg_5m": float(load[1]), "running": load[3]}


# ---------------------------------------------------------------- data


def _inputs_digest() -> str:
    """The generator and its template: a generated graph older than either is made again."""
    h = hashlib.sha256()
    for path in [HERE / "generate.py", *sorted((ROOT / "data").rglob("*.ttl"))]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def prepare(size: str, work: Path, seed: int = 0) -> Path:
    """A project folder (ontology/, data/, shapes/) for a size; S is the real project."""
    if size == "S":
        return ROOT
    folder = work / f"{size}-seed{seed}"
    data = folder / "data" / "generated.nt"
    stamp = folder / "inputs.sha256"
    digest = _inputs_digest()
    if not data.exists() or not stamp.exists() or stamp.read_text() != digest:
        for name in ("ontology", "shapes"):
            shutil.copytree(ROOT / name, folder / name, dirs_exist_ok=True)
        data.parent.mkdir(parents=True, exist_ok=True)
        with open(data, "wb") as f:
            n = generate(SIZES[size], f, seed)
        stamp.write_text(digest)
        for old in work.glob(f"peer-{folder.name}*.nt"):
            old.unlink()
        print(f"generated {n} triples for size {size}", file=sys.stderr)
    return folder


def peer_file(project: Path, work: Path) -> tuple[Path, int]:
    """Ontology and data as one N-Triples file: what the peers load and where the parameter pools come from."""
    import pyoxigraph as ox

    out = work / f"peer-{project.name}.nt"
    if not out.exists() or project == ROOT:
        with open(out, "wb") as f:
            for folder in ("ontology", "data"):
                for path in sorted((project / folder).rglob("*")):
                    if path.suffix in (".ttl", ".nt"):
                        fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
                        ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                                      for q in ox.parse(path=str(path), format=fmt)), f, ox.RdfFormat.N_TRIPLES)
    with open(out, "rb") as f:
        return out, sum(1 for _ in f)


def competency_questions() -> dict[str, str]:
    """The project's example queries that stay on this machine (no SERVICE), wherever src/ keeps them."""
    out = {}
    for path in sorted((ROOT / "src").rglob("queries/*.rq")):
        text = path.read_text()
        if not re.search(r"\bSERVICE\b", re.sub(r"(?m)#.*$", "", text), re.I):
            out["cq-" + path.stem] = text
    return out


# ---------------------------------------------------------------- the Lua script sends what was checked


class _Capture(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list] = []

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        url = urlsplit(self.path)
        if self.command == "GET":
            query = parse_qs(url.query)["query"][0]
        elif self.headers.get("Content-Type") == "application/sparql-query":
            query = body
        else:
            query = parse_qs(body)["query"][0]
        self.seen.append((self.command, url.path, self.headers.get("Accept"), query))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer  # noqa: N815 - the names http.server dispatches to

    def log_message(self, *args) -> None:
        pass


class _Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # wrk resets its connections when it stops


def verify_lua(shapes: list[workload.Shape], specs: dict[str, Path], methods: list[str]) -> None:
    """Run the wrk script against a capturing server: request k must be the query workload.py built for k.

    The query text depends on the shape and the mode, the encoding on the method: every shape once (the methods
    in turn), and the repeated mode once, cover both."""
    capture = _Quiet(("127.0.0.1", 0), _Capture)
    thread = threading.Thread(target=capture.serve_forever, daemon=True)
    thread.start()
    runs = [(shape, methods[i % len(methods)], "varied") for i, shape in enumerate(shapes)]
    runs += [(shapes[0], m, "varied") for m in methods[len(shapes):]] + [(shapes[-1], methods[0], "repeated")]
    try:
        host = f"127.0.0.1:{capture.server_address[1]}"
        for shape, method, mode in runs:
            _Capture.seen = []
            offset = shape.regions(methods)[methods[-1], "timed"] + 5 if mode == "varied" else 0  # big k too
            workload.wrk(host, "/sparql", specs[shape.name], method, mode, 1, clients=1, threads=1, offset=offset)
            seen = _Capture.seen[:2 * workload.REPEATED]
            # wrk may build a request and not send it (a write retried on a new connection builds anew): what
            # was sent must be the script's requests k = offset, offset + 1, … in order, some perhaps skipped
            expected = iter(("GET" if method == "get" else "POST", "/sparql", shape.accept,
                             shape.query(shape.combination(offset + k, mode))) for k in range(4 * len(seen)))
            missing = [x for x in seen if not any(x == y for y in expected)]
            if len(seen) < workload.REPEATED or missing:
                raise BenchFailure(f"wrk script and workload.py disagree on {shape.name} {method} {mode}: "
                                   f"{len(seen)} requests captured; not expected: {missing[:1]}")
    finally:
        capture.shutdown()
        capture.server_close()


# ---------------------------------------------------------------- answers


def check(running: list[srv.Server], shapes: list[workload.Shape], methods: list[str], seed: int) -> dict:
    """Every server's answers against the reference's (the first server): shapes, sampled parameters, methods.

    An answer that its server declares truncated (scokg's max_rows setting) passes when the rows it kept are the
    reference's; such answers are counted in the summary."""
    ref, others = running[0], running[1:]
    rng = random.Random(f"{seed}:check")
    failures, summary = [], {"reference": ref.name, "shapes": {}, "competency": {}, "truncated": []}
    for shape in shapes:
        # the repeated set, and requests from the start of the timed varied streams (what wrk will send)
        starts = [k for (_, part), k in shape.regions(methods).items() if part == "timed"]
        ks = list(range(workload.REPEATED)) + [rng.choice(starts) + rng.randrange(10_000)
                                               for _ in range(CHECKED_SAMPLES)]
        summary.setdefault("sent", {})[shape.name] = sorted({shape.index(k) for k in ks})
        sizes = []
        for k in ks:
            values = shape.combination(k)
            query = shape.query(values)
            try:
                expected = answers.parse(*answers.request(ref.url, query, "get", shape.accept), shape.graph)
            except (OSError, ValueError, SyntaxError) as exc:
                failures.append(f"{ref.name} (reference), {shape.name}, GET, {values}: no answer: {exc}")
                continue
            sizes.append(expected.size())
            for server in running:
                for method in methods:
                    if server is ref and method == "get":
                        continue
                    try:
                        got = answers.parse(*answers.request(server.url, query, method, shape.accept), shape.graph)
                        diff = answers.difference(expected, got, shape.ordered)
                        if got.truncated and not diff:
                            summary["truncated"].append(f"{server.name} {shape.name} {method.upper()} {values}")
                    except (OSError, ValueError, SyntaxError) as exc:
                        diff = f"no answer: {exc}"
                    if diff:
                        failures.append(f"{server.name}, {shape.name}, {method.upper()}, {values}: {diff}")
        summary["shapes"][shape.name] = {"samples": len(sizes), "non_empty": sum(1 for x in sizes if x),
                                         "mean_size": sum(sizes) / len(sizes) if sizes else 0}
    for name, query in competency_questions().items():
        graph = bool(re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", re.sub(r"(?m)^\s*(#.*|PREFIX.*)$", "", query), re.I))
        accept = workload.GRAPH_ACCEPT if graph else workload.SELECT_ACCEPT
        try:
            expected = answers.parse(*answers.request(ref.url, query, "get", accept), graph)
        except (OSError, ValueError, SyntaxError) as exc:
            failures.append(f"{ref.name} (reference), {name}: no answer: {exc}")
            continue
        summary["competency"][name] = expected.size()
        for server in others:
            try:
                got = answers.parse(*answers.request(server.url, query, "get", accept), graph)
                # as multisets: the competency questions' ORDER BY is not meant to be total
                diff = answers.difference(expected, got, False)
                if got.truncated and not diff:
                    summary["truncated"].append(f"{server.name} {name}: {got.size()} of {expected.size()} rows")
            except (OSError, ValueError, SyntaxError) as exc:
                diff = f"no answer: {exc}"
            if diff:
                failures.append(f"{server.name}, {name}, GET: {diff}")
    if failures:
        more = f"\n  … and {len(failures) - 40} more" if len(failures) > 40 else ""
        raise BenchFailure("answers differ from the reference server's (" + ref.name + "):\n  "
                           + "\n  ".join(failures[:40]) + more)
    return summary


# ---------------------------------------------------------------- timing


def estimated_hits(shape: workload.Shape, mode: str, seen: set[int], ks: list[int]) -> float:
    """Share of requests whose exact text this server was sent before (in the answer check, any earlier run or
    warm-up, or earlier in this run): the hit ratio of one shared, unbounded cache. scokg keeps one cache per
    worker process, so its real ratio can only be lower. Adds the run's requests to `seen`."""
    hits = 0
    for k in sorted(ks):
        j = shape.index(k, mode)
        hits += j in seen
        seen.add(j)
    return hits / len(ks) if ks else 0.0


def settle(run: dict) -> None:
    """When wrk stops, the requests it had in flight are dropped by the client but still run on the server (no
    server here learns that its client left): let them end, so that the next run starts on an idle server and is
    not charged for the last one's orphans (scokg's bounded queue turned them into fast 503s)."""
    time.sleep(min(10.0, run["max_ms"] / 1000) if run["max_ms"] > 50 else 0)


def drive(server: srv.Server, shape: workload.Shape, spec: Path, method: str, mode: str, args,
          seen: set[int]) -> dict:
    """Warm-up, then the timed run; `seen` holds the combinations this server was already sent for this shape."""
    threads = 2
    regions = shape.regions(args.methods)
    warm_offset, offset = (regions[method, "warm-up"], regions[method, "timed"]) if mode == "varied" else (0, 0)
    warm = workload.wrk(server.host, server.path, spec, method, mode, args.warmup, args.clients, threads, warm_offset)
    estimated_hits(shape, mode, seen, workload.sent(warm["counts"], threads, warm_offset))
    settle(warm)
    before = srv.metrics(server) if server.name.startswith("scokg") else None
    run = workload.wrk(server.host, server.path, spec, method, mode, args.seconds, args.clients, threads, offset)
    settle(run)
    after = srv.metrics(server) if before is not None else None
    ks = workload.sent(run["counts"], threads, offset)
    e = run["errors"]
    ok = max(0, run["requests"] - e["status"] - e["timeout"])
    out = {"rps": ok / run["duration_s"] if run["duration_s"] else 0.0, "requests": run["requests"],
           "errors": sum(e.values()), "p50_ms": run["p50_ms"], "p90_ms": run["p90_ms"], "p99_ms": run["p99_ms"],
           "max_ms": run["max_ms"], "mean_ms": run["mean_ms"], "bytes": run["bytes"],
           "distinct": len({shape.index(k, mode) for k in ks}), "sent": len(ks), "offset": offset,
           "hit_ratio_estimate": estimated_hits(shape, mode, seen, ks)}
    if before is not None and after is not None:
        hits = after["scokg_cache_hits_total"] - before["scokg_cache_hits_total"]
        misses = after["scokg_cache_misses_total"] - before["scokg_cache_misses_total"]
        out["cache_hits"], out["cache_misses"] = hits, misses
        out["hit_ratio_metrics"] = hits / (hits + misses) if hits + misses else None
    return out


# ---------------------------------------------------------------- one size


def start(name: str, project: Path, nt: Path, work: Path, args, generated: bool) -> srv.Server:
    if name == "oxigraph":
        return srv.start_oxigraph([nt], work)
    if name == "rdflib-endpoint":
        return srv.start_rdflib_endpoint([nt], work)
    settings = srv.settings_for(name, args.scokg)
    for attempt in range(args.retries + 1):
        try:
            return srv.start_scokg(name, settings, project, work, args.scokg, generated)
        except RuntimeError as exc:
            srv.stop_all_named(name)
            if attempt == args.retries:
                raise
            print(f"{name} did not start ({str(exc).strip().splitlines()[-1][:200]}); retrying in 60 s",
                  file=sys.stderr)
            time.sleep(60)
    raise AssertionError("unreachable")


def run_size(size: str, names: list[str], args) -> dict:
    work = args.work
    project = prepare(size, work, args.seed)
    nt, triples = peer_file(project, work)
    t0 = time.monotonic()
    data = workload.pools(nt, args.seed)
    shapes = workload.shapes(data, args.seed)
    specs = {s.name: workload.write_lua(s, work / f"spec-{size}-{s.name}.lua") for s in shapes}
    print(f"[{size}] {triples:,} triples; pools in {time.monotonic() - t0:.1f} s: {len(data['subjects'])} subjects, "
          f"{len(data['terms'])} label terms, {len(data['years'])} years", file=sys.stderr)
    verify_lua(shapes, specs, args.methods)
    result = {"size": size, "triples": triples, "seed": args.seed,
              "shapes": {s.name: {"title": s.title, "combinations": s.n, "query": s.text,
                                  "params": {p.name: len(p.values) if p.values is not None else
                                             f"{p.lo}..{p.lo + p.span - 1}" for p in s.params}} for s in shapes},
              "servers": {}}
    running = []
    try:
        for name in names:
            print(f"[{size}] starting {name} …", file=sys.stderr)
            try:
                running.append(start(name, project, nt, work, args, size != "S"))
            except (RuntimeError, OSError) as exc:
                srv.stop_all_named(name)
                if name.startswith("scokg") or name == "oxigraph":
                    raise BenchFailure(f"{name} did not start: {exc}") from None
                print(f"[{size}] {name} did not start, left out: {exc}", file=sys.stderr)
                result["servers"][name] = {"skipped": str(exc)[:500]}
        print(f"[{size}] started: " + ", ".join(f"{s.name} {s.startup_s:.1f} s" for s in running), file=sys.stderr)
        result["check"] = check(running, shapes, args.methods, args.seed)
        print(f"[{size}] all {len(running)} servers gave the reference's answers", file=sys.stderr)
        for server in running:
            entry = {"startup_s": server.startup_s, "note": server.note, "runs": {},
                     "conditions_before": conditions()}
            for shape in shapes:
                seen = set(result["check"]["sent"][shape.name])  # what the answer check already asked
                for method in args.methods:
                    for mode in args.modes:
                        r = drive(server, shape, specs[shape.name], method, mode, args, seen)
                        entry["runs"][f"{shape.name}|{method}|{mode}"] = r
                        print(f"[{size}] {server.name:16} {shape.name:15} {method:4} {mode:8} {r['rps']:9.1f} req/s "
                              f"p50 {r['p50_ms']:.2f} p99 {r['p99_ms']:.2f} ms, errors {r['errors']}",
                              file=sys.stderr)
            entry["conditions_after"] = conditions()
            entry["memory"] = server.memory()
            result["servers"][server.name] = entry
            server.stop()
    finally:
        for server in running:
            server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="size S, GET and POST, 2 s per run, 1 s warm-up")
    parser.add_argument("--size", default="S", help="comma-separated: S (the real graph), M (1M), L (10M)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated graphs and of the walks")
    parser.add_argument("--clients", type=int, default=8, help="wrk's keep-alive connections")
    parser.add_argument("--seconds", type=float, default=10, help="per timed run")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of warm-up before each timed run")
    parser.add_argument("--methods", default=None, help="get,post,form (default: all; --quick: get,post)")
    parser.add_argument("--modes", default="varied,repeated")
    parser.add_argument("--servers", default=None, help="default scokg,scokg-uncached,oxigraph and, at size S "
                        "(not --quick), rdflib-endpoint; oxigraph always goes first: it is the reference of the "
                        "answers")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=SETTING:VALUE,…",
                        help="another scokg to measure, e.g. scokg-memory=store:memory (then name it in --servers)")
    parser.add_argument("--scokg", default=str(srv.BIN / "scokg"), help="the scokg command (split like a shell)")
    parser.add_argument("--retries", type=int, default=2, help="restarts of a scokg that does not start, 60 s apart")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/run.py needs wrk (apt-get install wrk)")
    if importlib.util.find_spec("matplotlib") is None:  # the charts come last: fail now, not after the runs
        sys.exit("bench/run.py needs the bench extra (pip install -e '.[test,bench]', or make bench)")
    for spec in args.variant:
        name, _, pairs = spec.partition("=")
        if not name.startswith("scokg-") or not pairs or any(":" not in p for p in pairs.split(",")):
            parser.error(f"--variant {spec!r}: expected scokg-NAME=SETTING:VALUE[,SETTING:VALUE…]")
        srv.SCOKG_VARIANTS[name] = [tuple(p.split(":", 1)) for p in pairs.split(",")]  # type: ignore[misc]
    if args.quick:
        args.seconds, args.warmup, args.size = 2, 1, "S"
    args.methods = (args.methods or ("get,post" if args.quick else "get,post,form")).split(",")
    args.modes = args.modes.split(",")
    if bad := [m for m in args.methods if m not in workload.METHODS]:
        parser.error(f"unknown methods {bad}")
    args.work.mkdir(parents=True, exist_ok=True)
    # SIGTERM (a CI timeout, kill) unwinds like Ctrl-C, through the finally clauses that stop the servers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background (SIG_IGN)
    started = conditions()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    reports = []
    try:
        for size in args.size.split(","):
            if args.servers:
                names = args.servers.split(",")
            else:
                names = ["scokg", "scokg-uncached", "oxigraph"] + (["rdflib-endpoint"] if size == "S" and not
                                                                   args.quick else [])
            names = sorted(names, key=lambda n: n != "oxigraph")  # the reference of the answers
            if bad := [n for n in names if n not in srv.SCOKG_VARIANTS and n not in srv.PEERS]:
                parser.error(f"unknown servers {bad}")
            reports.append(run_size(size, names, args))
            write_results(args, machine(args, started, stamp), reports)  # after each size: a later one may fail
    except BenchFailure as exc:
        srv.stop_all()
        print(f"\nFAILED: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        srv.stop_all()
        sys.exit(130)
    finally:
        srv.stop_all()
    print(reporting.summary({"machine": machine(args, started, stamp), "reports": reports}))
    out = args.out / stamp
    print(f"\n(report, charts and figures in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out})")


def machine(args, started: dict, stamp: str) -> dict:
    return {"cpus": os.cpu_count(), "clients": args.clients, "wrk_threads": 2, "seconds": args.seconds,
            "warmup_s": args.warmup, "methods": args.methods, "modes": args.modes, "quick": args.quick,
            "load_at_start": started, "load_at_end": conditions(), "python": sys.version.split()[0],
            "command": "python bench/run.py " + " ".join(sys.argv[1:]), "time": stamp}


def write_results(args, machine: dict, reports: list[dict]) -> None:
    out = args.out / machine["time"]
    out.mkdir(parents=True, exist_ok=True)
    figures = {"machine": machine, "reports": reports}
    (out / "results.json").write_text(json.dumps(figures, indent=1))
    reporting.write(figures, out)


if __name__ == "__main__":
    main()
