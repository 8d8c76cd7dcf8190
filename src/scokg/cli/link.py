"""``scokg link``: check the graph's Wikidata links, and suggest links for entities without one."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ScokgError
from ..store import build_store
from ..wikidata import WikidataClient, check_links, suggest_links, write_review_file
from .common import Failure, failure, settings_from
from .snapshot import snapshot_from_list, snapshot_from_wikidata

TIMEOUT = click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for each answer.")
ENDPOINT = click.option("--endpoint", default=None,
                        help="Wikidata SPARQL endpoint [default: the wikidata_endpoint setting, "
                             "https://query.wikidata.org/sparql].")


@click.group()
def link():
    """Check and suggest links to Wikidata (owl:sameAs)."""


def _open(ctx, endpoint, timeout):
    settings = settings_from(ctx)
    try:
        store = build_store(settings.root)
    except ScokgError as exc:
        raise failure(exc) from None
    return store, WikidataClient(endpoint or settings.wikidata_endpoint, timeout=timeout)


@link.command()
@ENDPOINT
@TIMEOUT
@click.option("--max-km", default=50.0, show_default=True, help="Largest distance allowed between coordinates.")
@click.option("--json", "as_json", is_flag=True, help="A JSON report for scripts.")
@click.option("--write-snapshot", is_flag=True, help="Write what Wikidata says about every linked item (label, kind, "
              "coordinates) to data/links/wikidata-snapshot.json, which the gate checks links against.")
@click.option("--from-list", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Offline: take the snapshot from the team's verified list (markdown) instead of Wikidata.")
@click.pass_context
def check(ctx, endpoint, timeout, max_km, as_json, write_snapshot, from_list):
    """Ask Wikidata about every linked item: label, type (P31) and coordinates (P625) must fit ours.

    Exits 1 when any link is wrong, 2 when the endpoint cannot be asked.

    \b
    Examples:
      scokg link check --endpoint http://127.0.0.1:7878/query
      scokg link check --write-snapshot --from-list ../shared/wikidata-qids.md   # offline
    """
    if from_list:
        if not write_snapshot:
            raise click.UsageError("--from-list gives the snapshot's source: use it with --write-snapshot")
        settings = settings_from(ctx)
        try:
            path = snapshot_from_list(settings.root, Path(from_list))
        except (ScokgError, ValueError) as exc:
            raise Failure(str(exc), 2) from None
        click.echo(f"wrote {path} from {from_list}; review it: scokg review")
        return
    store, client = _open(ctx, endpoint, timeout)
    if write_snapshot:
        try:
            path = snapshot_from_wikidata(settings_from(ctx).root, client)
        except ScokgError as exc:
            store.close()
            raise Failure(exc.message, 2) from None
        click.echo(f"wrote {path} from {client.endpoint}; review it: scokg review")
    try:
        reports = check_links(store, client, max_km=max_km)
    except ScokgError as exc:
        raise Failure(exc.message, 2) from None
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False))
    else:
        width = max((len(r.label) for r in reports), default=10)
        for r in reports:
            status = "ok" if r.ok else "WRONG"
            click.echo(f"{status:5}  {r.qid:<10}  {r.label:<{width}}  {'; '.join(r.problems)}".rstrip())
    wrong = [r for r in reports if not r.ok]
    if wrong:
        raise Failure(f"{len(wrong)} of {len(reports)} links look wrong", 1)
    if not as_json:
        click.echo(f"All {len(reports)} links fit their Wikidata items.")


@link.command()
@ENDPOINT
@TIMEOUT
@click.option("--out", default="instance/link-suggestions.tsv", show_default=True, type=click.Path(dir_okay=False),
              help="Review file to write (data/ is never edited).")
@click.pass_context
def suggest(ctx, endpoint, timeout, out):
    """List ranked Wikidata candidates for entities without a link, and write them to a review file.

    \b
    Example:  scokg link suggest --out link-suggestions.tsv
    """
    store, client = _open(ctx, endpoint, timeout)
    try:
        suggestions = suggest_links(store, client)
    except ScokgError as exc:
        raise Failure(exc.message, 2) from None
    finally:
        store.close()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_review_file(out, suggestions)
    for c in suggestions:
        click.echo(f"{c.label}  →  {c.qid} ({c.item_label}; {c.reason}; score {c.score})")
    click.echo(f"{len(suggestions)} candidate(s) written to {out}; review them before adding any to data/links/.")
