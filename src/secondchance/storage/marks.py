"""Marks: what the user said of a posting on the dashboard.

``applied``: no more alerts about it but its closing (the user wants to know when the
role they applied for is gone). ``dismissed``: no more alerts about it at all. An alert
a mark holds back keeps its deliveries, with status ``held`` and the mark beside them
(``deliveries.held_by``): recorded, never deleted, and pending again if the mark is
undone. A mark is decided when an alert is queued (outbox.queue asks ``holding``) and
when it is made (``add`` holds what is pending), never at sending time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Connection, and_, insert, or_, select, true, update

from secondchance.storage.schema import alerts, deliveries, marks

_A, _D, _M = alerts.c, deliveries.c, marks.c

Kind = Literal["applied", "dismissed"]
KINDS: tuple[Kind, ...] = ("applied", "dismissed")
# The alerts a mark of each kind lets through.
_LETS_THROUGH: dict[str, frozenset[str]] = {
    "applied": frozenset({"closed"}),
    "dismissed": frozenset(),
}

# A posting, as alerts and marks name it: (company, source kind, board, posting id).
PostingKey = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class Mark:
    id: int
    company: str
    source_kind: str
    source_board: str
    posting_id: str
    title: str | None
    mark: str
    until: datetime | None
    created_at: datetime
    undone_at: datetime | None

    @property
    def posting(self) -> PostingKey:
        return (self.company, self.source_kind, self.source_board, self.posting_id)

    def holds(self, kind: str) -> bool:
        """Whether this mark holds back an alert of ``kind`` about its posting."""
        if self.undone_at is not None or self.mark not in _LETS_THROUGH:
            return False  # a snooze holds nothing: its alerts wait (snoozed_until)
        return kind not in _LETS_THROUGH[self.mark]


_COLUMNS = (
    _M.id,
    _M.company,
    _M.source_kind,
    _M.source_board,
    _M.posting_id,
    _M.title,
    _M.mark,
    _M.until,
    _M.created_at,
    _M.undone_at,
)


def _of(rows: Iterable[Sequence[object]]) -> list[Mark]:
    return [Mark(*row) for row in rows]  # type: ignore[arg-type]


def _about(key: PostingKey) -> ColumnElement[bool]:
    company, kind, board, posting_id = key
    return and_(
        _A.company == company,
        _A.source_kind == kind,
        _A.source_board == board,
        _A.posting_id == posting_id,
    )


def add(
    connection: Connection,
    key: PostingKey,
    mark: Kind,
    title: str | None,
    at: datetime,
    *,
    now: datetime | None = None,
) -> Mark:
    """Record ``mark`` for the posting ``key`` and hold its pending deliveries (those
    the mark holds back; a delivery being sent right now is let be). ``at`` is when the
    mark says it was made (an import dates it with the application); ``now``, when
    the claims of deliveries being sent are judged (``at`` unless given)."""
    if mark not in KINDS:
        raise ValueError(f"unknown mark {mark!r}")
    company, kind, board, posting_id = key
    new_id = connection.execute(
        insert(marks).values(
            company=company,
            source_kind=kind,
            source_board=board,
            posting_id=posting_id,
            title=title,
            mark=mark,
            created_at=at,
        )
    ).inserted_primary_key
    assert new_id is not None
    made = Mark(new_id[0], company, kind, board, posting_id, title, mark, None, at, None)
    lets_through = _LETS_THROUGH[mark]
    about = select(_A.id).where(
        _about(key), _A.kind.not_in(lets_through) if lets_through else true()
    )
    connection.execute(
        update(deliveries)
        .where(
            _D.alert_id.in_(about.scalar_subquery()),
            _D.status == "pending",
            or_(_D.claimed_until.is_(None), _D.claimed_until < (now or at)),
        )
        .values(status="held", held_by=made.id)
    )
    return made


def settled(connection: Connection, keys: Iterable[PostingKey]) -> set[PostingKey]:
    """The postings an import leaves as they are: those with a mark in force (applied
    or dismissed: what the user said on the dashboard stands), and those with an applied
    mark undone (the next import does not overrule an undo)."""
    wanted = set(keys)
    companies = sorted({k[0] for k in wanted})
    if not companies:
        return set()
    rows = connection.execute(
        select(*_COLUMNS).where(_M.company.in_(companies), _M.mark.in_(KINDS))
    )
    return {
        m.posting
        for m in _of(rows)
        if m.posting in wanted and (m.undone_at is None or m.mark == "applied")
    }


def mark_applied(
    connection: Connection,
    wanted: Sequence[tuple[PostingKey, str | None, datetime]],
    now: datetime,
) -> list[Mark]:
    """Mark each posting applied (key, title, when the user applied) as the dashboard's
    "I applied" does, except those ``settled`` already: running an import again adds
    no second mark. The marks made."""
    left = settled(connection, [key for key, _, _ in wanted])
    made: list[Mark] = []
    for key, title, at in wanted:
        if key not in left:
            left.add(key)
            made.append(add(connection, key, "applied", title, at, now=now))
    return made


def undo(connection: Connection, mark_id: int, at: datetime) -> Mark | None:
    """Undo a mark: what it held is pending again (sent on the daemon's next round).
    None when there is no such mark or it was undone already."""
    found = _of(connection.execute(select(*_COLUMNS).where(_M.id == mark_id)))
    if not found or found[0].undone_at is not None:
        return None
    connection.execute(update(marks).where(_M.id == mark_id).values(undone_at=at))
    connection.execute(
        update(deliveries)
        .where(_D.held_by == mark_id, _D.status == "held")
        .values(status="pending", held_by=None)
    )
    return found[0]


def holding(connection: Connection, keys: Iterable[PostingKey]) -> dict[PostingKey, Mark]:
    """The marks in force on these postings (the newest of each)."""
    wanted = set(keys)
    companies = sorted({k[0] for k in wanted})
    if not companies:
        return {}
    rows = connection.execute(
        select(*_COLUMNS).where(_M.company.in_(companies), _M.undone_at.is_(None)).order_by(_M.id)
    )
    return {m.posting: m for m in _of(rows) if m.posting in wanted}


def of_company(connection: Connection, company: str) -> list[Mark]:
    """Every mark made on a company's postings, undone ones too, oldest first."""
    return _of(connection.execute(select(*_COLUMNS).where(_M.company == company).order_by(_M.id)))


def in_force(connection: Connection) -> dict[PostingKey, Mark]:
    """Every mark in force (the jobs page shows them beside the postings)."""
    rows = connection.execute(
        select(*_COLUMNS).where(_M.undone_at.is_(None), _M.mark.in_(KINDS)).order_by(_M.id)
    )
    return {m.posting: m for m in _of(rows)}


def snooze(connection: Connection, company: str, until: datetime, at: datetime) -> Mark:
    """Snooze a company's alerts until ``until``: they are written and wait, and go out
    when it ends (or at once when it is undone), like those of quiet hours."""
    new_id = connection.execute(
        insert(marks).values(
            company=company,
            source_kind="",
            source_board="",
            posting_id="",
            title=None,
            mark="snoozed",
            until=until,
            created_at=at,
        )
    ).inserted_primary_key
    assert new_id is not None
    return Mark(new_id[0], company, "", "", "", None, "snoozed", until, at, None)


def snoozed(connection: Connection, at: datetime) -> dict[str, Mark]:
    """The snoozes in force at ``at``, by company (the latest of each)."""
    rows = connection.execute(
        select(*_COLUMNS)
        .where(_M.mark == "snoozed", _M.undone_at.is_(None), _M.until > at)
        .order_by(_M.id)
    )
    return {m.company: m for m in _of(rows)}
