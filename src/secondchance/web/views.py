"""Pure: what the pages show, from what the database and the watchlist hold. Times
are judged against a ``now`` handed in; nothing here reads the clock or the database.

Board text stays text: the templates escape it (Jinja2 autoescape) and ``href``
lets only http(s) URLs become links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from urllib.parse import quote

from secondchance.config import Config
from secondchance.config.timing import DeliveryPolicy
from secondchance.core import wording
from secondchance.core.board import BoardState
from secondchance.core.models import Alert
from secondchance.core.pay import Pay, format_pay
from secondchance.core.text import shown
from secondchance.core.watchlist import Company, Rejection
from secondchance.core.wording import plural
from secondchance.delivery.channels import Channel, channels_of
from secondchance.delivery.markup import safe_url
from secondchance.delivery.policy import release_time
from secondchance.storage.dashboard import DeliveryRow
from secondchance.storage.marks import Mark
from secondchance.storage.queries import StoredPosting
from secondchance.storage.shapes import Event

# Titles may be 100 KB; a page shows the start of one.
CAP = 300
PAGE_SIZE = 50
ROLE_BACK_DAYS = 30


def text(value: object, limit: int = CAP) -> str:
    """Board text as a page shows it: without bidi controls, capped."""
    value = shown("" if value is None else str(value))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def href(url: object) -> str | None:
    """The URL when it may be a link: the alerts' own rule (http or https with a host,
    percent-encoded, capped), so a page and a message link exactly the same postings."""
    return safe_url(url) if isinstance(url, str) else None


def company_path(name: str) -> str:
    return "/company/" + quote(name, safe="")


def when(moment: datetime | None, tz: tzinfo) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def ago(moment: datetime | None, now: datetime) -> str:
    return wording.ago(None if moment is None else (now - moment).total_seconds())


def cooldown(rejection: Rejection, today: dt.date) -> str | None:
    """ "cool-down ends in 5 days (2026-04-01)" or "cool-down over since 2026-04-01"."""
    ends = rejection.cooldown_ends
    if ends is None:
        return None
    days = (ends - today).days
    if days <= 0:
        return f"cool-down over since {ends.isoformat()}: you can reapply"
    return f"cool-down ends in {plural(days, 'day')} ({ends.isoformat()})"


@dataclass(frozen=True, slots=True)
class Health:
    board: str
    last_poll: str
    failing: str | None  # "failing since …: reason", in plain sight
    open_count: int


def health(state: BoardState, now: datetime, tz: tzinfo) -> Health:
    failing = None
    if state.consecutive_failures > 0:
        since = (
            f"failing since {when(state.last_success_at, tz)}"
            if state.last_success_at
            else "failing since its first poll"
        )
        polls = plural(state.consecutive_failures, "poll")
        failing = f"{since} ({polls} in a row): {text(state.last_error or state.last_result)}"
    return Health(
        board=text(state.ref.label),
        last_poll=ago(state.last_poll_at, now),
        failing=failing,
        open_count=state.open_count,
    )


@dataclass(frozen=True, slots=True)
class AlertView:
    kind: str
    title: str
    url: str | None
    at: str


def alert_text(alert: Alert) -> str:
    """What an alert is about: its posting's title, or its detail (a failing board)."""
    return text(alert.title or alert.detail or "")


def alert_view(alert: Alert, tz: tzinfo) -> AlertView:
    return AlertView(
        kind=alert.kind.replace("_", " "),
        title=alert_text(alert),
        url=href(alert.url),
        at=when(alert.created_at, tz),
    )


@dataclass(frozen=True, slots=True)
class Card:
    """One company on the overview."""

    name: str
    path: str
    tags: tuple[str, ...]
    rejections: tuple[str, ...]
    cooldowns: tuple[str, ...]
    boards: tuple[Health, ...]
    open_count: int
    passing: int
    last_alert: AlertView | None
    # The role back of the last 30 days, if any: the card stands out.
    role_back: AlertView | None
    failing: bool


def card(
    company: Company,
    states: Sequence[BoardState],
    last_alert: Alert | None,
    role_back: Alert | None,
    passing: int,
    now: datetime,
    tz: tzinfo,
) -> Card:
    today = now.astimezone(tz).date()
    rejections = tuple(
        text(f"{r.role} — {r.stage}, {r.date.isoformat()}" if r.stage else f"{r.role}, {r.date}")
        for r in sorted(company.rejections, key=lambda r: r.date, reverse=True)
    )
    cooldowns = tuple(c for r in company.rejections if (c := cooldown(r, today)))
    return Card(
        name=company.name,
        path=company_path(company.name),
        tags=tuple(sorted(company.tags)),
        rejections=rejections,
        cooldowns=cooldowns,
        boards=tuple(health(s, now, tz) for s in states),
        open_count=sum(s.open_count for s in states),
        passing=passing,
        last_alert=alert_view(last_alert, tz) if last_alert else None,
        role_back=alert_view(role_back, tz) if role_back else None,
        failing=any(s.consecutive_failures > 0 for s in states),
    )


def matches(query: str, *texts: str) -> bool:
    words = query.casefold().split()
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words)


def role_back_since(now: datetime) -> datetime:
    return now - timedelta(days=ROLE_BACK_DAYS)


SORTS = ("name", "rejected", "polled", "failing")


@dataclass(frozen=True, slots=True)
class Entry:
    """A company as the overview filters and sorts it, before its card is made (only
    the cards of the page shown are)."""

    company: Company
    states: Sequence[BoardState]
    role_back: Alert | None

    @property
    def role_back_at(self) -> datetime | None:
        return self.role_back.created_at if self.role_back else None

    @property
    def failing(self) -> bool:
        return any(s.consecutive_failures > 0 for s in self.states)

    def found(self, query: str) -> bool:
        c = self.company
        texts = [c.name, *c.tags]
        for r in c.rejections:
            texts += [r.role, r.stage or ""]
        return matches(query, *texts)

    def sort_key(self, sort: str) -> tuple[object, ...]:
        c = self.company
        if sort == "rejected":
            latest = c.latest_rejection
            return (-(latest.date.toordinal() if latest else 0),)
        if sort == "polled":
            polls = [s.last_poll_at.timestamp() for s in self.states if s.last_poll_at]
            return (-max(polls, default=0.0),)
        if sort == "failing":
            return (not self.failing, c.name.casefold())
        return (c.name.casefold(),)


def sort_entries(entries: Iterable[Entry], sort: str) -> list[Entry]:
    """Sorted as asked; a role back in the last 30 days always comes first."""
    return sorted(entries, key=lambda e: (e.role_back_at is None, *e.sort_key(sort)))


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list a page shows."""

    number: int
    total: int
    size: int = PAGE_SIZE

    def __post_init__(self) -> None:
        # A page past the end (a bookmark, a list that shrank) shows the last one.
        object.__setattr__(self, "number", max(1, min(self.number, self.pages)))

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def page_number(value: str | None) -> int:
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return min(max(number, 1), 1_000_000)


def pay_text(pay: Pay | None) -> str:
    return format_pay(pay) if pay else ""


def pay_sort_key(pay: Pay | None) -> int:
    return pay.top if pay else -1


def masked(value: str, secrets: Iterable[str]) -> str:
    """``value`` with every secret the watchlist holds replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            value = value.replace(secret, "••••••")
    return value


def query_string(params: Mapping[str, str], **changes: str | int | None) -> str:
    """The page's query string with ``changes`` (None drops a parameter)."""
    merged: dict[str, str] = {k: v for k, v in params.items() if v}
    for name, value in changes.items():
        if value is None or value == "":
            merged.pop(name, None)
        else:
            merged[name] = str(value)
    return "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in merged.items())


def delivery_state(
    row: DeliveryRow,
    policy: DeliveryPolicy,
    now: datetime,
    snoozed: Mapping[str, Mark] | None = None,
) -> tuple[str, str]:
    """(state, why): sent, failed (with the reason and when it is tried again) or
    pending (and why it waits: the digest, quiet hours, a back-off)."""
    tz, status, alert = policy.tz, row.status, row.alert
    next_attempt_at, last_error = row.next_attempt_at, row.last_error
    if status == "sent":
        return "sent", f"sent {when(row.sent_at, tz)}"
    if status == "held":
        return "held", "held, never sent: you marked the posting (undo on its company's page)"
    if last_error is not None:
        retry = (
            f"; tried again after {when(next_attempt_at, tz)}"
            if next_attempt_at and next_attempt_at > now
            else "; tried again on the next round"
        )
        return "failed", f"failed {plural(row.attempts, 'time')}: {text(last_error)}{retry}"
    snooze = (snoozed or {}).get(alert.company)
    if snooze is not None and snooze.until is not None and snooze.until > now:
        return "pending", f"snoozed until {when(snooze.until, tz)}, then sent"
    if next_attempt_at is not None and next_attempt_at > now:
        return "pending", f"back-off until {when(next_attempt_at, tz)}"
    created = alert.created_at or now
    release = release_time(created, alert.kind, policy)
    if release > now:
        if policy.mode == "digest" and alert.kind not in policy.urgent:
            return "pending", f"waits for the digest at {when(release, tz)}"
        return "pending", f"quiet hours until {when(release, tz)}"
    return "pending", "due: sent on the daemon's next round"


def channels(config: Config) -> list[Channel]:
    return channels_of(config.targets, console=config.console_alerts, sent=config.sent_kinds)


def passing(config: Config, postings: Iterable[StoredPosting]) -> list[StoredPosting]:
    """The open postings that pass their company's filters."""
    out = []
    for item in postings:
        company = config.company(item.company)
        if company is not None and company.passes(item.posting):
            out.append(item)
    return out


def mark_events(made: Iterable[Mark], tz: tzinfo) -> list[Event]:
    """The timeline's lines of the user's marks: each mark, and its undoing."""
    events = []
    for m in made:
        if m.mark == "snoozed":
            until = f"until {when(m.until, tz)}"
            events.append(Event(m.created_at, when(m.created_at, tz), "you snoozed it", until))
            if m.undone_at is not None:
                shown = when(m.undone_at, tz)
                events.append(Event(m.undone_at, shown, "you ended the snooze", until))
            continue
        title = m.title or m.posting_id
        events.append(Event(m.created_at, when(m.created_at, tz), f"you marked it {m.mark}", title))
        if m.undone_at is not None:
            shown = when(m.undone_at, tz)
            events.append(Event(m.undone_at, shown, f"you undid {m.mark}", title))
    return events
