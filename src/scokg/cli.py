"""The scokg command line: thin commands over library functions.

Exit codes: 0 success; 1 the data does not conform, or a request/query failed; 2 usage,
configuration or load error (a file that does not parse, a missing folder, a port in use).
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .config import load_settings, settings_help
from .errors import LoadError, ScokgError, ValidationFailed

EXIT_CODES = "Exit codes: 0 ok; 1 data does not conform or request failed; 2 usage, config or load error."


class Failure(click.ClickException):
    """A failure with its own exit code, shown as one clear sentence."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code


def _settings(ctx: click.Context, **overrides):
    try:
        return load_settings({**ctx.obj, **{k: v for k, v in overrides.items() if v is not None}})
    except ScokgError as exc:
        raise Failure(str(exc), 2) from None


def _fail(exc: ScokgError):
    if isinstance(exc, ValidationFailed):
        click.echo(exc.report.format(), err=True)
        return Failure(exc.message, 1)
    return Failure(str(exc), 2 if isinstance(exc, LoadError) or exc.status >= 500 else 1)


def _show_settings(ctx, _param, value):
    if value and not ctx.resilient_parsing:
        click.echo("Settings (flag --setting NAME VALUE, or environment variable):\n" + settings_help())
        ctx.exit(0)


@click.group(epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="scokg")
@click.option("--root", type=click.Path(file_okay=False), help="Project folder with ontology/, data/, shapes/ "
              "[env SCOKG_ROOT].")
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
      scokg build --out dist/
      scokg query 'SELECT ?p WHERE { ?p a <https://w3id.org/scokg/ontology#Priority> }' --format table
      scokg serve --port 8000 --workers 2
    """
    ctx.obj = dict(settings)
    if root:
        ctx.obj["root"] = root


@cli.command()
@click.pass_context
def validate(ctx):
    """Check data/ against shapes/ (with ontology/); print a report of each violation.

    \b
    Example:  scokg validate
    Exit 0 when the data conforms, 1 when it does not, 2 when a file cannot be read.
    """
    from .validate import validate_sources

    settings = _settings(ctx)
    try:
        report = validate_sources(settings.root, settings.validator)
    except ScokgError as exc:
        raise _fail(exc) from None
    click.echo(report.format())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Output folder [default: dist/].")
@click.option("--no-validate", is_flag=True, help="Publish even if the data does not conform.")
@click.option("--force", is_flag=True, help="Rebuild even when the inputs are unchanged.")
@click.pass_context
def build(ctx, out, no_validate, force):
    """Validate, then write the published files atomically (dumps, VoID/DCAT, SHA256SUMS).

    \b
    Example:  scokg build --out dist/
    """
    from pathlib import Path

    from .build import build as run_build

    settings = _settings(ctx)
    out = Path(out) if out else Path(settings.root) / settings.dumps_dir
    try:
        result = run_build(settings, out, validate=not no_validate, force=force,
                           progress=lambda step, s: click.echo(f"  {step:<9} {s * 1000:8.1f} ms", err=True))
    except ScokgError as exc:
        raise _fail(exc) from None
    if result.skipped:
        click.echo(f"{out}: up to date (inputs unchanged; --force rebuilds)")
        return
    for f in result.files:
        click.echo(f"  {f['name']:<28} {f['size']:>10} bytes  sha256 {f['sha256'][:16]}…")
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
      scokg query @src/scokg/queries/01-six-priorities.rq --format csv
    """
    from .querying import run_cli_query

    settings = _settings(ctx, validate="false")
    if query.startswith("@"):
        with open(query[1:], encoding="utf-8") as f:
            query = f.read()
    try:
        click.echo(run_cli_query(settings, query, fmt), nl=False)
    except ScokgError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--host", default=None, help="Interface [default 127.0.0.1; env SCOKG_HOST].")
@click.option("--port", default=None, type=int, help="Port [default 8000; env SCOKG_PORT].")
@click.option("--store", default=None, help="On-disk store folder; default keeps the graph in memory.")
@click.option("--workers", default=None, type=int, help="Worker processes [default 2; env SCOKG_WORKERS].")
@click.option("--backend", default=None, help="'oxigraph' or 'sparql+http://host/sparql' (a remote store).")
@click.option("--base-iri", default=None, help="Base IRI that paths map to [default https://w3id.org/scokg/].")
@click.option("--query-timeout", default=None, type=float, help="Seconds before a query is stopped [10].")
@click.option("--max-rows", default=None, type=int, help="Most result rows returned [10000].")
@click.option("--update-token", default=None, help="Bearer token that enables SPARQL Update.")
@click.option("--no-validate", is_flag=True, help="Serve even if the data does not conform.")
@click.option("--server", "server_kind", default=None, type=click.Choice(["gunicorn", "granian"]),
              help="HTTP server [default gunicorn; env SCOKG_SERVER]; granian is fastest on cached answers.")
@click.option("--debug", is_flag=True, help="Use Flask's development server with debugging.")
@click.pass_context
def serve(ctx, host, port, store, workers, backend, base_iri, query_timeout, max_rows, update_token,
          no_validate, server_kind, debug):
    """Serve the graph: SPARQL endpoint, pages, dumps (gunicorn; --debug uses Flask's server).

    \b
    Examples:
      scokg serve
      scokg serve --port 8080 --workers 4 --store instance/store
      SCOKG_QUERY_TIMEOUT=5 scokg serve
    """
    from .server import run_server

    settings = _settings(ctx, host=host, port=port, store=store, workers=workers, backend=backend,
                         base_iri=base_iri, query_timeout=query_timeout, max_rows=max_rows,
                         update_token=update_token, validate="false" if no_validate else None,
                         server=server_kind, debug="true" if debug else None)
    try:
        run_server(settings)
    except ScokgError as exc:
        raise _fail(exc) from None


@cli.command()
@click.argument("path")
@click.option("--accept", default=None, help="Accept header to send.")
@click.pass_context
def get(ctx, path, accept):
    """Request PATH through the app without a server; print the body; exit 1 unless 200.

    \b
    Example:  scokg get '/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
    """
    from .app import create_app

    settings = _settings(ctx)
    try:
        app = create_app(settings, start_executor=False)
    except ScokgError as exc:
        raise _fail(exc) from None
    headers = {"Accept": accept} if accept else {}
    response = app.test_client().get(path, headers=headers)
    click.echo(response.get_data(as_text=True), nl=False)
    if response.status_code != 200:
        raise Failure(f"{path}: HTTP {response.status_code}", 1)


def main():  # pragma: no cover
    cli()


def _register() -> None:
    from .cli_link import link
    from .cli_load import load

    cli.add_command(link)
    cli.add_command(load)


_register()
