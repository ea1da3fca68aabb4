"""Bulk reads and writes of the postings snapshot, in SQLAlchemy Core.

A poll of a thousand boards touches a hundred thousand postings; ORM objects
per row would dominate the poll. Reads build diff values straight from rows,
and writes are one executemany per kind of change, only for postings whose
stored state actually changes (an unchanged posting costs no write).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from secondchance.core.diff import Known, SourceDiff, Status
from secondchance.core.models import Posting, Remote
from secondchance.storage.store import PostingRow, from_sqlite_time, sqlite_time

_T = cast(Table, PostingRow.__table__)
_COLUMNS = (
    _T.c.source_id,
    _T.c.posting_id,
    _T.c.title,
    _T.c.url,
    _T.c.locations,
    _T.c.remote,
    _T.c.department,
    _T.c.employment_type,
    _T.c.posted_at,
    _T.c.updated_at,
    _T.c.status,
    _T.c.misses,
)


def _aware(value: datetime | None) -> datetime | None:
    # UTCDateTime already makes these aware; a naive one would break comparisons.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


_REMOTE = {member.value: member for member in Remote}
_STATUS = {member.value: member for member in Status}
_LOAD_COLUMNS = (
    "source_id, posting_id, title, url, locations, remote, department, employment_type, "
    "posted_at, updated_at, status, misses"
)


def load_known(
    session: Session, source_ids: Iterable[int], *, closed_only: bool = False
) -> dict[int, dict[str, Known]]:
    ids = list(source_ids)
    out: dict[int, dict[str, Known]] = {i: {} for i in ids}
    if not ids:
        return out
    for source_id, pid, title, url, locations, remote, *rest in _rows(session, ids, closed_only):
        department, employment_type, posted_at, updated_at, status, misses = rest
        posting = Posting(
            id=pid,
            title=title,
            url=url,
            locations=tuple(orjson.loads(locations)) if locations and locations != "[]" else (),
            remote=_REMOTE[remote],
            department=department,
            employment_type=employment_type,
            posted_at=posted_at,
            updated_at=updated_at,
        )
        out[source_id][pid] = Known(posting, _STATUS[status], misses)
    return out


def _rows(session: Session, ids: list[int], closed_only: bool) -> Iterable[Sequence[Any]]:
    """Rows in _LOAD_COLUMNS order, datetimes aware UTC."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        query = select(*_COLUMNS).where(_T.c.source_id.in_(ids))
        if closed_only:
            query = query.where(_T.c.status == Status.CLOSED.value)
        for row in session.execute(query):
            yield (*row[:8], _aware(row[8]), _aware(row[9]), row[10], row[11])
        return
    # SQLite: straight from the driver, and the stored DATETIME text parsed by
    # fromisoformat (C) instead of SQLAlchemy's regular expression, which cost
    # more than everything else a steady-state poll does per posting.
    where = " AND status = 'closed'" if closed_only else ""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        cursor = connection.exec_driver_sql(
            f"SELECT {_LOAD_COLUMNS} FROM postings WHERE source_id IN ({marks}){where}",
            tuple(chunk),
        )
        parse = from_sqlite_time
        for row in cursor.fetchall():  # in bulk: fetchone() through SQLAlchemy costs more
            yield (*row[:8], parse(row[8]), parse(row[9]), row[10], row[11])


def _locations(locations: tuple[str, ...]) -> str:
    # orjson: a JSON array of strings, as json.dumps(ensure_ascii=False) would
    # give it bar the spaces, for a fraction of the time.
    return orjson.dumps(locations).decode() if locations else "[]"


def _values(posting: Posting) -> dict[str, Any]:
    return {
        "title": posting.title,
        "url": posting.url,
        "locations": _locations(posting.locations),
        "remote": posting.remote.value,
        "department": posting.department,
        "employment_type": posting.employment_type,
        "posted_at": posting.posted_at,
        "updated_at": posting.updated_at,
    }


# Parameter names of the executemany updates; they may not equal column names.
_SET = (
    "title",
    "url",
    "locations",
    "remote",
    "department",
    "employment_type",
    "posted_at",
    "updated_at",
    "last_seen",
)


# Built once: constructing and caching a statement per board cost more than
# running it on a steady-state poll where most boards change by a posting or two.
_ONE = and_(_T.c.source_id == bindparam("_sid"), _T.c.posting_id == bindparam("_pid"))
_REFRESH = (
    update(_T)
    .where(_ONE)
    .values(
        **{key: bindparam(f"v_{key}") for key in _SET},
        status=Status.OPEN.value,
        misses=0,
        closed_at=None,
    )
)
_MISSES = update(_T).where(_ONE).values(misses=bindparam("v_misses"))
_CLOSE = (
    update(_T).where(_ONE).values(status=Status.CLOSED.value, closed_at=bindparam("v_closed_at"))
)


def write_diff(
    session: Session,
    source_id: int,
    known: Mapping[str, Known],
    diff: SourceDiff,
    at: datetime,
) -> None:
    """Apply one board's diff to the snapshot with a handful of statements."""
    new: list[Posting] = []
    refreshed: list[dict[str, Any]] = []
    for posting in diff.seen:
        before = known.get(posting.id)
        if before is None:
            new.append(posting)
        elif before.status is not Status.OPEN or before.misses or before.posting != posting:
            values = {**_values(posting), "last_seen": at}
            refreshed.append(
                {"_sid": source_id, "_pid": posting.id, **{f"v_{k}": v for k, v in values.items()}}
            )
    misses = [
        {"_sid": source_id, "_pid": pid, "v_misses": count}
        for pid, count in diff.missed.items()
        if known[pid].misses != count
    ]
    closed = [{"_sid": source_id, "_pid": pid, "v_closed_at": at} for pid in diff.closed]

    if new:
        _insert(session, source_id, new, at)
    connection = session.connection()
    for statement, rows in ((_REFRESH, refreshed), (_MISSES, misses), (_CLOSE, closed)):
        if rows:
            connection.execute(statement, rows)


_INSERT_COLUMNS = (
    "source_id",
    "posting_id",
    "title",
    "url",
    "locations",
    "remote",
    "department",
    "employment_type",
    "posted_at",
    "updated_at",
    "status",
    "misses",
    "first_seen",
    "last_seen",
    "closed_at",
)
_SQLITE_INSERT = (
    f"INSERT INTO postings ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)})"
)


def _insert(session: Session, source_id: int, postings: list[Posting], at: datetime) -> None:
    """New postings in one executemany. On SQLite, tuples straight to the driver:
    a first poll inserts a hundred thousand rows, and SQLAlchemy's per-value type
    processing cost four times the insert itself (tests read them back through
    the ORM to keep the two forms equal)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        rows = [
            {
                **_values(posting),
                "source_id": source_id,
                "posting_id": posting.id,
                "status": Status.OPEN.value,
                "misses": 0,
                "first_seen": at,
                "last_seen": at,
                "closed_at": None,
            }
            for posting in postings
        ]
        session.execute(insert(PostingRow), rows)
        return
    seen = sqlite_time(at)
    status = Status.OPEN.value
    time = sqlite_time
    connection.exec_driver_sql(
        _SQLITE_INSERT,
        [
            (
                source_id,
                p.id,
                p.title,
                p.url,
                _locations(p.locations),
                p.remote.value,
                p.department,
                p.employment_type,
                time(p.posted_at),
                time(p.updated_at),
                status,
                0,
                seen,
                seen,
                None,
            )
            for p in postings
        ],
    )


def open_postings(session: Session, source_ids: Iterable[int]) -> list[Posting]:
    known = load_known(session, source_ids)
    return [
        item.posting
        for board in known.values()
        for item in board.values()
        if item.status is Status.OPEN
    ]
