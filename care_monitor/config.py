"""Loading and validating the one YAML configuration file.

A bad file raises `ConfigError` with one message naming the file, the field and what is
wrong; the CLI prints it without a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CONFIG_ENV_VAR = "CARE_MONITOR_CONFIG"
DEFAULT_CONFIG_PATH = "care_monitor.yml"
DATABASE_URL_ENV_VAR = "CARE_MONITOR_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///care_monitor.db"


class ConfigError(Exception):
    """The configuration file cannot be used; the message says where and why."""


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(StrictModel):
    """A secret by reference: an environment variable or an Airflow connection id."""

    env: str | None = None
    airflow_conn: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "SecretRef":
        if (self.env is None) == (self.airflow_conn is None):
            raise ValueError("give exactly one of 'env' or 'airflow_conn'")
        return self

    def describe(self) -> str:
        return f"env:{self.env}" if self.env else f"airflow_conn:{self.airflow_conn}"


_DURATION = re.compile(r"^(\d+)\s*([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> int:
    """`300`, `"300s"`, `"5m"`, `"2h"`, `"1d"` -> seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 300, '5m' or '1h'")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(str(value).strip())
        if not match:
            raise ValueError(f"{value!r} is not a duration like 300, '5m' or '1h'")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


class BrandQuery(StrictModel):
    """One way of recognising a brand in a post; all given conditions must hold."""

    all: list[str] = Field(default_factory=list, description="terms that must all appear")
    any: list[str] = Field(default_factory=list, description="at least one of these must appear")
    none: list[str] = Field(default_factory=list, description="none of these may appear")
    phrases: list[str] = Field(default_factory=list, description="exact phrases that must appear")
    languages: list[str] = Field(default_factory=list, description="only posts in these languages")

    @model_validator(mode="after")
    def _has_positive_condition(self) -> "BrandQuery":
        if not (self.all or self.any or self.phrases):
            raise ValueError("a query needs at least one of 'all', 'any' or 'phrases'")
        return self


class Brand(StrictModel):
    name: str
    competitor: bool = False
    queries: list[BrandQuery] = Field(min_length=1)
    lexicon: dict[str, float] = Field(
        default_factory=dict, description="per-brand sentiment overrides: word -> valence (-4..4)"
    )

    def terms(self) -> list[str]:
        """Every term its queries look for: the words that name the brand in a post."""
        return [t for q in self.queries for t in (*q.all, *q.any, *q.phrases)]

    @field_validator("lexicon")
    @classmethod
    def _valence_range(cls, value: dict[str, float]) -> dict[str, float]:
        for word, valence in value.items():
            if not -4.0 <= valence <= 4.0:
                raise ValueError(f"valence of {word!r} must be between -4 and 4, not {valence}")
        return value


class SourceConfig(StrictModel):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    type: str
    base_url: str | None = None
    poll_interval: Annotated[int, Field(gt=0)] = 300
    max_pages: Annotated[int, Field(gt=0, le=1000)] = 10
    timeout: Annotated[float, Field(gt=0)] = 20.0
    credentials: dict[str, SecretRef] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    # seconds a source may fail or return nothing before one "source_unhealthy" alert
    unhealthy_after: int | None = None

    @field_validator("poll_interval", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> int:
        return parse_duration(value)

    @field_validator("unhealthy_after", mode="before")
    @classmethod
    def _optional_duration(cls, value: Any) -> int | None:
        return None if value is None else parse_duration(value)

    @property
    def unhealthy_after_seconds(self) -> int:
        """The configured expectation, else 3 poll intervals but at least one hour."""
        return self.unhealthy_after or max(3 * self.poll_interval, 3600)


class SlackChannel(StrictModel):
    type: Literal["slack"]
    name: str
    webhook_url: SecretRef


class EmailChannel(StrictModel):
    type: Literal["email"]
    name: str
    smtp_host: str
    smtp_port: int = 587
    starttls: bool = True
    use_ssl: bool = False
    username: SecretRef | None = None
    password: SecretRef | None = None
    sender: str
    recipients: list[str] = Field(min_length=1)


class WebhookChannel(StrictModel):
    type: Literal["webhook"]
    name: str
    url: str | SecretRef
    timeout: float = 10.0


Channel = Annotated[SlackChannel | EmailChannel | WebhookChannel, Field(discriminator="type")]


class AlertsConfig(StrictModel):
    threshold: Annotated[float, Field(ge=-1.0, le=1.0)] = -0.3
    channels: list[Channel] = Field(default_factory=list)
    max_attempts: Annotated[int, Field(gt=0)] = 20

    @model_validator(mode="after")
    def _unique_channel_names(self) -> "AlertsConfig":
        _reject_duplicates([c.name for c in self.channels], "channel")
        return self


class ReportConfig(StrictModel):
    """The weekly report (care_monitor.report)."""

    response_target: int = Field(default=3600, description="first-response target, e.g. '1h'")
    top_negatives: Annotated[int, Field(gt=0, le=100)] = 5
    channels: list[str] | None = Field(
        default=None, description="alert channel names that receive the report (default: all)"
    )
    link_base_url: str | None = Field(
        default=None, description="URL where reports_dir is served, for the link in Slack"
    )

    @field_validator("response_target", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> int:
        return parse_duration(value)


class Config(StrictModel):
    timezone: str = "UTC"
    database_url: str | None = None
    brands: list[Brand] = Field(min_length=1)
    sources: list[SourceConfig] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    reports_dir: str = "reports"
    report: ReportConfig = Field(default_factory=ReportConfig)
    path: str | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> "Config":
        _reject_duplicates([b.name.lower() for b in self.brands], "brand")
        _reject_duplicates([s.name for s in self.sources], "source")
        return self

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path or 'config'}: no source named {name!r} (configured: {known})")

    def brand(self, name: str) -> Brand:
        for brand in self.brands:
            if brand.name.lower() == name.lower():
                return brand
        known = ", ".join(b.name for b in self.brands)
        raise ConfigError(f"{self.path or 'config'}: no brand named {name!r} (configured: {known})")

    def resolved_database_url(self) -> str:
        return os.environ.get(DATABASE_URL_ENV_VAR) or self.database_url or DEFAULT_DATABASE_URL


def _reject_duplicates(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"duplicate {what} name {name!r}")
        seen.add(name)


def default_config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH)


def _format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("slack", "email", "webhook", "function-after", "function-before"):
            continue
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "(top level)"


def format_validation_error(path: Path | str, error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{_format_location(item['loc'])}: {message}")
    return f"{path}: " + "; ".join(problems)


def parse_config(data: Any, path: Path | str = "<config>") -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, found {type(data).__name__}")
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(format_validation_error(path, error)) from None
    from care_monitor.sources import validate_source_params

    for index, source in enumerate(config.sources):
        try:
            validate_source_params(source)
        except ValueError as error:
            raise ConfigError(f"{path}: sources[{index}] ({source.name}): {error}") from None
    return config.model_copy(update={"path": str(path)})


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate the configuration (default: $CARE_MONITOR_CONFIG or care_monitor.yml)."""
    path = Path(path) if path is not None else default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found (copy care_monitor.example.yml or set {CONFIG_ENV_VAR})"
        ) from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None
    return parse_config(data, path)
