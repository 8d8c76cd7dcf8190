"""Settings, declared once.

``OPTIONS`` is the single table of settings. It produces the ``Settings`` dataclass, the
``SCOKG_<NAME>`` environment overrides, ``scokg serve --setting NAME VALUE``, ``--help-settings``
and the README's table (checked by ``tests/test_docs.py``).

Precedence, lowest to highest: defaults, ``scokg.toml`` in the project root, ``SCOKG_*``
environment variables, then explicit values (CLI flags or a dict passed by tests).

>>> s = load_settings({"port": "9000"}, environ={})
>>> s.port
9000
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

# The checkout this package was installed from (editable installs) holds ontology/, data/, shapes/.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    help: str
    type: type = str


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


OPTIONS: tuple[Option, ...] = (
    Option("root", str(PACKAGE_ROOT), "Project folder holding ontology/, data/ and shapes/.", str),
    Option("store", "", "On-disk store folder; empty keeps the graph in memory.", str),
    Option("backend", "oxigraph",
           "Store backend: 'oxigraph' (embedded) or 'sparql+http(s)://host/path' (a remote endpoint).", str),
    Option("graph_store", "", "Graph Store Protocol URL of a remote backend, used by 'scokg load'.", str),
    Option("host", "127.0.0.1", "Interface to listen on.", str),
    Option("port", 8000, "Port to listen on.", int),
    Option("workers", 2, "Server worker processes.", int),
    Option("threads", 4, "Threads per worker process.", int),
    Option("base_iri", "https://w3id.org/scokg/", "Base IRI that request paths map to.", str),
    Option("public_url", "", "Public URL of the server (for links in VoID and the service description); "
           "empty means the request's own host.", str),
    Option("dumps_dir", "dist", "Folder of published files written by 'scokg build' (relative to root).", str),
    Option("validate", True, "Refuse to publish data that does not conform to the shapes.", _bool),
    Option("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped (503).", float),
    Option("service_timeout", 10.0, "Seconds a federated SERVICE query may run (504 when exceeded).", float),
    Option("max_rows", 10000, "Most result rows (or triples) returned; a header announces truncation.", int),
    Option("max_query_bytes", 1_000_000, "Largest accepted request body or query, in bytes.", int),
    Option("query_workers", 2, "Query executor processes per server worker.", int),
    Option("cache_entries", 2048, "Query results kept in memory per worker (0 disables the cache).", int),
    Option("cache_max_age", 300, "Cache-Control max-age, in seconds, of query and resource responses.", int),
    Option("update_token", "", "Bearer token that enables SPARQL Update; empty means read-only.", str),
    Option("service_allowlist", "https://query.wikidata.org/sparql",
           "Comma-separated endpoints that SERVICE may call; empty forbids SERVICE.", str),
    Option("wikidata_endpoint", "https://query.wikidata.org/sparql", "Wikidata SPARQL endpoint for 'scokg link'.",
           str),
    Option("validator", "pyshacl", "SHACL engine of the validation gate: pyshacl, or sparql (the shapes compiled "
           "to SPARQL over pyoxigraph, same results, for big graphs).", str),
    Option("server", "gunicorn", "HTTP server: gunicorn (workers share one loaded graph; SIGHUP reloads) or "
           "granian (Rust HTTP, fastest on cached answers; each worker loads its own copy).", str),
    Option("watch", 0.0, "Seconds between checks of the source files for a new release, reloaded like a SIGHUP "
           "(gunicorn); 0 turns watching off.", float),
    Option("debug", False, "Show debugging details (never in production).", _bool),
)

OPTION_BY_NAME = {o.name: o for o in OPTIONS}


def _make_settings_class():
    fields = [(o.name, o.type if o.type is not _bool else bool, field(default=o.default)) for o in OPTIONS]
    return dataclasses.make_dataclass("Settings", fields, frozen=True)


Settings = _make_settings_class()
Settings.__doc__ = "Resolved settings; build one with load_settings()."


def _coerce(option: Option, value: Any) -> Any:
    try:
        return option.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {option.name!r}: {exc}", hint=f"{option.name}: {option.help}") from None


def _read_toml(root: Path) -> dict[str, Any]:
    path = root / "scokg.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("scokg", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def load_settings(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None):
    """Resolve settings from defaults, scokg.toml, SCOKG_* variables and ``overrides``."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(OPTION_BY_NAME)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}", hint="see 'scokg --help-settings'")
    values: dict[str, Any] = {o.name: o.default for o in OPTIONS}
    env = {o.name: environ[f"SCOKG_{o.name.upper()}"] for o in OPTIONS if f"SCOKG_{o.name.upper()}" in environ}
    root = Path(overrides.get("root") or env.get("root") or values["root"])
    layers = [_read_toml(root), env, overrides]
    for layer in layers:
        for name, value in layer.items():
            if name not in OPTION_BY_NAME:
                raise ConfigError(f"unknown setting {name!r}", hint="see 'scokg --help-settings'")
            values[name] = _coerce(OPTION_BY_NAME[name], value)
    return Settings(**values)


def settings_environ(settings) -> dict[str, str]:
    """The settings as SCOKG_* variables, so that another process resolves exactly the same settings."""
    out = {}
    for o in OPTIONS:
        value = getattr(settings, o.name)
        out[f"SCOKG_{o.name.upper()}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def settings_help() -> str:
    """The settings table as text, for ``--help-settings`` and the README."""
    lines = []
    for o in OPTIONS:
        lines.append(f"  {o.name:<18} SCOKG_{o.name.upper():<20} default: {o.default!r}\n      {o.help}")
    return "\n".join(lines)


def settings_markdown() -> str:
    """The settings table in Markdown, kept in README.md between markers (checked by a test)."""
    rows = ["| setting | environment | default | meaning |", "|---|---|---|---|"]
    for o in OPTIONS:
        default = "(this checkout)" if o.name == "root" else f"`{o.default!r}`" if o.default != "" else "(empty)"
        rows.append(f"| `{o.name}` | `SCOKG_{o.name.upper()}` | {default} | {o.help} |")
    return "\n".join(rows)
