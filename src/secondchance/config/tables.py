"""The watchlist's shape: a msgspec Struct for each table, with the checks its types
cannot make (``problems``). config/reader.py reads tables into them.

msgspec, not pydantic: validating a watchlist is a few microseconds either way,
but pydantic's models cost every process a quarter of a second and 17 MB to
build (a fifth of an idle daemon's memory); msgspec is already loaded for the
job boards' JSON.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from secondchance.core import limits
from secondchance.core.durations import add_to_date, parse_duration
from secondchance.core.matching import DEFAULT_THRESHOLD
from secondchance.core.pay import MinPay, Period, currency_code
from secondchance.core.watchlist import Rejection

# Durations ("30m", "1h", or seconds) are read into seconds before validation
# (config/reader.py, from each table's ``durations``, which also holds the longest each
# may be); the lower bounds below apply to the seconds.
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0
YEAR = 365 * DAY
# A board polled less than once a year is not being watched: a longer interval (or
# jitter, which is cut to half the interval anyway) is a typo, and "99999999999d"
# overflowed the scheduler's date arithmetic.
LONGEST_INTERVAL = YEAR
# One fetch, one delivery, one stop: past an hour the server or the process is hung.
LONGEST_WAIT = HOUR
# Companies' cool-downs are months, a couple of years at most.
LONGEST_COOLDOWN = 10 * YEAR
AtLeastASecond = Annotated[float, msgspec.Meta(ge=1)]
Positive = Annotated[float, msgspec.Meta(gt=0)]
NotNegative = Annotated[float, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
# A company's name is stored with every board row and alert.
CompanyName = Annotated[str, msgspec.Meta(min_length=1, max_length=limits.COMPANY)]


class Table(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    # Keys holding a duration, turned into seconds before the table is validated, and
    # the longest each may be (in seconds).
    durations: ClassVar[Mapping[str, float]] = {}

    def problems(self) -> list[tuple[str, str]]:
        """(key, message) for values the types alone cannot check."""
        return []


class Settings(Table, frozen=True):
    durations: ClassVar[Mapping[str, float]] = {
        "interval": LONGEST_INTERVAL,
        "jitter": LONGEST_INTERVAL,
        "timeout": LONGEST_WAIT,
        "per_host_delay": LONGEST_WAIT,
        "shutdown_timeout": LONGEST_WAIT,
    }

    interval: AtLeastASecond = 1800.0
    jitter: float = 180.0
    # A SQLAlchemy URL (sqlite, postgresql) or a SQLite file's path: config/database.py.
    database: str | None = None
    timeout: Positive = 30.0
    close_after: Annotated[int, msgspec.Meta(ge=1)] = 2
    failure_alert_after: Annotated[int, msgspec.Meta(ge=1)] = 3
    collapse_accept_after: Annotated[int, msgspec.Meta(ge=1)] = 6
    announce_existing: bool = False
    # A job board is not a gigabyte; int(inf) bytes crashed the fetcher.
    max_body_mb: Annotated[float, msgspec.Meta(gt=0, le=1024)] = 20.0
    per_host: Annotated[int, msgspec.Meta(ge=1, le=64)] = 4
    # Minimum time between two requests to one host (0: as fast as per_host allows).
    per_host_delay: NotNegative = 0.0
    # Requests in flight across all hosts.
    concurrency: Annotated[int, msgspec.Meta(ge=1, le=512)] = 32
    user_agent: str | None = None
    shutdown_timeout: Positive = 8.0
    # How alike (0-100) a new title must be to a rejected role to count as it.
    role_match: Annotated[float, msgspec.Meta(ge=1, le=100)] = DEFAULT_THRESHOLD
    # Checked name by name, each with its own key path, by config/load.py (_endpoints);
    # Config.endpoints holds them laid over the defaults.
    endpoints: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)

    def problems(self) -> list[tuple[str, str]]:
        if self.user_agent is None:
            return []
        if not self.user_agent.strip():
            return [("user_agent", "is blank (leave it out for the default)")]
        if not _printable(self.user_agent):
            # An HTTP header cannot carry them: every request would fail.
            return [("user_agent", "must not contain control characters (line breaks, tabs)")]
        return []


def parse_listen(value: str) -> tuple[str, int]:
    """ "127.0.0.1:9464", ":9464" (loopback) or "[::1]:9464" → (host, port)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError('expected "host:port", e.g. "127.0.0.1:9464"')
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as parse_listen returns it) is this machine's loopback only:
    a wildcard ("0.0.0.0", "::") or a name other than localhost is not."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A token an attacker cannot guess by trying: 32 characters (`openssl rand -hex 16`
# makes them), or a password hash (web/auth.py reads the formats it names).
TOKEN_MIN_LENGTH = 32
PASSWORD_HASH = re.compile(r"^pbkdf2_sha256\$(\d+)\$([^$]+)\$([A-Za-z0-9+/=]+)$")


def token_problem(listen: str | None, token: str | None) -> str | None:
    """Why this listen address and token cannot be served, or None. The dashboard is
    open without a token only on loopback: anywhere else anyone who can reach the port
    could read the database."""
    if token is not None and len(token) < TOKEN_MIN_LENGTH and not PASSWORD_HASH.match(token):
        return (
            f"at least {TOKEN_MIN_LENGTH} characters "
            "(`openssl rand -hex 16`), or a password hash "
            "(`python -m secondchance.web.auth` makes one)"
        )
    if listen is not None and token is None:
        try:
            host, _ = parse_listen(listen)
        except ValueError:
            return None
        if not is_loopback(host):
            return (
                f"{listen} is reachable from other machines: set [server] token "
                f"(at least {TOKEN_MIN_LENGTH} characters) or listen on 127.0.0.1"
            )
    return None


class Server(Table, frozen=True):
    # "127.0.0.1:9464" serves the dashboard, /healthz and /metrics; off unless set.
    listen: str | None = None
    # Required off loopback: the pages ask for it once (then a cookie), scripts send
    # it as "Authorization: Bearer ...".
    token: str | None = None
    # Host header values allowed besides the listen address (a published Docker port, a
    # name in /etc/hosts): any other Host is refused (DNS rebinding).
    hosts: list[NonEmpty] = msgspec.field(default_factory=list)
    # /metrics: "open" as before, "token" behind the token, "off" not served.
    metrics: Literal["open", "token", "off"] = "open"

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.listen is not None:
            try:
                parse_listen(self.listen)
            except ValueError as exc:
                found.append(("listen", str(exc)))
        problem = token_problem(self.listen, self.token)
        if problem is not None:
            found.append(("token" if self.token is not None else "listen", problem))
        if self.metrics == "token" and self.token is None:
            found.append(("metrics", '"token" needs [server] token'))
        for host in self.hosts:
            if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
                found.append(("hosts", f'{host!r}: expected "name" or "name:port"'))
        return found


class NotifyUrl(Table, frozen=True):
    url: str
    tags: list[str] = msgspec.field(default_factory=list)
    # The alert kinds this URL takes (None: every kind [notify] sends).
    kinds: list[str] | None = None


class Notify(Table, frozen=True):
    durations: ClassVar[Mapping[str, float]] = {
        # A delivery retried less than daily (weekly at the slowest) brings stale news.
        "retry_min": DAY,
        "retry_max": 7 * DAY,
        "timeout": LONGEST_WAIT,
    }

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
    # The alert kinds sent at all (None: every kind); the others are recorded, unsent.
    kinds: list[str] | None = None
    # The follow-up note a role back suggests (core/followup.py; None: the default).
    followup: str | None = None


class MinPayTable(Table, frozen=True):
    """``min_pay = { amount = 90000, currency = "USD", period = "year" }``: the amount
    in the currency's units; the period is a year unless it says otherwise."""

    amount: Annotated[float, msgspec.Meta(gt=0, le=1e12)]
    currency: str
    period: Literal["year", "month", "week", "day", "hour"] = "year"

    def problems(self) -> list[tuple[str, str]]:
        if currency_code(self.currency) is None:
            return [("currency", 'expected a three-letter ISO 4217 code such as "USD"')]
        return []

    def value(self) -> MinPay:
        return MinPay(
            cents=round(self.amount * 100),
            currency=self.currency.strip().upper(),
            period=Period(self.period),
        )


class FilterTable(Table, frozen=True):
    include: list[str] | None = None
    exclude: list[str] | None = None
    locations: list[str] | None = None
    notify: list[str] | None = None
    min_pay: MinPayTable | None = None
    pay_required: bool | None = None


class RejectionTable(Table, frozen=True):
    """A [[company.rejection]] as written; core.watchlist.Rejection as the rules read it."""

    role: NonEmpty
    date: dt.date
    stage: str | None = None
    reapply_after: str | float | None = None
    contact: str | None = None
    notes: str | None = None

    def problems(self) -> list[tuple[str, str]]:
        found = []
        if not self.role.strip():
            found.append(("role", "is blank"))
        if self.reapply_after is not None:
            try:
                parse_duration(self.reapply_after, longest=LONGEST_COOLDOWN)
            except ValueError as exc:
                found.append(("reapply_after", str(exc)))
            else:
                try:
                    add_to_date(self.date, self.reapply_after)
                except (ValueError, OverflowError):
                    # A date near the calendar's end: Rejection.cooldown_ends would raise.
                    found.append(("reapply_after", "the cool-down would end after the year 9999"))
        return found

    def value(self) -> Rejection:
        return Rejection(**msgspec.structs.asdict(self))


class CompanyFields(Table, frozen=True):
    durations: ClassVar[Mapping[str, float]] = {
        "interval": LONGEST_INTERVAL,
        "jitter": LONGEST_INTERVAL,
    }

    name: CompanyName
    interval: AtLeastASecond | None = None
    jitter: float | None = None
    enabled: bool = True
    rejection: list[RejectionTable] = msgspec.field(default_factory=list)
    filter: FilterTable | None = None

    def problems(self) -> list[tuple[str, str]]:
        # The name is the company's key in the database and a line of every alert.
        if not self.name.strip():
            return [("name", "is blank")]
        if not _printable(self.name):
            return [("name", "must not contain control characters (line breaks, tabs)")]
        return []


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> bool:
    return _CONTROL.search(text) is None
