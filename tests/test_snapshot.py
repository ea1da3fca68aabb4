"""The snapshot's bulk writes: what is written reads back identically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from secondchance import boardstate, migrate, snapshot
from secondchance.diff import Policy, diff_source
from secondchance.models import Posting, Remote, SourceRef
from secondchance.store import PostingRow, Store, make_engine, sqlite_time

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
