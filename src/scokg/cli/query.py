"""``scokg query``: run one query against a freshly opened store and format it for a terminal."""

from __future__ import annotations

import csv
import io

from ..store import open_store

CLI_FORMATS = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", "application/n-triples"),
    "tsv": ("text/tab-separated-values", "application/n-triples"),
    "turtle": ("text/csv", "text/turtle"),
    "ntriples": ("text/csv", "application/n-triples"),
    "table": ("text/csv", "text/turtle"),
}


def format_table(csv_bytes: bytes) -> str:
    """CSV results → an aligned text table.

    >>> print(format_table(b'a,b\\r\\n1,xyz\\r\\n'), end='')
    a | b
    --+----
    1 | xyz
    """
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"))))
    if not rows:
        return ""
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=False)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    for r in rows[1:]:
        lines.append(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip())
    return "\n".join(lines) + "\n"


def run_cli_query(settings, text: str, fmt: str) -> str:
    store = open_store(settings)
    try:
        select_type, graph_type = CLI_FORMATS[fmt]
        answer = store.execute(text, select_type, graph_type, max_rows=settings.max_rows)
    finally:
        store.close()
    if fmt == "table" and answer.kind != "graph":
        out = format_table(answer.body)
        return out + f"({answer.count} row{'s' if answer.count != 1 else ''})\n"
    body = answer.body.decode("utf-8")
    return body if body.endswith("\n") else body + "\n"
