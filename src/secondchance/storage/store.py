"""The database: snapshot, source health and the alert outbox.

SQLAlchemy 2 typed ORM over a sync engine; callers run these short
transactions in a worker thread. The snapshot and the alerts a poll produced
are written in ONE transaction, so a crash can lose neither half alone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    Select,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql.elements import BindParameter

from secondchance.core.models import Alert, Change, Posting, Remote, SourceRef

_R = TypeVar("_R")


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


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("company", "kind", "board", name="uq_sources_board"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    board: Mapped[str] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    baseline_done: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    collapse_streak: Mapped[int] = mapped_column(Integer, default=0)
    open_count: Mapped[int] = mapped_column(Integer, default=0)
    # Open postings missing from the last poll(s), not yet confirmed closed: while
    # it is 0, an unchanged body (304, same hash) cannot change anything.
    missing: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A paged board's page requests and their validators (JSON), so the next poll
    # can ask for every page conditionally (see poller.replay_plan).
    page_validators: Mapped[str | None] = mapped_column(Text)

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.company, self.kind, self.board)


class PostingRow(Base):
    __tablename__ = "postings"
    __table_args__ = (UniqueConstraint("source_id", "posting_id", name="uq_postings_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: uq_postings_id (source_id, posting_id) serves lookups by source.
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    posting_id: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    locations: Mapped[str] = mapped_column(Text, default="[]")
    remote: Mapped[str] = mapped_column(String(10), default="unknown")
    department: Mapped[str | None] = mapped_column(Text)
    employment_type: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    misses: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def to_posting(self) -> Posting:
        return Posting(
            id=self.posting_id,
            title=self.title,
            url=self.url,
            locations=tuple(json.loads(self.locations or "[]")),
            remote=Remote(self.remote),
            department=self.department,
            employment_type=self.employment_type,
            posted_at=self.posted_at,
            updated_at=self.updated_at,
        )


class AlertRow(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    company: Mapped[str] = mapped_column(String(200), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    source_kind: Mapped[str] = mapped_column(String(40))
    source_board: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(30))
    posting_id: Mapped[str | None] = mapped_column(String(1000))
    title: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    previous_title: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    # JSON object of second-chance context (see models.Alert.extra).
    extra: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_alert(self) -> Alert:
        return Alert(
            id=self.id,
            company=self.company,
            kind=self.kind,
            source_kind=self.source_kind,
            source_board=self.source_board,
            posting_id=self.posting_id,
            title=self.title,
            location=self.location,
            url=self.url,
            previous_title=self.previous_title,
            detail=self.detail,
            extra=json.loads(self.extra) if self.extra else {},
            created_at=self.created_at,
        )


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "channel", name="uq_deliveries_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while one process is sending it, so another process skips it.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MetaRow(Base):
    """Small facts about the running daemon (the heartbeat)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BoardLike(Protocol):
    """What queuing an alert needs of a board's row (an ORM row or a BoardState)."""

    id: int
    company: str
    kind: str
    board: str
    attempts: int


def _table(mapped: type[Base]) -> Table:
    return cast(Table, mapped.__table__)


_IDS = select(_table(AlertRow).c.id, _table(AlertRow).c.key).where(
    _table(AlertRow).c.key.in_(bindparam("keys", expanding=True))
)


def _ids_of(connection: Connection, keys: Sequence[str], sqlite: bool) -> list[tuple[int, str]]:
    """(id, key) of the alerts with these keys, in bounded IN lists. On SQLite
    through the driver: SQLAlchemy renders an expanding IN anew on every call,
    which cost more than the query (two per company with changes)."""
    found: list[tuple[int, str]] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        if sqlite:
            marks = ", ".join("?" for _ in chunk)
            sql = f"SELECT id, key FROM alerts WHERE key IN ({marks})"
            found += connection.exec_driver_sql(sql, tuple(chunk)).fetchall()
        else:
            found += [(id_, key) for id_, key in connection.execute(_IDS, {"keys": chunk})]
    return found


# Every column but the id, in the table's order.
_ALERT_INSERT = tuple(c.name for c in _table(AlertRow).columns if c.name != "id")
_SQLITE_ALERT = (
    f"INSERT INTO alerts ({', '.join(_ALERT_INSERT)}) "
    f"VALUES ({', '.join('?' for _ in _ALERT_INSERT)})"
)
_SQLITE_DELIVERY = (
    "INSERT INTO deliveries (alert_id, channel, status, attempts, next_attempt_at) "
    "VALUES (?, ?, 'pending', 0, ?)"
)
# What an Alert is built from, in its fields' order.
_ALERT_COLUMNS = tuple(f.name for f in dataclasses.fields(Alert))


def _alert(row: Sequence[Any]) -> Alert:
    """An Alert from a row of _ALERT_COLUMNS."""
    values = dict(zip(_ALERT_COLUMNS, row, strict=True))
    values["extra"] = json.loads(values["extra"]) if values["extra"] else {}
    return Alert(**values)


def _due(*, ignore_backoff: bool) -> Select[Any]:
    alerts, deliveries = _table(AlertRow), _table(DeliveryRow)
    at: BindParameter[datetime] = bindparam("at")
    query = (
        select(
            deliveries.c.id,
            deliveries.c.channel,
            *(alerts.c[name] for name in _ALERT_COLUMNS),
        )
        .join(alerts, alerts.c.id == deliveries.c.alert_id)
        .where(
            deliveries.c.status == "pending",
            deliveries.c.channel.in_(bindparam("channels", expanding=True)),
            deliveries.c.claimed_until.is_(None) | (deliveries.c.claimed_until < at),
        )
        .order_by(alerts.c.id)
        .limit(bindparam("limit"))
    )
    if not ignore_backoff:
        query = query.where(
            deliveries.c.next_attempt_at.is_(None) | (deliveries.c.next_attempt_at <= at)
        )
    return query


_DUE, _DUE_ANYTIME = _due(ignore_backoff=False), _due(ignore_backoff=True)
_D = _table(DeliveryRow)
_CLAIMABLE = (
    select(_D.c.id)
    .where(
        _D.c.id.in_(bindparam("ids", expanding=True)),
        _D.c.status == "pending",
        _D.c.claimed_until.is_(None) | (_D.c.claimed_until < bindparam("at")),
    )
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(_D)
    .where(_D.c.id.in_(bindparam("ids", expanding=True)))
    .values(claimed_until=bindparam("until"))
)
_RELEASE = (
    update(_D)
    .where(_D.c.id.in_(bindparam("ids", expanding=True)), _D.c.status == "pending")
    .values(claimed_until=None)
)
_SENT = (
    update(_D)
    .where(_D.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status="sent",
        sent_at=bindparam("at"),
        attempts=_D.c.attempts + 1,
        last_error=None,
        claimed_until=None,
    )
)


def sqlite_time(value: datetime | None) -> str | None:
    # SQLAlchemy's own SQLite DATETIME text form of the UTCDateTime column value
    # (its storage_format; tests read the rows back through the ORM).
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


def now() -> datetime:
    return datetime.now(UTC)


# The outbox's dedupe key column (alerts.key) holds this many characters.
ALERT_KEY_MAX = 300


def alert_key(key: str) -> str:
    """``key`` as stored: unchanged when it fits, otherwise its start and a hash.
    A careers page whose posting ids are long links, or a long role name in a
    cool-down's key, must not fail the write on a database that enforces the
    column's length (PostgreSQL), and the same long key must map to the same
    stored one every time, so dedupe still holds."""
    if len(key) <= ALERT_KEY_MAX:
        return key
    return f"{key[:200]}|sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def channel_id(url: str) -> str:
    """A stable, secret-free name for a notification URL."""
    return "url:" + hashlib.sha256(url.encode()).hexdigest()[:16]


CONSOLE = "console"


# --- engine --------------------------------------------------------------------------


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )
        event.listen(engine, "connect", _sqlite_connect)
        # BEGIN IMMEDIATE: a poll's read-diff-write is one serialised unit, so
        # two processes on one file can never both turn the same posting "new".
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ):
        cursor.execute(pragma)
    cursor.close()


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # One thread for all database work of this process: threads taking turns
        # on SQLite's write lock would spend the poll in its busy-wait sleeps.
        self._executor: ThreadPoolExecutor | None = None

    async def call(self, function: Callable[..., _R], *args: Any, **kwargs: Any) -> _R:
        """Run a blocking database function on the store's own thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="secondchance-db")
        loop = asyncio.get_running_loop()
        call = functools.partial(function, *args, **kwargs)
        return await loop.run_in_executor(self._executor, call)

    def dispose(self) -> None:
        if self._executor is not None:
            # Lets a write in progress (an abandoned poll's) finish: never half-written.
            self._executor.shutdown(wait=True)
            self._executor = None
        self.engine.dispose()

    # -- the outbox -----------------------------------------------------------------

    @staticmethod
    def queue_many(
        session: Session,
        events: Sequence[tuple[BoardLike, Change]],
        channels: Sequence[str],
        at: datetime,
    ) -> list[Alert]:
        """Write these changes to the outbox, one pending delivery per channel,
        in a few statements. A change whose key is already there (the same poll
        written twice) is skipped, so nothing is ever sent twice."""
        rows: dict[str, dict[str, Any]] = {}
        for source, change in events:
            posting = change.posting
            key = alert_key(
                f"{source.id}|{posting.id if posting else ''}|{change.kind.value}|{source.attempts}"
            )
            if key in rows:
                continue
            rows[key] = {
                "key": key,
                "company": source.company,
                "source_id": source.id,
                "source_kind": source.kind,
                "source_board": source.board,
                "kind": change.kind.value,
                "posting_id": posting.id if posting else None,
                "title": posting.title if posting else None,
                "location": posting.location if posting else None,
                "url": posting.url if posting else None,
                "previous_title": change.previous.title if change.previous else None,
                "detail": change.detail or None,
                "extra": json.dumps(dict(change.extra), ensure_ascii=False)
                if change.extra
                else None,
                "created_at": at,
            }
        return Store._insert_alerts(session, list(rows.values()), channels, at)

    @staticmethod
    def _insert_alerts(
        session: Session, rows: list[dict[str, Any]], channels: Sequence[str], at: datetime
    ) -> list[Alert]:
        if not rows:
            return []
        connection = session.connection()
        sqlite = connection.dialect.name == "sqlite"
        existing = {key for _, key in _ids_of(connection, [row["key"] for row in rows], sqlite)}
        rows = [row for row in rows if row["key"] not in existing]
        if not rows:
            return []
        # Core tables, not the mapped classes: the ORM's bulk path costs more per
        # row than the insert itself; on SQLite, tuples straight to the driver
        # (SQLAlchemy's per-value type processing cost as much as the insert). One
        # executemany, then the ids read back by key: no RETURNING, which SQLite
        # before 3.35 lacks.
        if sqlite:
            created = sqlite_time(at)
            connection.exec_driver_sql(
                _SQLITE_ALERT,
                [tuple({**row, "created_at": created}[c] for c in _ALERT_INSERT) for row in rows],
            )
        else:
            connection.execute(insert(_table(AlertRow)), rows)
        ids = {key: id_ for id_, key in _ids_of(connection, [row["key"] for row in rows], sqlite)}
        if channels and sqlite:
            due = sqlite_time(at)
            connection.exec_driver_sql(
                _SQLITE_DELIVERY,
                [(ids[row["key"]], channel, due) for row in rows for channel in channels],
            )
        elif channels:
            connection.execute(
                insert(_table(DeliveryRow)),
                [
                    {
                        "alert_id": ids[row["key"]],
                        "channel": channel,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": at,
                    }
                    for row in rows
                    for channel in channels
                ],
            )
        return [
            Alert(
                id=ids[row["key"]],
                company=row["company"],
                kind=row["kind"],
                source_kind=row["source_kind"],
                source_board=row["source_board"],
                posting_id=row["posting_id"],
                title=row["title"],
                location=row["location"],
                url=row["url"],
                previous_title=row["previous_title"],
                detail=row["detail"],
                extra=json.loads(row["extra"]) if row["extra"] else {},
                created_at=at,
            )
            for row in rows
        ]

    @staticmethod
    def queue_company_alert(
        session: Session,
        *,
        key: str,
        company: str,
        kind: str,
        title: str,
        detail: str,
        extra: Mapping[str, str],
        channels: Sequence[str],
        at: datetime,
    ) -> Alert | None:
        """An alert about the company rather than one board (cool-down over)."""
        row = {
            "key": alert_key(key),
            "company": company,
            "source_id": None,
            "source_kind": "company",
            "source_board": "",
            "kind": kind,
            "posting_id": None,
            "title": title,
            "location": None,
            "url": None,
            "previous_title": None,
            "detail": detail,
            "extra": json.dumps(dict(extra), ensure_ascii=False),
            "created_at": at,
        }
        queued = Store._insert_alerts(session, [row], channels, at)
        return queued[0] if queued else None

    def due_deliveries(
        self, channels: Sequence[str], *, ignore_backoff: bool = False, limit: int = 500
    ) -> list[tuple[int, str, Alert]]:
        """Pending deliveries for these channels, oldest alert first."""
        query = _DUE_ANYTIME if ignore_backoff else _DUE
        with self.engine.connect() as connection:
            rows = connection.execute(
                query, {"channels": list(channels), "at": now(), "limit": limit}
            )
            return [(row[0], row[1], _alert(row[2:])) for row in rows]

    def claim(self, delivery_ids: Sequence[int], lease: float = 300.0) -> set[int]:
        """Take these deliveries for sending; returns the ones this process got.

        Two daemons on one PostgreSQL database never send the same delivery:
        rows another transaction holds are skipped (FOR UPDATE SKIP LOCKED),
        and rows another process claimed are not pending-and-free any more.
        A process that dies mid-send frees its claims when the lease runs out.
        """
        if not delivery_ids:
            return set()
        at = now()
        ids = list(delivery_ids)
        mine: set[int] = set()
        # Core statements built once: a drain runs after every burst of polls, and
        # the ORM's per-call work cost more than the queries.
        with self.engine.begin() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                got = list(connection.execute(_CLAIMABLE, {"ids": chunk, "at": at}).scalars())
                if got:
                    connection.execute(_CLAIM, {"ids": got, "until": at + timedelta(seconds=lease)})
                mine.update(got)
        return mine

    def release(self, delivery_ids: Sequence[int]) -> None:
        """Give up the claims on these deliveries, still unsent (a drain stopped
        mid-send), so that the next drain takes them at once, not after the lease."""
        ids = list(delivery_ids)
        with self.engine.begin() as connection:
            for start in range(0, len(ids), 500):
                connection.execute(_RELEASE, {"ids": ids[start : start + 500]})

    def heartbeat(self, value: str = "alive") -> None:
        with self.sessions.begin() as session:
            row = session.get(MetaRow, "heartbeat")
            if row is None:
                session.add(MetaRow(key="heartbeat", value=value, updated_at=now()))
            else:
                row.value, row.updated_at = value, now()

    def last_heartbeat(self) -> datetime | None:
        with self.sessions() as session:
            row = session.get(MetaRow, "heartbeat")
            return row.updated_at if row is not None else None

    def check_writable(self) -> None:
        """Raise if the database cannot take a write (rolled back)."""
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.execute(
                    insert(MetaRow).values(key="health-probe", value="probe", updated_at=now())
                )
            finally:
                transaction.rollback()

    def mark_sent(self, delivery_ids: Sequence[int]) -> None:
        # One UPDATE per 500 ids: a burst of alerts is marked in a few statements,
        # not an ORM object each.
        ids = list(delivery_ids)
        at = now()
        with self.engine.begin() as connection:
            for start in range(0, len(ids), 500):
                connection.execute(_SENT, {"ids": ids[start : start + 500], "at": at})

    def mark_failed(
        self, delivery_ids: Sequence[int], error: str, retry_min: float, retry_max: float
    ) -> None:
        with self.sessions.begin() as session:
            for row in session.scalars(
                select(DeliveryRow).where(DeliveryRow.id.in_(list(delivery_ids)))
            ):
                row.attempts += 1
                delay = min(retry_max, retry_min * (2 ** (row.attempts - 1)))
                row.next_attempt_at = now() + timedelta(seconds=delay)
                row.last_error = error[:500]
                row.claimed_until = None

    # -- status ---------------------------------------------------------------------

    def status(self) -> list[tuple[SourceRow, int]]:
        """Every source with the number of its pending deliveries."""
        with self.sessions() as session:
            counts = session.execute(
                select(AlertRow.source_id, func.count(DeliveryRow.id))
                .join(DeliveryRow, DeliveryRow.alert_id == AlertRow.id)
                .where(DeliveryRow.status == "pending")
                .group_by(AlertRow.source_id)
            )
            pending: dict[int | None, int] = dict(counts.all())
            rows = session.scalars(
                select(SourceRow).order_by(SourceRow.company, SourceRow.kind, SourceRow.board)
            ).all()
            return [(row, pending.get(row.id, 0)) for row in rows]

    def pending_total(self) -> int:
        with self.sessions() as session:
            return (
                session.scalar(
                    select(func.count(DeliveryRow.id)).where(DeliveryRow.status == "pending")
                )
                or 0
            )


@dataclass(frozen=True, slots=True)
class StoredPosting:
    """A posting as the snapshot knows it, for ``jobs`` and ``history``."""

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


def stored_postings(
    store: Store, company: str | None = None, *, open_only: bool = False
) -> list[StoredPosting]:
    with store.sessions() as session:
        query = select(PostingRow, SourceRow).join(SourceRow, SourceRow.id == PostingRow.source_id)
        if company is not None:
            query = query.where(func.lower(SourceRow.company) == company.casefold())
        if open_only:
            query = query.where(PostingRow.status == "open")
        query = query.order_by(SourceRow.company, PostingRow.first_seen, PostingRow.id)
        return [
            StoredPosting(
                company=source.company,
                source=source.ref,
                posting=row.to_posting(),
                status=row.status,
                first_seen=row.first_seen,
                last_seen=row.last_seen,
                closed_at=row.closed_at,
            )
            for row, source in session.execute(query)
        ]


def alert_records(store: Store, company: str) -> list[AlertRecord]:
    with store.sessions() as session:
        counts = session.execute(
            select(DeliveryRow.alert_id, DeliveryRow.status, func.count(DeliveryRow.id))
            .join(AlertRow, AlertRow.id == DeliveryRow.alert_id)
            .where(func.lower(AlertRow.company) == company.casefold())
            .group_by(DeliveryRow.alert_id, DeliveryRow.status)
        )
        tally: dict[tuple[int, str], int] = {(a, s): n for a, s, n in counts}
        rows = session.scalars(
            select(AlertRow)
            .where(func.lower(AlertRow.company) == company.casefold())
            .order_by(AlertRow.created_at, AlertRow.id)
        ).all()
        return [
            AlertRecord(
                row.to_alert(), tally.get((row.id, "sent"), 0), tally.get((row.id, "pending"), 0)
            )
            for row in rows
        ]
