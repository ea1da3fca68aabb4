"""Alerts on their way into the outbox: what happened, about what, and where it goes.

A ``Draft`` carries everything the outbox stores of an alert, its dedupe key among
it; storage/outbox.py writes drafts and gives back the ``Alert`` values the
renderers read. Pure: the key is derived from the board and the poll that found it,
so the same poll written twice queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from secondchance.core.board import BoardState
from secondchance.core.limits import bounded_alert_key
from secondchance.core.models import Change
from secondchance.core.pay import format_pay


@dataclass(frozen=True, slots=True)
class Draft:
    """One alert to queue, with the channels it is queued for."""

    key: str
    company: str
    kind: str
    channels: tuple[str, ...]
    source_id: int | None = None
    source_kind: str = "company"
    source_board: str = ""
    posting_id: str | None = None
    title: str | None = None
    location: str | None = None
    url: str | None = None
    previous_title: str | None = None
    detail: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def of_change(board: BoardState, change: Change, channels: Sequence[str]) -> Draft:
    """The alert for a change the poll of ``board`` found. Its key names the board,
    the posting, the kind and the poll (``attempts``), so a posting that closes and
    comes back later alerts again, and one poll's change only once."""
    posting = change.posting
    extra = dict(change.extra)
    if posting is not None and posting.pay is not None:
        # Shown as a line of the alert ("USD 90,000–120,000 a year"), ready to render.
        extra["pay"] = format_pay(posting.pay)
    key = f"{board.id}|{posting.id if posting else ''}|{change.kind.value}|{board.attempts}"
    return Draft(
        key=bounded_alert_key(key),
        company=board.company,
        kind=change.kind.value,
        channels=tuple(channels),
        source_id=board.id,
        source_kind=board.kind,
        source_board=board.board,
        posting_id=posting.id if posting else None,
        title=posting.title if posting else None,
        location=posting.location if posting else None,
        url=posting.url if posting else None,
        previous_title=change.previous.title if change.previous else None,
        detail=change.detail or None,
        extra=extra,
    )


def about_company(
    key: str,
    company: str,
    kind: str,
    channels: Sequence[str],
    *,
    title: str,
    detail: str,
    extra: Mapping[str, str] | None = None,
) -> Draft:
    """An alert about the company rather than one board (a cool-down that ended, a
    watchlist edit that was rejected): its key is given, and says what it is once."""
    return Draft(
        key=bounded_alert_key(key),
        company=company,
        kind=kind,
        channels=tuple(channels),
        title=title,
        detail=detail,
        extra=dict(extra or {}),
    )
