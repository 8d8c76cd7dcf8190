"""CPU time per request of running servers: one wrk run of a shape's varied stream against each, with the CPU
times of the server's process tree (from /proc/<pid>/stat) read before and after.

    python bench/cpu.py --spec bench/.work/spec-M-1-point-lookup.lua \\
        --server http://127.0.0.1:8801/sparql=$(pgrep -o -f 'port 8801') \\
        --server http://127.0.0.1:8802/query=$(pgrep -o -f 127.0.0.1:8802)

Each --server is URL=PID: the server's first process (scokg serve's master); its descendants (workers, zygotes,
executors) are counted with it. The spec files are written by run.py into bench/.work/. Executors that are
replaced during the run (an executor retires past executor_memory) are counted from their start, those that end
during it are missed: read the figure as a lower bound for scokg.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlsplit

import workload
from servers import descendants

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True, help="a shape's Lua spec from bench/.work/")
    parser.add_argument("--server", action="append", required=True, metavar="URL=PID")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--method", default="get")
    args = parser.parse_args()
    for n, spec in enumerate(args.server):
        url, _, root = spec.rpartition("=")
        parts = urlsplit(url)
        before = cpu_seconds(descendants([int(root)]))
        run = workload.wrk(parts.netloc, parts.path, args.spec, args.method, "varied", args.seconds,
                           offset=7_000_000 + n * 1_000_000)  # requests no earlier run has sent
        after = cpu_seconds(descendants([int(root)]))
        used = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
        requests = run["requests"]
        print(f"{url}: {requests:,} requests ({requests / run['duration_s']:,.0f}/s), "
              f"{1000 * sum(used.values()) / requests:.3f} ms of CPU per request")
        for pid, seconds in sorted(used.items()):
            if seconds > 0:
                print(f"    pid {pid}: {1000 * seconds / requests:.3f} ms")


if __name__ == "__main__":
    main()
