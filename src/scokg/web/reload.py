"""What the master has watched while serving, each in a process of its own: the release's source files (with the
``watch`` setting: a change becomes a SIGHUP, reloaded or refused like one sent by hand, see ``web/server``), and
/ready after a start or a reload (logged once the workers answer).

Processes, not threads: granian forks the workers from the master, and a thread of the master caught in the middle
of an import or a lock at that moment would leave the lock held forever in every worker. They are started as
fresh interpreters (``python -m scokg.web.reload``), which stop when the master does.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ..graph.load import release_digest, source_files

log = logging.getLogger("scokg.reload")


def current_digest(root) -> str | None:
    """The digest of the release's source files, or None while they cannot be read (e.g. mid-copy).

    >>> from pathlib import Path
    >>> len(current_digest(Path(__file__).parents[3] / "tests" / "fixtures" / "tiny"))
    64
    """
    try:
        source_files(root)  # the folders must be there and hold RDF
        return release_digest(root)
    except Exception:  # noqa: BLE001 - a folder being rewritten; the next poll sees it whole
        return None


class ReleaseWatcher:
    """Polls the source digest every ``interval`` seconds and calls ``on_change`` once per new digest.

    A broken release is still a change: the reload refuses it once, and the watcher waits for the next edit
    instead of retrying every poll.
    """

    def __init__(self, root, interval: float, on_change: Callable[[], None] | None = None):
        self.root = root
        self.interval = interval
        self.on_change = on_change or (lambda: os.kill(os.getpid(), signal.SIGHUP))
        self.seen = current_digest(root)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scokg-release-watcher", daemon=True)

    def start(self) -> ReleaseWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def check(self) -> bool:
        """One poll; True when the release changed (and ``on_change`` was called)."""
        digest = current_digest(self.root)
        if digest is None or digest == self.seen:
            return False
        self.seen = digest
        log.warning("the release's source files changed: reloading")
        self.on_change()
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()


def _watch(root: str, interval: float, master: int) -> None:  # pragma: no cover - runs in its own process
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    watcher = ReleaseWatcher(root, interval, on_change=lambda: os.kill(master, signal.SIGHUP))
    while os.getppid() == master:  # gone with the master
        time.sleep(interval)
        watcher.check()


def _announce(url: str, seconds: float) -> None:  # pragma: no cover - runs in its own process
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    deadline, master = time.monotonic() + seconds, os.getppid()
    while time.monotonic() < deadline and os.getppid() == master:
        try:
            with urllib.request.urlopen(url + "/ready", timeout=2) as r:
                if r.status == 200:
                    log.warning("ready at %s (release %s)", url, json.loads(r.read())["release"])
                    return
        except OSError:
            pass
        time.sleep(0.25)
    log.error("not ready after %g s: %s/ready", seconds, url)


def start_watching(root: str | Path, interval: float) -> None:
    """Watch the release from a process of its own; it signals this process (the master) on a change."""
    subprocess.Popen([sys.executable, "-m", __name__, "watch", str(root), str(interval), str(os.getpid())])


def announce_when_ready(url: str, seconds: float = 120) -> None:
    """Log once ``url`` answers /ready, from a process of its own (the workers start after this returns)."""
    subprocess.Popen([sys.executable, "-m", __name__, "announce", url, str(seconds)])


if __name__ == "__main__":  # pragma: no cover - the processes above
    if sys.argv[1] == "watch":
        _watch(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    else:
        _announce(sys.argv[2], float(sys.argv[3]))
