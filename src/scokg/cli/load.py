"""``scokg load``: upload a release into a remote SPARQL store."""

from __future__ import annotations

import click

from ..errors import ScokgError
from ..store.graph_store import upload_release
from ..store.remote import SparqlEndpointStore
from .common import Failure, failure, settings_from


@click.command()
@click.option("--graph-store", default=None, help="Graph Store Protocol URL [env SCOKG_GRAPH_STORE], "
                                                   "e.g. http://127.0.0.1:7878/store for Oxigraph server.")
@click.option("--backend", default=None, help="The store's query endpoint as sparql+URL, checked after the upload.")
@click.option("--no-validate", is_flag=True, help="Upload even if the data does not conform.")
@click.pass_context
def load(ctx, graph_store, backend, no_validate):
    """Validate the release and PUT ontology, data and shapes into their named graphs of a remote store.

    \b
    Example:  scokg load --graph-store http://127.0.0.1:7878/store --backend sparql+http://127.0.0.1:7878/query
    Then:     scokg serve --backend sparql+http://127.0.0.1:7878/query
    """
    settings = settings_from(ctx, graph_store=graph_store, backend=backend)
    if not settings.graph_store:
        raise Failure("no graph store given: pass --graph-store URL (or set SCOKG_GRAPH_STORE)", 2)
    try:
        uploads = upload_release(settings.root, settings.graph_store, validate=not no_validate,
                                 validator=settings.validator)
    except ScokgError as exc:
        raise failure(exc) from None
    for u in uploads:
        click.echo(f"PUT <{u.graph}>: {u.triples} triples (HTTP {u.status})")
    if settings.backend.startswith("sparql+"):
        try:
            n = SparqlEndpointStore(settings.backend.removeprefix("sparql+"), settings).count()
        except ScokgError as exc:
            raise failure(exc) from None
        click.echo(f"The store answers: {n} triples in the default graph (ontology and data).")
