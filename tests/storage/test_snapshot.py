"""What storage writes reads back identically, on every backend and both SQLite paths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest
from sqlalchemy.dialects import sqlite

from conftest import rows
from secondchance.core.diff import Policy, diff_source
from secondchance.core.models import Posting, Remote, SourceRef
from secondchance.core.pay import Pay, Period
from secondchance.storage import boards, snapshot
from secondchance.storage.database import Store
from secondchance.storage.schema import postings, sources, sqlite_time

REF = SourceRef("Acme", "greenhouse", "acme")
POSTING = Posting(
    id="42",
    title="Data Analyst — “Ünïcode”",
    url="https://x.test/42",
    locations=("Berlin", "Remote"),
    remote=Remote.HYBRID,
    department="Data",
    employment_type="Full-time",
    posted_at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
    updated_at=datetime(2026, 11, 2, 23, 59, 59, tzinfo=UTC),
    # Past 2**31 hundredths: the columns are BIGINT on every backend.
    pay=Pay("JPY", 12_000_000_00, 30_000_000_00, Period.YEAR),
)
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_written_postings_read_back_equal(fresh_store: Store) -> None:
    states, created = fresh_store.write_now(boards.lock, ["Acme"], [REF])
    source_id = states[REF].id
    assert created == {source_id}
    diff = diff_source(REF, {}, [POSTING], Policy(), baseline=True)
    fresh_store.write_now(snapshot.write_diff, source_id, {}, diff, AT)
    known = fresh_store.read_now(snapshot.load_known, [source_id])[source_id]
    # Equal, so the next poll of the same board writes nothing for it.
    assert known["42"].posting == POSTING
    (row,) = rows(fresh_store, postings)
    assert snapshot.posting_of([row[c.name] for c in snapshot.POSTING_COLUMNS]) == POSTING
    assert (row["first_seen"], row["last_seen"], row["closed_at"]) == (AT, AT, None)


def test_refreshed_missed_and_closed_postings_read_back_equal(fresh_store: Store) -> None:
    states, _ = fresh_store.write_now(boards.lock, ["Acme"], [REF])
    source_id = states[REF].id
    other = Posting("43", "Engineer")
    first = diff_source(REF, {}, [POSTING, other], Policy(), baseline=True)
    fresh_store.write_now(snapshot.write_diff, source_id, {}, first, AT)
    known = fresh_store.read_now(snapshot.load_known, [source_id])[source_id]
    retitled = msgspec.structs.replace(
        POSTING, title="Senior Data Analyst", locations=("Remote",), pay=Pay(None, None, 7, None)
    )
    later = AT + timedelta(hours=1)
    second = diff_source(REF, known, [retitled], Policy(close_after=2), baseline=False)
    fresh_store.write_now(snapshot.write_diff, source_id, known, second, later)
    known = fresh_store.read_now(snapshot.load_known, [source_id])[source_id]
    assert known["42"].posting == retitled and known["43"].misses == 1
    third = diff_source(REF, known, [retitled], Policy(close_after=2), baseline=False)
    fresh_store.write_now(snapshot.write_diff, source_id, known, third, later)
    closed = fresh_store.read_now(snapshot.load_known, [source_id], closed_only=True)[source_id]
    assert list(closed) == ["43"] and closed["43"].posting == other
    by_id = {row["posting_id"]: row for row in rows(fresh_store, postings)}
    assert (by_id["42"]["last_seen"], by_id["42"]["first_seen"]) == (later, AT)
    assert (by_id["43"]["status"], by_id["43"]["closed_at"]) == ("closed", later)


def test_an_emptied_field_is_held_across_a_restart_until_the_next_poll_confirms_it(
    fresh_store: Store,
) -> None:
    states, _ = fresh_store.write_now(boards.lock, ["Acme"], [REF])
    source_id = states[REF].id
    first = diff_source(REF, {}, [POSTING], Policy(), baseline=True)
    fresh_store.write_now(snapshot.write_diff, source_id, {}, first, AT)
    emptied = msgspec.structs.replace(POSTING, locations=(), department=None)

    def poll() -> list[str]:
        # Each poll reads what the last one stored, as a restarted daemon would.
        known = fresh_store.read_now(snapshot.load_known, [source_id])[source_id]
        diff = diff_source(REF, known, [emptied], Policy(), baseline=False)
        fresh_store.write_now(snapshot.write_diff, source_id, known, diff, AT)
        return [change.kind.value for change in diff.changes]

    assert poll() == []  # held: the row keeps the fields, and counts the poll
    known = fresh_store.read_now(snapshot.load_known, [source_id])[source_id]
    assert (known["42"].posting, known["42"].emptied) == (POSTING, 1)
    assert poll() == ["changed"]  # confirmed: stored as listed, and alerted once
    known = fresh_store.read_now(snapshot.load_known, [source_id])[source_id]
    assert (known["42"].posting, known["42"].emptied) == (emptied, 0)
    assert poll() == []


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


def test_board_state_written_reads_back_equal(fresh_store: Store) -> None:
    polled = datetime(2026, 11, 25, 12, 0, 1, 654321, tzinfo=UTC)
    states, _ = fresh_store.write_now(boards.lock, ["Acme"], [REF])
    state = states[REF]
    assert state.last_poll_at is None and state.baseline_done is False
    state.etag, state.last_modified = 'W/"v2"', "Wed, 25 Nov 2026 12:00:00 GMT"
    state.body_hash, state.pages, state.baseline_done = "ab" * 32, 3, True
    state.attempts, state.last_poll_at = 7, polled
    state.last_success_at = polled - timedelta(days=400)
    state.last_result, state.last_error = "failed", "timed out — 30 s"
    state.consecutive_failures, state.failing_alerted = 2, True
    state.collapse_streak, state.open_count, state.missing = 1, 120, 4
    state.page_validators = '[["W/\\"p0\\"", null]]'
    fresh_store.write_now(boards.write, [state])
    assert fresh_store.read_now(boards.read_companies, ["Acme"]) == {REF: state}
    assert fresh_store.read_now(boards.read_all) == {REF: state}
    assert fresh_store.write_now(boards.lock, ["Acme"], [REF]) == ({REF: state}, set())
    (row,) = rows(fresh_store, sources)
    assert (row["last_poll_at"], row["last_success_at"]) == (polled, state.last_success_at)
    assert (row["baseline_done"], row["failing_alerted"]) == (True, True)
    if fresh_store.sqlite:  # the very text SQLAlchemy stores
        with fresh_store.engine.connect() as connection:
            stored = connection.exec_driver_sql("SELECT last_poll_at FROM sources").scalar()
        assert stored == sqlite_time(polled)


def test_new_board_rows_read_back_as_fresh(fresh_store: Store) -> None:
    refs = [SourceRef("Acme", "greenhouse", "acme"), SourceRef("Acme", "lever", "acme")]
    created, new = fresh_store.write_now(boards.lock, ["Acme"], refs)
    assert set(created) == set(refs) and new == {s.id for s in created.values()}
    again, new = fresh_store.write_now(boards.lock, ["Acme"], refs)
    assert again == created and new == set()
    stored = rows(fresh_store, sources)
    assert [(r["company"], r["kind"], r["board"]) for r in stored] == [
        (r.company, r.kind, r.board) for r in refs
    ]
    for row in stored:
        assert (row["pages"], row["attempts"], row["open_count"], row["missing"]) == (0, 0, 0, 0)
        assert (row["baseline_done"], row["failing_alerted"]) == (False, False)
        assert (row["consecutive_failures"], row["collapse_streak"]) == (0, 0)
        assert row["etag"] is row["last_poll_at"] is row["last_result"] is None
