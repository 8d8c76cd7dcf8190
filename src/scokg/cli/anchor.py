"""``scokg anchor``: compute the selectors of every quote from its words, and rewrite data/quotes.ttl."""

from __future__ import annotations

import click

from ..errors import ScokgError
from ..graph.anchor import anchor_quotes
from .common import Failure, failure, settings_from


@click.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when data/quotes.ttl is not as anchor writes it.")
@click.pass_context
def anchor(ctx, check):
    """Anchor each quote in its source text: oa:TextQuoteSelector (prefix, suffix) and oa:TextPositionSelector.

    Reads each quote's exact words (oa:exact) and source (prov:wasQuotedFrom), finds the words in the source's text
    in data/sources/, and rewrites data/quotes.ttl, sorted. Refuses words that occur nowhere, or several times
    without an oa:prefix that tells them apart (exit 2).

    \b
    Examples:
      scokg anchor
      scokg anchor --check
    """
    settings = settings_from(ctx)
    try:
        result = anchor_quotes(settings.root, write=not check)
    except ScokgError as exc:
        raise failure(exc) from None
    if check and result.changed:
        raise Failure(f"{result.path} is out of date: run scokg anchor", 1)
    state = "rewritten" if result.changed else "up to date"
    click.echo(f"{len(result.anchors)} quotes anchored; {result.path} {state}")
