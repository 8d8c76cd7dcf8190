"""Run client queries in child processes that can be killed, so a query past its time limit stops.

pyoxigraph cannot cancel a running query, so each query runs in an executor process forked
from a *zygote*: a single-threaded copy of the server process made right after the store was
loaded. Forking from it is safe (no other thread holds a lock) and shares the store's memory
copy-on-write. When a query overruns, its executor is killed and the zygote forks a new one;
the other executors keep answering meanwhile. An executor whose private memory has grown past its limit (the
allocator keeps what a big scan took, and each executor would otherwise hold its largest query's memory for
ever) answers, then retires, and a fresh copy of the zygote takes its place.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import pickle
import resource
import select
import signal
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable

from ..errors import QueryTimeout, QueryTooComplex, ScokgError, Unavailable
from .inspect import READINGS

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!I")


def _send(sock: socket.socket, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed")
        buf += chunk
    return bytes(buf)


def _recv(sock: socket.socket):
    (n,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return pickle.loads(_recv_exact(sock, n))


# Reading smaps_rollup walks the whole address space: not after every point lookup, but once a second, or at once
# after a query whose peak memory shows it allocated more than the limit.
MEMORY_CHECK_SECONDS = 1.0


def private_bytes() -> int:
    """This process's private memory (pages no other process maps: its own allocations and the copy-on-write
    pages it has written), from /proc; 0 where /proc has no smaps_rollup."""
    try:
        with open("/proc/self/smaps_rollup", "rb") as f:
            return sum(int(line.split()[1]) << 10 for line in f if line.startswith((b"Private_Clean:",
                                                                                  b"Private_Dirty:")))
    except OSError:
        return 0


def _peak_rss() -> int:
    """The most memory this process has had resident: one cheap system call, checked after every answer."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss << 10  # KiB on Linux


def limit_memory(budget: int) -> None:
    """A hard cap on this process's address space: what it maps now (the store, the interpreter) plus ``budget``
    bytes. A query that needs more fails its allocation and the process dies; the parent answers 503."""
    if budget <= 0:
        return
    try:
        with open("/proc/self/statm", "rb") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + budget, mapped + budget))
    except (OSError, ValueError):
        log.warning("cannot cap the memory of a query executor")


def _executor_loop(store, sock: socket.socket, max_growth: int = 0) -> None:
    # A query that overflows the engine's stack kills this process on purpose; the parent reports it in one
    # log line, so no "Fatal Python error" traceback dump here (pytest and PYTHONFAULTHANDLER switch it on).
    faulthandler.disable()
    READINGS.resize(EXECUTOR_READINGS)  # each text comes here once: no cache worth its memory
    limit = private_bytes() + max_growth if max_growth > 0 else 0
    next_check = 0.0
    peak_mark = _peak_rss() + max_growth  # a query that took this much more memory is checked at once
    while True:
        try:
            method, args, kwargs = _recv(sock)
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", getattr(store, method)(*args, **kwargs))
        except ScokgError as exc:
            reply = ("err", exc)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            reply = ("err", RuntimeError(f"{type(exc).__name__}: {exc}"))
        retire = False
        if limit:
            now, peak = time.monotonic(), _peak_rss()
            if now >= next_check or peak > peak_mark:
                retire = private_bytes() > limit
                next_check, peak_mark = now + MEMORY_CHECK_SECONDS, peak + max_growth
        try:
            _send(sock, (*reply, retire))
        except OSError:
            return
        if retire:
            return


def _zygote_loop(store, control: socket.socket, max_growth: int, memory_limit: int = 0) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            kind, fds, _flags, _addr = socket.recv_fds(control, 1, 1)
        except OSError:
            os._exit(0)
        if kind == b"u":  # an update the parent has applied: executors forked from now on see it too
            try:
                text = _recv(control)
                store.update(text)
                control.sendall(struct.pack("!i", 0))
            except (EOFError, OSError):
                os._exit(0)
            except Exception:  # noqa: BLE001 - the parent hears of it and stops using this zygote
                control.sendall(struct.pack("!i", -1))
            continue
        if not fds:
            os._exit(0)  # parent went away
        pid = os.fork()
        if pid == 0:
            control.close()
            sock = socket.socket(fileno=fds[0])
            limit_memory(memory_limit)
            _executor_loop(store, sock, max_growth)
            os._exit(0)
        os.close(fds[0])
        control.sendall(struct.pack("!i", pid))


EXECUTOR_READINGS = 16 << 10  # characters of query text whose readings an executor keeps (the one it runs)
WATCH_SECONDS = 0.02  # how often a running query's memory is looked at


def _address_space(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _watch_memory(worker, deadline: float, grown: list[int]) -> None:
    """Wait for the executor's answer, noting how far its address space grew (``grown[0]``): an executor that
    dies after growing towards its cap ran out of memory; one that dies at once overflowed its stack."""
    start = _address_space(worker.pid)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        readable, _, _ = select.select([worker.sock], [], [], min(WATCH_SECONDS, remaining))
        if readable:
            return
        grown[0] = max(grown[0], _address_space(worker.pid) - start)


class _Worker:
    __slots__ = ("generation", "pid", "sock")

    def __init__(self, pid: int, sock: socket.socket, generation: int):
        self.pid = pid
        self.sock = sock
        self.generation = generation

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()


class QueryExecutor:
    """A pool of killable executor processes over one store; each retires once its private memory has grown by
    more than ``max_growth`` bytes (0: never)."""

    def __init__(self, store, processes: int = 2, on_restart: Callable[[], object] | None = None,
                 max_growth: int = 0, on_retire: Callable[[], object] | None = None, queue_wait: float = 1.0,
                 max_waiting: int = 2, memory_limit: int = 0):
        self._lock = threading.Lock()
        self._queue_wait = queue_wait  # seconds a query may wait for a free executor before a 503
        self._max_waiting = max_waiting  # queries that may wait at once; more are turned away at once
        self._waiting = 0
        self._memory_limit = memory_limit
        self._idle: deque[_Worker] = deque()
        self._available = threading.Semaphore(0)
        self._size = max(1, processes)
        self._closed = False
        self._generation = 0  # bumped by every update: older executors hold an older copy of the graph
        self._on_restart = on_restart or (lambda: None)  # an executor killed at the time limit or dead
        self._on_retire = on_retire or (lambda: None)  # an executor replaced for its memory
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the zygote
            parent.close()
            try:
                _zygote_loop(store, child, max_growth, memory_limit)
            finally:
                os._exit(0)
        child.close()
        self._zygote_pid = pid
        self._control = parent
        for _ in range(self._size):
            self._release(self._spawn())

    def _spawn(self) -> _Worker:
        with self._lock:
            return self._spawn_locked()

    def _release(self, worker: _Worker) -> None:
        stale = None
        with self._lock:  # the generation is compared under the lock: an update may be landing
            if worker.generation != self._generation:  # it answered from the graph before an update: replace it
                stale, worker = worker, self._spawn_locked()
            self._idle.append(worker)
        if stale is not None:
            stale.kill()
        self._available.release()

    def apply_update(self, text: str) -> None:
        """Apply an update (already applied by the parent) in the zygote, and replace every executor, idle ones
        now and busy ones when their query ends, so that later queries see it."""
        with self._lock:
            self._control.sendall(b"u")
            _send(self._control, text)
            (status,) = struct.unpack("!i", _recv_exact(self._control, 4))
            if status != 0:
                raise RuntimeError("the query executors could not apply the update")
            self._generation += 1
            stale = list(self._idle)
            self._idle.clear()
            self._idle.extend(self._spawn_locked() for _ in stale)
        for worker in stale:
            worker.kill()

    def _spawn_locked(self) -> _Worker:
        """_spawn for a caller that holds the lock."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self._control, [b"x"], [theirs.fileno()])
            (pid,) = struct.unpack("!i", _recv_exact(self._control, 4))
        except (EOFError, OSError):
            mine.close()
            raise
        finally:
            theirs.close()
        return _Worker(pid, mine, self._generation)

    def call(self, method: str, *args, timeout: float, **kwargs):
        """Run ``store.method(*args, **kwargs)`` in an executor; QueryTimeout after ``timeout`` s. When every
        executor is busy, a query waits at most ``queue_wait`` s, and only ``max_waiting`` of them at once: the
        others are turned away at once (503 with Retry-After), so request threads stay free for everything else."""
        deadline = time.monotonic() + timeout
        if not self._available.acquire(blocking=False):
            with self._lock:
                full = self._waiting >= self._max_waiting
                if not full:
                    self._waiting += 1
            if full:
                raise Unavailable("the server is busy with other heavy queries", retry_after=2,
                                  hint="try again in a moment; light queries and pages are answered meanwhile")
            try:
                got = self._available.acquire(timeout=min(timeout, self._queue_wait))
            finally:
                with self._lock:
                    self._waiting -= 1
            if not got:
                raise Unavailable(f"the server is busy: no query slot became free within "
                                  f"{min(timeout, self._queue_wait):g} s", retry_after=2,
                                  hint="try again in a moment")
        with self._lock:
            worker = self._idle.popleft()
        grown = [0]
        try:
            worker.sock.settimeout(max(0.001, deadline - time.monotonic()))
            _send(worker.sock, (method, args, kwargs))
            if self._memory_limit:
                _watch_memory(worker, deadline, grown)
            worker.sock.settimeout(max(0.001, deadline - time.monotonic()))
            status, value, retired = _recv(worker.sock)
        except TimeoutError:
            worker.kill()
            self._on_restart()
            self._release(self._spawn())
            raise QueryTimeout(f"the query ran longer than the time limit of {timeout:g} s and was stopped",
                               hint="add a LIMIT or narrow the patterns") from None
        except (EOFError, OSError) as exc:
            worker.kill()
            self._on_restart()
            self._release(self._spawn())
            log.warning("a query executor died (%s) on: %.200r", exc, args[0] if args else "")
            if self._memory_limit and grown[0] >= self._memory_limit // 2:  # seen growing towards its cap
                raise Unavailable(f"the query needed more than the memory limit of {self._memory_limit >> 20} MB "
                                  "and was stopped", hint="narrow the patterns or add a LIMIT; other queries are "
                                  "not affected", retry_after=1) from None
            raise QueryTooComplex("the query engine failed on this query: it is probably nested or chained too "
                                  "deeply", hint="simplify the query; other queries are not affected") from None
        worker.sock.settimeout(None)
        if retired:  # it has exited (the zygote reaps it): a fresh one takes its place
            worker.sock.close()
            self._on_retire()
            try:
                self._release(self._spawn())
            except (EOFError, OSError) as exc:  # closed meanwhile, or the zygote is gone: the answer still counts
                if not self._closed:
                    log.warning("no executor could replace a retired one (%s); %d left", exc, len(self._idle))
        else:
            self._release(worker)
        if status == "err":
            raise value
        return value

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        while self._idle:
            self._idle.popleft().kill()
        try:
            self._control.close()
            os.kill(self._zygote_pid, signal.SIGKILL)
            os.waitpid(self._zygote_pid, 0)
        except (ProcessLookupError, ChildProcessError, OSError):
            pass
