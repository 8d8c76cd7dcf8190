"""The servers under test: started on 127.0.0.1 with the same data, measured, and always stopped.

scokg runs as a black box through its command line (`scokg --root P [--setting NAME VALUE]… serve --host --port`);
the peers are Oxigraph's server (`oxigraph load` + `serve-read-only`) and, optionally, rdflib-endpoint.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
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
from urllib.parse import quote, urlsplit

BIN = Path(sys.executable).parent
# scokg variants: name -> settings; run.py's --variant NAME=SETTING:VALUE,… adds others
SCOKG_VARIANTS: dict[str, list[tuple[str, str]]] = {
    "scokg": [],
    "scokg-uncached": [("cache_bytes", "0")],  # or cache_entries, in versions that had it: see settings_for()
}
PEERS = ("oxigraph", "rdflib-endpoint")
RUNNING: list[Server] = []  # every server started and not yet stopped, for the clean-up on any exit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    url: str = ""
    procs: list = field(default_factory=list)
    startup_s: float = 0.0
    note: str = ""
    scratch: list = field(default_factory=list)  # folders removed when the server stops

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def stop(self) -> None:
        for p in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)
        if self in RUNNING:
            RUNNING.remove(self)

    def pids(self) -> list[int]:
        """The started processes and all their descendants (workers, forked executors)."""
        return descendants([p.pid for p in self.procs])

    def memory(self) -> dict:
        """PSS (pages shared between forks counted once, in shares) and RSS over the process tree, in MB."""
        return memory_of(self.pids())


def pss_of(pids: list[int]) -> int:
    """PSS of these processes together, in bytes."""
    return int(memory_of(pids)["pss_mb"] * 2**20)


def memory_of(pids: list[int]) -> dict:
    """PSS and RSS of these processes together, in MB, and how many were read."""
    pss = rss = count = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
            count += 1
        except OSError:
            continue
    return {"pss_mb": pss / 1024, "rss_mb": rss / 1024, "processes": count}


def descendants(roots: list[int]) -> list[int]:
    """These processes and all their descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def stop_all() -> None:
    for server in list(RUNNING):
        server.stop()


def stop_all_named(name: str) -> None:
    """Stop what a failed start left running (its processes may still be up)."""
    for server in list(RUNNING):
        if server.name == name:
            server.stop()


def _spawn(cmd: list[str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=cwd)


def _wait_ready(server: Server, started: float, timeout: float, log: Path) -> None:
    """Until the first answer to a query; a server that only answers with errors for 30 s did not start."""
    deadline = started + timeout
    failing_since = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "?query=" + quote("ASK { ?s ?p ?o }"), timeout=5) as r:
                if r.status == 200:
                    server.startup_s = time.monotonic() - started
                    return
        except urllib.error.HTTPError as exc:
            failing_since = failing_since or time.monotonic()
            if time.monotonic() - failing_since > 30:
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                raise RuntimeError(f"{server.name} answers HTTP {exc.code} to a plain query:\n{tail}") from None
        except OSError:
            pass
        for p in server.procs:
            if p.poll() is not None:
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                raise RuntimeError(f"{server.name} exited with {p.returncode}:\n{tail}")
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s")


def settings_for(name: str, command: str) -> list[tuple[str, str]]:
    """A variant's settings, under the names this scokg knows (the cache setting was renamed once)."""
    try:
        known = subprocess.run([*shlex.split(command), "--help-settings"], capture_output=True, text=True,
                               timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        known = ""
    out = []
    for key, value in SCOKG_VARIANTS[name]:
        if key.startswith("cache_") and not re.search(rf"(?m)^\s+{key}\s", known):
            key = next((k for k in ("cache_bytes", "cache_entries") if re.search(rf"(?m)^\s+{k}\s", known)), key)
        out.append((key, value))
    return out


def source_state() -> str:
    """Which scokg ran: the commit of the source tree, and whether src/ had changes not yet committed."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"], capture_output=True,
                               text=True, timeout=10).stdout.count("\n")
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return f"; source {head}" + (f" + {dirty} uncommitted files in src/" if dirty else "") if head else ""


def start_scokg(name: str, settings: list[tuple[str, str]], project: Path, work: Path, command: str,
                generated: bool) -> Server:
    """`scokg serve` as a user starts it, plus the variant's settings; generated data skips the SHACL gate."""
    port = free_port()
    s = Server(name, f"http://127.0.0.1:{port}/sparql")
    RUNNING.append(s)
    # run in a fresh, empty folder: runtime state that scokg keeps relative to its working directory (built
    # dumps, …) starts cold every time and lands in bench/.work, never in the project
    cwd = work / f"cwd-{name}"
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir(parents=True)
    settings = list(settings) + ([("validate", "false")] if generated else [])
    flags = [x for k, v in settings for x in ("--setting", k, v)]
    log = work / f"{name}.log"
    started = time.monotonic()
    s.procs.append(_spawn([*shlex.split(command), "--root", str(project), *flags, "serve", "--host", "127.0.0.1",
                           "--port", str(port)], log, cwd))
    s.note = (" ".join(f"{k}={v}" for k, v in settings) or "defaults") + source_state()
    _wait_ready(s, started, 900, log)
    return s


def start_oxigraph(files: list[Path], work: Path) -> Server:
    port = free_port()
    s = Server("oxigraph", f"http://127.0.0.1:{port}/query")
    RUNNING.append(s)
    location = Path(tempfile.mkdtemp(dir=work, prefix="oxigraph-"))
    s.scratch.append(location)
    log = work / "oxigraph.log"
    started = time.monotonic()
    for f in files:
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(f)],
                       check=True, capture_output=True, timeout=1800)
    s.procs.append(_spawn([str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind",
                           f"127.0.0.1:{port}"], log))
    s.note = "oxigraph load + serve-read-only (on-disk store)"
    _wait_ready(s, started, 600, log)
    return s


def start_rdflib_endpoint(files: list[Path], work: Path) -> Server:
    port = free_port()
    s = Server("rdflib-endpoint", f"http://127.0.0.1:{port}/")
    RUNNING.append(s)
    log = work / "rdflib-endpoint.log"
    started = time.monotonic()
    s.procs.append(_spawn([str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port),
                           *map(str, files)], log))
    s.note = "rdflib-endpoint serve (in-memory rdflib Graph, uvicorn)"
    _wait_ready(s, started, 1800, log)
    return s


def metrics(server: Server) -> dict[str, float] | None:
    """scokg's Prometheus counters of the result cache, summed over their labels; None when there are none."""
    root = server.url.rsplit("/sparql", 1)[0]
    try:
        with urllib.request.urlopen(root + "/metrics", timeout=10) as r:
            text = r.read().decode("utf-8", "replace")
    except (OSError, urllib.error.HTTPError):
        return None
    found: dict[str, float] = {}
    for line in text.splitlines():
        for name in ("scokg_cache_hits_total", "scokg_cache_misses_total"):
            if line.startswith(name) and (len(line) == len(name) or line[len(name)] in " {"):
                with contextlib.suppress(IndexError, ValueError):
                    found[name] = found.get(name, 0.0) + float(line.rsplit(None, 1)[1])
    return found if len(found) == 2 else None
