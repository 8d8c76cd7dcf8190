"""``scokg review``: read what changed beside its words, and approve it; ``scokg diff``: what changed, in words."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from ..errors import ScokgError
from ..graph.items import items_of_tree, names_of_tree
from ..graph.review import approve, changes, read_ledger, title, unreviewed
from ..graph.review_view import show_item
from .common import Failure, failure, settings_from


def _reviewer(given: str | None) -> str:
    name = given or os.environ.get("SCOKG_REVIEWER", "")
    if not name:
        try:
            name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, check=False,
                                  timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            name = ""
    if not name:
        raise Failure("say who reviews: --reviewer NAME (or SCOKG_REVIEWER, or git config user.name)", 2)
    return name


@click.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when any item is unreviewed or the ledger is "
              "broken (for CI).")
@click.option("--item", "wanted", multiple=True, metavar="DIGEST|TEXT",
              help="Review these items: a digest (or its start) or words of the item's name. Repeatable.")
@click.option("--all", "every", is_flag=True, help="Review every unreviewed item, one after the other.")
@click.option("--reviewer", help="Who reviews [env SCOKG_REVIEWER; default: git config user.name].")
@click.option("--yes", is_flag=True, help="Approve each item once it has been shown, without asking.")
@click.pass_context
def review(ctx, check, wanted, every, reviewer, yes):
    """List what nobody has reviewed in its present form, or review it: each item is shown beside the words of its
    sources, highlighted, in both languages, and recorded in data/review-ledger.jsonl only when approved.

    \b
    Examples:
      scokg review                          # what is unreviewed, and what changed
      scokg review --item 3f2a9c1b          # show one item, ask, record
      scokg review --all --reviewer "A. Editor"
      scokg review --check                  # CI: exit 1 unless everything is reviewed
    """
    root = settings_from(ctx).root
    try:
        items = items_of_tree(root)
        ledger = read_ledger(root)
    except ScokgError as exc:
        raise failure(exc) from None
    todo = unreviewed(items, ledger)
    for problem in ledger.problems:
        click.echo(f"ledger: {problem}", err=True)
    if check or not (wanted or every):
        for item in todo:
            click.echo(f"unreviewed {item.kind} {item.digest[:12]}  {title(item)}")
        click.echo(f"{len(todo)} of {len(items)} items unreviewed")
        if check and (todo or ledger.problems):
            raise Failure("the data holds items nobody has reviewed in their present form", 1)
        return
    chosen = todo if every else [i for i in todo if any(_matches(i, w) for w in wanted)]
    if not chosen:
        raise Failure("no unreviewed item matches: scokg review lists them", 1)
    who = _reviewer(reviewer)
    names = names_of_tree(root)
    tty = sys.stdout.isatty()
    approved = []
    for item in chosen:
        click.echo(show_item(root, item, names, ledger,
                             mark=(lambda w: click.style(w, reverse=True)) if tty else (lambda w: f"«{w}»")))
        if yes or click.confirm("Approve this item as it stands?", default=False):
            approved.append(item)
        click.echo()
    added = approve(root, approved, who)
    click.echo(f"{added} item(s) approved by {who}; {len(todo) - added} left unreviewed")


def _matches(item, wanted: str) -> bool:
    return item.digest.startswith(wanted.lower()) or wanted.lower() in title(item).lower()


@click.command()
@click.argument("old", type=click.Path(exists=True, file_okay=False))
@click.argument("new", type=click.Path(exists=True, file_okay=False))
def diff(old, new):
    """What changed in data/ between two trees (or two releases' source folders): items added, changed and
    removed, in words. Exit 0 either way.

    \b
    Example:  scokg diff ../scokg-v1 .
    """
    try:
        found = changes(items_of_tree(old), items_of_tree(new))
    except ScokgError as exc:
        raise failure(exc) from None
    for c in found:
        click.echo(f"{c.kind} {c.item.kind}: {title(c.item)}")
        for detail in c.details:
            click.echo(f"    {detail}")
    click.echo(f"{len(found)} change(s)")
