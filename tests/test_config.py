"""Settings: one table, four layers of precedence."""

import pytest

from scokg.config import OPTIONS, load_settings, settings_help
from scokg.errors import ConfigError


def test_defaults_then_toml_then_env_then_overrides(tmp_path):
    (tmp_path / "scokg.toml").write_text('[scokg]\nport = 7000\nmax_rows = 5\nhost = "127.0.0.2"\n')
    env = {"SCOKG_PORT": "7100", "SCOKG_MAX_ROWS": "6"}
    s = load_settings({"root": str(tmp_path), "port": 7200}, environ=env)
    assert s.port == 7200  # explicit beats env
    assert s.max_rows == 6  # env beats toml
    assert s.host == "127.0.0.2"  # toml beats default
    assert s.query_timeout == 10.0  # default


def test_types_are_coerced_and_bad_values_named():
    assert load_settings({"validate": "false"}, environ={}).validate is False
    with pytest.raises(ConfigError, match="port"):
        load_settings({"port": "eighty"}, environ={})
    with pytest.raises(ConfigError, match="validate"):
        load_settings(environ={"SCOKG_VALIDATE": "perhaps"})


def test_unknown_setting_is_refused():
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings({"prot": 1}, environ={})


def test_every_option_is_in_the_help_text():
    text = settings_help()
    for option in OPTIONS:
        assert option.name in text and f"SCOKG_{option.name.upper()}" in text
