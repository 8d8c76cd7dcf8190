"""``scokg serve``: the app under gunicorn (or Flask's own server with --debug)."""

from __future__ import annotations

import errno
import logging
import os
import socket

from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from gunicorn.app.base import BaseApplication

from ..config import settings_environ
from ..errors import ConfigError
from .app import create_app
from .reload import ReleaseWatcher, load_release

log = logging.getLogger("scokg.server")
# The combined log format, with the duration in microseconds
ACCESS_LOG_FORMAT = '%(h)s - - %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)s'


def check_port(host: str, port: int) -> None:
    """Fail with one sentence when the port is taken, before any worker starts."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is already in use",
                              hint="stop the other server or pass --port") from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run_server(settings) -> None:
    if settings.update_token and settings.workers > 1:
        raise ConfigError("--update-token needs --workers 1: each worker holds its own copy of the graph, "
                          "so an update would reach only one of them",
                          hint="serve with --workers 1, or load releases with 'scokg load' into a shared store")
    check_port(settings.host, settings.port)
    if settings.server == "granian" and not settings.debug:
        return run_granian(settings)
    if settings.server not in ("gunicorn", "granian"):
        raise ConfigError(f"unknown server {settings.server!r}", hint="use gunicorn or granian")
    if settings.debug:
        app = create_app(settings)
        app.run(host=settings.host, port=settings.port, debug=False, threaded=True, use_reloader=False)
        return
    # Load (and validate) once in the master, so a bad release fails before any worker starts;
    # each worker then forks its own query executors while it is still single-threaded.
    app = create_app(settings, start_executor=False)

    def post_worker_init(worker):
        worker.wsgi.extensions["scokg"].runtime.start_executor()

    def when_ready(_arbiter):
        # In the master: a changed release on disk becomes a SIGHUP, reloaded (or refused) like one sent by hand.
        if settings.watch > 0:
            ReleaseWatcher(settings.root, settings.watch).start()

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{settings.host}]:{settings.port}" if ":" in settings.host
                         else f"{settings.host}:{settings.port}")
            self.cfg.set("workers", settings.workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", settings.threads)
            self.cfg.set("preload_app", True)
            self.cfg.set("timeout", int(settings.query_timeout) + 30)
            self.cfg.set("keepalive", 5)
            # SPARQLWrapper sends long queries by GET: the endpoint enforces max_query_bytes itself, as JSON
            self.cfg.set("limit_request_line", 0)
            self.cfg.set("post_worker_init", post_worker_init)
            self.cfg.set("when_ready", when_ready)
            self.cfg.set("accesslog", "-")
            self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)

        def load(self):
            return app

        def reload(self):
            # SIGHUP: gunicorn calls this, then forks new workers from self.callable and retires the old ones
            # gracefully, so each request sees one whole release. A release that fails is refused: old one stays.
            super().reload()
            fresh = load_release(settings)
            if fresh is not None:
                old: Flask | None = self.callable  # type: ignore[has-type]  # gunicorn's attribute
                self.callable = fresh
                if old is not None:
                    old.extensions["scokg"].runtime.close()

    Server().run()


def run_granian(settings) -> None:
    """Granian's Rust HTTP layer in front of the same app; each worker builds the app with create_app()."""
    # Published (and validated) once here; the workers read the same settings from the environment and find the
    # release already built.
    create_app(settings, start_executor=False).extensions["scokg"].runtime.close()
    os.environ.update(settings_environ(settings))
    Granian("scokg.web.app:create_app", factory=True, address=settings.host, port=settings.port,
            interface=Interfaces.WSGI, workers=settings.workers, blocking_threads=settings.threads,
            respawn_failed_workers=True, log_access=True).serve()
