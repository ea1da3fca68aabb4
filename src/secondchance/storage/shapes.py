"""What the reports print, shaped once for the commands' ``--json`` and the
dashboard's JSON endpoints alike: a board's status, a posting, a company's history.

Imports no SQLAlchemy: the command line reaches ``posting_json`` in every process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from secondchance.core.pay import Pay, format_pay, pay_json

if TYPE_CHECKING:
    from secondchance.core.board import BoardState
    from secondchance.core.models import Posting, SourceRef
    from secondchance.core.watchlist import Company
    from secondchance.core.why import Explanation
    from secondchance.storage.queries import AlertRecord, StoredPosting


def posting_json(
    company: str, ref: SourceRef, posting: Posting, why: Explanation | None
) -> dict[str, object]:
    """A posting as `peek --json` and `jobs --json` print it (``why``: with --why)."""
    record: dict[str, object] = {
        "company": company,
        "source": {"kind": ref.kind, "board": ref.board},
        "posting_id": posting.id,
        "title": posting.title,
        "locations": list(posting.locations),
        "remote": posting.remote.value,
        "department": posting.department,
        "employment_type": posting.employment_type,
        "pay": pay_json(posting.pay),
        "posted_at": posting.posted_at.isoformat() if posting.posted_at else None,
        "url": posting.url,
    }
    if why is not None:
        record["why"] = why.as_json()
    return record


def stored_posting_json(item: StoredPosting, why: Explanation | None = None) -> dict[str, object]:
    """A stored posting as `jobs --json` prints it."""
    record = posting_json(item.company, item.source, item.posting, why)
    record.update(status=item.status, first_seen=item.first_seen.isoformat())
    return record


def mark_json(
    mark: str,
    posting: tuple[str, str, str, str],
    title: str | None,
    at: datetime,
    mark_id: int | None = None,
) -> dict[str, object]:
    """A mark on a posting (company, kind, board, posting id), shaped as the dashboard's
    mark action answers it, for `import --json` (``id``: None when not written)."""
    company, kind, board, posting_id = posting
    return {
        "id": mark_id,
        "mark": mark,
        "company": company,
        "source": {"kind": kind, "board": board},
        "posting_id": posting_id,
        "title": title,
        "at": at.isoformat(),
    }


def status_json(
    row: BoardState, pending: int, configured: Collection[SourceRef] | None
) -> dict[str, object]:
    """A board's state as `status --json` prints it (``configured``: the watchlist's
    boards, None when no watchlist was read)."""
    return {
        "company": row.company,
        "source": {"kind": row.kind, "board": row.board},
        "watched": configured is None or row.ref in configured,
        "last_poll": row.last_poll_at.isoformat() if row.last_poll_at else None,
        "last_success": row.last_success_at.isoformat() if row.last_success_at else None,
        "result": row.last_result,
        "error": row.last_error,
        "open_postings": row.open_count,
        "consecutive_failures": row.consecutive_failures,
        "pending_alerts": pending,
    }


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a company's history."""

    moment: datetime
    shown: str  # the moment as a table shows it, in the watchlist's time zone
    event: str
    text: str
    pay: Pay | None = None
    url: str | None = None
    # The alert it is (its deliveries are looked up by it), or None.
    alert_id: int | None = None

    def as_json(self) -> dict[str, object]:
        record: dict[str, object] = {
            "when": self.moment.isoformat(),
            "event": self.event,
            "text": self.text,
        }
        if self.event == "seen":
            record["pay"] = pay_json(self.pay)
        return record


def day(when: datetime | dt.date | None, tz: tzinfo) -> str:
    if when is None:
        return "-"
    if isinstance(when, datetime):
        return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


def history(
    company: Company,
    postings: Sequence[StoredPosting],
    alerts: Sequence[AlertRecord],
    tz: tzinfo,
) -> list[Event]:
    """A company's history, oldest first: its rejections and cool-downs, each posting
    seen and closed, each alert with where its delivery stands."""
    events: list[Event] = []

    def add(
        when: datetime | dt.date,
        what: str,
        text: str,
        pay: Pay | None = None,
        url: str | None = None,
        alert_id: int | None = None,
    ) -> None:
        shown = day(when, tz)
        if not isinstance(when, datetime):
            when = datetime.combine(when, dt.time(), tzinfo=tz)
        events.append(Event(when, shown, what, text, pay, url, alert_id))

    for rejection in company.rejections:
        text = rejection.summary()
        if rejection.contact:
            text += f" · contact {rejection.contact}"
        add(rejection.date, "rejected", text)
        if rejection.cooldown_ends:
            add(rejection.cooldown_ends, "cool-down ends", rejection.role)
    for item in postings:
        label = f"{item.posting.title} ({item.source.label})"
        pay = item.posting.pay
        text = f"{label} · {format_pay(pay)}" if pay else label
        add(item.first_seen, "seen", text, pay=pay, url=item.posting.url)
        if item.closed_at is not None and item.status == "closed":
            add(item.closed_at, "closed", label, url=item.posting.url)
    for record in alerts:
        alert = record.alert
        # An alert with no delivery at all was muted by routing: recorded, never sent.
        state = (
            "sent"
            if record.sent
            else "pending"
            if record.pending
            else "held by your mark"
            if record.held
            else "muted"
        )
        if alert.created_at is not None:
            add(
                alert.created_at,
                f"alert {alert.kind}",
                f"{alert.title or ''} [{state}]",
                url=alert.url,
                alert_id=alert.id,
            )
    events.sort(key=lambda e: e.moment)
    return events
