"""``scokg export``: the graph in forms other tools take in (QuickStatements for Wikidata)."""

from __future__ import annotations

import click
import pyoxigraph as ox

from ..errors import ScokgError
from ..graph.build import PUBLISHED_GRAPHS
from ..graph.load import open_sources, source_files
from ..graph.quickstatements import quickstatements
from .common import failure, settings_from


@click.group()
def export():
    """Write the graph in forms other tools take in."""


@export.command("quickstatements")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-", show_default=True,
              help="File to write ('-': standard output).")
@click.pass_context
def quickstatements_command(ctx, out):
    """QuickStatements (version 1) for the statements Wikidata can hold: subject and value with verified items,
    a property of the same meaning, and the quoted words as the reference. Review them before pasting them into
    https://quickstatements.toolforge.org (the same file is among the dumps: scokg-quickstatements.txt).

    \b
    Example:  scokg export quickstatements --out give-back.txt
    """
    settings = settings_from(ctx)
    try:
        store = open_sources(source_files(settings.root))
    except ScokgError as exc:
        raise failure(exc) from None
    lines = quickstatements(store, [ox.NamedNode(str(g)) for g in PUBLISHED_GRAPHS])
    with click.open_file(out, "w", encoding="utf-8") as f:
        f.write("".join(f"{x}\n" for x in lines))
    if out != "-":
        click.echo(f"{len(lines)} statement line(s) written to {out}")
