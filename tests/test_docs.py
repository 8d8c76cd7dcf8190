"""The README documents every setting and command, and its settings table is current."""

from pathlib import Path

from scokg.cli import cli
from scokg.config import settings_markdown

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_settings_table_is_current():
    block = README.split("<!-- settings:start -->\n")[1].split("<!-- settings:end -->")[0]
    assert block.strip() == settings_markdown().strip(), "regenerate with scokg.config.settings_markdown()"


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"scokg {name}" in README, f"README does not mention 'scokg {name}'"


def test_setup_commands_are_documented():
    assert "make serve" in README and "make test" in README
