"""The snapshot's bulk writes: what is written reads back identically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from secondchance.core.diff import Policy, diff_source
from secondchance.core.models import Posting, Remote, SourceRef
from secondchance.storage import boards as boardstate
from secondchance.storage import migrate, snapshot
from secondchance.storage.store import PostingRow, SourceRow, Store, make_engine, sqlite_time

REF = SourceRef("Acme", "greenhouse", "acme")


def test_written_postings_read_back_equal(database: str) -> None:
    engine = make_engine(database)
    migrate.upgrade(engine)
    store = Store(engine)
    posting = Posting(
        id="42",
        title="Data Analyst",
        url="https://x.test/42",
        locations=("Berlin", "Remote"),
        remote=Remote.HYBRID,
        department="Data",
        employment_type="Full-time",
        posted_at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        updated_at=datetime(2026, 11, 2, 23, 59, 59, tzinfo=UTC),
    )
    at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    try:
        with store.sessions.begin() as session:
            source = boardstate.lock(session, ["Acme"], [REF])[REF]
            diff = diff_source(REF, {}, [posting], Policy(), baseline=True)
            snapshot.write_diff(session, source.id, {}, diff, at)
            source_id = source.id
        with store.sessions() as session:
            known = snapshot.load_known(session, [source_id])[source_id]
            row = session.scalars(select(PostingRow)).one()
        # Equal, so the next poll of the same board writes nothing for it.
        assert known["42"].posting == posting
        assert row.to_posting() == posting
        assert (row.first_seen, row.last_seen, row.closed_at) == (at, at, None)
    finally:
        store.dispose()


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(2026, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_sqlite_time_is_what_sqlalchemy_would_store(value: datetime) -> None:
    dialect = sqlite.dialect()
    process = sqlite.DATETIME().bind_processor(dialect)
    assert process is not None
    expected = process(value.astimezone(UTC).replace(tzinfo=None))
    assert sqlite_time(value) == expected


def test_board_state_written_reads_back_equal(database: str) -> None:
    """SQLite reads and writes board rows straight through the driver: what the
    poller writes must read back the same there, through the ORM, and on
    PostgreSQL through Core."""
    engine = make_engine(database)
    migrate.upgrade(engine)
    store = Store(engine)
    polled = datetime(2026, 11, 25, 12, 0, 1, 654321, tzinfo=UTC)
    try:
        with store.sessions.begin() as session:
            state = boardstate.lock(session, ["Acme"], [REF])[REF]
            assert state.new and state.last_poll_at is None and state.baseline_done is False
            state.etag, state.last_modified = 'W/"v2"', "Wed, 25 Nov 2026 12:00:00 GMT"
            state.body_hash, state.pages, state.baseline_done = "ab" * 32, 3, True
            state.attempts, state.last_poll_at = 7, polled
            state.last_success_at = polled - timedelta(days=400)
            state.last_result, state.last_error = "failed", "timed out — 30 s"
            state.consecutive_failures, state.failing_alerted = 2, True
            state.collapse_streak, state.open_count, state.missing = 1, 120, 4
            state.page_validators = '[["W/\\"p0\\"", null]]'
            boardstate.write(session, [state])
        state.new = False
        with engine.connect() as connection:
            assert boardstate.read_companies(connection, ["Acme"]) == {REF: state}
            assert boardstate.read_all(connection) == {REF: state}
            if engine.dialect.name == "sqlite":  # the very text SQLAlchemy stores
                stored = connection.exec_driver_sql("SELECT last_poll_at FROM sources")
                assert stored.scalar() == sqlite_time(polled)
        with store.sessions.begin() as session:
            assert boardstate.lock(session, ["Acme"], [REF]) == {REF: state}
            row = session.scalars(select(SourceRow)).one()
        assert (row.last_poll_at, row.last_success_at) == (polled, state.last_success_at)
        assert (row.baseline_done, row.failing_alerted) == (True, True)
        assert row.page_validators == state.page_validators
    finally:
        store.dispose()


def test_new_board_rows_read_back_as_fresh_everywhere(database: str) -> None:
    """A first poll creates its board rows through the driver on SQLite: through
    the ORM they must be the rows the model describes, with nothing set yet."""
    engine = make_engine(database)
    migrate.upgrade(engine)
    store = Store(engine)
    refs = [SourceRef("Acme", "greenhouse", "acme"), SourceRef("Acme", "lever", "acme")]
    try:
        with store.sessions.begin() as session:
            created = boardstate.lock(session, ["Acme"], refs)
        assert set(created) == set(refs) and all(s.new for s in created.values())
        with store.sessions.begin() as session:
            again = boardstate.lock(session, ["Acme"], refs)
            rows = session.scalars(select(SourceRow).order_by(SourceRow.id)).all()
        assert {ref: state.id for ref, state in again.items()} == {
            ref: state.id for ref, state in created.items()
        }
        assert not any(state.new for state in again.values())
        assert [(r.company, r.kind, r.board) for r in rows] == [
            (r.company, r.kind, r.board) for r in refs
        ]
        for row in rows:
            assert (row.pages, row.attempts, row.open_count, row.missing) == (0, 0, 0, 0)
            assert (row.baseline_done, row.failing_alerted) == (False, False)
            assert (row.consecutive_failures, row.collapse_streak) == (0, 0)
            assert row.etag is row.last_poll_at is row.last_result is row.page_validators is None
    finally:
        store.dispose()
