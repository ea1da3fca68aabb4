"""Bring a database to the current schema (users keep their data).

A database that already exists goes through the Alembic migrations. A new,
empty one gets the head schema straight from storage/schema.py, plus the version row
Alembic would have written: the same schema (tests/storage/test_migrate.py builds it
both ways and compares), without importing Alembic, which is one of the
largest imports of a process that only wanted to poll once.
"""

from __future__ import annotations

import logging

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    insert,
    inspect,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable

from secondchance.storage.schema import metadata

# The newest revision in migrations/versions (a test keeps this in step). A
# database already there needs no Alembic at all, which keeps the daemon's
# start-up and resident memory small.
HEAD = "0009"

SCRIPTS = "secondchance.storage:migrations"

VERSION_TABLE = "alembic_version"

# Columns that a migration added to a table that existed before it, in the order
# the migrations added them. ALTER TABLE ... ADD COLUMN puts a column last,
# wherever schema.py declares it, so a new database puts these last as well and
# matches a migrated one column for column. A migration that adds a column to an
# existing table adds it here too (tests/storage/test_migrate.py compares the order).
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "alerts": ("extra",),  # 0002
    "deliveries": ("claimed_until", "held_by"),  # 0003, 0009
    "sources": ("missing", "page_validators", "ended_html", "reader"),  # 0004, 0006, 0007
    "postings": ("emptied", "pay_currency", "pay_min", "pay_max", "pay_period"),  # 0007, 0008
}


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    except SQLAlchemyError:
        return None  # a new database: no version table yet


def upgrade(engine: Engine) -> None:
    if current_revision(engine) == HEAD:
        return
    with engine.begin() as connection:
        # Looked at inside the transaction: on SQLite it holds the write lock
        # (BEGIN IMMEDIATE), so of two processes starting on a new file, the
        # second finds the tables the first created.
        if not _has_schema(connection):
            _create_head(connection)
            return
    run_migrations(engine)


def run_migrations(engine: Engine, scripts: str = SCRIPTS) -> None:
    """Apply the Alembic migrations in ``scripts`` up to their head."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", scripts)
    # Alembic logs every step at INFO; a daemon start should not.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _has_schema(connection: Connection) -> bool:
    """Whether any table of ours (or Alembic's) is there: a database shared with
    other applications still counts as new for secondchance."""
    ours = {*metadata.tables, VERSION_TABLE}
    return not ours.isdisjoint(inspect(connection).get_table_names())


def _create_head(connection: Connection) -> None:
    """The head schema from storage/schema.py, and Alembic's version table at HEAD."""
    for table in metadata.sorted_tables:
        create = CreateTable(table)
        added = ADDED_COLUMNS.get(table.name, ())
        create.columns.sort(key=lambda column: _position(column, added))  # stable
        connection.execute(create)
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            connection.execute(CreateIndex(index))
    version = version_table()
    version.create(connection)
    connection.execute(insert(version).values(version_num=HEAD))


def _position(column: CreateColumn, added: tuple[str, ...]) -> int:
    name = column.element.name
    return added.index(name) + 1 if name in added else 0


def version_table() -> Table:
    """``alembic_version`` exactly as Alembic creates it (alembic.ddl.impl
    DefaultImpl.version_table_impl, with the default version_table_pk)."""
    return Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )


def schema_problem(connection: Connection) -> str | None:
    """Why this database cannot be read as it is by this version (None: it can).
    For the commands that only look: they never create or upgrade a schema, which a
    daemon of another version may be using."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return "it holds no secondchance tables"
    revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    if revision == HEAD:
        return None
    if revision is not None and revision.isdigit() and int(revision) < int(HEAD):
        return (
            f"its schema is from an older secondchance ({revision}; this one reads {HEAD}): "
            "the daemon upgrades it when it next starts"
        )
    return f"its schema ({revision}) is from a newer secondchance than this one ({HEAD})"
