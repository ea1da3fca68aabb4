"""The daemon's heartbeat, and whether the database takes a write at all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from secondchance.storage.schema import meta

_KEY = "heartbeat"


def beat(connection: Connection, at: datetime, value: str = "alive") -> None:
    """Record that the daemon is alive at ``at`` (`secondchance health` reads it)."""
    done = connection.execute(
        update(meta).where(meta.c.key == _KEY).values(value=value, updated_at=at)
    )
    if done.rowcount == 0:
        connection.execute(insert(meta).values(key=_KEY, value=value, updated_at=at))


def last(connection: Connection) -> datetime | None:
    return connection.execute(select(meta.c.updated_at).where(meta.c.key == _KEY)).scalar()


def probe_write(connection: Connection, at: datetime) -> None:
    """Raise if the database cannot take a write; the caller rolls it back."""
    connection.execute(insert(meta).values(key="health-probe", value="probe", updated_at=at))
