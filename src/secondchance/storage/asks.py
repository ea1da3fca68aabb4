"""What the dashboard asks the daemon to do: poll a company now, retry deliveries now.

``secondchance web`` may run in another process (or on another machine) than the
daemon, so an ask is a row of the database (in ``meta``, as JSON), not a call: the
dashboard writes it, the daemon takes it within seconds and carries it out. Each kind
is rate-limited where it is asked: a company's poll once a minute (the board's host
deserves its politeness), a retry once every 30 seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from secondchance.storage import heartbeat
from secondchance.storage.schema import meta

POLL_EVERY = timedelta(seconds=60)
RETRY_EVERY = timedelta(seconds=30)
_POLLS, _RETRY = "ask:poll", "ask:retry"


class TooSoon(Exception):
    """Asked again within the rate limit: ``since`` is when it was last asked."""

    def __init__(self, since: datetime, every: timedelta) -> None:
        super().__init__(f"asked already at {since.isoformat(timespec='seconds')}")
        self.since = since
        self.every = every


@dataclass(frozen=True, slots=True)
class Ask:
    asked: datetime
    taken: datetime | None = None


def _read(connection: Connection, key: str) -> dict[str, Ask]:
    value = connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    try:
        stored = json.loads(value) if value else {}
    except ValueError:  # never written by us; start afresh rather than fail every ask
        stored = {}
    return {
        name: Ask(
            datetime.fromisoformat(item["asked"]),
            datetime.fromisoformat(item["taken"]) if item.get("taken") else None,
        )
        for name, item in stored.items()
        if isinstance(item, dict) and "asked" in item
    }


def _write(connection: Connection, key: str, asks: dict[str, Ask], at: datetime) -> None:
    value = {
        name: {"asked": a.asked.isoformat(), "taken": a.taken.isoformat() if a.taken else None}
        for name, a in asks.items()
    }
    heartbeat.put(connection, key, json.dumps(value), at)


def _ask(connection: Connection, key: str, name: str, at: datetime, every: timedelta) -> Ask:
    asks = _read(connection, key)
    last = asks.get(name)
    if last is not None and at - last.asked < every:
        raise TooSoon(last.asked, every)
    asks[name] = Ask(at)
    _write(connection, key, asks, at)
    return asks[name]


def ask_poll(connection: Connection, company: str, at: datetime) -> Ask:
    """Ask for a poll of ``company`` now; TooSoon within a minute of the last ask."""
    return _ask(connection, _POLLS, company, at, POLL_EVERY)


def ask_retry(connection: Connection, at: datetime) -> Ask:
    """Ask for every waiting delivery to be tried now, back-off or not."""
    return _ask(connection, _RETRY, "all", at, RETRY_EVERY)


@dataclass(frozen=True, slots=True)
class Taken:
    polls: list[str]
    retry: bool


def waiting(connection: Connection) -> bool:
    """Whether anything is asked and not taken: read first, so the daemon's look every
    few seconds takes no write lock while nothing is asked."""
    found = [*_read(connection, _POLLS).values(), *_read(connection, _RETRY).values()]
    return any(a.taken is None for a in found)


def take(connection: Connection, at: datetime) -> Taken:
    """What is asked and not yet taken, marked taken (the daemon carries it out)."""
    polls = _read(connection, _POLLS)
    retry = _read(connection, _RETRY)
    wanted = sorted(name for name, a in polls.items() if a.taken is None)
    again = any(a.taken is None for a in retry.values())
    if wanted:
        _write(connection, _POLLS, {n: Ask(a.asked, a.taken or at) for n, a in polls.items()}, at)
    if again:
        _write(connection, _RETRY, {n: Ask(a.asked, a.taken or at) for n, a in retry.items()}, at)
    return Taken(wanted, again)


def polls_asked(connection: Connection) -> dict[str, Ask]:
    """Each company's last poll ask (the company page says whether it was taken)."""
    return _read(connection, _POLLS)


def retry_asked(connection: Connection) -> Ask | None:
    return _read(connection, _RETRY).get("all")
