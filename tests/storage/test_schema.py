"""Storage: the migrations are the schema, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from secondchance.storage import migrate
from secondchance.storage.database import make_engine
from secondchance.storage.schema import metadata


def test_migrations_build_the_schema_the_code_declares(database: str) -> None:
    """Alembic's own comparison finds nothing between the tables storage/schema.py
    declares and the database the migrations build: no column, type, length, index
    or constraint declared in one place only."""
    engine = make_engine(database)
    try:
        # The Alembic migrations themselves (a new database takes a shortcut that
        # tests/test_migrate.py compares with them), then a restart's no-op upgrade.
        migrate.run_migrations(engine)
        migrate.upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        assert {"sources", "postings", "alerts", "deliveries", "alembic_version"} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


def test_head_constant_matches_the_migrations() -> None:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", "secondchance.storage:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.HEAD
