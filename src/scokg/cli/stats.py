"""``scokg stats``: a running server's figures (its /metrics) as a table."""

from __future__ import annotations

import urllib.error
import urllib.request

import click

from ..web.metrics import summarize
from .common import Failure, settings_from


@click.command()
@click.option("--url", default=None, help="The server [default: http://<host>:<port> of the settings].")
@click.pass_context
def stats(ctx, url):
    """Requests, latency, queries, cache, time-limit hits and the release of a running server.

    \b
    Example:  scokg stats --url http://127.0.0.1:8000
    Exit 1 when the server does not answer or has its metrics off.
    """
    settings = settings_from(ctx)
    url = (url or f"http://{settings.host}:{settings.port}").rstrip("/")
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
            figures = summarize(r.read().decode("utf-8"))
    except (urllib.error.URLError, OSError) as exc:
        raise Failure(f"{url}/metrics: {getattr(exc, 'reason', exc)} (is the server running, with metrics on?)",
                      1) from None
    click.echo(f"release {figures['release'] or '?'}, {figures['release_triples'] or '?'} triples")
    click.echo("\nrequests (route family, status)")
    for key, n in sorted(figures["requests"].items()):
        click.echo(f"  {key:<24} {n:>10.0f}")
    click.echo("\nlatency, ms (p50 / p90 / p99, bucket bounds)")
    for family, q in sorted(figures["latency_ms"].items()):
        click.echo(f"  {family:<24} " + " / ".join("-" if v is None else f"{v:g}" for v in q.values()))
    click.echo("\nqueries by form")
    for form, n in sorted(figures["queries"].items()):
        click.echo(f"  {form:<24} {n:>10.0f}")
    click.echo("\ncache")
    for kind, c in sorted(figures["cache"].items()):
        total = c["hits"] + c["misses"]
        ratio = f"{c['hits'] / total:.1%}" if total else "-"
        click.echo(f"  {kind:<24} {c['hits']:>10.0f} hits {c['misses']:>10.0f} misses  hit ratio {ratio}")
    click.echo(f"\ntime-limit hits {figures['timeouts']:.0f}, executor restarts {figures['executor_restarts']:.0f}, "
               f"refused: " + (", ".join(f"{k} {v:.0f}" for k, v in sorted(figures["refused"].items())) or "none"))
