"""Queuing alerts in bulk: one outbox row per alert, one delivery per channel, and
never a second row for an alert already queued (a poll written twice)."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import rows
from secondchance.core import drafts, limits
from secondchance.core.models import Change, ChangeKind, Posting, SourceRef
from secondchance.storage import boards, outbox
from secondchance.storage.database import open_store
from secondchance.storage.schema import alerts, deliveries

REF = SourceRef("Acme", "greenhouse", "acme")
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_queue_writes_each_alert_once_for_every_channel(database: str) -> None:
    store = open_store(database)
    try:
        states, _ = store.write_now(boards.lock, ["Acme"], [REF])
        board = states[REF]
        board.attempts = 3
        new = Change(ChangeKind.NEW, REF, Posting("7", "Data Analyst", locations=("Berlin",)))
        changed = Change(
            ChangeKind.CHANGED,
            REF,
            Posting("8", "Senior Engineer"),
            previous=Posting("8", "Engineer"),
            extra={"context": "Turned down in May"},
        )
        queued_drafts = [drafts.of_change(board, c, ["a", "b"]) for c in (new, changed, new)]
        queued = store.write_now(outbox.queue, queued_drafts, AT)
        assert [(a.kind, a.posting_id) for a in queued] == [("new", "7"), ("changed", "8")]
        assert queued[0].location == "Berlin" and queued[0].created_at == AT
        assert queued[1].previous_title == "Engineer"
        assert queued[1].extra == {"context": "Turned down in May"}
        # The same poll written again queues nothing more.
        assert store.write_now(outbox.queue, queued_drafts[:1], AT) == []
        assert [
            outbox.alert_of([r[c.name] for c in outbox.ALERT_COLUMNS]) for r in rows(store, alerts)
        ] == queued
        assert sorted(
            (d["alert_id"], d["channel"], d["status"]) for d in rows(store, deliveries)
        ) == sorted((a.id, channel, "pending") for a in queued for channel in ("a", "b"))
    finally:
        store.dispose()


def test_an_alert_whose_key_is_too_long_is_stored_under_one_bounded_key(database: str) -> None:
    """A career page's posting ids are its links: the key made of one may be longer
    than alerts.key holds (PostgreSQL enforces it). Stored under a bounded key, the
    same alert queued again is still recognised, and another kind is not confused
    with it."""
    store = open_store(database)
    try:
        states, _ = store.write_now(boards.lock, ["Acme"], [REF])
        long_id = "https://jobs.test/" + "r" * 400
        posting = Posting(long_id, "Data Analyst")
        new = drafts.of_change(states[REF], Change(ChangeKind.NEW, REF, posting), ["a"])
        closed = drafts.of_change(states[REF], Change(ChangeKind.CLOSED, REF, posting), ["a"])
        assert len(new.key) <= limits.ALERT_KEY and new.key != closed.key
        assert len(store.write_now(outbox.queue, [new], AT)) == 1
        assert store.write_now(outbox.queue, [new], AT) == []
        assert len(store.write_now(outbox.queue, [closed], AT)) == 1
        assert [r["posting_id"] for r in rows(store, alerts)] == [long_id, long_id]
    finally:
        store.dispose()


def test_the_retry_back_off_never_overflows() -> None:
    from secondchance.storage.outbox import _backoff

    assert _backoff(0, 15, 900) == 15
    assert _backoff(3, 15, 900) == 120
    # A channel down for weeks: a thousand attempts and more.
    assert _backoff(1024, 15, 900) == 900
    assert _backoff(10**6, 15, 900) == 900
