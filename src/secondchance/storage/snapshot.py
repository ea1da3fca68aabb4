"""The postings snapshot, read into diff values and written back in bulk.

A poll of a thousand boards touches a hundred thousand postings. Reads build
``Known`` values straight from rows; writes are one executemany per kind of change,
only for postings whose stored state changes (an unchanged posting costs no write).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select

from secondchance.core.diff import Known, SourceDiff, Status
from secondchance.core.models import Posting, Remote
from secondchance.core.pay import Pay, Period
from secondchance.storage.bulk import Bulk
from secondchance.storage.schema import postings

_T = postings.c
# What a posting is, as the board said it (written on insert and on refresh).
_POSTING = (
    _T.title,
    _T.url,
    _T.locations,
    _T.remote,
    _T.department,
    _T.employment_type,
    _T.posted_at,
    _T.updated_at,
    _T.pay_currency,
    _T.pay_min,
    _T.pay_max,
    _T.pay_period,
)
# A Posting's columns, in its fields' order (posting_of reads them).
POSTING_COLUMNS = (_T.posting_id, *_POSTING)
_LOAD = (_T.source_id, *POSTING_COLUMNS, _T.status, _T.misses, _T.emptied)
_INSERT = (
    _T.source_id,
    _T.posting_id,
    *_POSTING,
    _T.status,
    _T.misses,
    _T.first_seen,
    _T.last_seen,
    _T.closed_at,
    _T.emptied,
)
_ONE = (_T.source_id, _T.posting_id)
_REFRESH = (*_POSTING, _T.last_seen, _T.status, _T.misses, _T.closed_at, _T.emptied)
_REMOTE = {member.value: member for member in Remote}
_STATUS = {member.value: member for member in Status}
_PERIOD = {member.value: member for member in Period}


def load_known(
    connection: Connection, source_ids: Iterable[int], *, closed_only: bool = False
) -> dict[int, dict[str, Known]]:
    """The postings of these boards by board and posting id (only the closed ones
    with ``closed_only``: the history a repost is recognised by)."""
    ids = list(source_ids)
    out: dict[int, dict[str, Known]] = {i: {} for i in ids}
    for row in Bulk(connection).select(_LOAD, _T.source_id, ids):
        status, misses, emptied = row[-3:]
        if closed_only and status != Status.CLOSED.value:
            continue
        posting = posting_of(row[1:-3])
        out[row[0]][posting.id] = Known(posting, _STATUS[status], misses, emptied)
    return out


def posting_of(row: Sequence[Any]) -> Posting:
    """The Posting of a row of POSTING_COLUMNS."""
    pid, title, url, locations, remote, department, employment_type, posted, updated = row[:9]
    currency, low, high, period = row[9:13]
    return Posting(
        id=pid,
        title=title,
        url=url,
        locations=tuple(orjson.loads(locations)) if locations and locations != "[]" else (),
        remote=_REMOTE[remote],
        department=department,
        employment_type=employment_type,
        posted_at=posted,
        updated_at=updated,
        pay=None
        if low is None and high is None
        else Pay(currency, low, high, _PERIOD.get(period) if period else None),
    )


def open_postings(connection: Connection, source_ids: Iterable[int]) -> list[Posting]:
    known = load_known(connection, source_ids)
    return [
        item.posting
        for board in known.values()
        for item in board.values()
        if item.status is Status.OPEN
    ]


def first_seen(
    connection: Connection, wanted: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], datetime]:
    """When each (board, posting) was first seen (what a closed alert tells)."""
    pairs = set(wanted)
    if not pairs:
        return {}
    boards = sorted({board for board, _ in pairs})
    ids = sorted({pid for _, pid in pairs})
    rows = connection.execute(
        select(_T.source_id, _T.posting_id, _T.first_seen).where(
            _T.source_id.in_(boards), _T.posting_id.in_(ids)
        )
    )
    return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in pairs}


def _locations(locations: tuple[str, ...]) -> str:
    # orjson: a JSON array of strings, as json.dumps(ensure_ascii=False) would give
    # it bar the spaces, for a fraction of the time.
    return orjson.dumps(locations).decode() if locations else "[]"


_NO_PAY = (None, None, None, None)


def _pay_row(pay: Pay | None) -> tuple[Any, ...]:
    if pay is None:
        return _NO_PAY
    period = pay.period.value if pay.period is not None else None
    return (pay.currency, pay.min_cents, pay.max_cents, period)


def write_diff(
    connection: Connection,
    source_id: int,
    known: Mapping[str, Known],
    diff: SourceDiff,
    at: datetime,
) -> None:
    """Apply one board's diff to the snapshot with a handful of statements."""
    new: list[tuple[Any, ...]] = []
    refreshed: list[tuple[Any, ...]] = []
    opened = Status.OPEN.value
    held = diff.held
    for posting in diff.seen:
        before = known.get(posting.id)
        emptied = held.get(posting.id, 0) if held else 0
        stored_as_is = (
            before is not None
            and before.status is Status.OPEN
            and not before.misses
            and before.emptied == emptied
            and before.posting == posting
        )
        if stored_as_is:
            continue  # nothing to write
        # A row of _INSERT, spelled once and built without a call: a first poll
        # inserts a hundred thousand.
        row = (
            source_id,
            posting.id,
            posting.title,
            posting.url,
            _locations(posting.locations),
            posting.remote.value,
            posting.department,
            posting.employment_type,
            posting.posted_at,
            posting.updated_at,
            *_pay_row(posting.pay),
            opened,
            0,
            at,
            at,
            None,
            emptied,
        )
        if before is None:
            new.append(row)
        else:  # changed, reopened, back before its removal was confirmed, or held
            refreshed.append((*row[2:14], at, opened, 0, None, emptied, source_id, posting.id))
    misses = [
        (count, source_id, pid) for pid, count in diff.missed.items() if known[pid].misses != count
    ]
    closed = [(Status.CLOSED.value, at, source_id, pid) for pid in diff.closed]
    bulk = Bulk(connection)
    bulk.insert(_INSERT, new)
    bulk.update(_REFRESH, _ONE, refreshed)
    bulk.update((_T.misses,), _ONE, misses)
    bulk.update((_T.status, _T.closed_at), _ONE, closed)
