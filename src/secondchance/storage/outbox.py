"""The outbox: alerts queued in the poll's own transaction, delivered per channel.

An alert is written with one pending delivery per channel in the same transaction as
the snapshot it comes from, so a crash loses neither half alone. Its key is unique:
the same alert queued twice is written once, and nothing is sent twice. A delivery is
claimed (for a lease) right before it is sent and marked sent or failed after, so two
processes on one database never send the same one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select, update
from sqlalchemy.sql.elements import BindParameter

from secondchance.core.drafts import Draft
from secondchance.core.models import Alert
from secondchance.storage import marks
from secondchance.storage.bulk import Bulk, chunks
from secondchance.storage.schema import alerts, deliveries

_A, _D = alerts.c, deliveries.c
# What an Alert is built from, in its fields' order.
ALERT_COLUMNS = tuple(_A[f.name] for f in dataclasses.fields(Alert))
_WRITTEN = tuple(column for column in alerts.columns if column.name != "id")
_NEW_DELIVERY = (_D.alert_id, _D.channel, _D.status, _D.attempts, _D.next_attempt_at, _D.held_by)


def alert_of(row: Sequence[Any]) -> Alert:
    """The Alert of a row of ALERT_COLUMNS: the one way an Alert is built."""
    values = dict(zip((c.name for c in ALERT_COLUMNS), row, strict=True))
    values["extra"] = json.loads(values["extra"]) if values["extra"] else {}
    return Alert(**values)


def _row(draft: Draft, at: datetime) -> tuple[Any, ...]:
    values = {
        **{f.name: getattr(draft, f.name) for f in dataclasses.fields(Draft)},
        "extra": json.dumps(dict(draft.extra), ensure_ascii=False) if draft.extra else None,
        "created_at": at,
    }
    return tuple(values[column.name] for column in _WRITTEN)


def queue(connection: Connection, drafts: Sequence[Draft], at: datetime) -> list[Alert]:
    """Write these alerts, each with a pending delivery per channel of its draft; a
    draft whose key is in the outbox already (the same poll written twice) is left
    out. Returns the alerts written, in the drafts' order."""
    unique = {draft.key: draft for draft in reversed(drafts)}  # the first of a key wins
    bulk = Bulk(connection)
    there = {key for (key,) in bulk.select((_A.key,), _A.key, list(unique))}
    fresh = [draft for draft in drafts if draft.key not in there and unique[draft.key] is draft]
    if not fresh:
        return []
    # No RETURNING (SQLite before 3.35 has none): the rows are read back by key.
    bulk.insert(_WRITTEN, [_row(draft, at) for draft in fresh])
    written = {
        row[0]: alert_of(row[1:])
        for row in bulk.select((_A.key, *ALERT_COLUMNS), _A.key, [d.key for d in fresh])
    }
    # A posting the user marked on the dashboard: its alerts are written, with their
    # deliveries held by the mark (storage/marks.py), never sent and never lost.
    held = marks.holding(
        connection,
        (_posting(draft) for draft in fresh if draft.posting_id is not None),
    )
    rows = []
    for draft in fresh:
        mark = held.get(_posting(draft)) if draft.posting_id is not None else None
        holder = mark.id if mark is not None and mark.holds(draft.kind) else None
        status = "pending" if holder is None else "held"
        rows += [(written[draft.key].id, c, status, 0, at, holder) for c in draft.channels]
    bulk.insert(_NEW_DELIVERY, rows)
    return [written[draft.key] for draft in fresh]


def _posting(draft: Draft) -> marks.PostingKey:
    return (draft.company, draft.source_kind, draft.source_board, draft.posting_id or "")


def _due(*, ignore_backoff: bool) -> Select[Any]:
    at: BindParameter[datetime] = bindparam("at")
    query = (
        select(_D.id, _D.channel, *ALERT_COLUMNS)
        .join(alerts, _A.id == _D.alert_id)
        .where(
            _D.status == "pending",
            _D.channel.in_(bindparam("channels", expanding=True)),
            _D.claimed_until.is_(None) | (_D.claimed_until < at),
        )
        .order_by(_A.id)
        .limit(bindparam("limit"))
    )
    if not ignore_backoff:
        query = query.where(_D.next_attempt_at.is_(None) | (_D.next_attempt_at <= at))
    return query


# Built once: a drain runs after every burst of polls.
_DUE, _DUE_ANYTIME = _due(ignore_backoff=False), _due(ignore_backoff=True)
_CLAIMABLE = (
    select(_D.id)
    .where(
        _D.id.in_(bindparam("ids", expanding=True)),
        _D.status == "pending",
        _D.claimed_until.is_(None) | (_D.claimed_until < bindparam("at")),
    )
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(deliveries)
    .where(_D.id.in_(bindparam("ids", expanding=True)))
    .values(claimed_until=bindparam("until"))
)
_RELEASE = (
    update(deliveries)
    .where(_D.id.in_(bindparam("ids", expanding=True)), _D.status == "pending")
    .values(claimed_until=None)
)
_SENT = (
    update(deliveries)
    .where(_D.id.in_(bindparam("ids", expanding=True)))
    .values(
        status="sent",
        sent_at=bindparam("at"),
        attempts=_D.attempts + 1,
        last_error=None,
        claimed_until=None,
    )
)


def due(
    connection: Connection,
    channels: Sequence[str],
    *,
    ignore_backoff: bool = False,
    limit: int = 500,
) -> list[tuple[int, str, Alert]]:
    """(delivery id, channel, alert) of the pending deliveries to these channels that
    nobody holds, their retry back-off passed (unless ignored), oldest alert first."""
    query = _DUE_ANYTIME if ignore_backoff else _DUE
    # The clock is read when the query runs, not when it was asked for: an alert
    # committed while the caller waited for the database is due, not "in the future".
    at = datetime.now(UTC)
    rows = connection.execute(query, {"channels": list(channels), "at": at, "limit": limit})
    return [(row[0], row[1], alert_of(row[2:])) for row in rows]


def claim(connection: Connection, delivery_ids: Sequence[int], lease: float) -> set[int]:
    """Take these deliveries for sending for ``lease`` seconds; returns the ones this
    process got. Rows another transaction holds are skipped (FOR UPDATE SKIP LOCKED),
    and rows another process claimed are not free; a process that dies mid-send
    frees its claims when the lease runs out."""
    at = datetime.now(UTC)
    mine: set[int] = set()
    for chunk in chunks(list(delivery_ids)):
        got = list(connection.execute(_CLAIMABLE, {"ids": chunk, "at": at}).scalars())
        if got:
            connection.execute(_CLAIM, {"ids": got, "until": at + timedelta(seconds=lease)})
        mine.update(got)
    return mine


def release(connection: Connection, delivery_ids: Sequence[int]) -> None:
    """Give up the claims on these still unsent deliveries (a drain stopped
    mid-send), so the next drain takes them at once, not after the lease."""
    for chunk in chunks(list(delivery_ids)):
        connection.execute(_RELEASE, {"ids": chunk})


def mark_sent(connection: Connection, delivery_ids: Sequence[int]) -> None:
    at = datetime.now(UTC)
    for chunk in chunks(list(delivery_ids)):
        connection.execute(_SENT, {"ids": chunk, "at": at})


def mark_failed(
    connection: Connection,
    delivery_ids: Sequence[int],
    error: str,
    retry_min: float,
    retry_max: float,
) -> None:
    """Count a failed attempt; the next waits twice as long as the last, within
    [retry_min, retry_max]."""
    at = datetime.now(UTC)
    ids = list(delivery_ids)
    rows = Bulk(connection).select((_D.id, _D.attempts), _D.id, ids)
    Bulk(connection).update(
        (_D.attempts, _D.next_attempt_at, _D.last_error, _D.claimed_until),
        (_D.id,),
        [
            (
                attempts + 1,
                at + timedelta(seconds=_backoff(attempts, retry_min, retry_max)),
                error[:500],
                None,
                delivery_id,
            )
            for delivery_id, attempts in rows
        ],
    )


def pending_total(connection: Connection) -> int:
    count = select(func.count(_D.id)).where(_D.status == "pending")
    return connection.execute(count).scalar() or 0


def _backoff(attempts: int, retry_min: float, retry_max: float) -> float:
    """``retry_min`` doubled per failed attempt, at most ``retry_max``. The exponent is
    capped: a channel down for weeks reaches a thousand attempts, and 2.0 ** 1024
    overflows a float."""
    return min(retry_max, retry_min * 2.0 ** min(attempts, 60))
