"""Whole rows in bulk, the same way on every backend: the one place with a SQLite branch.

A poll reads and writes thousands of rows per statement (a first poll inserts a
hundred thousand postings). On PostgreSQL these are SQLAlchemy Core statements run
with executemany. On SQLite, SQLAlchemy's per-row parameter handling and per-value
type processing (a regular expression per DATETIME) cost several times the statements
themselves (benchmarks/storagebench.py measures both paths), so there the same
statements, spelled from the same Table objects, go to the driver with the values
converted here, in the form SQLAlchemy would store and read them. Both paths store the
same rows: tests/storage/test_paths_agree.py runs the same polls both ways (and on
PostgreSQL) and compares every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Boolean, Column, Connection, Table, bindparam, insert, select, update

from secondchance.storage.schema import UTCDateTime, from_sqlite_time, sqlite_time

T = TypeVar("T")

# Values per IN list: SQLite allows 999 (older builds) to 32766 parameters a statement.
CHUNK = 500


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


Convert = Callable[[Sequence[Any]], Sequence[Any]]


def _flag(value: Any) -> Any:
    return None if value is None else bool(value)


def _integer(value: Any) -> Any:
    return None if value is None else int(value)


def _converter(
    columns: tuple[Column[Any], ...], by_type: dict[type, Callable[[Any], Any]]
) -> Convert | None:
    """A function from a row to the row as the driver takes it, or None when no column
    needs converting. Built as one tuple expression per column layout (as namedtuple
    builds its methods): a first poll converts a hundred thousand rows, and a loop over
    a copied list per row cost a third more."""
    functions: dict[str, Callable[[Any], Any]] = {}
    items = []
    for index, column in enumerate(columns):
        found = next((f for kind, f in by_type.items() if isinstance(column.type, kind)), None)
        if found is None:
            items.append(f"row[{index}]")
        else:
            functions[f"f{index}"] = found
            items.append(f"f{index}(row[{index}])")
    if not functions:
        return None
    convert: Convert = eval(f"lambda row: ({', '.join(items)},)", functions)
    return convert


@lru_cache(maxsize=128)
def _to_sqlite(columns: tuple[Column[Any], ...]) -> Convert | None:
    return _converter(columns, {UTCDateTime: sqlite_time, Boolean: _integer})


@lru_cache(maxsize=128)
def _from_sqlite(columns: tuple[Column[Any], ...]) -> Convert | None:
    return _converter(columns, {UTCDateTime: from_sqlite_time, Boolean: _flag})


def _params(rows: Sequence[Sequence[Any]], convert: Convert | None) -> list[Any]:
    return list(rows) if convert is None else [convert(row) for row in rows]


def _names(columns: Sequence[Column[Any]]) -> str:
    return ", ".join(column.name for column in columns)


def _table(columns: Sequence[Column[Any]]) -> Table:
    table = columns[0].table
    assert isinstance(table, Table)
    return table


# An engine or connection with this execution option set to False takes the Core path
# on SQLite too: tests compare what the two paths store.
DRIVER_PATH = "secondchance_sqlite_driver_path"


class Bulk:
    """Bulk statements on one connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.fast = connection.dialect.name == "sqlite" and connection.get_execution_options().get(
            DRIVER_PATH, True
        )

    def select(
        self,
        columns: Sequence[Column[Any]],
        key: Column[Any] | None = None,
        values: Sequence[Any] = (),
        *,
        lock: bool = False,
    ) -> list[Sequence[Any]]:
        """``columns`` of the rows whose ``key`` is one of ``values`` (of every row
        when ``key`` is None), datetimes aware. ``lock``: rows locked for the
        transaction, in id order (PostgreSQL's FOR UPDATE; SQLite's transactions
        already hold the database's write lock)."""
        columns = tuple(columns)
        if key is not None and not values:
            return []
        batches: Sequence[Sequence[Any] | None] = [None] if key is None else list(chunks(values))
        out: list[Sequence[Any]] = []
        if self.fast:
            convert = _from_sqlite(columns)
            head = f"SELECT {_names(columns)} FROM {_table(columns).name}"
            for batch in batches:
                if batch is None:
                    rows = self.connection.exec_driver_sql(head).fetchall()
                else:
                    marks = ", ".join("?" * len(batch))
                    sql = f"{head} WHERE {key.name} IN ({marks})"  # type: ignore[union-attr]
                    rows = self.connection.exec_driver_sql(sql, tuple(batch)).fetchall()
                out += rows if convert is None else map(convert, rows)
            return out
        query = select(*columns)
        if lock:
            query = query.order_by(_table(columns).c.id).with_for_update()
        for batch in batches:
            statement = query if batch is None else query.where(key.in_(batch))  # type: ignore[union-attr]
            out += self.connection.execute(statement).all()
        return out

    def insert(self, columns: Sequence[Column[Any]], rows: Sequence[Sequence[Any]]) -> None:
        """New rows, in one executemany."""
        if not rows:
            return
        columns = tuple(columns)
        table = _table(columns)
        if self.fast:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table.name} ({_names(columns)}) VALUES ({marks})"
            convert = _to_sqlite(columns)
            self.connection.exec_driver_sql(sql, _params(rows, convert))
            return
        names = [column.name for column in columns]
        self.connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])

    def update(
        self,
        changed: Sequence[Column[Any]],
        where: Sequence[Column[Any]],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """Set the ``changed`` columns of the row each of ``rows`` names by its
        ``where`` columns (each row: the changed values, then the where values)."""
        if not rows:
            return
        changed, where = tuple(changed), tuple(where)
        if self.fast:
            sets = ", ".join(f"{column.name} = ?" for column in changed)
            keys = " AND ".join(f"{column.name} = ?" for column in where)
            sql = f"UPDATE {_table(changed).name} SET {sets} WHERE {keys}"
            convert = _to_sqlite(changed + where)
            self.connection.exec_driver_sql(sql, _params(rows, convert))
            return
        statement = _update(changed, where)
        names = [f"v_{column.name}" for column in changed] + [
            f"k_{column.name}" for column in where
        ]
        self.connection.execute(statement, [dict(zip(names, row, strict=True)) for row in rows])


@lru_cache(maxsize=64)
def _update(changed: tuple[Column[Any], ...], where: tuple[Column[Any], ...]) -> Any:
    # Built once per shape: constructing and caching a statement per board cost more
    # than running it. Parameter names may not equal column names.
    table = _table(changed)
    statement = update(table).values(
        {column.name: bindparam(f"v_{column.name}") for column in changed}
    )
    for column in where:
        statement = statement.where(column == bindparam(f"k_{column.name}"))
    return statement
