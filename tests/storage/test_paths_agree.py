"""The bulk adapter's two paths store the same rows, and so does PostgreSQL.

storage/bulk.py sends SQLite's bulk statements straight to the driver (a measured
saving) and everything else through SQLAlchemy Core. The same rounds of polls, at the
same moments, go through the real poller on SQLite's driver path, SQLite's Core path
and PostgreSQL; every column of every row must come out equal, ids and times included.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import BoardServer, rows
from secondchance.config import load
from secondchance.daemon.app import channels, poll_settings
from secondchance.daemon.poller import Poller
from secondchance.fetch.client import Fetcher
from secondchance.storage.bulk import DRIVER_PATH
from secondchance.storage.database import Store, open_store
from secondchance.storage.schema import metadata

GH = "/v1/boards/acme/jobs"
LEVER = "/v0/postings/acme?mode=json&skip={skip}&limit=100"
START = datetime(2026, 11, 2, 9, 0, 0, 123456, tzinfo=UTC)


def greenhouse(ids: list[int], renamed: bool = False, placeless: int = 0) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": n,
                "title": f"Ingénieur·e {n}" + (" (renamed)" if renamed and n == 2 else ""),
                "absolute_url": f"https://acme.test/{n}" if n % 2 else None,
                "location": None if n == placeless else {"name": "Berlin | Remote"},
                "departments": [{"name": "Data"}],
                "first_published": "2026-10-01T09:30:00.5+02:00" if n % 3 else None,
                # Pay on some, past 2**31 cents on one; it moves when the title does.
                "pay_input_ranges": [
                    {
                        "min_cents": 9_000_000 * n,
                        "max_cents": 3_000_000_000_00 if n == 4 else 12_000_000 * n + renamed,
                        "currency_type": "USD",
                    }
                ]
                if n % 2 == 0
                else [],
            }
            for n in ids
        ]
    }


def lever(ids: list[int]) -> list[list[dict[str, Any]]]:
    postings = [
        {
            "id": f"lv-{n}",
            "text": f"Role {n}",
            "workplaceType": "hybrid",
            "createdAt": 1 + n,
            "salaryRange": {"currency": "EUR", "interval": "per-hour-wage", "min": 40.5, "max": n}
            if n % 10 == 0
            else None,
        }
        for n in ids
    ]
    return [postings[:100], postings[100:]]


# Each round: the Greenhouse board (or a failure), the Lever ids. Between them: a
# baseline, new, renamed, missing then closed, reopened, reposted under a new id, the
# rejected role back, a failure streak reported and recovered, a place emptied (held).
ROUNDS: list[tuple[dict[str, Any] | None, list[int]]] = [
    (greenhouse([1, 2, 3, 4]), list(range(1, 121))),
    (greenhouse([1, 2, 3, 4, 5], renamed=True), list(range(1, 121))),
    (greenhouse([1, 2, 4, 5]), list(range(2, 122))),
    (greenhouse([1, 2, 4, 5]), list(range(2, 122))),
    (None, list(range(2, 122))),
    (None, list(range(3, 122))),
    (greenhouse([1, 2, 3, 5, 9]), list(range(3, 123))),
    (greenhouse([1, 2, 3, 5, 9], placeless=5), list(range(3, 123))),
]


def run_rounds(store: Store, boards: BoardServer, tmp_path: Path) -> None:
    tmp_path.mkdir()
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(
        "[settings]\nfailure_alert_after = 2\n\n"
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\nlever = "{boards.url}"\n\n'
        '[[company]]\nname = "Acme"\ngreenhouse = "acme"\nlever = "acme"\n'
        '[[company.rejection]]\nrole = "Ingénieur·e"\ndate = 2026-09-01\n'
        'reapply_after = "1 month"\n',
        encoding="utf-8",
    )
    config = load(watchlist)
    moments = iter(START + timedelta(minutes=30 * n, microseconds=n) for n in range(100))
    fetcher = Fetcher(timeout=5.0, retries=0, retry_delay=0)
    settings = replace(
        poll_settings(config, channels(config)), channels=lambda company, kind: ["console", "url:x"]
    )
    poller = Poller(store, fetcher, settings, clock=lambda: next(moments))

    async def poll_all() -> None:
        try:
            for number, (acme, ids) in enumerate(ROUNDS):
                if acme is None:
                    boards.set(GH, b"down", status=500)
                else:
                    boards.set(GH, acme, etag=f'"gh-{number}"')
                for index, page in enumerate(lever(ids)):
                    boards.set(LEVER.format(skip=100 * index), page, etag=f'"lv-{number}-{index}"')
                await poller.poll(config.companies[0])
        finally:
            await fetcher.aclose()

    asyncio.run(poll_all())


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {name: rows(store, table) for name, table in metadata.tables.items() if name != "meta"}


def test_both_sqlite_paths_and_postgresql_store_the_same_rows(
    tmp_path: Path, boards: BoardServer, new_postgres: Callable[[], str]
) -> None:
    stores = {
        "sqlite": open_store(f"sqlite:///{tmp_path / 'driver.db'}"),
        "sqlite-core": open_store(f"sqlite:///{tmp_path / 'core.db'}"),
        "postgresql": open_store(new_postgres()),
    }
    stores["sqlite-core"].engine = stores["sqlite-core"].engine.execution_options(
        **{DRIVER_PATH: False}
    )
    try:
        dumps = {}
        for name, store in stores.items():
            run_rounds(store, boards, tmp_path / name)
            dumps[name] = dump(store)
    finally:
        for store in stores.values():
            store.dispose()
    driver = dumps["sqlite"]
    for other in ("sqlite-core", "postgresql"):
        for table, stored in driver.items():
            assert stored == dumps[other][table], f"{table}: the driver path and {other} differ"
    # The rounds reached every kind of row the adapter writes.
    kinds = {alert["kind"] for alert in driver["alerts"]}
    assert kinds >= {"new", "changed", "closed", "reopened", "role_back", "source_failing"}
    assert {"closed", "open"} == {posting["status"] for posting in driver["postings"]}
    assert any(posting["misses"] for posting in driver["postings"])
    assert any(posting["emptied"] for posting in driver["postings"])
    assert any(board["page_validators"] for board in driver["sources"])
    stored = {
        (row["posting_id"], row["pay_currency"], row["pay_max"]) for row in driver["postings"]
    }
    assert ("4", "USD", 3_000_000_000_00) in stored
    assert ("lv-10", "EUR", 40_50) in stored
