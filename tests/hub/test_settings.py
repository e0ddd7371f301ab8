"""Configuration: defaults, files, environment overrides, and clear errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hub.settings import DEFAULT_CONFIG_DIR, PROJECT_ROOT, SETTINGS, ConfigError, load_config


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, folder)
    return folder


def test_defaults_and_project_config() -> None:
    config = load_config(environ={})
    assert config["store.backend"] == "oxigraph"
    assert config.data_dir == PROJECT_ROOT / "var"
    assert set(config.sources) >= {"govuk", "ukogn", "ukogn-forum", "govscot", "glasgow", "govwales",
                                   "ni", "ogp"}


def test_environment_overrides(config_dir: Path, tmp_path: Path) -> None:
    config = load_config(environ={"OGH_CONFIG": str(config_dir), "OGH_HOME": str(tmp_path / "d"),
                                  "OGH_SERVER_PORT": "9001", "OGH_HTTP_OBEY_ROBOTS": "no"})
    assert config.data_dir == tmp_path / "d"
    assert config["server.port"] == 9001
    assert config["http.obey_robots"] is False


def test_bad_value_names_file_key_and_expectation(config_dir: Path) -> None:
    (config_dir / "hub.toml").write_text('[server]\nport = "eighty"\n')
    with pytest.raises(ConfigError) as err:
        load_config(config_dir, environ={})
    message = str(err.value)
    assert "hub.toml" in message and "server.port" in message and "number" in message


def test_unknown_key_is_an_error(config_dir: Path) -> None:
    (config_dir / "hub.toml").write_text("[server]\nprot = 80\n")
    with pytest.raises(ConfigError, match=r"unknown setting server\.prot.*known in \[server\]"):
        load_config(config_dir, environ={})


def test_bad_environment_value(config_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"\$OGH_SPARQL_TIMEOUT: sparql.timeout must be"):
        load_config(config_dir, environ={"OGH_SPARQL_TIMEOUT": "soon"})


def test_invalid_toml(config_dir: Path) -> None:
    (config_dir / "sources.toml").write_text("[[source]\nid = 1\n")
    with pytest.raises(ConfigError, match="sources.toml: not valid TOML"):
        load_config(config_dir, environ={})


def test_source_missing_key_and_bad_jurisdiction(config_dir: Path) -> None:
    text = (config_dir / "sources.toml").read_text()
    (config_dir / "sources.toml").write_text(text.replace('jurisdiction = "wales"', 'jurisdiction = "cymru"'))
    with pytest.raises(ConfigError, match=r"source 'govwales': jurisdiction must be one of"):
        load_config(config_dir, environ={})
    licence = 'licence = "https://creativecommons.org/licenses/by/4.0/"\n'
    (config_dir / "sources.toml").write_text(text.replace(licence, "", 1))
    with pytest.raises(ConfigError, match=r"missing key 'licence'"):
        load_config(config_dir, environ={})


def test_every_setting_is_documented() -> None:
    """docs/configuration.md lists every setting with its environment variable."""
    doc = (PROJECT_ROOT / "docs" / "configuration.md").read_text()
    for setting in SETTINGS:
        assert re.search(rf"`{re.escape(setting.name)}`", doc), (
            f"{setting.name} is not documented: python -m hub.settings > docs/configuration.md")
        assert setting.env in doc, f"{setting.env} is not documented"
