"""Source registry: each module in this package declares one source type."""

from __future__ import annotations

from care_monitor.config import SourceConfig
from care_monitor.sources.base import Source, SourceError

SOURCE_TYPES: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    """Class decorator that makes a source type available to the config."""
    SOURCE_TYPES[cls.type] = cls
    return cls


def _load_builtin_sources() -> None:
    # Importing the modules runs their @register decorators.
    from care_monitor.sources import hackernews, mastodon, reddit, rss  # noqa: F401
    from care_monitor.sources import (  # noqa: F401
        appstore, bluesky, googleplay, stackexchange, trustpilot, x, youtube,
    )


def source_class(type_name: str) -> type[Source]:
    _load_builtin_sources()
    try:
        return SOURCE_TYPES[type_name]
    except KeyError:
        known = ", ".join(sorted(SOURCE_TYPES))
        raise ValueError(f"unknown source type {type_name!r} (known: {known})") from None


def validate_source_params(config: SourceConfig) -> None:
    """Raise ValueError naming the bad parameter of a configured source."""
    from pydantic import ValidationError

    from care_monitor.config import format_validation_error

    cls = source_class(config.type)
    try:
        cls.params_model.model_validate(config.params)
    except ValidationError as error:
        raise ValueError(format_validation_error("params", error).removeprefix("params: ")) from None


__all__ = ["SOURCE_TYPES", "Source", "SourceError", "register", "source_class", "validate_source_params"]
