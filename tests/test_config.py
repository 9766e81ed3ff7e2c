"""dashkit/config.py: sources, priority, typed access and the SECRET_KEY rule."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from dashkit import App, ConfigError
from dashkit.config import build_config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No DASHKIT_* variables from the machine running the tests."""
    for key in list(os.environ):
        if key.startswith("DASHKIT_"):
            monkeypatch.delenv(key)


@pytest.fixture
def toml_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text('secret_key = "from-toml"\nPAGE_SIZE = 50\nSOURCE = "toml"\nDEBUG = false\n')
    return path


@pytest.fixture
def py_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.py"
    path.write_text("import os\nSECRET_KEY = 'from-py'\nPAGE_SIZE = 25\nlowercase = 'ignored'\n")
    return path


def test_defaults():
    config = build_config(None, environ={})
    assert config["DEBUG"] is False
    assert config["SECRET_KEY"] is None
    assert config.get_str("PREFERRED_URL_SCHEME") == "http"
    assert config.source_of("DEBUG") == "defaults"


def test_mapping():
    config = build_config({"SECRET_KEY": "k", "PAGE_SIZE": 10}, environ={})
    assert config["SECRET_KEY"] == "k"
    assert config.get_int("PAGE_SIZE") == 10
    assert config.source_of("PAGE_SIZE") == "the config mapping"


def test_environment_variables_lose_their_prefix():
    config = build_config(
        None, environ={"DASHKIT_PAGE_SIZE": "30", "DASHKIT_CONFIG": "", "OTHER": "x"}
    )
    assert config.get_int("PAGE_SIZE") == 30
    assert "CONFIG" not in config
    assert "OTHER" not in config
    assert config.source_of("PAGE_SIZE") == "environment variable DASHKIT_PAGE_SIZE"


def test_toml_file_upper_cases_keys(toml_file: Path):
    config = build_config(toml_file, environ={})
    assert config["SECRET_KEY"] == "from-toml"
    assert config.get_int("PAGE_SIZE") == 50
    assert config.source_of("PAGE_SIZE") == f"config file {toml_file}"


def test_python_file_keeps_upper_case_names(py_file: Path):
    config = build_config(str(py_file), environ={})
    assert config["SECRET_KEY"] == "from-py"
    assert config.get_int("PAGE_SIZE") == 25
    assert "lowercase" not in config and "LOWERCASE" not in config
    assert "os" not in config


def test_file_named_by_dashkit_config(toml_file: Path):
    config = build_config({"PAGE_SIZE": 5}, environ={"DASHKIT_CONFIG": str(toml_file)})
    assert config["SOURCE"] == "toml"
    assert config.get_int("PAGE_SIZE") == 5


def test_priority_defaults_file_environment_mapping(toml_file: Path):
    environ = {"DASHKIT_CONFIG": str(toml_file), "DASHKIT_SOURCE": "env", "DASHKIT_PAGE_SIZE": "70"}
    config = build_config({"PAGE_SIZE": 90}, environ=environ)
    assert config["SECRET_KEY"] == "from-toml"
    assert config["SOURCE"] == "env"
    assert config["PAGE_SIZE"] == 90


def test_config_path_argument_wins_over_dashkit_config(toml_file: Path, py_file: Path):
    config = build_config(py_file, environ={"DASHKIT_CONFIG": str(toml_file)})
    assert config["SECRET_KEY"] == "from-py"
    assert "SOURCE" not in config


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("missing.toml", None, "does not exist"),
        ("broken.toml", "PAGE_SIZE = = 3", "is not valid TOML"),
        ("settings.yaml", "a: 1", "must end in .toml or .py"),
        ("broken.py", "SECRET_KEY = (", "failed to run"),
        ("raises.py", "raise RuntimeError('no vault')", "no vault"),
    ],
)
def test_bad_config_files_are_config_errors(tmp_path: Path, name, text, message):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError, match=message) as raised:
        build_config(path, environ={})
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        (True, True),
        (1, True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
        (False, False),
        (0, False),
    ],
)
def test_get_bool(value, expected):
    assert build_config({"FLAG": value}, environ={}).get_bool("FLAG") is expected


def test_get_bool_default_for_missing_setting():
    config = build_config(None, environ={})
    assert config.get_bool("MISSING") is False
    assert config.get_bool("MISSING", True) is True


@pytest.mark.parametrize("value", ["maybe", 2, 1.5, "2"])
def test_malformed_bool_names_setting_value_and_source(value):
    config = build_config(None, environ={"DASHKIT_FLAG": str(value)})
    with pytest.raises(ConfigError) as raised:
        config.get_bool("FLAG")
    message = str(raised.value)
    assert message.startswith("setting FLAG must be a boolean")
    assert repr(str(value)) in message
    assert "environment variable DASHKIT_FLAG" in message


def test_get_int_and_get_float_convert_strings():
    config = build_config({"WORKERS": " 4 ", "RATIO": "0.25", "ALREADY": 7}, environ={})
    assert config.get_int("WORKERS") == 4
    assert config.get_float("RATIO") == 0.25
    assert config.get_int("ALREADY") == 7
    assert config.get_int("MISSING") is None
    assert config.get_int("MISSING", 3) == 3
    assert config.get_float("MISSING", 1.5) == 1.5


@pytest.mark.parametrize(
    ("getter", "value", "description"),
    [
        ("get_int", "four", "an integer"),
        ("get_int", True, "an integer"),
        ("get_int", "1.5", "an integer"),
        ("get_float", "fast", "a number"),
    ],
)
def test_malformed_numbers(getter, value, description):
    config = build_config({"SETTING": value}, environ={})
    with pytest.raises(
        ConfigError,
        match=f"setting SETTING must be {description}, got {value!r} "
        r"\(from the config mapping\)",
    ):
        getattr(config, getter)("SETTING")


def test_get_str():
    config = build_config({"NAME": "shop", "PORT": 80}, environ={})
    assert config.get_str("NAME") == "shop"
    assert config.get_str("PORT") == "80"
    assert config.get_str("MISSING") is None
    assert config.get_str("MISSING", "x") == "x"


@pytest.mark.parametrize("value", [None, ""])
def test_require_missing_or_empty_says_how_to_set_it(value):
    config = build_config({"DATABASE_URL": value}, environ={})
    with pytest.raises(ConfigError, match="setting DATABASE_URL is required.*DASHKIT_DATABASE_URL"):
        config.require("DATABASE_URL")
    with pytest.raises(ConfigError, match="setting NEVER_SET is required"):
        config.require("NEVER_SET")


def test_require_returns_the_value():
    assert (
        build_config({"DATABASE_URL": "sqlite://"}, environ={}).require("DATABASE_URL")
        == "sqlite://"
    )


def test_config_is_a_mapping_that_code_can_set():
    config = build_config({"A": 1}, environ={})
    config["B"] = 2
    assert dict(config)["B"] == 2
    assert len(config) == len(list(config))
    assert config.source_of("B") == "code"
    assert config.source_of("NEVER_SET") == "nowhere"


def test_app_requires_a_secret_key_outside_debug():
    with pytest.raises(
        ConfigError, match="SECRET_KEY is required outside debug mode.*DASHKIT_SECRET_KEY"
    ):
        App("tests")
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        App("tests", {"SECRET_KEY": ""})


def test_debug_app_gets_a_random_secret_key_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="dashkit"):
        first = App("tests", {"DEBUG": True})
        second = App("tests", {"DEBUG": "yes"})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert first.debug is True and second.debug is True
    assert "no SECRET_KEY set" in caplog.text


def test_app_reads_environment_and_files(monkeypatch, toml_file: Path, py_file: Path):
    monkeypatch.setenv("DASHKIT_SECRET_KEY", "from-env")
    monkeypatch.setenv("DASHKIT_DEBUG", "true")
    app = App("tests")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.debug is True
    monkeypatch.delenv("DASHKIT_SECRET_KEY")
    monkeypatch.delenv("DASHKIT_DEBUG")
    assert App("tests", py_file).config["SECRET_KEY"] == "from-py"
    monkeypatch.setenv("DASHKIT_CONFIG", str(toml_file))
    assert App("tests").config.get_int("PAGE_SIZE") == 50


def test_app_with_malformed_debug_fails_at_construction(monkeypatch):
    monkeypatch.setenv("DASHKIT_DEBUG", "sometimes")
    with pytest.raises(ConfigError, match="setting DEBUG must be a boolean.*DASHKIT_DEBUG"):
        App("tests", {"SECRET_KEY": "s"})
