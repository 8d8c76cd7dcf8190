"""Where queries run: the embedded pyoxigraph store or a remote SPARQL store behind one protocol (``base``), the
killable executor processes that enforce the time limit, the result writers, and the one inspection of a query
(``inspect``) taken before anything runs.

This wing imports ``graph`` (to load sources) and the core, never ``web`` or ``cli``. ``open_store`` is the only
place that knows every backend.
"""

from __future__ import annotations

from ..errors import ScokgError
from .base import Store
from .federation import Federation
from .oxigraph import build_store
from .remote import SparqlEndpointStore


def open_store(settings) -> Store:
    """Open the store the settings describe: embedded oxigraph (loaded from sources) or a remote endpoint."""
    backend = settings.backend
    if backend.startswith("sparql+"):
        return SparqlEndpointStore(backend.removeprefix("sparql+"), settings)
    if backend != "oxigraph":
        raise ScokgError(f"unknown backend {backend!r}", hint="use 'oxigraph' or 'sparql+http://host/sparql'")
    store = build_store(settings.root)
    store.base_iri = settings.base_iri or None
    store.federation = Federation.of(settings)
    return store


__all__ = ["Store", "build_store", "open_store"]

