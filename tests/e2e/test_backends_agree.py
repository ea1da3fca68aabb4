"""SQLite and PostgreSQL store the same rows for the same polls.

The same rounds of boards go through the real command line once per backend; every
table is then read back with plain SQL and compared row for row. Surrogate ids and
the moments of polling (which differ between two runs) are replaced by what they
stand for: a source by its company and board, a posting by its source and id, a
time by whether it is set. Everything else must be equal.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select

from conftest import BoardServer, Receiver

pytestmark = pytest.mark.e2e

GH = "/v1/boards/acme/jobs"
LEVER = "/v0/postings/globex?mode=json&skip={skip}&limit=100"
PAGE = "/careers"
ONCE = (sys.executable, "-m", "secondchance", "once")


def greenhouse(ids: list[int], retitled: bool = False) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": n,
                "title": f"Ingénieur·e {n} — “quoted” "
                + ("(retitled)" if retitled and n == 2 else ""),
                "absolute_url": f"https://acme.test/jobs/{n}" if n % 2 else None,
                "location": {"name": "Berlin | Remote" if n % 3 else ""},
                "departments": [{"name": "Data"}] if n % 2 else [],
                "metadata": [{"name": "Employment Type", "value": "Full-time"}],
                "first_published": "2026-10-01T09:30:00+02:00" if n % 2 else None,
                "updated_at": "2026-11-01T10:00:00.123456Z",
            }
            for n in ids
        ]
    }


def lever(ids: list[int]) -> list[list[dict[str, Any]]]:
    postings = [
        {
            "id": f"globex-{n:04d}",
            "text": f"Role {n}",
            "hostedUrl": f"https://jobs.lever.co/globex/globex-{n:04d}",
            "categories": {"allLocations": ["Oslo", "Remote"], "team": "Eng", "commitment": "PT"},
            "workplaceType": "hybrid",
            "createdAt": 1761998400000 + n,
        }
        for n in ids
    ]
    return [postings[:100], postings[100:]]


def careers(titles: list[str]) -> str:
    items = "".join(
        # A link past the posting id's length: stored as its hash.
        f'<li class="job"><a href="/jobs/{i}?ref={"x" * 1200}">{t}</a>'
        '<span class="loc">Remote</span></li>'
        for i, t in enumerate(titles)
    )
    return f"<html><body><ul>{items}</ul></body></html>"


ROUNDS = [
    (greenhouse([1, 2, 3, 4, 5]), list(range(1, 121)), ["Analyst", "Designer"], 200),
    (greenhouse([1, 2, 3, 4, 5, 6], retitled=True), list(range(1, 121)), ["Analyst"], 500),
    (greenhouse([1, 2, 4, 5, 6], retitled=True), list(range(2, 122)), ["Analyst"], 200),
    (greenhouse([1, 2, 4, 5, 6, 7]), list(range(3, 122)), ["Analyst", "Designer"], 200),
]


def watchlist(tmp_path: Path, boards: BoardServer, receiver: Receiver, database: str) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f"""
[settings]
database = "{database}"
close_after = 2

[settings.endpoints]
greenhouse = "{boards.url}"
lever = "{boards.url}"

[notify]
urls = ["{receiver.url}"]
console = true

[[company]]
name = "Acme"
greenhouse = "acme"
careers = {{ url = "{boards.url}{PAGE}", item = "li.job", title = "a", link = "a@href", \
location = ".loc" }}

[[company.rejection]]
role = "Ingénieur·e — “quoted”"
date = 2026-09-01
stage = "final round"
reapply_after = "1 month"
contact = "Dana"

[[company]]
name = "Globex"
lever = "globex"
""",
        encoding="utf-8",
    )
    return path


def run_rounds(tmp_path: Path, database: str, boards: BoardServer, receiver: Receiver) -> None:
    config = watchlist(tmp_path, boards, receiver, database)
    for number, (acme, globex, page, status) in enumerate(ROUNDS):
        boards.set(GH, acme, etag=f'W/"gh-{number}"', status=status)
        for index, part in enumerate(lever(globex)):
            boards.set(LEVER.format(skip=100 * index), part, etag=f'"lv-{number}-{index}"')
        boards.set(PAGE, careers(page), content_type="text/html")
        receiver.fail_with = 503 if number == len(ROUNDS) - 1 else None
        done = subprocess.run(
            [*ONCE, "--config", str(config), "--data-dir", str(tmp_path / "data")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr


def dump(database: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of ours as sorted rows, ids replaced by what they identify."""
    engine = create_engine(database)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            tables = {
                name: [dict(row._mapping) for row in conn.execute(select(table))]
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()
    board = {s["id"]: (s["company"], s["kind"], s["board"]) for s in tables["sources"]}

    def key_of(row: dict[str, Any]) -> dict[str, Any]:
        # An alert's key names its source by id (and counts its polls): by board instead.
        source, _, rest = row["key"].partition("|")
        if source.isdigit() and int(source) in board:
            row = {**row, "key": f"{board[int(source)]}|{rest}"}
        return row

    alert = {a["id"]: key_of(a)["key"] for a in tables["alerts"]}

    def plain(row: dict[str, Any], drop: tuple[str, ...] = ()) -> tuple[Any, ...]:
        values: list[Any] = []
        for key, value in sorted(row.items()):
            if key in ("id", *drop):
                continue
            if key == "source_id":
                value = board.get(value)
            elif key == "alert_id":
                value = alert[value]
            elif isinstance(value, datetime) and key not in ("posted_at", "updated_at"):
                value = "set"  # each run polls at its own moment; the boards' dates stay
            values.append((key, value))
        return tuple(values)

    return {
        name: sorted((plain(key_of(row) if name == "alerts" else row) for row in rows), key=repr)
        for name, rows in tables.items()
        if name != "meta"  # the heartbeat: a moment, nothing else
    }


def diff(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> str:
    """The columns in which the first rows only one side has differ."""
    if not (left and right):
        return f"{len(left)} row(s) only on SQLite, {len(right)} only on PostgreSQL"
    a, b = dict(left[0]), dict(right[0])
    return "; ".join(f"{k}: {a.get(k)!r} != {b.get(k)!r}" for k in a if a.get(k) != b.get(k))


def test_sqlite_and_postgresql_store_the_same_rows(
    tmp_path: Path, new_postgres: Callable[[], str], boards: BoardServer, receiver: Receiver
) -> None:
    # One board server and receiver for both runs: their addresses are stored (a
    # career page's URL is its board's key; a channel is named after its URL).
    sqlite = f"sqlite:///{tmp_path / 'sqlite' / 'secondchance.db'}"
    postgresql = new_postgres()
    (tmp_path / "sqlite").mkdir()
    (tmp_path / "pg").mkdir()
    run_rounds(tmp_path / "sqlite", sqlite, boards, receiver)
    run_rounds(tmp_path / "pg", postgresql, boards, receiver)
    lite, pg = dump(sqlite), dump(postgresql)
    assert lite.keys() == pg.keys()
    for table in sorted(lite):
        only_lite = [r for r in lite[table] if r not in pg[table]]
        only_pg = [r for r in pg[table] if r not in lite[table]]
        assert (only_lite, only_pg) == ([], []), f"{table} differs: {diff(only_lite, only_pg)}"
    # The rounds did reach every path: alerts of each kind, closed postings, a hashed id.
    kinds = {dict(row)["kind"] for row in lite["alerts"]}
    assert {"new", "closed", "changed", "reopened", "role_back", "cooldown_over"} <= kinds
    assert any(dict(row)["status"] == "closed" for row in lite["postings"])
    assert any(str(dict(row)["posting_id"]).startswith("sha256:") for row in lite["postings"])
    assert any(dict(row)["status"] == "pending" for row in lite["deliveries"])
