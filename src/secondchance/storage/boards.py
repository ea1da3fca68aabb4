"""Each board's poll state (validators, health, counters), read and written in bulk.

The poll touches every board's row on every poll: a batch of companies' rows is read
in one SELECT into BoardState values and written back in one executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from operator import attrgetter

from sqlalchemy import Connection

from secondchance.core.board import BoardState
from secondchance.core.models import SourceRef
from secondchance.storage.bulk import Bulk
from secondchance.storage.schema import sources

_COLUMNS = tuple(sources.c[f.name] for f in fields(BoardState))
_KEY = ("id", "company", "kind", "board")
# What a poll may change: everything but the board's identity.
_MUTABLE = tuple(column for column in _COLUMNS if column.name not in _KEY)
# A state's mutable values, then its id: the row of an update (attrgetter: in C).
_UPDATE_ROW = attrgetter(*(column.name for column in _MUTABLE), "id")
# A new row: the board's identity, the rest as a new BoardState has it.
_NEW = (sources.c.company, sources.c.kind, sources.c.board, *_MUTABLE)


def _states(rows: Iterable[Sequence[object]]) -> dict[SourceRef, BoardState]:
    states = (BoardState(*row) for row in rows)  # type: ignore[arg-type]
    return {state.ref: state for state in states}


def read_companies(connection: Connection, companies: Sequence[str]) -> dict[SourceRef, BoardState]:
    """These companies' boards, before their polls, in a query per 500 names: a
    daemon whose polls come due together reads them together."""
    names = list(dict.fromkeys(companies))
    return _states(Bulk(connection).select(_COLUMNS, sources.c.company, names))


def read_all(connection: Connection) -> dict[SourceRef, BoardState]:
    """Every board's state, for a poll of the whole watchlist (`once`) and `status`."""
    return _states(Bulk(connection).select(_COLUMNS))


def read_ids(connection: Connection, ids: Sequence[int]) -> list[BoardState]:
    """The states of the boards with these ids (the dashboard's page of a company)."""
    return list(_states(Bulk(connection).select(_COLUMNS, sources.c.id, ids)).values())


def lock(
    connection: Connection, companies: Sequence[str], refs: Iterable[SourceRef]
) -> tuple[dict[SourceRef, BoardState], set[int]]:
    """The states of these companies' boards, locked for this transaction, with a row
    created for every board in ``refs`` that has none yet; and the ids of those new
    rows (they have no postings, so nothing to load)."""
    # Locked in id order: two daemons on one PostgreSQL database take turns on a
    # company (SQLite already serialises writers with BEGIN IMMEDIATE).
    bulk = Bulk(connection)
    names = list(dict.fromkeys(companies))
    states = _states(bulk.select(_COLUMNS, sources.c.company, names, lock=True))
    missing = [ref for ref in dict.fromkeys(refs) if ref not in states]
    if not missing:
        return states, set()
    # No RETURNING (SQLite before 3.35 has none): the new rows are read back.
    fresh = _UPDATE_ROW(BoardState(0, "", "", ""))[:-1]
    bulk.insert(_NEW, [(ref.company, ref.kind, ref.board, *fresh) for ref in missing])
    states = _states(bulk.select(_COLUMNS, sources.c.company, names, lock=True))
    return states, {states[ref].id for ref in missing}


def write(connection: Connection, states: Iterable[BoardState]) -> None:
    """Store what a poll may change of these states, in one executemany."""
    Bulk(connection).update(_MUTABLE, (sources.c.id,), [_UPDATE_ROW(state) for state in states])
