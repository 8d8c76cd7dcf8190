"""A small typed error hierarchy: every error knows its HTTP status and a message safe to show."""

from __future__ import annotations


class ScokgError(Exception):
    """Base error. ``message`` is shown to users; ``hint`` says what to do about it."""

    status = 500

    def __init__(self, message: str, hint: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class ConfigError(ScokgError):
    status = 500


class LoadError(ScokgError):
    """A source file could not be read or parsed; names the file and, when known, the line."""

    status = 500

    def __init__(self, message: str, path: str | None = None, line: int | None = None, hint=None):
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message, hint)
        self.path = path
        self.line = line


class ValidationFailed(ScokgError):
    """The data does not conform to the shapes; carries the report."""

    status = 500

    def __init__(self, report):
        super().__init__(f"the data does not conform to the shapes ({report.count} violations)")
        self.report = report


class BadRequest(ScokgError):
    status = 400


class QuerySyntaxError(BadRequest):
    status = 400


class QueryEvaluationError(BadRequest):
    """The engine refused to evaluate a well-formed query (an unsupported extension function, say)."""


class ServiceRefused(BadRequest):
    """A SERVICE or LOAD the server will not call."""


class Forbidden(ScokgError):
    status = 403


class NotFound(ScokgError):
    status = 404


class MethodNotAllowed(ScokgError):
    status = 405

    def __init__(self, message: str, allow: tuple[str, ...] = ("GET", "POST", "OPTIONS")):
        super().__init__(message)
        self.allow = allow


class NotAcceptable(ScokgError):
    status = 406


class PayloadTooLarge(ScokgError):
    status = 413


class UnsupportedMediaType(ScokgError):
    status = 415


class UpstreamError(ScokgError):
    status = 502


class Unavailable(ScokgError):
    """Not yet: the thing exists in a moment (a big release's dumps while they are written)."""

    status = 503

    def __init__(self, message: str, hint: str | None = None, retry_after: int = 5):
        super().__init__(message, hint)
        self.retry_after = retry_after


class TooManyRequests(Unavailable):
    """One client holds more than its share of the server's heavy-query capacity."""

    status = 429


class QueryTimeout(ScokgError):
    status = 503


class QueryTooComplex(ScokgError):
    """The engine's process died evaluating the query (a stack overflow on extreme nesting or chaining)."""

    status = 400
