"""``[settings] database``, checked before anything opens it.

A URL is parsed as SQLAlchemy will parse it, and its database must be one secondchance
stores in (SQLite, PostgreSQL) through a driver that is installed: "notadb://x" passed
`check` and then stopped `once` with SQLAlchemy's NoSuchModuleError. Nothing is opened
or created here. The driver is looked for with ``find_spec``, which imports nothing, and
SQLAlchemy's dialects are never loaded: only its URL parser, and only when a URL is
written (its package costs `check` about 0.2 s; every command that opens the database
pays it anyway). A plain path is a SQLite file (config/paths.py). The value may hold a
password from ``${PGPASSWORD}``: no message repeats it.
"""

from __future__ import annotations

import importlib.util

from secondchance.config.errors import Errors, Loc

_EXAMPLE = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
# The synchronous drivers SQLAlchemy knows for each database, and the module each needs
# ("" is the database's default driver).
_DRIVERS = {
    "sqlite": {"": "sqlite3", "pysqlite": "sqlite3"},
    "postgresql": {
        "": "psycopg2",
        "psycopg2": "psycopg2",
        "psycopg": "psycopg",
        "pg8000": "pg8000",
    },
}
# The storage thread runs a synchronous engine: these would fail at the first statement.
_ASYNC = {"aiosqlite", "asyncpg", "psycopg_async"}
_EXTRA = "install secondchance[postgres]"


def check_database(value: str, loc: Loc, errors: Errors) -> None:
    """Adds what is wrong with the ``database`` value to ``errors``."""
    if "://" not in value:
        if not value.strip():
            errors.append((loc, "empty (leave it out for SQLite in the data directory)"))
        return  # a SQLite file's path
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        errors.append((loc, f"not a database URL (expected {_EXAMPLE})"))
        return
    backend, _, driver = url.drivername.partition("+")
    drivers = _DRIVERS.get(backend)
    if drivers is None:
        hint = " (PostgreSQL is spelled postgresql+psycopg://)" if backend == "postgres" else ""
        errors.append((loc, f"unsupported database {backend!r}: use sqlite or postgresql{hint}"))
        return
    if url.port is not None and not 0 < url.port < 65536:
        errors.append((loc, f"port {url.port} is out of range (1 to 65535)"))
    module = drivers.get(driver)
    if module is None:
        known = ", ".join(f"{backend}+{d}" for d in drivers if d)
        why = "an asyncio driver" if driver in _ASYNC else "an unknown driver"
        errors.append((loc, f"{backend}+{driver} is {why} (use {known})"))
    elif importlib.util.find_spec(module) is None:
        errors.append((loc, _missing(backend, driver, module)))


def _missing(backend: str, driver: str, module: str) -> str:
    if driver == "psycopg":
        return f"the PostgreSQL driver psycopg is not installed: {_EXTRA}"
    if backend == "postgresql":
        named = f"postgresql+{driver}://" if driver else "postgresql:// (SQLAlchemy's default)"
        return (
            f"{named} needs the driver {module}, which is not installed: "
            f"write postgresql+psycopg:// and {_EXTRA}"
        )
    return f"the driver {module} is not installed"
