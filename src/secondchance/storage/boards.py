"""Each board's poll state (validators, health, counters), read and written in bulk.

The poller touches every board's row on every poll; going through ORM objects
(identity map, unit of work, one flush per company) cost more than the rest
of a quiet poll. Here a poll reads the rows of a whole batch of companies in
one SELECT into plain mutable values and writes them back in one executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from secondchance.core.models import SourceRef
from secondchance.storage.store import SourceRow, from_sqlite_time, sqlite_time

_T = cast(Table, SourceRow.__table__)


@dataclass(slots=True)
class BoardState:
    """One row of ``sources`` as the poller reads and updates it."""

    id: int
    company: str
    kind: str
    board: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    pages: int = 0
    baseline_done: bool = False
    attempts: int = 0
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_result: str | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    failing_alerted: bool = False
    collapse_streak: int = 0
    open_count: int = 0
    missing: int = 0
    page_validators: str | None = None
    # Inserted by this transaction: it has no postings yet, so nothing to load.
    new: bool = False

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.company, self.kind, self.board)


_STORED = tuple(f.name for f in fields(BoardState) if f.name != "new")
_MUTABLE = tuple(name for name in _STORED if name not in ("id", "company", "kind", "board"))
_COLUMNS = tuple(_T.c[name] for name in _STORED)


def _state(row: Any) -> BoardState:
    # The columns' own types (UTCDateTime, Boolean) already converted the values.
    return BoardState(*row)


# SQLite: the rows straight from the driver, and written back to it. Every poll
# of every board reads and writes its row; SQLAlchemy's DATETIME processing
# (a regular expression per value) and per-value bind processing cost more
# than the statements. The text forms are SQLAlchemy's own (see sqlite_time).
_TIMES = frozenset({"last_poll_at", "last_success_at"})
_FLAGS = frozenset({"baseline_done", "failing_alerted"})
_TIMES_AT = tuple(_STORED.index(name) for name in _TIMES)
_FLAGS_AT = tuple(_STORED.index(name) for name in _FLAGS)
_SQLITE_SELECT = f"SELECT {', '.join(_STORED)} FROM sources"
_SQLITE_UPDATE = f"UPDATE sources SET {', '.join(f'{name} = ?' for name in _MUTABLE)} WHERE id = ?"


def _sqlite_state(row: Sequence[Any]) -> BoardState:
    values = list(row)
    for index in _TIMES_AT:
        values[index] = from_sqlite_time(values[index])
    for index in _FLAGS_AT:
        values[index] = bool(values[index])
    return BoardState(*values)


def _sqlite_row(state: BoardState) -> tuple[Any, ...]:
    values: list[Any] = []
    for name in _MUTABLE:
        value = getattr(state, name)
        if name in _TIMES:
            value = sqlite_time(value)
        elif name in _FLAGS:
            value = int(value)
        values.append(value)
    values.append(state.id)
    return tuple(values)


def _sqlite_rows(connection: Connection, where: str, params: Sequence[Any]) -> list[BoardState]:
    cursor = connection.exec_driver_sql(f"{_SQLITE_SELECT}{where}", tuple(params))
    return [_sqlite_state(row) for row in cursor.fetchall()]


# A new row's counters and flags (the columns without a usable default).
_NEW: dict[str, Any] = {
    "pages": 0,
    "baseline_done": False,
    "attempts": 0,
    "consecutive_failures": 0,
    "failing_alerted": False,
    "collapse_streak": 0,
    "open_count": 0,
    "missing": 0,
}
_SQLITE_INSERT = (
    f"INSERT INTO sources (company, kind, board, {', '.join(_NEW)}) "
    f"VALUES (?, ?, ?, {', '.join('?' for _ in _NEW)})"
)

_OF_COMPANIES = select(*_COLUMNS).where(_T.c.company.in_(bindparam("companies", expanding=True)))


def read_companies(connection: Connection, companies: Sequence[str]) -> dict[SourceRef, BoardState]:
    """These companies' rows, before their polls, in one query per 500 names:
    a daemon whose polls come due together reads them together, not once per
    company (each read is a transaction of its own)."""
    names = list(dict.fromkeys(companies))
    states: list[BoardState] = []
    for start in range(0, len(names), 500):  # bounded IN lists
        chunk = names[start : start + 500]
        if connection.dialect.name == "sqlite":
            marks = ", ".join("?" for _ in chunk)
            states += _sqlite_rows(connection, f" WHERE company IN ({marks})", chunk)
        else:
            states += map(_state, connection.execute(_OF_COMPANIES, {"companies": chunk}))
    return {state.ref: state for state in states}


def read_all(connection: Connection) -> dict[SourceRef, BoardState]:
    """Every board's row, for a poll of the whole watchlist (`once`)."""
    if connection.dialect.name == "sqlite":
        states = _sqlite_rows(connection, "", ())
    else:
        states = list(map(_state, connection.execute(select(*_COLUMNS))))
    return {state.ref: state for state in states}


def lock(
    session: Session, companies: Sequence[str], refs: Iterable[SourceRef]
) -> dict[SourceRef, BoardState]:
    """The rows of these companies, locked for this transaction, with a row
    created for every board in ``refs`` that has none yet."""
    # FOR UPDATE, in id order: two daemons on one PostgreSQL database take turns
    # on a company and lock rows in the same order (SQLite already serialises
    # writers with BEGIN IMMEDIATE).
    names = list(companies)
    query = select(*_COLUMNS).where(_T.c.company.in_(names)).order_by(_T.c.id).with_for_update()

    def read() -> dict[SourceRef, BoardState]:
        if sqlite:
            return read_companies(connection, names)
        return {state.ref: state for state in map(_state, session.execute(query))}

    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    states = read()
    missing = [ref for ref in dict.fromkeys(refs) if ref not in states]
    if missing:
        # No RETURNING: SQLite before 3.35 (still shipped by some distributions)
        # has none; reading the new rows back is one more query on a first poll.
        fresh = [{"company": r.company, "kind": r.kind, "board": r.board, **_NEW} for r in missing]
        if sqlite:  # a first poll creates every row: tuples straight to the driver
            connection.exec_driver_sql(_SQLITE_INSERT, [tuple(row.values()) for row in fresh])
        else:
            session.execute(insert(_T), fresh)
        created = read()
        for ref in missing:
            created[ref].new = True
        states = created
    return states


def write(session: Session, states: Iterable[BoardState]) -> None:
    """Store the mutable fields of these rows in one executemany."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        values = [_sqlite_row(state) for state in states]
        if values:
            connection.exec_driver_sql(_SQLITE_UPDATE, values)
        return
    rows = [
        {"_id": state.id, **{f"v_{name}": getattr(state, name) for name in _MUTABLE}}
        for state in states
    ]
    if not rows:
        return
    statement = (
        update(_T)
        .where(_T.c.id == bindparam("_id"))
        .values(**{name: bindparam(f"v_{name}") for name in _MUTABLE})
    )
    session.execute(statement, rows)
