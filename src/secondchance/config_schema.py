"""The watchlist's shape: pydantic models for each table, and the frozen
values the rest of the program reads. Loading and error reporting live in
config.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from secondchance.durations import add_to_date, parse_duration
from secondchance.filters import CompiledFilter, Filter
from secondchance.matching import DEFAULT_THRESHOLD
from secondchance.models import Posting
from secondchance.policy import DeliveryPolicy
from secondchance.sources import BoardSpec

Seconds = Annotated[float, BeforeValidator(parse_duration)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Settings(_Model):
    interval: Seconds = Field(default=1800.0, ge=1)
    jitter: Seconds = 180.0
    database: str | None = None
    timeout: Seconds = Field(default=30.0, gt=0)
    close_after: int = Field(default=2, ge=1)
    failure_alert_after: int = Field(default=3, ge=1)
    collapse_accept_after: int = Field(default=6, ge=1)
    announce_existing: bool = False
    max_body_mb: float = Field(default=20.0, gt=0)
    per_host: int = Field(default=4, ge=1, le=64)
    # Minimum time between two requests to one host (0: as fast as per_host allows).
    per_host_delay: Seconds = Field(default=0.0, ge=0)
    # Requests in flight across all hosts.
    concurrency: int = Field(default=32, ge=1, le=512)
    user_agent: str | None = None
    shutdown_timeout: Seconds = Field(default=8.0, gt=0)
    # How alike (0-100) a new title must be to a rejected role to count as it.
    role_match: float = Field(default=DEFAULT_THRESHOLD, ge=1, le=100)
    endpoints: dict[str, str] = Field(default_factory=dict)


class Server(_Model):
    # "127.0.0.1:9464" serves /healthz and /metrics; off unless set.
    listen: str | None = None

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str | None) -> str | None:
        if value is not None:
            # Imported only when a server is configured: it brings asyncio, which
            # `check` and the reports do not need.
            from secondchance.server import parse_listen

            parse_listen(value)
        return value


class NotifyUrl(_Model):
    url: str
    tags: list[str] = Field(default_factory=list)


class Notify(_Model):
    urls: list[str | NotifyUrl] = Field(default_factory=list)
    console: bool | None = None
    retry_min: Seconds = Field(default=15.0, gt=0)
    retry_max: Seconds = Field(default=900.0, gt=0)
    timeout: Seconds = Field(default=30.0, gt=0)
    mode: Literal["instant", "digest"] = "instant"
    digest_at: list[str] = Field(default_factory=lambda: ["09:00"], min_length=1)
    quiet_hours: str | None = None
    timezone: str | None = None
    # Alert kinds that go out at once, through quiet hours and digests.
    urgent: list[str] = Field(default_factory=list)


class FilterTable(_Model):
    include: list[str] | None = None
    exclude: list[str] | None = None
    locations: list[str] | None = None
    notify: list[str] | None = None


class Rejection(_Model):
    role: str = Field(min_length=1)
    date: dt.date
    stage: str | None = None
    # Kept as written: months and years are calendar months and years.
    reapply_after: str | float | None = None
    contact: str | None = None
    notes: str | None = None

    @field_validator("reapply_after")
    @classmethod
    def _duration(cls, value: str | float | None) -> str | float | None:
        if value is not None:
            parse_duration(value)
        return value

    @property
    def cooldown_ends(self) -> dt.date | None:
        if self.reapply_after is None:
            return None
        return add_to_date(self.date, self.reapply_after)

    def summary(self) -> str:
        """One line of context: "Turned down 2026-03-01 for X — final round"."""
        line = f"Turned down {self.date.isoformat()} for {self.role}"
        return f"{line} — {self.stage}" if self.stage else line


class CompanyFields(_Model):
    name: str = Field(min_length=1)
    interval: Seconds | None = Field(default=None, ge=1)
    jitter: Seconds | None = None
    enabled: bool = True
    rejection: list[Rejection] = Field(default_factory=list)
    filter: FilterTable | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One notification URL and the tags that route alerts to it."""

    url: str
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    boards: tuple[BoardSpec, ...]
    interval: float
    jitter: float
    enabled: bool = True
    rejections: tuple[Rejection, ...] = ()
    filter: Filter = field(default_factory=Filter)
    matcher: CompiledFilter | None = None
    # Apprise tags this company's alerts are routed to (empty: every URL).
    tags: frozenset[str] = frozenset()

    def passes(self, posting: Posting) -> bool:
        return self.matcher is None or self.matcher.passes(posting)

    @property
    def latest_rejection(self) -> Rejection | None:
        return max(self.rejections, key=lambda r: r.date, default=None)


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings
    notify: Notify
    server: Server
    companies: tuple[Company, ...]
    endpoints: Mapping[str, str]
    targets: tuple[Target, ...]
    policy: DeliveryPolicy
    # Values resolved from ${ENV} and the notification URLs: never to be logged.
    secrets: frozenset[str]
    # The daemon looks a company up by name on every poll: a scan of a
    # thousand-company watchlist each time made a cycle quadratic.
    _by_name: Mapping[str, Company] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {c.name.casefold(): c for c in reversed(self.companies)}  # the first wins
        object.__setattr__(self, "_by_name", by_name)

    def company(self, name: str) -> Company | None:
        return self._by_name.get(name.casefold())

    @property
    def console_alerts(self) -> bool:
        if self.notify.console is not None:
            return self.notify.console
        return not self.targets
