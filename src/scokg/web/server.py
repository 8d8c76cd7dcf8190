"""``scokg serve``: granian's HTTP layer (Rust) in front of the app, its workers forked from a master that has
loaded and validated the release.

The master publishes the release (validated once, dumps and VoID written) and opens its store before any worker
exists; each worker is forked from it, inherits the app (an in-memory graph shared copy-on-write, or the
read-only on-disk store's handle) and forks its own killable query executors while it is still single-threaded.
SIGHUP (or the ``watch`` setting) reloads: the master builds the new release and, only when it loads and
validates, the workers granian respawns one after another take it; a release that fails is refused and logged,
and the previous one keeps serving.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import multiprocessing
import os
import platform
import signal
import socket
import sys
import threading
from pathlib import Path
from types import FrameType

from flask import Flask
from granian import Granian
from granian import _signals as granian_signals
from granian.constants import Interfaces
from granian.http import HTTP1Settings

from ..config import Settings
from ..errors import ConfigError, ScokgError, ValidationFailed
from .app import create_app
from .metrics import enable_multiprocess
from .reload import announce_when_ready, start_watching

log = logging.getLogger("scokg.server")
RESPAWN_INTERVAL = 0.5  # seconds between one worker's replacement and the next's, on a reload


def check_port(host: str, port: int) -> None:
    """Fail with one sentence when the port is taken, before any worker starts."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is already in use",
                              hint="stop the other server or pass --port") from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def threads_of(settings: Settings) -> int:
    """Request threads per worker: one per query executor, one per heavy query that may wait for one, and two more
    that heavy queries can never take (health, pages, light queries and cached answers are not queued behind them)."""
    return settings.threads or settings.query_workers + settings.queue_depth + 2


def release_freed_memory() -> None:
    """Give the pages that glibc's allocator keeps after frees back to the system (malloc_trim): building a
    release's store frees hundreds of MB that the allocator would otherwise keep, and every process forked
    afterwards would carry."""
    if platform.libc_ver()[0] == "glibc":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


class Master:
    """What the master process holds: the app of the current release, which every worker forked later takes, and
    the flag in shared memory that tells every worker's /ready that a new release is loading."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.reloading = multiprocessing.Value("b", 0)  # before any fork: every worker shares it
        self.app: Flask = self._app()
        release_freed_memory()  # what building the release freed is not inherited by every worker and executor

    def _app(self) -> Flask:
        app = create_app(self.settings, start_executor=False)
        app.config["SCOKG_RELOADING"] = self.reloading
        runtime = app.extensions["scokg"].runtime
        runtime.metrics.release.labels(version=runtime.store.version).set(1)
        runtime.metrics.release_load.set(runtime.load_seconds)
        runtime.metrics.release_triples.set(runtime.triples())
        return app

    def worker_app(self, _target=None) -> Flask:
        """Called in a freshly forked worker, still single-threaded: its own executors over the inherited store."""
        self.app.extensions["scokg"].runtime.start_executor()
        relay_stop_signals_to_main_thread()
        return self.app

    def reload(self) -> None:
        """Build the release on disk; keep the old one if it does not load or does not conform."""
        self.reloading.value = 1
        try:
            fresh = self._app()
        except ScokgError as exc:
            detail = exc.report.format() if isinstance(exc, ValidationFailed) else str(exc)
            log.error("reload refused, the previous release keeps serving: %s", detail)
            return
        finally:
            self.reloading.value = 0
        old, self.app = self.app, fresh
        old_runtime = old.extensions["scokg"].runtime
        if old_runtime.store.version != fresh.extensions["scokg"].runtime.store.version:
            old_runtime.metrics.release.labels(version=old_runtime.store.version).set(0)
        old_runtime.close()  # the master's copy; the workers hold their own until granian replaces them
        del old, old_runtime
        release_freed_memory()  # the new workers fork from here
        log.warning("reloaded: workers now take release %s", fresh.extensions["scokg"].runtime.store.version)
        self.announce_when_ready()

    def announce_when_ready(self) -> None:
        host = f"[{self.settings.host}]" if ":" in self.settings.host else self.settings.host
        announce_when_ready(f"http://{host}:{self.settings.port}")


_EARLY_STOPS: list[int] = []  # in a worker: stop signals that came while it was starting


def catch_stops_while_workers_start(master_pid: int) -> None:
    """Keep a stop signal that reaches a worker before its own handlers exist.

    A freshly forked worker inherits the master's handler, which sets a flag on the master's server object (a copy,
    in the worker, that nothing reads): a SIGTERM then (a group stop while a worker starts, the master's stop of a
    worker it just spawned) was lost, and the worker waited for the kill timeout (seen: one stop in about 20 under
    load). Around each fork of the master, SIGINT and SIGTERM are blocked; the worker installs a handler that
    records them before it unblocks them, and the relay acts on a recorded one once the worker is parked."""
    stops = {signal.SIGINT, signal.SIGTERM}
    saved: list[set] = []

    def before() -> None:
        if os.getpid() == master_pid:
            saved.append(signal.pthread_sigmask(signal.SIG_BLOCK, stops))

    def after_in_parent() -> None:
        if os.getpid() == master_pid and saved:
            signal.pthread_sigmask(signal.SIG_SETMASK, saved.pop())

    def after_in_child() -> None:
        if os.getppid() != master_pid or not saved:  # an executor forked by a worker: not ours
            return
        for signum in stops:
            signal.signal(signum, _record_early_stop)
        signal.pthread_sigmask(signal.SIG_SETMASK, saved.pop())

    os.register_at_fork(before=before, after_in_parent=after_in_parent, after_in_child=after_in_child)


def _record_early_stop(signum: int, _frame) -> None:
    _EARLY_STOPS.append(signum)


def relay_stop_signals_to_main_thread() -> None:
    """Make SIGINT and SIGTERM reach a worker's main thread, which granian parks in a lock wait until its handler runs.

    The kernel hands a signal sent to the process to any thread; when one of granian's Rust threads takes it, the
    handler waits for the main thread's next bytecode, which never comes, and the worker is killed only after
    ``workers_kill_timeout`` (seen: 15 s stops, one in four under load). Python writes each signal's number to
    the wakeup fd; a thread reads it and, once the main thread is parked in granian's loop while granian's handler
    has not run, sends the signal once to the main thread itself, which interrupts the wait. Never when the
    handler has run: a second run while granian's shutdown is under way can deadlock (seen: the handler stuck
    in ``WorkerSignal.set``). A signal that comes before granian's handler exists (a worker still starting)
    is relayed as soon as the worker is parked."""
    handled = threading.Event()
    _flag_granian_handler(handled)
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    if _EARLY_STOPS:
        os.write(write_end, bytes(_EARLY_STOPS[:1]))
    main = threading.main_thread().ident
    assert main is not None

    def relay() -> None:
        while data := os.read(read_end, 64):
            stop = [n for n in data if n in (signal.SIGINT, signal.SIGTERM)]
            if not stop:
                continue
            # a handler the main thread runs itself has flagged the stop by then; a worker still starting gets
            # parked a little later
            while not handled.wait(RELAY_GRACE):
                if _parked(sys._current_frames().get(main)):
                    signal.pthread_kill(main, stop[0])
                    return
            return

    threading.Thread(target=relay, name="scokg-signal-relay", daemon=True).start()


RELAY_GRACE = 0.2


def _flag_granian_handler(handled: threading.Event) -> None:
    """Wrap the handlers granian's worker installs (it imports ``set_sync_signals`` when the worker starts) so that
    they flag ``handled`` before they run, and run only once: granian's handler run again while its shutdown is
    under way can deadlock in ``WorkerSignal.set``."""
    original = granian_signals.set_sync_signals

    def set_sync_signals():
        event = original()
        for signum in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(signum)
            if callable(handler):
                def flagged(number, frame, handler=handler):
                    if handled.is_set():  # a group SIGTERM comes twice (kernel, master): run granian's once
                        return
                    handled.set()
                    handler(number, frame)

                signal.signal(signum, flagged)
        return event

    granian_signals.set_sync_signals = set_sync_signals


def _parked(frame: FrameType | None) -> bool:
    """The main thread waits in granian's worker loop."""
    names = []
    while frame is not None:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return "_main" in names and names[0] == "wait"


def run_server(settings: Settings) -> None:
    if settings.update_token and settings.workers > 1:
        raise ConfigError("--update-token needs --workers 1: each worker holds its own copy of the graph, "
                          "so an update would reach only one of them",
                          hint="serve with --workers 1, or load releases with 'scokg load' into a shared store")
    check_port(settings.host, settings.port)
    if not settings.debug:
        enable_multiprocess(Path(settings.instance) / "metrics")
    master = Master(settings)
    if settings.debug:
        master.app.extensions["scokg"].runtime.start_executor()
        master.app.run(host=settings.host, port=settings.port, debug=False, threaded=True, use_reloader=False)
        return
    server = Granian(
        "scokg", address=settings.host, port=settings.port, interface=Interfaces.WSGI, workers=settings.workers,
        blocking_threads=threads_of(settings), respawn_failed_workers=True, respawn_interval=RESPAWN_INTERVAL,
        workers_kill_timeout=int(settings.query_timeout) + 5, log_access=False,  # ours: web/ops
        # room for a query string up to the limit, percent-encoded: the endpoint answers a longer one itself, with
        # a JSON 414 that says to POST, instead of granian's bare 431
        http1_settings=HTTP1Settings(max_buffer_size=3 * settings.max_query_bytes + (64 << 10)))
    server.on_reload(master.reload)
    server.on_startup(master.announce_when_ready)
    if settings.watch > 0:
        server.on_startup(lambda: start_watching(settings.root, settings.watch))
    catch_stops_while_workers_start(os.getpid())
    server.serve(target_loader=master.worker_app, wrap_loader=True)
