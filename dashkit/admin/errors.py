"""Errors of the admin."""

from dashkit.errors import ConfigError


class OptionError(ConfigError):
    """A ModelAdmin option names something the model does not have, or has a bad value."""
