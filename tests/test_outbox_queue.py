"""Queuing alerts in bulk: one outbox row per change, one delivery per channel,
and never a second row for a change already queued (a poll written twice)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from secondchance.core.models import Change, ChangeKind, Posting, SourceRef
from secondchance.storage import boards as boardstate
from secondchance.storage import migrate
from secondchance.storage.store import AlertRow, DeliveryRow, Store, make_engine

REF = SourceRef("Acme", "greenhouse", "acme")
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_queue_many_writes_each_change_once_for_every_channel(database: str) -> None:
    engine = make_engine(database)
    migrate.upgrade(engine)
    store = Store(engine)
    try:
        with store.sessions.begin() as session:
            source = boardstate.lock(session, ["Acme"], [REF])[REF]
            source.attempts = 3
            new = Change(ChangeKind.NEW, REF, Posting("7", "Data Analyst", locations=("Berlin",)))
            changed = Change(
                ChangeKind.CHANGED,
                REF,
                Posting("8", "Senior Engineer"),
                previous=Posting("8", "Engineer"),
                extra={"context": "Turned down in May"},
            )
            queued = Store.queue_many(
                session, [(source, new), (source, changed), (source, new)], ["a", "b"], AT
            )
            assert [(a.kind, a.posting_id) for a in queued] == [("new", "7"), ("changed", "8")]
            assert queued[0].location == "Berlin" and queued[0].created_at == AT
            assert queued[1].previous_title == "Engineer"
            assert queued[1].extra == {"context": "Turned down in May"}
            # The same poll written again queues nothing more.
            assert Store.queue_many(session, [(source, new)], ["a", "b"], AT) == []
        with store.sessions() as session:
            rows = session.scalars(select(AlertRow).order_by(AlertRow.id)).all()
            assert [r.to_alert() for r in rows] == queued
            deliveries = session.execute(
                select(DeliveryRow.alert_id, DeliveryRow.channel, DeliveryRow.status)
            ).all()
            assert sorted(deliveries) == sorted(
                (a.id, channel, "pending") for a in queued for channel in ("a", "b")
            )
            assert session.scalar(select(func.count(AlertRow.id))) == 2
    finally:
        store.dispose()
