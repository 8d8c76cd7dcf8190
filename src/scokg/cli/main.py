"""The ``scokg`` group and its core commands: validate, build, query, serve, get."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from .. import __version__
from ..config import OPTIONS, settings_help
from ..errors import ScokgError
from ..graph.build import build as build_release
from ..graph.build import publish
from ..graph.provenance import inferences_of
from ..graph.validate import validate_sources
from ..web.app import create_app
from ..web.server import run_server
from .anchor import anchor
from .common import EXIT_CODES, Failure, failure, settings_from
from .export import export
from .link import link
from .load import load
from .query import run_cli_query
from .review import diff, review
from .stats import stats


def _show_settings(ctx, _param, value):
    if value and not ctx.resilient_parsing:
        click.echo("Settings (flag --setting NAME VALUE, or environment variable):\n" + settings_help())
        ctx.exit(0)


@click.group(epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="scokg")
@click.option("--root", type=click.Path(file_okay=False), help="Folder with ontology/, data/, shapes/ "
              "[env SCOKG_ROOT; default: the working directory when it holds them, else the packaged release].")
@click.option("--setting", "settings", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="Set any setting (see --help-settings).")
@click.option("--help-settings", is_flag=True, expose_value=False, is_eager=True, callback=_show_settings,
              help="List every setting with its environment variable and default.")
@click.pass_context
def cli(ctx, root, settings):
    """scokg: the SCO priorities knowledge graph — validate, build, query and serve it.

    \b
    Examples:
      scokg validate
      scokg build
      scokg query 'SELECT ?p WHERE { ?p a <https://w3id.org/scokg/ontology#Priority> }' --format table
      scokg serve --port 8000 --workers 2
    """
    ctx.obj = dict(settings)
    if root:
        ctx.obj["root"] = root


@cli.command()
@click.option("--inferred", is_flag=True, help="Instead of validating, list every statement that rests on an "
              "inference (sco:inferenceNote): subject, property, value and the note.")
@click.pass_context
def validate(ctx, inferred):
    """Check data/ against shapes/ (with ontology/), each quote against its source text in data/sources/, and the
    whole against OWL 2 RL with the imported vocabularies; print a report of each violation.

    \b
    Examples:
      scokg validate
      scokg validate --inferred
    Exit 0 when the data conforms, 1 when it does not, 2 when a file cannot be read.
    """
    settings = settings_from(ctx)
    try:
        if inferred:
            found = inferences_of(settings.root)
            click.echo("\n".join(i.format() for i in found) + f"\n{len(found)} statement(s) rest on an inference.")
            return
        report = validate_sources(settings.root, settings.validator)
    except ScokgError as exc:
        raise failure(exc) from None
    click.echo(report.format())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Output folder [default: "
              "<instance>/releases/<version>/dumps, the release the server publishes].")
@click.option("--no-validate", is_flag=True, help="Publish even if the data does not conform.")
@click.option("--force", is_flag=True, help="Rebuild even when the inputs are unchanged.")
@click.pass_context
def build(ctx, out, no_validate, force):
    """Validate, then write the published files atomically (dumps, VoID/DCAT, SHA256SUMS).

    \b
    Example:  scokg build --out dist/
    """
    settings = settings_from(ctx, validate="false" if no_validate else None)
    progress = lambda step, s: click.echo(f"  {step:<9} {s * 1000:8.1f} ms", err=True)  # noqa: E731
    try:
        validate = not no_validate
        if out is None:  # the release the server publishes, where it publishes it (the gate runs there)
            out, validate = publish(settings, progress, wait=True).dumps, False
        result = build_release(settings, Path(out), validate=validate, force=force, progress=progress)
    except ScokgError as exc:
        raise failure(exc) from None
    for f in result.files:
        click.echo(f"  {f['name']:<28} {f['size']:>10} bytes  sha256 {f['sha256'][:16]}…")
    if result.skipped:
        click.echo(f"{out}: up to date (inputs unchanged; --force rebuilds)")
        return
    click.echo(f"wrote {len(result.files)} files to {out}")


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "tsv", "table", "turtle", "xml", "ntriples"]),
              default="table", show_default=True)
@click.pass_context
def query(ctx, query, fmt):
    """Run a SPARQL query against the graph, without a server.

    \b
    Examples:
      scokg query 'SELECT * WHERE { ?s ?p ?o } LIMIT 3'
      scokg query 'CONSTRUCT WHERE { ?s a ?c } LIMIT 5' --format turtle
      scokg query @my-query.rq --format csv
    """
    settings = settings_from(ctx, validate="false")
    if query.startswith("@"):
        with open(query[1:], encoding="utf-8") as f:
            query = f.read()
    try:
        click.echo(run_cli_query(settings, query, fmt), nl=False)
    except ScokgError as exc:
        raise failure(exc) from None


def _setting_options(command):
    """One option per setting that names a ``serve`` flag: declared once, in the Settings table."""
    for option in reversed([o for o in OPTIONS if o.flag and o.name != "root"]):
        assert option.flag is not None
        command = click.option(option.flag, option.name, type=option.type, default=None,
                               help=f"{option.help} [env SCOKG_{option.name.upper()}; default {option.default!r}]"
                               )(command)
    return command


@cli.command()
@_setting_options
@click.option("--setting", "more", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="Set any setting (see scokg --help-settings).")
@click.option("--no-validate", is_flag=True, help="Serve even if the data does not conform.")
@click.option("--debug", is_flag=True, help="Use Flask's development server with debugging.")
@click.pass_context
def serve(ctx, more, no_validate, debug, **values):
    """Serve the graph: SPARQL endpoint, pages, dumps (granian; --debug uses Flask's server).

    The release is validated before the server starts (once per release) and published in
    <instance>/releases/<version>/: its dumps and VoID (written while the server starts when the sources
    exceed 32 MB; /dumps/ answers 503 until they are complete) and, for big graphs, its on-disk store.

    \b
    Examples:
      scokg serve
      scokg serve --port 8080 --workers 4 --store disk
      SCOKG_QUERY_TIMEOUT=5 scokg serve
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    access = logging.getLogger("scokg.access")  # the access log: one bare line per request, on stdout
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    settings = settings_from(ctx, **dict(more), **values, validate="false" if no_validate else None,
                             debug="true" if debug else None)
    try:
        run_server(settings)
    except ScokgError as exc:
        raise failure(exc) from None


@cli.command()
@click.argument("path")
@click.option("--accept", default=None, help="Accept header to send.")
@click.pass_context
def get(ctx, path, accept):
    """Request PATH through the app without a server; print the body; exit 1 unless 200.

    \b
    Example:  scokg get '/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
    """
    settings = settings_from(ctx)
    try:
        app = create_app(settings, start_executor=False)
    except ScokgError as exc:
        raise failure(exc) from None
    headers = {"Accept": accept} if accept else {}
    response = app.test_client().get(path, headers=headers)
    click.echo(response.get_data(as_text=True), nl=False)
    if response.status_code != 200:
        raise Failure(f"{path}: HTTP {response.status_code}", 1)


cli.add_command(anchor)
cli.add_command(link)
cli.add_command(load)
cli.add_command(stats)
cli.add_command(review)
cli.add_command(diff)
cli.add_command(export)
