"""The master's memory across SIGHUP reloads: a reload must free the release it replaces.

    python bench/reloads.py                 # 20 reloads of the project's release, 2 workers
    python bench/reloads.py --reloads 40

Starts `scokg serve` on 127.0.0.1 (the graph in memory, so that each release is a copy the master holds), sends
SIGHUP, waits for the reload to finish (the log says so), and prints the master's RSS and PSS after each one, then
the growth from the first reload to the last. Bounded: each reload gets 120 s; the server is stopped on exit.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, scokg_server
from servers import memory_of


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "serve.log"
        extra = ("--store", "memory", "--instance", str(Path(scratch) / "instance"))
        with scokg_server(workers=2, root=ROOT, extra=extra, log=log) as (_url, proc):
            rows = []
            for n in range(args.reloads + 1):
                if n:
                    done = log.read_text(errors="replace").count("reloaded: workers now take")
                    os.kill(proc.pid, signal.SIGHUP)
                    deadline = time.monotonic() + 120
                    while log.read_text(errors="replace").count("reloaded: workers now take") == done:
                        if time.monotonic() > deadline:
                            print("a reload did not finish in 120 s", file=sys.stderr)
                            return 1
                        time.sleep(0.2)
                    time.sleep(1)  # the old workers finish and go
                mem = memory_of([proc.pid])
                rows.append(mem)
                print(f"after {n:2d} reloads: master RSS {mem['rss_mb']:7.1f} MB, PSS {mem['pss_mb']:7.1f} MB")
            first, last = rows[1] if len(rows) > 1 else rows[0], rows[-1]
            print(f"growth from the first reload to the last: RSS {last['rss_mb'] - first['rss_mb']:+.1f} MB, "
                  f"PSS {last['pss_mb'] - first['pss_mb']:+.1f} MB over {len(rows) - 2} reloads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
