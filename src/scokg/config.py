"""Settings, declared once.

``Settings`` is the single table of settings: each field carries its type, its default and its help. From it come
the ``SCOKG_<NAME>`` environment overrides, ``scokg serve --setting NAME VALUE``, the ``serve`` options marked
``flag``, ``--help-settings`` and the README's table (checked by ``tests/test_docs.py``).

Precedence, lowest to highest: defaults, ``scokg.toml`` in the release folder, ``SCOKG_*`` environment variables,
then explicit values (CLI flags, or a dict passed by tests).

>>> s = load_settings({"port": "9000"}, environ={})
>>> s.port
9000
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from .errors import ConfigError

# In a source checkout (or an editable install) the release is the checkout itself; a wheel carries a copy.
SOURCE_CHECKOUT = Path(__file__).resolve().parents[2]
PACKAGE_ROOT = SOURCE_CHECKOUT  # kept for doctests and tests that read the checkout's own files
RELEASE_FOLDERS = ("ontology", "data", "shapes")


def _setting(default: Any, help: str, *, flag: str | None = None) -> Any:
    """A field of Settings; ``flag`` names the ``scokg serve`` option that sets it (``--port``)."""
    return field(default=default, metadata={"help": help, "flag": flag})


@dataclass(frozen=True)
class Settings:
    root: str = _setting("", "Folder holding ontology/, data/ and shapes/; empty: the working directory when it "
                         "holds them, else the release shipped inside the package.", flag="--root")
    instance: str = _setting("instance", "Folder of runtime state (built dumps, on-disk store), relative to the "
                             "working directory.", flag="--instance")
    store: str = _setting("auto", "Where the served graph lives: memory, disk (pyoxigraph's RocksDB in the release "
                          "folder, opened read-only by every process), or auto (disk above 32 MB of sources).",
                          flag="--store")
    backend: str = _setting("oxigraph", "Store backend: 'oxigraph' (embedded) or 'sparql+http(s)://host/path' "
                            "(a remote endpoint).", flag="--backend")
    graph_store: str = _setting("", "Graph Store Protocol URL of a remote backend, used by 'scokg load'.")
    host: str = _setting("127.0.0.1", "Interface to listen on.", flag="--host")
    port: int = _setting(8000, "Port to listen on.", flag="--port")
    workers: int = _setting(2, "Server worker processes.", flag="--workers")
    threads: int = _setting(0, "Request threads per worker process; 0: one per query executor, one per heavy "
                            "query that may wait for one (queue_depth), and two more for everything else (health, "
                            "pages, light queries).", flag="--threads")
    base_iri: str = _setting("https://w3id.org/scokg/", "Base IRI that request paths map to; relative IRIs in "
                             "queries resolve against it.", flag="--base-iri")
    public_url: str = _setting("", "Public URL of the server, for links in VoID, the service description and "
                               "pages; empty means the base IRI.", flag="--public-url")
    validate: bool = _setting(True, "Refuse to publish data that does not conform to the shapes.")
    validator: str = _setting("pyshacl", "SHACL engine of the validation gate: pyshacl, or sparql (the shapes "
                              "compiled to SPARQL over pyoxigraph, same results, for big graphs).")
    query_timeout: float = _setting(10.0, "Seconds a SPARQL query may run before it is stopped (503).",
                                    flag="--query-timeout")
    service_timeout: float = _setting(10.0, "Seconds the SERVICE and LOAD calls of one request may take (504 when "
                                      "exceeded).")
    max_rows: int = _setting(10000, "Most result rows (or triples) returned; a header announces truncation.",
                             flag="--max-rows")
    max_query_bytes: int = _setting(1_000_000, "Largest accepted request body or query, in bytes.")
    query_workers: int = _setting(2, "Query executor processes per server worker.")
    queue_depth: int = _setting(8, "Heavy queries that may wait for a busy executor in each worker (each holds a "
                                "request thread, no executor); more are turned away at once with 503 and "
                                "Retry-After.")
    queue_wait: float = _setting(3.0, "Seconds a heavy query may wait for a free executor before a 503 with "
                                 "Retry-After (the wait counts against its query_timeout).")
    client_share: int = _setting(0, "Heavy queries one client address may have running or waiting in a worker "
                                 "while another client has heavy queries there too (429 with Retry-After beyond; a "
                                 "client alone may use every executor and the queue); 0: as many as there are "
                                 "executors.")
    executor_memory_limit: int = _setting(512 << 20, "Hard cap, in bytes, on the memory a query executor may "
                                          "allocate beyond the graph it maps; a query past it stops with 503. "
                                          "0: no cap.")
    executor_memory: int = _setting(32 << 20, "Bytes of private memory a query executor may gain (a big scan's "
                                    "leftovers) before it is replaced by a fresh one after its answer; 0: never.")
    cache_bytes: int = _setting(32 << 20, "Bytes of answers and pages each worker keeps in its cache (0 disables "
                                "it); one entry may take an eighth.")
    cache_max_age: int = _setting(300, "Cache-Control max-age, in seconds, of query and resource responses.")
    update_token: str = _setting("", "Bearer token that enables SPARQL Update; empty means read-only.",
                                 flag="--update-token")
    service_allowlist: str = _setting("https://query.wikidata.org/sparql", "Comma-separated endpoints that "
                                      "SERVICE and LOAD may reach, exactly as written (scokg makes the calls); "
                                      "empty forbids both.")
    wikidata_endpoint: str = _setting("https://query.wikidata.org/sparql", "Wikidata SPARQL endpoint for "
                                      "'scokg link'.")
    releases_kept: int = _setting(20, "Releases kept in the instance folder, newest first, each with its dumps and "
                                  "sources, served under /releases/<version>/; older ones are removed (their links "
                                  "answer 410 Gone).")
    watch: float = _setting(0.0, "Seconds between checks of the source files for a new release, reloaded like a "
                            "SIGHUP; 0 turns watching off.")
    access_log: str = _setting("common", "Access log of serve, one line per request (time, client, method, path "
                               "without its query string, status, bytes, duration, cache, query hash, request id): "
                               "common, json (JSON lines) or off.", flag="--access-log")
    metrics: str = _setting("auto", "Prometheus metrics at /metrics: on, off, or auto (on when serving on a "
                            "loopback interface only).", flag="--metrics")
    debug: bool = _setting(False, "Show debugging details (never in production).")

    @property
    def allowlist(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.service_allowlist.split(",") if s.strip())

    @property
    def public_base(self) -> str:
        """The server's public URL, ending in '/': where links in VoID and pages point."""
        return (self.public_url or self.base_iri).rstrip("/") + "/"


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    help: str
    type: type
    flag: str | None


def _options() -> tuple[Option, ...]:
    hints = get_type_hints(Settings)
    return tuple(Option(f.name, f.default, f.metadata["help"], hints[f.name], f.metadata["flag"])
                 for f in dataclasses.fields(Settings))


OPTIONS = _options()
OPTION_BY_NAME = {o.name: o for o in OPTIONS}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _coerce(option: Option, value: Any) -> Any:
    convert = _bool if option.type is bool else option.type
    try:
        return convert(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {option.name!r}: {exc}", hint=f"{option.name}: {option.help}") from None


def embedded_release() -> Path:
    """The release shipped with the package: ``scokg/release`` in a wheel, the checkout in a source tree."""
    packaged = Path(__file__).resolve().parent / "release"
    return packaged if (packaged / "data").is_dir() else SOURCE_CHECKOUT


def is_release(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in RELEASE_FOLDERS)


def find_root(root: str | os.PathLike | None, cwd: Path | None = None) -> Path:
    """The release folder: ``root`` when given, else the working directory when it holds one, else the embedded."""
    if root:
        return Path(root)
    cwd = cwd or Path.cwd()
    return cwd if is_release(cwd) else embedded_release()


def _read_toml(root: Path) -> dict[str, Any]:
    path = root / "scokg.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("scokg", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def load_settings(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Resolve settings from defaults, scokg.toml, SCOKG_* variables and ``overrides``."""
    env_source: Mapping[str, str] = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(OPTION_BY_NAME)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}", hint="see 'scokg --help-settings'")
    values: dict[str, Any] = {o.name: o.default for o in OPTIONS}
    env = {o.name: env_source[f"SCOKG_{o.name.upper()}"] for o in OPTIONS if f"SCOKG_{o.name.upper()}" in env_source}
    root = find_root(overrides.get("root") or env.get("root"))
    for layer in (_read_toml(root), env, overrides):
        for name, value in layer.items():
            if name not in OPTION_BY_NAME:
                raise ConfigError(f"unknown setting {name!r}", hint="see 'scokg --help-settings'")
            values[name] = _coerce(OPTION_BY_NAME[name], value)
    values["root"] = str(find_root(values["root"]))
    return Settings(**values)


def settings_environ(settings: Settings) -> dict[str, str]:
    """The settings as SCOKG_* variables, so that another process resolves exactly the same settings."""
    out = {}
    for o in OPTIONS:
        value = getattr(settings, o.name)
        out[f"SCOKG_{o.name.upper()}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def settings_help() -> str:
    """The settings table as text, for ``--help-settings``."""
    lines = []
    for o in OPTIONS:
        lines.append(f"  {o.name:<18} SCOKG_{o.name.upper():<20} default: {o.default!r}\n      {o.help}")
    return "\n".join(lines)


def settings_markdown() -> str:
    """The settings table in Markdown, kept in README.md between markers (checked by a test)."""
    rows = ["| setting | environment | `serve` option | default | meaning |", "|---|---|---|---|---|"]
    for o in OPTIONS:
        default = f"`{o.default!r}`" if o.default != "" else "(empty)"
        flag = f"`{o.flag}`" if o.flag else ""
        rows.append(f"| `{o.name}` | `SCOKG_{o.name.upper()}` | {flag} | {default} | {o.help} |")
    return "\n".join(rows)
