"""What the reports read: boards with their pending alerts, the snapshot, the alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import msgspec
from sqlalchemy import Connection, func, select

from secondchance.core.board import BoardState
from secondchance.core.models import Alert, Posting, SourceRef
from secondchance.storage import boards
from secondchance.storage.outbox import ALERT_COLUMNS, alert_of
from secondchance.storage.schema import alerts, deliveries, postings, sources
from secondchance.storage.snapshot import POSTING_COLUMNS, posting_of

_A, _D, _P, _S = alerts.c, deliveries.c, postings.c, sources.c


def status(connection: Connection) -> list[tuple[BoardState, int]]:
    """Every board's state with the number of its alerts still to deliver, by
    company and board."""
    counts = connection.execute(
        select(_A.source_id, func.count(_D.id))
        .join(deliveries, _D.alert_id == _A.id)
        .where(_D.status == "pending")
        .group_by(_A.source_id)
    )
    pending: dict[int | None, int] = dict(counts.all())
    states = sorted(
        boards.read_all(connection).values(), key=lambda s: (s.company, s.kind, s.board)
    )
    return [(state, pending.get(state.id, 0)) for state in states]


class StoredPosting(msgspec.Struct, frozen=True, gc=False):
    """A posting as the snapshot knows it, for ``jobs`` and ``history``.

    Not tracked by the garbage collector (it is in no reference cycle): the
    dashboard keeps 100,000 of them for its jobs list, and every full collection,
    the daemon's polls' included, would walk them all."""

    company: str
    source: SourceRef
    posting: Posting
    status: str
    first_seen: datetime
    last_seen: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class AlertRecord:
    alert: Alert
    sent: int
    pending: int
    # Deliveries a mark of the user's holds back (storage/marks.py).
    held: int = 0


def stored_postings(
    connection: Connection, company: str | None = None, *, open_only: bool = False
) -> list[StoredPosting]:
    query = select(
        _S.company,
        _S.kind,
        _S.board,
        *POSTING_COLUMNS,
        _P.status,
        _P.first_seen,
        _P.last_seen,
        _P.closed_at,
    ).join(sources, _S.id == _P.source_id)
    if company is not None:
        # The company's boards first, then their postings by uq_postings_id: a join
        # filtered on lower(company) alone has SQLite scan every posting.
        boards_of = select(_S.id).where(func.lower(_S.company) == company.casefold())
        query = query.where(_P.source_id.in_(boards_of))
    if open_only:
        query = query.where(_P.status == "open")
    query = query.order_by(_S.company, _P.first_seen, _P.id)
    found = []
    for row in connection.execute(query):
        name, kind, board = row[:3]
        status, first_seen, last_seen, closed_at = row[-4:]
        found.append(
            StoredPosting(
                company=name,
                source=SourceRef(name, kind, board),
                posting=posting_of(row[3:-4]),
                status=status,
                first_seen=first_seen,
                last_seen=last_seen,
                closed_at=closed_at,
            )
        )
    return found


def alert_records(connection: Connection, company: str) -> list[AlertRecord]:
    """A company's alerts, oldest first, with how many of their deliveries went out
    and how many wait."""
    # Its alerts' ids first (ix_alerts_company), then their rows and deliveries by
    # index: a join filtered on lower(company) alone scans every delivery.
    ids = select(_A.id).where(func.lower(_A.company) == company.casefold())
    counts = connection.execute(
        select(_D.alert_id, _D.status, func.count(_D.id))
        .where(_D.alert_id.in_(ids))
        .group_by(_D.alert_id, _D.status)
    )
    tally: dict[tuple[int, str], int] = {(a, s): n for a, s, n in counts}
    rows = connection.execute(
        select(*ALERT_COLUMNS).where(_A.id.in_(ids)).order_by(_A.created_at, _A.id)
    )
    records = []
    for row in rows:
        alert = alert_of(row)
        records.append(
            AlertRecord(
                alert,
                tally.get((alert.id, "sent"), 0),
                tally.get((alert.id, "pending"), 0),
                tally.get((alert.id, "held"), 0),
            )
        )
    return records
