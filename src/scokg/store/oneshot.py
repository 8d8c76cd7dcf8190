"""One query against the sources of a kept release, in a process of its own (a query pinned to an older release).

    python -m scokg.store.oneshot ROOT SELECT_TYPE GRAPH_TYPE MAX_ROWS < query.rq

The query is read from standard input and runs exactly as on the server: one reading, the allow-list from the
``SCOKG_*`` environment, a memory cap. The answer goes to standard output as one JSON line (kind, media type, row
count, truncation, warnings) followed by the body; a failure as one JSON line with its status and message, exit 1.
The caller (``run_pinned``) holds the time limit: it kills the process past it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..config import load_settings
from ..errors import QueryTimeout, ScokgError, UpstreamError
from .base import Answer
from .executor import limit_memory
from .federation import Federation
from .oxigraph import build_store


def run_pinned(root: Path, text: str, select_type: str | None, graph_type: str | None, max_rows: int,
               timeout: float, memory: int = 512 << 20) -> Answer:
    """Run ``text`` on the release whose sources are in ``root``; the errors of the server's own queries."""
    cmd = [sys.executable, "-m", __name__, str(root), select_type or "-", graph_type or "-", str(max_rows),
           str(memory)]
    try:
        done = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, timeout=timeout,
                              env={**os.environ, "PYTHONFAULTHANDLER": ""}, check=False)
    except subprocess.TimeoutExpired:
        raise QueryTimeout(f"the query ran longer than the time limit of {timeout:g} s and was stopped",
                           hint="add a LIMIT or narrow the patterns") from None
    head, _, body = done.stdout.partition(b"\n")
    try:
        meta = json.loads(head)
    except ValueError:
        raise UpstreamError("the query on the older release stopped without an answer",
                            hint="it may have needed more memory than the limit") from None
    if "error" in meta:
        raise ScokgError(meta["error"], hint=meta.get("hint"), status=int(meta["status"]))
    return Answer(meta["kind"], meta["media_type"], body, meta["count"], meta["truncated"], tuple(meta["warnings"]))


def main(argv: list[str]) -> int:  # pragma: no cover - runs in the child run_pinned starts
    root, select_type, graph_type, max_rows, memory = argv
    limit_memory(int(memory))
    out = sys.stdout.buffer
    try:
        settings = load_settings({"root": root, "validate": "false"})
        store = build_store(root)
        store.base_iri = settings.base_iri or None
        store.federation = Federation.of(settings)
        answer = store.execute(sys.stdin.read(), None if select_type == "-" else select_type,
                               None if graph_type == "-" else graph_type, max_rows=int(max_rows))
    except ScokgError as exc:
        out.write(json.dumps({"error": exc.message, "hint": exc.hint, "status": exc.status}).encode() + b"\n")
        return 1
    meta = {"kind": answer.kind, "media_type": answer.media_type, "count": answer.count,
            "truncated": answer.truncated, "warnings": list(answer.warnings)}
    out.write(json.dumps(meta).encode() + b"\n" + answer.body)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
