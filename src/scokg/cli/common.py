"""What every command shares: settings from the click context, and failures with their exit codes.

Exit codes: 0 success; 1 the data does not conform, or a request/query failed; 2 usage, configuration or load
error (a file that does not parse, a missing folder, a port in use).
"""

from __future__ import annotations

import click

from ..config import Settings, load_settings
from ..errors import LoadError, ScokgError, ValidationFailed

EXIT_CODES = "Exit codes: 0 ok; 1 data does not conform or request failed; 2 usage, config or load error."


class Failure(click.ClickException):
    """A failure with its own exit code, shown as one clear sentence."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click declares it on the class; each failure has its own


def settings_from(ctx: click.Context, **overrides) -> Settings:
    """The settings of the group's --root/--setting, with this command's own options on top."""
    try:
        return load_settings({**ctx.obj, **{k: v for k, v in overrides.items() if v is not None}})
    except ScokgError as exc:
        raise Failure(str(exc), 2) from None


def failure(exc: ScokgError) -> Failure:
    """The CLI's face of a library error: a report for non-conforming data (exit 1), else one sentence."""
    if isinstance(exc, ValidationFailed):
        click.echo(exc.report.format(), err=True)
        return Failure(exc.message, 1)
    return Failure(str(exc), 2 if isinstance(exc, LoadError) or exc.status >= 500 else 1)
