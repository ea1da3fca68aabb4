"""The watchlist's shape: a msgspec Struct for each table, and the frozen
values the rest of the program reads. Loading and error reporting live in
config.py.

msgspec, not pydantic: validating a watchlist is a few microseconds either way,
but pydantic's models cost every process a quarter of a second and 17 MB to
build (a fifth of an idle daemon's memory); msgspec is already loaded for the
job boards' JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import msgspec

from secondchance.core.durations import add_to_date, parse_duration
from secondchance.core.filters import CompiledFilter, Filter
from secondchance.core.matching import DEFAULT_THRESHOLD
from secondchance.core.models import Posting
from secondchance.delivery.policy import DeliveryPolicy
from secondchance.sources import BoardSpec

# Durations ("30m", "1h", or seconds) are read into seconds before validation
# (config._model, from each table's ``durations``); the bounds apply to the seconds.
AtLeastASecond = Annotated[float, msgspec.Meta(ge=1)]
Positive = Annotated[float, msgspec.Meta(gt=0)]
NotNegative = Annotated[float, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
# A company's name is stored with every board row and alert (200 characters).
CompanyName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class _Table(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    # Keys holding a duration, turned into seconds before the table is validated.
    durations: ClassVar[tuple[str, ...]] = ()

    def problems(self) -> list[tuple[str, str]]:
        """(key, message) for values the types alone cannot check."""
        return []


class Settings(_Table, frozen=True):
    durations: ClassVar[tuple[str, ...]] = (
        "interval",
        "jitter",
        "timeout",
        "per_host_delay",
        "shutdown_timeout",
    )

    interval: AtLeastASecond = 1800.0
    jitter: float = 180.0
    database: str | None = None
    timeout: Positive = 30.0
    close_after: Annotated[int, msgspec.Meta(ge=1)] = 2
    failure_alert_after: Annotated[int, msgspec.Meta(ge=1)] = 3
    collapse_accept_after: Annotated[int, msgspec.Meta(ge=1)] = 6
    announce_existing: bool = False
    max_body_mb: Positive = 20.0
    per_host: Annotated[int, msgspec.Meta(ge=1, le=64)] = 4
    # Minimum time between two requests to one host (0: as fast as per_host allows).
    per_host_delay: NotNegative = 0.0
    # Requests in flight across all hosts.
    concurrency: Annotated[int, msgspec.Meta(ge=1, le=512)] = 32
    user_agent: str | None = None
    shutdown_timeout: Positive = 8.0
    # How alike (0-100) a new title must be to a rejected role to count as it.
    role_match: Annotated[float, msgspec.Meta(ge=1, le=100)] = DEFAULT_THRESHOLD
    endpoints: dict[str, str] = msgspec.field(default_factory=dict)


class Server(_Table, frozen=True):
    # "127.0.0.1:9464" serves /healthz and /metrics; off unless set.
    listen: str | None = None

    def problems(self) -> list[tuple[str, str]]:
        if self.listen is None:
            return []
        # Imported only when a server is configured: it brings asyncio, which
        # `check` and the reports do not need.
        from secondchance.daemon.server import parse_listen

        try:
            parse_listen(self.listen)
        except ValueError as exc:
            return [("listen", str(exc))]
        return []


class NotifyUrl(_Table, frozen=True):
    url: str
    tags: list[str] = msgspec.field(default_factory=list)


class Notify(_Table, frozen=True):
    durations: ClassVar[tuple[str, ...]] = ("retry_min", "retry_max", "timeout")

    urls: list[str | NotifyUrl] = msgspec.field(default_factory=list)
    console: bool | None = None
    retry_min: Positive = 15.0
    retry_max: Positive = 900.0
    timeout: Positive = 30.0
    mode: Literal["instant", "digest"] = "instant"
    digest_at: Annotated[list[str], msgspec.Meta(min_length=1)] = msgspec.field(
        default_factory=lambda: ["09:00"]
    )
    quiet_hours: str | None = None
    timezone: str | None = None
    # Alert kinds that go out at once, through quiet hours and digests.
    urgent: list[str] = msgspec.field(default_factory=list)


class FilterTable(_Table, frozen=True):
    include: list[str] | None = None
    exclude: list[str] | None = None
    locations: list[str] | None = None
    notify: list[str] | None = None


class Rejection(_Table, frozen=True):
    role: NonEmpty
    date: dt.date
    stage: str | None = None
    # Kept as written: months and years are calendar months and years.
    reapply_after: str | float | None = None
    contact: str | None = None
    notes: str | None = None

    def problems(self) -> list[tuple[str, str]]:
        if self.reapply_after is None:
            return []
        try:
            parse_duration(self.reapply_after)
        except ValueError as exc:
            return [("reapply_after", str(exc))]
        return []

    @property
    def cooldown_ends(self) -> dt.date | None:
        if self.reapply_after is None:
            return None
        return add_to_date(self.date, self.reapply_after)

    def summary(self) -> str:
        """One line of context: "Turned down 2026-03-01 for X — final round"."""
        line = f"Turned down {self.date.isoformat()} for {self.role}"
        return f"{line} — {self.stage}" if self.stage else line


class CompanyFields(_Table, frozen=True):
    durations: ClassVar[tuple[str, ...]] = ("interval", "jitter")

    name: CompanyName
    interval: AtLeastASecond | None = None
    jitter: float | None = None
    enabled: bool = True
    rejection: list[Rejection] = msgspec.field(default_factory=list)
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
