"""The ``scokg`` command: thin click commands over library functions, each printing and choosing an exit code.

``main`` holds the group and the core commands, ``common`` what every command shares (settings from the
context, failures with exit codes); ``link``, ``load`` and ``query`` hold the longer commands. This wing may
import every other wing; nothing imports it.
"""

from .main import cli

__all__ = ["cli"]
