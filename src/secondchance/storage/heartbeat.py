"""The daemon's heartbeat, and whether the database takes a write at all."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from secondchance.storage.schema import meta

_KEY = "heartbeat"


def put(connection: Connection, key: str, value: str, at: datetime) -> None:
    """Set a ``meta`` row (the one way each small fact of the daemon is written)."""
    done = connection.execute(
        update(meta).where(meta.c.key == key).values(value=value, updated_at=at)
    )
    if done.rowcount == 0:
        connection.execute(insert(meta).values(key=key, value=value, updated_at=at))


def beat(connection: Connection, at: datetime, value: str = "alive") -> None:
    """Record that the daemon is alive at ``at`` (`secondchance health` reads it)."""
    put(connection, _KEY, value, at)


def last(connection: Connection) -> datetime | None:
    return connection.execute(select(meta.c.updated_at).where(meta.c.key == _KEY)).scalar()


def probe_write(connection: Connection, at: datetime) -> None:
    """Raise if the database cannot take a write; the caller rolls it back."""
    connection.execute(insert(meta).values(key="health-probe", value="probe", updated_at=at))


# The watchlist's last load, for the dashboard, which may run in another process
# (`secondchance web`) and so reads it here rather than from the daemon's memory.
_RELOAD = "reload"


@dataclass(frozen=True, slots=True)
class Reload:
    """The daemon's last load of the watchlist: at start or a reload taken, or an
    edit rejected (its problems, masked) while the one loaded at ``loaded_at`` runs on."""

    at: datetime
    taken: bool
    start: bool
    loaded_at: datetime
    problems: tuple[str, ...] = ()


def record_load(connection: Connection, at: datetime, *, start: bool) -> None:
    """The watchlist was loaded at ``at``: at start, or a reload taken."""
    value = {"taken": True, "start": start, "loaded_at": at.isoformat(), "problems": []}
    put(connection, _RELOAD, json.dumps(value), at)


def record_rejected(connection: Connection, at: datetime, problems: Sequence[str]) -> None:
    """An edit was rejected at ``at`` for ``problems`` (masked by the caller, as its
    log lines are); the watchlist loaded before runs on."""
    before = last_reload(connection)
    value = {
        "taken": False,
        "start": before.start if before is not None else False,
        "loaded_at": (before.loaded_at if before is not None else at).isoformat(),
        "problems": list(problems),
    }
    put(connection, _RELOAD, json.dumps(value), at)


def last_reload(connection: Connection) -> Reload | None:
    """The last load recorded (None before a daemon recorded one)."""
    row = connection.execute(
        select(meta.c.value, meta.c.updated_at).where(meta.c.key == _RELOAD)
    ).first()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
        return Reload(
            at=row[1],
            taken=bool(value["taken"]),
            start=bool(value["start"]),
            loaded_at=datetime.fromisoformat(value["loaded_at"]),
            problems=tuple(str(p) for p in value["problems"]),
        )
    except (ValueError, KeyError, TypeError):
        return None  # written by another version: nothing to show rather than a crash
