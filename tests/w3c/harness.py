"""Everything the W3C tests take from scokg, in one module (when scokg's modules move, this is the one edit).

Each test gets its own small app: an in-memory pyoxigraph store holding the test's data, scokg's store and
runtime around it (no validation, no executor processes, no result cache), and Flask's test client, so every
request goes through the WSGI app exactly as a client's would. Federation is off (an empty SERVICE allow-list),
except in the SERVICE tests, whose endpoints are local servers on the allow-list; a guard around the store fails
any query or update that would reach the engine with a SERVICE clause or a LOAD (scokg makes those calls itself),
so the engine never makes a network call.
"""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox

from scokg.config import OPTION_BY_NAME, load_settings
from scokg.store.federation import Federation
from scokg.store.oxigraph import OxigraphStore
from scokg.web.app import create_app
from scokg.web.runtime import Runtime

from .w3c_results import code_only

try:  # the response cache, being reworked: a byte-bounded cache replaces the entry-counted one
    from scokg.web.cache import ByteCache as Cache
except ImportError:
    from scokg.web.runtime import ResultCache as Cache  # type: ignore[no-redef]

QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
ACCEPT_ANY = "application/sparql-results+json, application/n-triples;q=0.9"
UPDATE_TOKEN = "w3c-update-token"

# The response cache's size setting, whichever name it has (it went from entries to bytes): 0 turns it off.
NO_CACHE = {name: 0 for name in ("cache_bytes", "cache_entries") if name in OPTION_BY_NAME}
_versions = itertools.count()
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_REACHES_OUT = re.compile(r"(?<![\w?$:])(SERVICE|LOAD)(?![\w:-])", re.I)


class NetworkGuardTripped(Exception):
    """A request reached the engine with SERVICE or LOAD: scokg should have refused it (the allow-list is empty)."""


def _expand(text: str) -> str:
    def char(m):
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 else m.group(0)

    return _ESCAPE.sub(char, text)


class GuardedStore:
    """A pyoxigraph store that refuses to run anything that could reach the network; the rest is delegated."""

    def __init__(self, store: ox.Store):
        self._store = store
        self.tripped: list[str] = []

    def _check(self, text: str) -> None:
        # The escapes are expanded first: the engine expands them everywhere before parsing.
        if _REACHES_OUT.search(code_only(_expand(text))):
            self.tripped.append(text)
            raise NetworkGuardTripped(text)

    def query(self, text, *args, **kwargs):
        self._check(text)
        return self._store.query(text, *args, **kwargs)

    def update(self, text, *args, **kwargs):
        self._check(text)
        return self._store.update(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


class W3CApp:
    """One scokg app over one test's dataset, and a test client for it."""

    def __init__(self, base_iri: str, quads=(), *, allow_updates: bool = False, allow: tuple[str, ...] = ()):
        settings = load_settings({
            "validate": "false", "service_allowlist": ",".join(allow), "query_timeout": 5.0, "service_timeout": 5.0,
            **NO_CACHE,
            "base_iri": base_iri, "update_token": UPDATE_TOKEN if allow_updates else "",
        }, environ={})
        raw = ox.Store()
        raw.extend(quads)
        self.guard = GuardedStore(raw)
        store = OxigraphStore(self.guard, version=f"w3c-{next(_versions)}", base_iri=base_iri,
                              federation=Federation.of(settings))
        self.runtime = Runtime(settings, store, Cache(0))  # no cache: every request is evaluated
        self.app = create_app(settings, start_executor=False, runtime=self.runtime)
        self.client = self.app.test_client()

    def query(self, text: bytes, accept: str = ACCEPT_ANY):
        return self.client.post("/sparql", data=text, content_type=QUERY, headers={"Accept": accept})

    def update(self, text: bytes):
        return self.client.post("/sparql", data=text, content_type=UPDATE,
                                headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
