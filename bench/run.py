"""scokg against the SPARQL servers a user would pick instead, side by side in one run on this machine.

    python bench/run.py --quick                 # the real graph, the five shapes, 2 s each: under two minutes
    python bench/run.py --size S,M --seconds 10 # the real graph and 1,000,000 triples, every query

Each server starts on 127.0.0.1 with the same data (ontology + data; scokg also loads its shapes, outside the
default graph); the run checks that all give the same answers (result sets compared by value), then drives each
query with `wrk` (8 keep-alive connections, 2 threads, a compiled client so that the client is not the
bottleneck) after a warm-up, and prints one table: requests/s, p50, p99 per query and server, errors, startup
time (files to first answer), resident memory of all the server's processes (PSS, shared pages counted once; RSS
summed beside it), and the ratio of scokg to each peer, query by query and as a geometric mean, from the same run.
Results also go to bench/results/<time>.json, with the machine's load while each server ran.
Queries: bench/queries/*.rq (five generic shapes) and the competency questions src/scokg/queries/*.rq (those
with SERVICE are left out: they need Wikidata). --quick drives the five shapes and checks all answers.
Peers: `oxigraph serve` (PyPI oxigraph), rdflib-endpoint (PyPI), Virtuoso 7 (Debian) when installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))
from generate import SIZES, generate  # noqa: E402

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queries(competency: bool = True) -> dict[str, str]:
    """The five generic shapes, then the competency questions that stay on this machine (no SERVICE)."""
    out = {p.stem: p.read_text() for p in sorted((HERE / "queries").glob("*.rq"))}
    if competency:
        for path in sorted((ROOT / "src" / "scokg" / "queries").glob("*.rq")):
            text = path.read_text()
            if not re.search(r"\bSERVICE\b", re.sub(r"(?m)#.*$", "", text), re.I):
                out["cq-" + path.stem] = text
    return out


def conditions() -> dict:
    """What else the machine was doing: load averages and how many processes were runnable."""
    with open("/proc/loadavg") as f:
        load = f.read().split()
    return {"loadavg_1m": float(load[0]), "loadavg_5m": float(load[1]), "running": load[3]}


def is_graph_query(text: str) -> bool:
    body = re.sub(r"(?m)^\s*(#.*|PREFIX.*)$", "", text)
    return bool(re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.I))


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


def peer_files(project: Path, work: Path, folders: tuple[str, ...] = ("ontology", "data"), tag: str = "") -> list[Path]:
    """Ontology and data as one N-Triples file (what the peers load)."""
    import pyoxigraph as ox

    out = work / f"peer-{project.name}{tag}.nt"
    if not out.exists() or project == ROOT:
        with open(out, "wb") as f:
            for folder in folders:
                for path in sorted((project / folder).rglob("*")):
                    if path.suffix in (".ttl", ".nt"):
                        fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
                        ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                                      for q in ox.parse(path=str(path), format=fmt)), f, ox.RdfFormat.N_TRIPLES)
    return [out]


def graph_files(project: Path, work: Path) -> dict[Path, str]:
    """One N-Triples file per named graph of scokg's layout, for a remote store behind scokg."""
    return {peer_files(project, work, (name,), f"-{name}")[0]: f"https://w3id.org/scokg/graph/{name}"
            for name in ("ontology", "data", "shapes")}


# ---------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    url: str = ""
    procs: list = field(default_factory=list)
    startup: float = 0.0
    note: str = ""

    def stop(self) -> None:
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)

    def memory_mb(self) -> tuple[float, float, int]:
        """(PSS, RSS, processes) over the servers' process groups: PSS counts pages shared by forks once."""
        groups = {p.pid for p in self.procs}
        pss = rss = count = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.getpgid(int(entry)) not in groups:
                    continue
                with open(f"/proc/{entry}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1])
                        elif line.startswith("Rss:"):
                            rss += int(line.split()[1])
                count += 1
            except (OSError, ProcessLookupError):
                continue
        return pss / 1024, rss / 1024, count


def _spawn(cmd, log: Path, env=None) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True,  # noqa: SIM115
                            env=env)


def _wait_ready(server: Server, started: float, timeout: float) -> None:
    deadline = started + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "?query=" + quote("ASK { ?s ?p ?o }"), timeout=5) as r:
                if r.status == 200:
                    server.startup = time.monotonic() - started
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        for p in server.procs:
            if p.poll() is not None and p.returncode != 0:
                raise RuntimeError(f"{server.name} exited with {p.returncode}")
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s")


def start_scokg(project: Path, work: Path, workers: int = 2, server: str = "gunicorn", cache: bool = True) -> Server:
    port = free_port()
    name = ("scokg" if server == "gunicorn" else f"scokg-{server}") + ("" if cache else "-uncached")
    s = Server(name, f"http://127.0.0.1:{port}/sparql")
    settings = [] if cache else ["--setting", "cache_entries", "0"]
    validate = [] if project == ROOT else ["--no-validate"]
    started = time.monotonic()
    s.procs.append(_spawn([str(BIN / "scokg"), "--root", str(project), *settings, "serve", "--host", "127.0.0.1",
                           "--port", str(port), "--workers", str(workers), "--query-timeout", "60", "--server", server,
                           *validate], work / f"{s.name}.log"))
    s.note = ("validated" if not validate else "--no-validate") + f", {server}"
    _wait_ready(s, started, 600)
    return s


def start_oxigraph(files: list[Path], work: Path, graphs: dict[Path, str] | None = None) -> Server:
    port = free_port()
    s = Server("oxigraph", f"http://127.0.0.1:{port}/query")
    location = Path(tempfile.mkdtemp(dir=work, prefix="oxigraph-"))
    started = time.monotonic()
    for f in files:
        graph = ["--graph", graphs[f]] if graphs else []
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(f), *graph],
                       check=True, capture_output=True)
    s.procs.append(_spawn([str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind",
                           f"127.0.0.1:{port}"], work / "oxigraph.log"))
    s.note = "on-disk store, load + serve-read-only"
    _wait_ready(s, started, 600)
    return s


def start_scokg_remote(project: Path, work: Path, kind: str) -> Server | None:
    """scokg's remote mode: the same app over another store (Virtuoso, Oxigraph server) through the protocol."""
    graphs = graph_files(project, work)
    store = (start_virtuoso(list(graphs), work, graphs) if kind == "virtuoso"
             else start_oxigraph(list(graphs), work, graphs))
    if store is None:
        return None
    port = free_port()
    s = Server(f"scokg-on-{kind}", f"http://127.0.0.1:{port}/sparql", procs=list(store.procs))
    started = time.monotonic()
    s.procs.append(_spawn([str(BIN / "scokg"), "--root", str(project), "serve", "--host", "127.0.0.1", "--port",
                           str(port), "--workers", "2", "--backend", "sparql+" + store.url], work / f"{s.name}.log"))
    _wait_ready(s, started, 120)
    s.startup += store.startup
    s.note = f"--backend sparql+ {kind}"
    return s


def start_rdflib_endpoint(files: list[Path], work: Path) -> Server:
    port = free_port()
    s = Server("rdflib-endpoint", f"http://127.0.0.1:{port}/")
    started = time.monotonic()
    s.procs.append(_spawn([str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port),
                           *map(str, files)], work / "rdflib-endpoint.log"))
    _wait_ready(s, started, 900)
    return s


VIRTUOSO_INI = """[Database]
DatabaseFile={d}/virtuoso.db
ErrorLogFile={d}/virtuoso.log
LockFile={d}/virtuoso.lck
TransactionFile={d}/virtuoso.trx
xa_persistent_file={d}/virtuoso.pxa
ErrorLogLevel=7
FileExtend=200
MaxCheckpointRemap=2000
Striping=0
TempStorage=TempDatabase
[TempDatabase]
DatabaseFile={d}/virtuoso-temp.db
TransactionFile={d}/virtuoso-temp.trx
MaxCheckpointRemap=2000
Striping=0
[Parameters]
ServerPort=127.0.0.1:{isql}
DirsAllowed=., {d}, /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers=60000
MaxDirtyBuffers=40000
ThreadsPerQuery=2
MaxQueryMem=400M
[HTTPServer]
ServerPort=127.0.0.1:{http}
ServerRoot=/var/lib/virtuoso-opensource-7/vsp
MaxClientConnections=16
ServerThreads=16
[SPARQL]
ResultSetMaxRows=1000000
MaxQueryExecutionTime=120
MaxQueryCostEstimationTime=0
"""


def start_virtuoso(files: list[Path], work: Path, graphs: dict[Path, str] | None = None) -> Server | None:
    binary = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if not binary or not isql:
        return None
    d = Path(tempfile.mkdtemp(dir=work, prefix="virtuoso-"))
    for f in files:
        shutil.copy(f, d / f.name)
    isql_port, http_port = free_port(), free_port()
    (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, isql=isql_port, http=http_port))
    s = Server("virtuoso", f"http://127.0.0.1:{http_port}/sparql")
    started = time.monotonic()
    s.procs.append(_spawn([binary, "-f", "-c", str(d / "virtuoso.ini")], work / "virtuoso.log"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        r = subprocess.run([isql, str(isql_port), "dba", "dba", "exec=status();"], capture_output=True, timeout=30)
        if r.returncode == 0:
            break
        time.sleep(0.5)
    if graphs:
        script = "".join(f"ld_dir('{d}', '{f.name}', '{g}'); " for f, g in graphs.items())
    else:
        script = f"ld_dir('{d}', '*.nt', 'https://w3id.org/scokg/graph/bench'); "
    script += "rdf_loader_run(); checkpoint;"
    subprocess.run([isql, str(isql_port), "dba", "dba", f"exec={script}"], check=True, capture_output=True,
                   timeout=1800)
    s.note = "loaded with ld_dir/rdf_loader_run"
    _wait_ready(s, started, 60)
    return s


# ---------------------------------------------------------------- answers and load


def fetch(url: str, query: str) -> bytes:
    accept = GRAPH_ACCEPT if is_graph_query(query) else SELECT_ACCEPT
    req = urllib.request.Request(url + "?query=" + quote(query), headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.read()


def normalise(query: str, body: bytes):
    """Answers compared by value: rows as sorted tuples of strings; graphs as sets of N-Triples lines."""
    if is_graph_query(query):
        import pyoxigraph as ox

        try:
            triples = ox.parse(body, ox.RdfFormat.N_TRIPLES)
        except SyntaxError:
            triples = ox.parse(body, ox.RdfFormat.TURTLE)
        return sorted({str(t) for t in triples})
    doc = json.loads(body)
    if "boolean" in doc:
        return doc["boolean"]
    names = doc["head"]["vars"]
    return sorted(tuple(str(b.get(n, {}).get("value", "")) for n in names) for b in doc["results"]["bindings"])


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def drive(url: str, query: str, clients: int, seconds: float) -> dict:
    """wrk with `clients` keep-alive connections; requests/s, p50, p99 (ms) and errors."""
    accept = GRAPH_ACCEPT if is_graph_query(query) else SELECT_ACCEPT
    target = url + "?query=" + quote(query)
    base = ["wrk", "-t", "2", "-c", str(clients), "--timeout", "60s", "-H", f"Accept: {accept}", "--latency"]
    subprocess.run([*base[:-1], "-d", "1s", target], capture_output=True, timeout=120)  # warm-up
    out = subprocess.run([*base, "-d", f"{seconds:g}s", target], capture_output=True, text=True,
                         timeout=seconds + 120).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rps = float(found.group(1)) if found else 0.0
    p50 = re.search(r"(?m)^\s*50%\s+(\S+)", out)
    p99 = re.search(r"(?m)^\s*99%\s+(\S+)", out)
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {"rps": rps, "p50_ms": _ms(p50.group(1)) if p50 else None, "p99_ms": _ms(p99.group(1)) if p99 else None,
            "errors": errors}


def geomean(xs: list[float]) -> float:
    xs = [x for x in xs if x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


# ---------------------------------------------------------------- the run


def run_size(size: str, names: list[str], clients: int, seconds: float, work: Path, quick: bool = False,
             seed: int = 0) -> dict:
    project = prepare(size, work, seed)
    files = peer_files(project, work)
    qs = queries()
    driven = [q for q in qs if not (quick and q.startswith("cq-"))]
    starters = {"scokg": lambda: start_scokg(project, work),
                "scokg-granian": lambda: start_scokg(project, work, server="granian"),
                "scokg-uncached": lambda: start_scokg(project, work, cache=False),
                "scokg-on-virtuoso": lambda: start_scokg_remote(project, work, "virtuoso"),
                "scokg-on-oxigraph": lambda: start_scokg_remote(project, work, "oxigraph"),
                "oxigraph": lambda: start_oxigraph(files, work),
                "rdflib-endpoint": lambda: start_rdflib_endpoint(files, work),
                "virtuoso": lambda: start_virtuoso(files, work)}
    report = {"size": size, "seed": seed, "queries": driven, "checked": list(qs), "servers": {},
              "mismatches": [], "failures": []}
    reference = None
    for name in names:
        print(f"[{size}] starting {name} …", file=sys.stderr)
        try:
            server = starters[name]()
        except Exception as exc:  # noqa: BLE001 - a peer that cannot start is reported, not fatal
            print(f"[{size}] {name} did not start: {exc}", file=sys.stderr)
            report["servers"][name] = {"skipped": str(exc)}
            continue
        if server is None:
            report["servers"][name] = {"skipped": "not installed"}
            continue
        try:
            answers = {}
            for q, text in qs.items():
                try:
                    answers[q] = normalise(text, fetch(server.url, text))
                except (OSError, ValueError, SyntaxError) as exc:
                    answers[q] = None
                    report["failures"].append(f"{name}: {q}: {exc}")
            if reference is None:
                reference = answers
            else:
                report["mismatches"] += [f"{name}: {q}" for q in qs if answers[q] != reference[q]]
            result = {"startup_s": server.startup, "note": server.note, "queries": {},
                      "conditions_before": conditions()}
            for q in driven:
                result["queries"][q] = drive(server.url, qs[q], clients, seconds)
                print(f"[{size}] {name} {q}: {result['queries'][q]['rps']:.1f} req/s", file=sys.stderr)
            result["conditions_after"] = conditions()
            result["memory_mb"], result["rss_mb"], result["processes"] = server.memory_mb()
            report["servers"][name] = result
        finally:
            server.stop()
    return report


def _ms_text(x) -> str:
    return "–" if x is None or x != x else (f"{x:.2f}" if x < 10 else f"{x:.0f}")


def _cell(r: dict) -> str:
    return f"{r['rps']:,.0f} ({_ms_text(r['p50_ms'])} / {_ms_text(r['p99_ms'])})" if r["rps"] >= 10 else \
        f"{r['rps']:.2f} ({_ms_text(r['p50_ms'])} / {_ms_text(r['p99_ms'])})"


def ratios(ours: dict, theirs: dict, qnames: list[str]) -> list[float]:
    return [ours[q]["rps"] / theirs[q]["rps"] if theirs[q]["rps"] else float("inf") for q in qnames]


def table(report: dict) -> str:
    """One table: a row per query (requests/s with p50 / p99 ms, then scokg ÷ each peer), then the totals."""
    servers = {k: v for k, v in report["servers"].items() if "queries" in v}
    qnames = report["queries"]
    mine = "scokg" if "scokg" in servers else next((n for n in servers if n.startswith("scokg")), None)
    peers = [n for n in servers if not n.startswith("scokg")]
    head = [*servers, *(f"{mine} ÷ {p}" for p in peers)] if mine else list(servers)
    lines = [f"## size {report['size']}: requests/s (p50 / p99 ms)", "",
             "| query | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    table_ratios = {p: ratios(servers[mine]["queries"], servers[p]["queries"], qnames) for p in peers} if mine else {}
    for i, q in enumerate(qnames):
        cells = [_cell(servers[n]["queries"][q]) for n in servers]
        cells += [f"{table_ratios[p][i]:.2f}×" for p in peers] if mine else []
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    pad = [""] * len(peers) if mine else []
    lines.append("| **geometric mean** | " + " | ".join(f"{geomean([r['queries'][q]['rps'] for q in qnames]):,.1f}"
                                                      for r in servers.values())
                 + (" | " + " | ".join(f"**{geomean(table_ratios[p]):.2f}×**" for p in peers) if mine else "")
                 + " |")
    lines.append("| errors | " + " | ".join(str(sum(r["queries"][q]["errors"] for q in qnames))
                                           for r in servers.values()) + " | " * bool(pad) + " | ".join(pad) + " |")
    lines.append("| startup (files → first answer) | " + " | ".join(f"{r['startup_s']:.1f} s" for r in servers.values())
                 + " | " * bool(pad) + " | ".join(pad) + " |")
    lines.append("| memory PSS (RSS summed, processes) | " + " | ".join(
        f"{r['memory_mb']:.0f} MB ({r.get('rss_mb', 0):.0f}, {r.get('processes', '?')})" for r in servers.values())
                 + " | " * bool(pad) + " | ".join(pad) + " |")
    lines.append("| load average while driven (1 min) | " + " | ".join(
        f"{r['conditions_before']['loadavg_1m']:.1f}→{r['conditions_after']['loadavg_1m']:.1f}"
        for r in servers.values()) + " | " * bool(pad) + " | ".join(pad) + " |")
    for other in [n for n in servers if n.startswith("scokg") and n != mine]:
        rs = {p: ratios(servers[other]["queries"], servers[p]["queries"], qnames) for p in peers}
        lines.append(f"\n{other} ÷ peer, geometric mean: "
                     + ", ".join(f"{p} {geomean(rs[p]):.2f}× (lowest {min(rs[p]):.2f}×)" for p in peers))
    notes = [f"{name}: skipped ({v['skipped']})" if "skipped" in v else f"{name}: {v['note']}"
             for name, v in report["servers"].items() if "skipped" in v or v.get("note")]
    lines.append("\n" + "; ".join(notes) if notes else "")
    if report["failures"]:
        lines.append("\nFAILED: " + "; ".join(report["failures"]))
    if report["mismatches"]:
        lines.append("\nANSWERS DIFFER from the first server's: " + ", ".join(report["mismatches"]))
    else:
        lines.append(f"\nAll servers gave the same answers to all {len(report['checked'])} queries.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="size S, the five shapes, 2 s per query")
    parser.add_argument("--size", default="S", help="comma-separated: S (real graph), M (1M), L (10M)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated graphs (bench/generate.py)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--servers", default="scokg,scokg-granian,oxigraph,rdflib-endpoint,virtuoso",
                        help="also: scokg-uncached, scokg-on-oxigraph, scokg-on-virtuoso")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/run.py needs wrk (apt-get install wrk)")
    sizes = ["S"] if args.quick else args.size.split(",")
    seconds = 2 if args.quick else args.seconds
    args.work.mkdir(parents=True, exist_ok=True)
    started = conditions()
    reports = [run_size(s, args.servers.split(","), args.clients, seconds, args.work, args.quick, args.seed)
               for s in sizes]
    text = "\n\n".join(table(r) for r in reports)
    machine = {"cpus": os.cpu_count(), "clients": args.clients, "seconds": seconds, "quick": args.quick,
               "load_at_start": started, "load_at_end": conditions(), "python": sys.version.split()[0]}
    print(f"{machine['cpus']} CPUs, {args.clients} keep-alive connections (wrk, 2 threads), {seconds:g} s per query "
          f"after a 1 s warm-up; load average {started['loadavg_1m']:.1f} at start, "
          f"{machine['load_at_end']['loadavg_1m']:.1f} at end\n\n{text}")
    out = HERE / "results" / time.strftime("%Y%m%dT%H%M%S.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({**machine, "reports": reports}, indent=2))
    print(f"\n(saved to {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
