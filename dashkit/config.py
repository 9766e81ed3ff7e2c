"""Application settings: merged from defaults, a file, DASHKIT_* variables and a mapping."""

from __future__ import annotations

import os
import runpy
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dashkit.errors import ConfigError

ENV_PREFIX = "DASHKIT_"

DEFAULTS: dict[str, Any] = {
    "DEBUG": False,
    "SECRET_KEY": None,
    "SERVER_NAME": None,
    "PREFERRED_URL_SCHEME": "http",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Config(Mapping[str, Any]):
    """Read-mostly settings with typed accessors that name the source of a bad value."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._sources: dict[str, str] = {}

    def update(self, values: Mapping[str, Any], source: str) -> None:
        """Set `values`, remembering `source` (a file, the environment, code) for messages."""
        for key, value in values.items():
            self._values[key] = value
            self._sources[key] = source

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value}, "code")

    def source_of(self, key: str) -> str:
        """Where a setting came from, for error messages."""
        return self._sources.get(key, "nowhere")

    def require(self, key: str) -> Any:
        """Return a setting that must be present and non-empty."""
        value = self._values.get(key)
        if value is None or value == "":
            raise ConfigError(
                f"setting {key} is required: pass it in the config mapping or set "
                f"{ENV_PREFIX}{key} in the environment"
            )
        return value

    def get_str(self, key: str, default: str | None = None) -> str | None:
        """A setting as text, or `default` when it is absent."""
        value = self._values.get(key, default)
        return None if value is None else str(value)

    def get_bool(self, key: str, default: bool = False) -> bool:
        """A setting as a boolean (true/false, 1/0, yes/no, on/off); ConfigError otherwise."""
        value = self._values.get(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self._malformed(key, value, "a boolean (true/false, 1/0, yes/no)")

    def get_int(self, key: str, default: int | None = None) -> int | None:
        """A setting as an integer; ConfigError when it is not one."""
        return self._convert(key, default, int, "an integer")

    def get_float(self, key: str, default: float | None = None) -> float | None:
        """A setting as a number; ConfigError when it is not one."""
        return self._convert(key, default, float, "a number")

    def _convert(self, key: str, default: Any, kind: type, description: str) -> Any:
        value = self._values.get(key, default)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        try:
            return kind(str(value).strip())
        except ValueError:
            raise self._malformed(key, value, description) from None

    def _malformed(self, key: str, value: Any, description: str) -> ConfigError:
        return ConfigError(
            f"setting {key} must be {description}, got {value!r} (from {self.source_of(key)})"
        )


def load_config_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read upper-case settings from a .toml or .py file."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"config file {file} does not exist")
    if file.suffix == ".toml":
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"config file {file} is not valid TOML: {error}") from None
        return {key.upper(): value for key, value in data.items()}
    if file.suffix == ".py":
        try:
            namespace = runpy.run_path(str(file))
        except Exception as error:
            raise ConfigError(f"config file {file} failed to run: {error!r}") from error
        return {key: value for key, value in namespace.items() if key.isupper()}
    raise ConfigError(f"config file {file} must end in .toml or .py")


def environment_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """Settings given as DASHKIT_NAME=value, minus the prefix."""
    return {
        key[len(ENV_PREFIX) :]: value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG"
    }


def build_config(
    config: Mapping[str, Any] | str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Merge, lowest priority first: defaults, config file, environment, mapping.

    A file comes from `config` when it is a path, or from DASHKIT_CONFIG.
    """
    environ = os.environ if environ is None else environ
    result = Config()
    result.update(DEFAULTS, "defaults")
    file = config if isinstance(config, (str, os.PathLike)) else environ.get(ENV_PREFIX + "CONFIG")
    if file:
        result.update(load_config_file(file), f"config file {file}")
    for key, value in environment_settings(environ).items():
        result.update({key: value}, f"environment variable {ENV_PREFIX}{key}")
    if isinstance(config, Mapping):
        result.update(config, "the config mapping")
    return result
