"""What the dashboard's pages read: plain read-only functions of a Connection, each
one or two statements, the lists among them paginated (LIMIT/OFFSET)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from secondchance.core.board import BoardState
from secondchance.core.models import Alert, SourceRef
from secondchance.storage import boards
from secondchance.storage.bulk import Bulk
from secondchance.storage.outbox import ALERT_COLUMNS, alert_of
from secondchance.storage.queries import StoredPosting
from secondchance.storage.schema import alerts, deliveries, postings, sources
from secondchance.storage.snapshot import POSTING_COLUMNS, posting_of

_A, _D, _P, _S = alerts.c, deliveries.c, postings.c, sources.c


def key(name: str) -> str:
    """A company's name as the pages group by it (as the watchlist looks it up)."""
    return name.strip().casefold()


def board_states(connection: Connection) -> dict[str, list[BoardState]]:
    """Every board's poll state, by company key."""
    out: dict[str, list[BoardState]] = {}
    for state in sorted(boards.read_all(connection).values(), key=lambda s: (s.kind, s.board)):
        out.setdefault(key(state.company), []).append(state)
    return out


def company_states(connection: Connection, company: str) -> list[BoardState]:
    """One company's boards' poll states (those ``board_states`` has for it)."""
    rows = connection.execute(select(_S.id, _S.company))
    ids = [i for i, name in rows if key(name) == key(company)]
    return sorted(boards.read_ids(connection, ids), key=lambda s: (s.kind, s.board))


def last_alerts(
    connection: Connection, companies: Collection[str] | None = None
) -> dict[str, Alert]:
    """Each company's latest alert (of ``companies`` when given), by company key."""
    wanted = None if companies is None else {key(c) for c in companies}
    # The latest id of every name from the index alone; whole rows only for those
    # asked for (the overview shows 50 of a thousand companies).
    latest: dict[str, int] = {}
    for name, newest in connection.execute(
        select(_A.company, func.max(_A.id)).group_by(_A.company)
    ):
        if wanted is None or key(name) in wanted:
            latest[key(name)] = max(newest, latest.get(key(name), 0))
    return {key(alert.company): alert for alert in _alerts_by_id(connection, latest.values())}


def role_backs(connection: Connection, since: datetime) -> dict[str, Alert]:
    """Each company's latest role back alert, for those with one since ``since``."""
    # Which one is each company's latest, from three columns; whole rows only for those.
    latest: dict[str, int] = {}
    for id_, name in connection.execute(
        select(_A.id, _A.company)
        .where(_A.kind == "role_back", _A.created_at >= since)
        .order_by(_A.created_at, _A.id)
    ):
        latest[key(name)] = id_
    return {key(alert.company): alert for alert in _alerts_by_id(connection, latest.values())}


def _alerts_by_id(connection: Connection, ids: Collection[int]) -> list[Alert]:
    """These alerts, in id order."""
    if not ids:
        return []
    rows = Bulk(connection).select(ALERT_COLUMNS, _A.id, sorted(ids))
    return sorted(map(alert_of, rows), key=lambda alert: alert.id)


def snapshot_mark(connection: Connection) -> tuple[object, ...]:
    """What changes whenever a poll is stored: the boards, their polls and open
    postings, and the newest posting (the jobs page keeps its list until it does)."""
    boards_row = connection.execute(
        select(
            func.count(_S.id),
            func.max(_S.last_poll_at),
            func.sum(_S.attempts),
            func.sum(_S.open_count),
        )
    ).one()
    newest = connection.execute(select(func.max(_P.id))).scalar()
    return (*boards_row, newest)


_STORED = (*POSTING_COLUMNS, _P.status, _P.first_seen, _P.last_seen, _P.closed_at)


def open_postings(
    connection: Connection, companies: Collection[str] | None = None
) -> list[StoredPosting]:
    """The open postings of ``companies`` (every company when None), by company and
    first seen. Read in bulk (storage/bulk.py): the jobs page reads every posting."""
    query = select(_S.id, _S.company, _S.kind, _S.board)
    if companies is not None:
        query = query.where(func.lower(_S.company).in_([key(c) for c in companies]))
    refs = {i: SourceRef(name, kind, board) for i, name, kind, board in connection.execute(query)}
    bulk = Bulk(connection)
    if companies is None:
        rows = bulk.select((_P.source_id, *_STORED))
    else:
        rows = bulk.select((_P.source_id, *_STORED), _P.source_id, list(refs))
    found = [
        stored for row in rows if (stored := _open_posting(refs.get(row[0]), row[1:])) is not None
    ]
    found.sort(key=lambda item: (item.company, item.first_seen))
    return found


def _open_posting(ref: SourceRef | None, row: Sequence[Any]) -> StoredPosting | None:
    """A row of ``_STORED`` as a StoredPosting, when it is open on a board we know."""
    status, first_seen, last_seen, closed_at = row[-4:]
    if status != "open" or ref is None:
        return None
    return StoredPosting(
        company=ref.company,
        source=ref,
        posting=posting_of(row[:-4]),
        status=status,
        first_seen=first_seen,
        last_seen=last_seen,
        closed_at=closed_at,
    )


def board_marks(connection: Connection) -> dict[int, tuple[str, object, object]]:
    """Each board's id → its company and what changes whenever a poll of it is
    stored (its attempts and the time of its last poll, written in the poll's
    transaction with its postings): the jobs page re-reads only the boards whose
    mark moved."""
    rows = connection.execute(select(_S.id, _S.company, _S.attempts, _S.last_poll_at))
    return {id_: (company, attempts, at) for id_, company, attempts, at in rows}


def open_by_board(
    connection: Connection, source_ids: Collection[int] | None = None
) -> dict[int, list[tuple[int, StoredPosting]]]:
    """The open postings of these boards (every board when None) by board id, every
    board asked for that exists present, empty or not. Each posting comes with its
    row id, by which postings first seen together keep the order a whole read finds
    them in (``open_postings``'s); each board's list in that order (first seen, row)."""
    refs = {
        i: SourceRef(name, kind, board)
        for i, name, kind, board in connection.execute(select(_S.id, _S.company, _S.kind, _S.board))
        if source_ids is None or i in source_ids
    }
    bulk = Bulk(connection)
    if source_ids is None:
        rows = bulk.select((_P.id, _P.source_id, *_STORED))
    else:
        rows = bulk.select((_P.id, _P.source_id, *_STORED), _P.source_id, list(refs))
    out: dict[int, list[tuple[int, StoredPosting]]] = {i: [] for i in refs}
    for row in rows:
        if (stored := _open_posting(refs.get(row[1]), row[2:])) is not None:
            out[row[1]].append((row[0], stored))
    for found in out.values():
        found.sort(key=lambda item: (item[1].first_seen, item[0]))
    return out


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """One alert's delivery to one channel."""

    id: int
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    alert: Alert


_DELIVERY_COLUMNS = (
    _D.id,
    _D.channel,
    _D.status,
    _D.attempts,
    _D.next_attempt_at,
    _D.last_error,
    _D.sent_at,
)


def _delivery(row: Sequence[Any]) -> DeliveryRow:
    id_, channel, status, attempts, next_attempt_at, last_error, sent_at = row[:7]
    return DeliveryRow(
        id_, channel, status, attempts, next_attempt_at, last_error, sent_at, alert_of(row[7:])
    )


def delivery_counts(connection: Connection) -> dict[tuple[str, str], int]:
    """How many deliveries each (channel, state) has: state is sent, pending or
    failed (pending after a failed attempt)."""
    state = func.coalesce(_D.last_error, "")
    rows = connection.execute(
        select(_D.channel, _D.status, state != "", func.count(_D.id)).group_by(
            _D.channel, _D.status, state != ""
        )
    )
    out: dict[tuple[str, str], int] = {}
    for channel, status, errored, count in rows:
        shown = "failed" if status == "pending" and errored else status
        out[(channel, shown)] = out.get((channel, shown), 0) + count
    return out


def delivery_page(
    connection: Connection,
    *,
    state: str | None = None,
    channel: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[DeliveryRow]:
    """Deliveries, newest first: those in ``state`` (sent, pending, failed) and to
    ``channel`` when given."""
    query = select(*_DELIVERY_COLUMNS, *ALERT_COLUMNS).join(alerts, _A.id == _D.alert_id)
    if state == "sent":
        query = query.where(_D.status == "sent")
    elif state == "pending":
        query = query.where(_D.status == "pending", _D.last_error.is_(None))
    elif state == "failed":
        query = query.where(_D.status == "pending", _D.last_error.is_not(None))
    if channel is not None:
        query = query.where(_D.channel == channel)
    query = query.order_by(_D.id.desc()).offset(offset).limit(limit)
    return [_delivery(tuple(row)) for row in connection.execute(query)]


def company_deliveries(connection: Connection, company: str) -> dict[int, list[DeliveryRow]]:
    """A company's deliveries, by alert id."""
    # Its alerts' ids first, then their deliveries by ix_deliveries_alert_id: a join
    # filtered on lower(company) alone scans every delivery.
    ids = select(_A.id).where(func.lower(_A.company) == key(company))
    query = (
        select(*_DELIVERY_COLUMNS, *ALERT_COLUMNS)
        .join(alerts, _A.id == _D.alert_id)
        .where(_D.alert_id.in_(ids))
        .order_by(_D.id)
    )
    out: dict[int, list[DeliveryRow]] = {}
    for row in connection.execute(query):
        delivery = _delivery(tuple(row))
        out.setdefault(delivery.alert.id, []).append(delivery)
    return out


# Live updates (web/live.py) and the feed (web/feed.py).


def live_marks(connection: Connection) -> tuple[int, datetime | None]:
    """The newest alert's id (0 when none) and the latest poll's time: where a live
    stream starts, so it sends only what comes after."""
    newest = connection.execute(select(func.max(_A.id))).scalar() or 0
    return newest, connection.execute(select(func.max(_S.last_poll_at))).scalar()


@dataclass(frozen=True, slots=True)
class Poll:
    """A board's finished poll."""

    company: str
    kind: str
    board: str
    outcome: str
    at: datetime


def alerts_after(connection: Connection, after: int, limit: int = 50) -> list[Alert]:
    """Alerts with an id above ``after``, oldest first, at most ``limit``."""
    query = select(*ALERT_COLUMNS).where(_A.id > after).order_by(_A.id).limit(limit)
    return [alert_of(row) for row in connection.execute(query)]


def polls_after(connection: Connection, since: datetime | None) -> list[Poll]:
    """The boards polled after ``since`` (every polled board when None), by time."""
    query = select(_S.company, _S.kind, _S.board, _S.last_result, _S.last_poll_at).where(
        _S.last_poll_at.is_not(None)
    )
    if since is not None:
        query = query.where(_S.last_poll_at > since)
    return [
        Poll(company, kind, board, outcome or "unknown", at)
        for company, kind, board, outcome, at in connection.execute(query.order_by(_S.last_poll_at))
    ]


def live_since(
    connection: Connection, after: int, since: datetime | None
) -> tuple[list[Alert], list[Poll]]:
    """What a live stream has not sent yet: one read per tick."""
    return alerts_after(connection, after), polls_after(connection, since)


def recent_alerts(
    connection: Connection, companies: Collection[str] | None = None, limit: int = 50
) -> list[Alert]:
    """The newest ``limit`` alerts, newest first: of ``companies`` when given."""
    query = select(*ALERT_COLUMNS)
    if companies is not None:
        query = query.where(func.lower(_A.company).in_([key(c) for c in companies]))
    query = query.order_by(_A.id.desc()).limit(limit)
    return [alert_of(row) for row in connection.execute(query)]
