"""The one response cache of a worker: answers to queries (GET and POST alike) and pages, bounded in bytes.

The graph only changes with a release, and every key starts with the dataset version, so an entry never goes
stale: a new release simply stops asking for it, and the least recently used entries make room.

>>> cache = ByteCache(8000)
>>> for i in range(10):
...     cache.put(("v1", i), b"x" * 900)  # ten entries of 900 bytes overflow 8000: the oldest go
>>> cache.get(("v1", 0)) is None, cache.get(("v1", 9)) == b"x" * 900
(True, True)
>>> cache.put(("v1", "big"), b"y" * 2000)  # more than an eighth of the cache: not kept
>>> cache.get(("v1", "big")) is None
True
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any

ENTRY_SHARE = 8  # one entry may take at most this fraction of the cache


def size_of(value: Any) -> int:
    """The bytes a value holds: a bytes body, or the sum over a tuple of them (headers count roughly)."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, tuple | list):
        return sum(size_of(v) for v in value) + 16 * len(value)
    body = getattr(value, "body", None)  # an Answer
    if isinstance(body, bytes):
        return len(body) + 200
    return sys.getsizeof(value)


class ByteCache:
    """A thread-safe LRU bounded by the total size of its values; ``hits`` and ``misses`` are read by /metrics."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // ENTRY_SHARE
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> Any:
        if not self.max_bytes:
            return None
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key, value) -> None:
        if not self.max_bytes:
            return
        size = size_of(value) + size_of(key)
        if size > self.max_entry:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._data[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _key, (_value, dropped) = self._data.popitem(last=False)
                self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._data)
