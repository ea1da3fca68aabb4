"""A database made by the release before the renovation polls on without a false alert.

tests/fixtures/upgrade holds what that release (commit 0fbdb91) left on disk after
four rounds of `secondchance once` (see make.py there): a SQLite file and a pg_dump
of the same rounds on PostgreSQL, with open, missing and closed postings, a paged
board's page validators, a board failing for three polls, sent and pending
deliveries and a cool-down alert. This test drives today's command line against it,
with the boards as they were in that last round, and only raw SQL to look inside,
so that it holds whatever the code's layout becomes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import FIXTURES, BoardServer, Receiver

pytestmark = pytest.mark.e2e

UPGRADE = FIXTURES / "upgrade"
ASHBY = "/posting-api/job-board/initech"
ONCE = (sys.executable, "-m", "secondchance", "once", "--json")


def channel(url: str) -> str:
    """A notification URL's channel id as the outbox stores it (a stored format)."""
    return "url:" + hashlib.sha256(url.encode()).hexdigest()[:16]


def restore(database: str, tmp_path: Path) -> str:
    """The release's database at ``database`` (a fresh, empty one)."""
    url = make_url(database)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        shutil.copy(UPGRADE / "release.sqlite", url.database)
        return "sqlite_receiver_url"
    engine = create_engine(database)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute((UPGRADE / "release.postgresql.sql").read_text())
            raw.commit()
        finally:
            raw.close()
    finally:
        engine.dispose()
    return "postgresql_receiver_url"


def watchlist(tmp_path: Path, boards: BoardServer, receiver: Receiver, database: str) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f"""
[settings]
database = "{database}"

[settings.endpoints]
greenhouse = "{boards.url}"
lever = "{boards.url}"
ashby = "{boards.url}"

[notify]
urls = ["{receiver.url}"]
console = true
retry_min = "1h"

[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Senior Data Engineer"
date = 2026-09-01
stage = "final round"
reapply_after = "1 month"

[[company]]
name = "Globex"
lever = "globex"

[[company]]
name = "Initech"
ashby = "initech"
""",
        encoding="utf-8",
    )
    return path


def once(config: Path, data: Path) -> tuple[int, list[dict[str, Any]], str]:
    done = subprocess.run(
        [*ONCE, "--config", str(config), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    alerts = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, alerts, done.stderr


def test_a_database_of_the_last_release_polls_on_without_a_false_alert(
    tmp_path: Path, boards: BoardServer, receiver: Receiver, database: str
) -> None:
    fixture = json.loads((UPGRADE / "boards.json").read_text())
    old_url = fixture[restore(database, tmp_path)]
    engine = create_engine(database)
    with engine.begin() as conn:
        # The user's notification URL is the same; only the test's port is new.
        conn.execute(
            text("UPDATE deliveries SET channel = :new WHERE channel = :old"),
            {"new": channel(receiver.url), "old": channel(old_url)},
        )
        before = conn.execute(text("SELECT posting_id, status FROM postings")).all()
    # The boards as the release last saw them, with pay now published (read for the
    # first time: never an alert); the failing Ashby board answers again.
    served = fixture["served"]
    served["/v1/boards/acme/jobs"]["jobs"][0]["pay_input_ranges"] = [
        {"min_cents": 9_000_000, "max_cents": 12_000_000, "currency_type": "USD"}
    ]
    served["/v0/postings/globex?mode=json&skip=0&limit=100"][0]["salaryRange"] = {
        "currency": "EUR",
        "interval": "per-year-salary",
        "min": 60000,
        "max": 80000,
    }
    for path, body in served.items():
        boards.set(path, body, etag='W/"new-server"')
    boards.set(
        ASHBY, {"jobs": [{"id": f"in-{n}", "title": f"Initech role {n}"} for n in (1, 2, 3)]}
    )
    config = watchlist(tmp_path, boards, receiver, database)

    code, alerts, stderr = once(config, tmp_path / "data")
    assert code == 0, stderr
    assert "Traceback" not in stderr
    # Only what this poll really shows: the posting missing since the release's last
    # poll is confirmed closed, and the failing board is back. No posting of the
    # paged board (whose validators name the old server) comes back as new, and the
    # cool-down alert the release queued is not queued again.
    assert sorted((a["company"], a["kind"], a["posting_id"]) for a in alerts) == [
        ("Acme", "closed", "104"),
        ("Initech", "source_recovered", None),
    ]
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        deliveries = Counter(conn.execute(text("SELECT channel, status FROM deliveries")).all())
        after = dict(conn.execute(text("SELECT posting_id, status FROM postings")).all())
    assert revision is not None
    # The five alerts the release could not deliver went out now, with the two new ones.
    assert deliveries == {
        (channel(receiver.url), "sent"): 4 + 5 + 2,
        ("console", "sent"): 9 + 2,
    }
    sent = receiver.wait_for(1)
    text_sent = "\n".join(m["message"] for m in sent)
    for title in ("Senior Product Designer", "Data Analyst", "Role 5", "Role 200", "Support"):
        assert title in text_sent
    assert after == {**dict(before), "104": "closed"}
    with engine.connect() as conn:
        paid = conn.execute(
            text(
                "SELECT posting_id, pay_currency, pay_min, pay_max, pay_period FROM postings "
                "WHERE pay_min IS NOT NULL ORDER BY posting_id"
            )
        ).all()
    assert [tuple(row) for row in paid] == [
        ("101", "USD", 9_000_000, 12_000_000, None),
        ("globex-0001", "EUR", 60_000_00, 80_000_00, "year"),
    ]

    # And the next poll of the same boards is quiet: nothing new, nothing sent again.
    messages = len(receiver.messages)
    code, alerts, stderr = once(config, tmp_path / "data")
    assert (code, alerts) == (0, []), stderr
    assert len(receiver.messages) == messages
    engine.dispose()
