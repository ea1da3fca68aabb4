"""The database: an engine, opened and brought to the current schema, and the one
thread every statement of the process runs on.

Every operation of storage/ is a plain function of a Connection; ``Store`` runs it in a
transaction (``write``) or a plain connection (``read``), on its own thread when asked
from the event loop, so that a poll's read-diff-write is one transaction and the loop
never waits on the database.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event

from secondchance.storage import StorageError

R = TypeVar("R")
P = ParamSpec("P")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )
        event.listen(engine, "connect", _sqlite_connect)
        # BEGIN IMMEDIATE: a poll's read-diff-write is one serialised unit, so two
        # processes on one file can never both turn the same posting "new".
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ):
        cursor.execute(pragma)
    cursor.close()


class Store:
    """The engine, and the thread its statements run on."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One thread for all database work of this process: threads taking turns on
        # SQLite's write lock would spend the poll in its busy-wait sleeps.
        self._executor: ThreadPoolExecutor | None = None

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def call(self, function: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run a blocking function on the store's own thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="secondchance-db")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(function, *args, **kwargs)
        )

    def write_now(
        self, operation: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """``operation(connection, ...)`` in a transaction of its own, committed."""
        with self.engine.begin() as connection:
            return operation(connection, *args, **kwargs)

    def read_now(
        self, operation: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """``operation(connection, ...)`` on a connection, nothing committed."""
        with self.engine.connect() as connection:
            return operation(connection, *args, **kwargs)

    async def write(
        self, operation: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        return await self.call(self.write_now, operation, *args, **kwargs)

    async def read(
        self, operation: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        return await self.call(self.read_now, operation, *args, **kwargs)

    def shrink_cache(self) -> None:
        """Hand SQLite's page cache back (up to 2 MB per connection), which an idle
        daemon would otherwise keep from its last poll for the whole interval.
        Blocking: run it on the store's thread, between polls."""
        if not self.sqlite:
            return
        # The DBAPI connection: SQLAlchemy's would begin a transaction, and on SQLite
        # every transaction here takes the write lock (BEGIN IMMEDIATE).
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA shrink_memory")
            cursor.close()
        finally:
            connection.close()  # back to the pool, open

    def dispose(self) -> None:
        if self._executor is not None:
            # Lets a write in progress (an abandoned poll's) finish: never half-written.
            self._executor.shutdown(wait=True)
            self._executor = None
        self.engine.dispose()


def open_store(url: str) -> Store:
    """The database at ``url``, created (with its folder, for SQLite) or upgraded to
    the current schema; StorageError says why it cannot be."""
    from sqlalchemy.exc import SQLAlchemyError

    from secondchance import logs
    from secondchance.storage import migrate

    new_file: Path | None = None
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            new_file = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the data directory {path.parent}: {exc}") from exc
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot open the database {where}: {logs.first_line(exc)}") from exc
    if new_file is not None:
        # Said, because a mistyped --data-dir or database path would otherwise start
        # a second, empty history without a word.
        logging.getLogger(__name__).info("created a new database at %s", new_file)
    return Store(engine)


def open_existing(url: str, *, writable: bool = False, live: bool = False) -> Store:
    """The database at ``url`` as it is, for the commands that only look: never
    created, never migrated (a daemon of another version may be using it). SQLite is
    opened read-only unless ``writable``; ``live`` for a reader that stays open (the
    dashboard) and must see what a daemon writes later, even one started after it.
    StorageError says why it cannot be."""
    import sqlite3

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from secondchance import logs
    from secondchance.storage import migrate

    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        where = str(path)
        if not parsed.database or not path.is_file():
            raise StorageError(
                f"no database at {path}: has the daemon run with this data directory? "
                "(--data-dir, $SECONDCHANCE_DATA or [settings] database)"
            )
        if writable:
            engine = make_engine(url)
        else:
            # Read-only, and no file created beside it: while a daemon has the database
            # open its -wal and -shm files exist and are shared; with none there, no
            # one is writing, and `immutable` reads without making them (files a
            # reader running as root would leave that the daemon could not open).
            wal = path.with_name(path.name + "-wal")
            # A live reader is never `immutable`: SQLite would trust its first look.
            uri = path.resolve().as_uri() + ("?mode=ro" if live or wal.exists() else "?immutable=1")
            engine = create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
            )
            event.listen(engine, "connect", _sqlite_reader)
            # A deferred BEGIN: a reader must not take the write lock a poll needs.
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    else:
        engine = make_engine(url)
    try:
        with engine.connect() as connection:
            problem = migrate.schema_problem(connection)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StorageError(f"cannot open the database {where}: {logs.first_line(exc)}") from exc
    if problem is not None:
        engine.dispose()
        raise StorageError(f"cannot read the database at {where}: {problem}")
    return Store(engine)


def _sqlite_reader(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
