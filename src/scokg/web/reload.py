"""Watching the release's source files while serving: with the ``watch`` setting the master polls their digest
and sends itself a SIGHUP on a change, reloaded (or refused) like one sent by hand (see ``web/server``)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

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
