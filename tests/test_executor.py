"""Query executors: one whose private memory grew past its limit answers, then a fresh copy takes its place."""

from __future__ import annotations

import os

import pytest

from scokg.store.executor import QueryExecutor, private_bytes

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="Linux /proc")


class Hoarder:
    """A stand-in store whose 'query' keeps what it allocated, as an allocator keeps a big scan's memory."""

    def __init__(self):
        self.kept: list[bytearray] = []

    def pid(self) -> int:
        return os.getpid()

    def grow(self, megabytes: int) -> int:
        self.kept.append(bytearray(os.urandom(1 << 20)) * megabytes)  # written pages: private to this process
        return len(self.kept)


def test_private_bytes_counts_what_this_process_writes():
    before = private_bytes()
    block = bytearray(os.urandom(1 << 20)) * 32
    assert private_bytes() - before >= 30 << 20
    del block


def test_an_executor_past_its_memory_limit_answers_then_is_replaced():
    retired = []
    executor = QueryExecutor(Hoarder(), processes=1, max_growth=16 << 20, on_retire=lambda: retired.append(1))
    try:
        first = executor.call("pid", timeout=10)
        assert executor.call("grow", 4, timeout=10) == 1 and retired == []  # under the limit: kept
        assert executor.call("pid", timeout=10) == first
        assert executor.call("grow", 64, timeout=10) == 2  # the answer still comes back
        assert retired == [1]
        second = executor.call("pid", timeout=10)
        assert second != first and executor.call("grow", 1, timeout=10) == 1  # a fresh copy: nothing kept
    finally:
        executor.close()


def test_without_a_limit_an_executor_keeps_its_memory():
    executor = QueryExecutor(Hoarder(), processes=1, max_growth=0)
    try:
        first = executor.call("pid", timeout=10)
        executor.call("grow", 64, timeout=10)
        assert executor.call("pid", timeout=10) == first and executor.call("grow", 1, timeout=10) == 2
    finally:
        executor.close()


def test_a_retired_executors_answer_survives_when_no_executor_can_replace_it():
    import signal

    executor = QueryExecutor(Hoarder(), processes=1, max_growth=16 << 20)
    try:
        os.kill(executor._zygote_pid, signal.SIGKILL)  # nothing can be forked any more
        os.waitpid(executor._zygote_pid, 0)
        assert executor.call("grow", 64, timeout=10) == 1  # the answer, not an OSError
    finally:
        executor.close()
