"""A new database built from the models is the database the migrations build.

``migrate.upgrade`` creates the schema of an empty database from the models
(no Alembic import); every other database goes through the migrations. The
two must never drift apart, column order included, and a later migration
must apply to either.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from secondchance.storage import migrate
from secondchance.storage.database import make_engine

NewDatabase = Callable[[], Engine]


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabase]:
    """Makes fresh, empty databases on one backend (as many as a test asks for)."""
    engines: list[Engine] = []
    names = count()

    def make() -> Engine:
        if request.param == "postgresql":
            url = request.getfixturevalue("new_postgres")()
        else:
            url = f"sqlite:///{tmp_path / f'db{next(names)}'}.db"
        engine = make_engine(url)
        engines.append(engine)
        return engine

    try:
        yield make
    finally:
        for engine in engines:
            engine.dispose()


def schema(engine: Engine) -> dict[str, Any]:
    """Everything the database says about its tables, flat ("alerts columns": ...)
    so that a failure names the table and the aspect that differ."""
    inspector = inspect(engine)

    def ordered(items: list[Any]) -> list[Any]:
        return sorted(items, key=repr)

    out: dict[str, Any] = {"tables": sorted(inspector.get_table_names())}
    for name in out["tables"]:
        # In table order: a migration appends columns, a model may declare them anywhere.
        out[f"{name} columns"] = [
            {**column, "type": column["type"].compile(dialect=engine.dialect)}
            for column in inspector.get_columns(name)
        ]
        out[f"{name} primary key"] = inspector.get_pk_constraint(name)
        out[f"{name} indexes"] = ordered(inspector.get_indexes(name))
        out[f"{name} unique constraints"] = ordered(inspector.get_unique_constraints(name))
        out[f"{name} foreign keys"] = ordered(inspector.get_foreign_keys(name))
        out[f"{name} check constraints"] = ordered(inspector.get_check_constraints(name))
    if engine.dialect.name == "postgresql":
        out["sequences"] = sorted(inspector.get_sequence_names())
    with engine.connect() as conn:
        out["version"] = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return out


def assert_same_schema(created: Engine, migrated: Engine) -> None:
    new, old = schema(created), schema(migrated)
    for key in sorted(new.keys() | old.keys()):
        hint = ""
        if key.endswith(" columns"):
            hint = (
                " (a column a migration adds to an existing table belongs in migrate.ADDED_COLUMNS)"
            )
        assert new.get(key) == old.get(key), f"{key} differ{hint}"


def test_new_database_matches_the_migrated_one(new_database: NewDatabase) -> None:
    migrated, created = new_database(), new_database()
    migrate.run_migrations(migrated)
    migrate.upgrade(created)
    assert_same_schema(created, migrated)
    assert schema(created)["version"] == [(migrate.HEAD,)]
    assert set(schema(created)["tables"]) == {
        "alembic_version",
        "alerts",
        "deliveries",
        "marks",
        "meta",
        "postings",
        "sources",
    }


def test_upgrade_is_idempotent_on_a_new_database(new_database: NewDatabase) -> None:
    engine = new_database()
    migrate.upgrade(engine)
    before = schema(engine)
    migrate.upgrade(engine)  # a restart finds the schema current
    migrate.run_migrations(engine)  # and Alembic agrees that it is at head
    assert schema(engine) == before


def test_an_older_database_still_goes_through_the_migrations(new_database: NewDatabase) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    old, created = new_database(), new_database()
    config = AlembicConfig()
    config.set_main_option("script_location", migrate.SCRIPTS)
    with old.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (company, kind, board, pages, baseline_done, attempts, "
                "consecutive_failures, failing_alerted, collapse_streak, open_count) "
                "VALUES ('Acme', 'greenhouse', 'acme', 1, true, 3, 0, false, 0, 5)"
            )
        )
    migrate.upgrade(old)
    migrate.upgrade(created)
    assert_same_schema(created, old)
    with old.connect() as conn:
        row = conn.execute(text("SELECT company, attempts, missing FROM sources")).one()
    assert tuple(row) == ("Acme", 3, 0)


def test_the_pay_migration_forgets_every_board_s_validators_once(
    new_database: NewDatabase,
) -> None:
    """0008 adds the pay columns and clears the stored validators: a board that would
    answer 304 (or the same bytes) is read again once, so its pay is stored."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    engine = new_database()
    config = AlembicConfig()
    config.set_main_option("script_location", migrate.SCRIPTS)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0007")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (company, kind, board, etag, last_modified, body_hash, "
                "page_validators, pages, baseline_done, attempts, consecutive_failures, "
                "failing_alerted, collapse_streak, open_count) VALUES ('Acme', 'greenhouse', "
                "'acme', '\"v1\"', 'Mon, 02 Nov 2026 09:00:00 GMT', 'abc', '[]', 1, true, 3, 0, "
                "false, 0, 5)"
            )
        )
        source_id = conn.execute(text("SELECT id FROM sources")).scalar()
        conn.execute(
            text(
                "INSERT INTO postings (source_id, posting_id, title, locations, remote, status, "
                "misses, first_seen, last_seen) VALUES (:s, '1', 'Engineer', '[]', 'unknown', "
                "'open', 0, '2026-11-02 09:00:00', '2026-11-02 09:00:00')"
            ),
            {"s": source_id},
        )
    migrate.upgrade(engine)
    with engine.begin() as conn:
        board = conn.execute(
            text(
                "SELECT etag, last_modified, body_hash, page_validators, attempts, reader "
                "FROM sources"
            )
        ).one()
        assert tuple(board) == (None, None, None, None, 3, 1)
        posting = conn.execute(
            text("SELECT title, pay_currency, pay_min, pay_max, pay_period FROM postings")
        ).one()
        assert tuple(posting) == ("Engineer", None, None, None, None)
        # Past 2**31: a year's pay in hundredths fits on both backends.
        conn.execute(text("UPDATE postings SET pay_max = 30000000000"))
        assert conn.execute(text("SELECT pay_max FROM postings")).scalar() == 30_000_000_000
        conn.execute(text("UPDATE sources SET etag = 'kept'"))
    migrate.upgrade(engine)  # once only: a restart forgets nothing
    with engine.connect() as conn:
        assert conn.execute(text("SELECT etag FROM sources")).scalar() == "kept"


FUTURE_MIGRATION = '''
    """a future migration, only for the test: rebuilds tables on SQLite

    Revision ID: {future}
    Revises: {head}
    """

    import sqlalchemy as sa
    from alembic import op

    revision = "{future}"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        with op.batch_alter_table("alerts") as batch_op:
            batch_op.drop_column("detail")
        with op.batch_alter_table("postings") as batch_op:
            batch_op.add_column(sa.Column("salary", sa.Text(), nullable=True))
            batch_op.alter_column("url", existing_type=sa.Text(), nullable=False)
            batch_op.create_index("ix_postings_status", ["status"])
        with op.batch_alter_table("sources") as batch_op:
            batch_op.alter_column(
                "etag", existing_type=sa.String(length=500), type_=sa.String(length=600)
            )
        op.create_table(
            "notes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
'''


def test_a_later_migration_applies_to_a_new_database(
    new_database: NewDatabase, tmp_path: Path
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(
        Path(migrate.__file__).parent / "migrations",
        scripts,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    future = f"{int(migrate.HEAD) + 1:04d}"  # the revision after the real head
    (scripts / "versions" / f"{future}_future.py").write_text(
        textwrap.dedent(FUTURE_MIGRATION).format(head=migrate.HEAD, future=future)
    )
    migrated, created = new_database(), new_database()
    migrate.run_migrations(migrated)
    migrate.upgrade(created)
    with created.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (company, kind, board, pages, baseline_done, attempts, "
                "consecutive_failures, failing_alerted, collapse_streak, open_count) "
                "VALUES ('Acme', 'greenhouse', 'acme', 1, true, 3, 0, false, 0, 5)"
            )
        )

    migrate.run_migrations(migrated, str(scripts))
    migrate.run_migrations(created, str(scripts))

    assert migrate.current_revision(created) == future
    assert_same_schema(created, migrated)
    assert "notes" in schema(created)["tables"]
    with created.connect() as conn:
        assert conn.execute(text("SELECT company FROM sources")).scalars().all() == ["Acme"]


def test_a_new_database_does_not_import_alembic(tmp_path: Path) -> None:
    """The point of the fast path; checked in a fresh interpreter."""
    program = textwrap.dedent(
        f"""
        import sys
        from secondchance.storage import migrate
        from secondchance.storage.database import make_engine

        engine = make_engine("sqlite:///{tmp_path / "new.db"}")
        migrate.upgrade(engine)
        migrate.upgrade(engine)
        print(migrate.current_revision(engine), "alembic" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == [migrate.HEAD, "False"]
