"""The database's tables, declared once, in SQLAlchemy Core (no ORM).

Every read and write of the package goes through these Table objects; the Alembic
migrations build exactly these tables (tests/storage/test_migrate.py compares the two). Bounded
columns take their lengths from core.limits, which the steps before storage keep to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from secondchance.core import limits


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


@lru_cache(maxsize=256)
def sqlite_time(value: datetime | None) -> str | None:
    """A UTCDateTime value as SQLite stores it: SQLAlchemy's own DATETIME text form
    (its storage_format), so rows written either way read back the same. Cached: a
    poll stores one moment on every row it writes."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # %-formatting the fields is twice as fast as replace() + isoformat().
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (  # noqa: UP031
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def from_sqlite_time(value: str | None) -> datetime | None:
    """The aware UTC datetime of a stored ``sqlite_time`` text, parsed by
    fromisoformat (C) rather than SQLAlchemy's regular expression."""
    # Appending the offset lets fromisoformat build the aware value itself: five
    # times cheaper than .replace(tzinfo=UTC), for two values of every row read.
    return None if value is None else datetime.fromisoformat(value + "+00:00")


metadata = MetaData()

# One row per board of a company: its poll state (validators, health, counters).
sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company", String(limits.COMPANY), nullable=False),
    Column("kind", String(limits.SOURCE_KIND), nullable=False),
    Column("board", String(limits.BOARD), nullable=False),
    Column("etag", String(limits.ETAG)),
    Column("last_modified", String(limits.LAST_MODIFIED)),
    Column("body_hash", String(64)),
    Column("pages", Integer, nullable=False, default=0),
    Column("baseline_done", Boolean, nullable=False, default=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_poll_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_result", String(20)),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("failing_alerted", Boolean, nullable=False, default=False),
    Column("collapse_streak", Integer, nullable=False, default=0),
    Column("open_count", Integer, nullable=False, default=0),
    # Open postings missing from the last poll(s), not yet confirmed closed: while it
    # is 0, an unchanged body (304, same hash) cannot change anything.
    Column("missing", Integer, nullable=False, default=0, server_default="0"),
    # A paged board's page requests and their validators (JSON), so the next poll can
    # ask for every page conditionally (fetch/board.py).
    Column("page_validators", Text),
    # Whether the board's HTML page ended with </html> when last read: one that did
    # and no longer does was cut short, and fails its poll (core/decide.py).
    Column("ended_html", Boolean),
    # The version of its kind's reading (Source.reader) the snapshot's text was read
    # with: the first poll read another way refreshes the text without alerts.
    Column("reader", Integer, nullable=False, default=1, server_default="1"),
    UniqueConstraint("company", "kind", "board", name="uq_sources_board"),
)

# The snapshot: every posting a board has listed, open or closed.
postings = Table(
    "postings",
    metadata,
    Column("id", Integer, primary_key=True),
    # No index of its own: uq_postings_id (source_id, posting_id) serves lookups by source.
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("posting_id", String(limits.POSTING_ID), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("locations", Text, nullable=False, default="[]"),  # a JSON array
    Column("remote", String(10), nullable=False, default="unknown"),
    Column("department", Text),
    Column("employment_type", Text),
    Column("posted_at", UTCDateTime),
    Column("updated_at", UTCDateTime),
    Column("status", String(10), nullable=False, default="open"),
    Column("misses", Integer, nullable=False, default=0),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    # Consecutive polls that listed it with a field emptied (a location, a department):
    # the stored values stay until the next poll confirms it (core/diff.py).
    Column("emptied", Integer, nullable=False, default=0, server_default="0"),
    # Its pay as the board publishes it (core/pay.py): amounts in hundredths of the
    # currency's unit, BIGINT because a year's pay in hundredths passes 2**31.
    Column("pay_currency", String(3)),
    Column("pay_min", BigInteger),
    Column("pay_max", BigInteger),
    Column("pay_period", String(5)),
    UniqueConstraint("source_id", "posting_id", name="uq_postings_id"),
)

# The outbox: every alert ever queued, unique by its key ...
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(limits.ALERT_KEY), nullable=False, unique=True),
    Column("company", String(limits.COMPANY), nullable=False, index=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("source_kind", String(limits.SOURCE_KIND), nullable=False),
    Column("source_board", String(limits.BOARD), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("posting_id", String(limits.POSTING_ID)),
    Column("title", Text),
    Column("location", Text),
    Column("url", Text),
    Column("previous_title", Text),
    Column("detail", Text),
    # A JSON object of second-chance context (core.models.Alert.extra).
    Column("extra", Text),
    Column("created_at", UTCDateTime, nullable=False),
)

# ... and its delivery to each channel.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "alert_id",
        Integer,
        ForeignKey("alerts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("channel", String(limits.CHANNEL), nullable=False),
    Column("status", String(10), nullable=False, default="pending", index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("last_error", Text),
    Column("sent_at", UTCDateTime),
    # Set while one process is sending it, so another process skips it.
    Column("claimed_until", UTCDateTime),
    # The mark (marks.id) that holds it back (status "held"): kept, never deleted, and
    # pending again if the mark is undone.
    Column("held_by", Integer),
    UniqueConstraint("alert_id", "channel", name="uq_deliveries_channel"),
)

# What the user said of a posting on the dashboard: "applied" (no more alerts about it
# but its closing) or "dismissed" (no more alerts about it); or of a company: "snoozed"
# (its alerts wait until ``until``; the posting columns are empty). Undone marks stay, with
# when they were undone: the timeline shows both.
marks = Table(
    "marks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company", String(limits.COMPANY), nullable=False, index=True),
    Column("source_kind", String(limits.SOURCE_KIND), nullable=False),
    Column("source_board", String(limits.BOARD), nullable=False),
    Column("posting_id", String(limits.POSTING_ID), nullable=False),
    Column("title", Text),
    Column("mark", String(10), nullable=False),
    # A snooze's end: the company's alerts wait until then (delivery/notify.py).
    Column("until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("undone_at", UTCDateTime),
)

# Small facts about the running daemon (its heartbeat).
meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
