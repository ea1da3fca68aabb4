"""`secondchance import` marks the applications without an answer applied in the
database, as the dashboard's "I applied": the same record (a `marks` row), the same
effect (the posting's pending alerts held but its closing), shown on the company's
timeline; a dry run says which, a second run adds none, no database is one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from secondchance.cli import main
from secondchance.core.diff import Policy, diff_source
from secondchance.core.drafts import Draft
from secondchance.core.models import Posting, SourceRef
from secondchance.storage import boards, marks, outbox, snapshot
from secondchance.storage.database import Store, open_store
from secondchance.storage.schema import alerts, deliveries
from secondchance.web.views import mark_events

WATCHLIST = """\
[notify]
timezone = "UTC"

[[company]]
name = "Acme"
greenhouse = "acme"
rejection = [{ role = "Data Analyst", date = 2026-01-02 }]
"""
TRACKER = (
    "Company,Role,Status,Date,Link\n"
    # Its link: posting 2 (the other "Backend Engineer" makes the title ambiguous).
    "ACME Inc.,Backend Engineer,Applied,2026-11-20,https://boards.greenhouse.io/acme/jobs/2\n"
    # By its title, the one open "Product Designer" (a closed one was reposted).
    "Acme,Product Designer,Interview,2026-11-21,\n"
    # Two open postings alike and no link: left for the dashboard.
    "Acme,Site Reliability Engineer,Applied,2026-11-22,\n"
    # Nothing of the kind stored.
    "Acme,Chief Cook,Applied,2026-11-23,\n"
    # The role they turned you down for: never marked applied.
    "Acme,Data Analyst,Applied,2026-11-24,\n"
)
REF = SourceRef("Acme", "greenhouse", "acme")
POSTINGS = [
    Posting("1", "Backend Engineer", "https://boards.greenhouse.io/acme/jobs/1"),
    Posting("2", "Backend Engineer", "https://boards.greenhouse.io/acme/jobs/2"),
    Posting("3", "Product Designer", "https://boards.greenhouse.io/acme/jobs/3"),
    Posting("4", "Product Designer", "https://boards.greenhouse.io/acme/jobs/4"),
    Posting("5", "Site Reliability Engineer (Remote)"),
    Posting("6", "Site Reliability Engineer, Remote"),
    Posting("7", "Data Analyst"),
]
AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def snapshot_of(data: Path) -> Store:
    """A database as a daemon leaves it: Acme's board polled twice (posting 3 closed
    by the second poll), and a `changed` alert about posting 2 still pending."""
    store = open_store(f"sqlite:///{data / 'secondchance.db'}")
    states, _ = store.write_now(boards.lock, ["Acme"], [REF])
    source_id = states[REF].id
    first = diff_source(REF, {}, POSTINGS, Policy(), baseline=True)
    store.write_now(snapshot.write_diff, source_id, {}, first, AT)
    known = store.read_now(snapshot.load_known, [source_id])[source_id]
    left = [p for p in POSTINGS if p.id != "3"]
    second = diff_source(REF, known, left, Policy(close_after=1), baseline=False)
    store.write_now(snapshot.write_diff, source_id, known, second, AT + timedelta(hours=1))
    drafts = [
        Draft(f"k{kind}", "Acme", kind, ("json://x",), source_id, "greenhouse", "acme", "2")
        for kind in ("changed", "closed")
    ]
    store.write_now(outbox.queue, drafts, AT + timedelta(hours=2))
    return store


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "watchlist.toml").write_text(WATCHLIST, encoding="utf-8")
    (tmp_path / "tracker.csv").write_text(TRACKER, encoding="utf-8")
    (tmp_path / "data").mkdir()
    return tmp_path


def run(files: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    argv = ["import", "csv", str(files / "tracker.csv"), "--config", str(files / "watchlist.toml")]
    code = main([*argv, "--data-dir", str(files / "data"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def applied_marks(store: Store) -> list[marks.Mark]:
    return [m for m in store.read_now(marks.of_company, "Acme") if m.mark == "applied"]


def test_import_marks_the_postings_applied_once_as_the_dashboard_does(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = snapshot_of(files / "data")
    try:
        # The dry run: which postings, and nothing written.
        code, out, err = run(files, capsys)
        assert code == 0
        assert "--write marks these postings applied in the database" in out
        assert (
            "# Acme: Backend Engineer (greenhouse:acme, posting 2, open): "
            "applied 2026-11-20, found by its link\n"
            "# Acme: Product Designer (greenhouse:acme, posting 4, open): "
            "applied 2026-11-21, found by its title\n"
        ) in out
        assert err.splitlines()[-1] == (
            "secondchance: 2 postings to mark applied in the database: Acme: Backend "
            "Engineer; Acme: Product Designer (1 application alike to several postings, "
            "left for the dashboard, 1 application with no posting stored, "
            "--write marks them)"
        )
        assert applied_marks(store) == []

        code, out, _ = run(files, capsys, "--json")
        records = [json.loads(line) for line in out.splitlines()]
        marked = [r for r in records if "mark" in r]
        assert [(r["posting_id"], r["id"], r["written"], r["by"]) for r in marked] == [
            ("2", None, False, "link"),
            ("4", None, False, "title"),
        ]
        assert marked[0]["source"] == {"kind": "greenhouse", "board": "acme"}
        assert marked[0]["at"] == "2026-11-20T00:00:00+00:00"
        assert marked[0]["application"]["role"] == "Backend Engineer"

        code, _, err = run(files, capsys, "--write")
        assert code == 0
        assert "secondchance: marked 2 postings applied in the database: Acme: Backend" in err
        made = applied_marks(store)
        assert [(m.posting, m.title, m.created_at, m.undone_at) for m in made] == [
            (
                ("Acme", "greenhouse", "acme", "2"),
                "Backend Engineer",
                datetime(2026, 11, 20, tzinfo=UTC),
                None,
            ),
            (
                ("Acme", "greenhouse", "acme", "4"),
                "Product Designer",
                datetime(2026, 11, 21, tzinfo=UTC),
                None,
            ),
        ]
        # The same record as the dashboard's: the posting's alerts held, but its closing.
        held = store.read_now(
            lambda c: sorted(
                c.execute(
                    select(alerts.c.kind, deliveries.c.status, deliveries.c.held_by).join(
                        deliveries, deliveries.c.alert_id == alerts.c.id
                    )
                )
            )
        )
        assert held == [("changed", "held", made[0].id), ("closed", "pending", None)]
        # On the company's timeline, dated with the application.
        events = mark_events(store.read_now(marks.of_company, "Acme"), UTC)
        assert [(e.shown, e.event, e.text) for e in events] == [
            ("2026-11-20 00:00", "you marked it applied", "Backend Engineer"),
            ("2026-11-21 00:00", "you marked it applied", "Product Designer"),
        ]

        # Again: nothing new, in the watchlist or the database.
        watchlist = (files / "watchlist.toml").read_text(encoding="utf-8")
        code, _, err = run(files, capsys, "--write")
        assert code == 0 and "unchanged" in err
        assert "marked no posting applied in the database (2 marked already" in err
        assert applied_marks(store) == made
        assert (files / "watchlist.toml").read_text(encoding="utf-8") == watchlist

        # An applied mark undone on the dashboard is not made again by the next import.
        store.write_now(marks.undo, made[1].id, datetime.now(UTC))
        code, _, err = run(files, capsys, "--write")
        assert "marked no posting applied in the database (2 marked already" in err
        assert len(applied_marks(store)) == 2
    finally:
        store.dispose()


def test_without_a_database_the_watchlist_is_written_and_one_line_says_why(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(files, capsys, "--write")
    assert code == 0
    assert "written to" in err
    (line,) = [line for line in err.splitlines() if "marked" in line]
    assert line.startswith(
        "secondchance: applications not marked applied in the database: no database at "
    )
    # Never created by an import.
    assert not (files / "data" / "secondchance.db").exists()
    assert '# role = "Product Designer"' in (files / "watchlist.toml").read_text(encoding="utf-8")


def test_a_dismissed_posting_stays_dismissed(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = snapshot_of(files / "data")
    try:
        key = ("Acme", "greenhouse", "acme", "4")
        store.write_now(marks.add, key, "dismissed", "Product Designer", AT)
        _, _, err = run(files, capsys, "--write")
        assert (
            "marked 1 posting applied in the database: Acme: Backend Engineer (1 marked already"
            in err
        )
        assert [m.posting_id for m in applied_marks(store)] == ["2"]
        assert store.read_now(marks.holding, [key])[key].mark == "dismissed"
    finally:
        store.dispose()


def test_a_database_that_cannot_be_written_is_one_line_and_the_import_goes_on(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a read-only file would answer (the tests run as root, who writes anyway)."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def refused(*_: object) -> None:
        reason = sqlite3.OperationalError("attempt to write a readonly database")
        raise OperationalError("INSERT", {}, reason)

    store = snapshot_of(files / "data")
    try:
        monkeypatch.setattr(marks, "mark_applied", refused)
        code, _, err = run(files, capsys, "--write")
        assert code == 0 and "written to" in err
        assert err.splitlines()[-1] == (
            "secondchance: applications not marked applied in the database: "
            "(sqlite3.OperationalError) attempt to write a readonly database"
        )
        assert applied_marks(store) == []
        # A dry run without a database says what it cannot do.
        code, _, err = run(files, capsys, "--data-dir", str(files / "elsewhere"))
        assert code == 0
        assert err.splitlines()[-1].startswith(
            "secondchance: cannot say which postings --write would mark applied: no database at "
        )
    finally:
        store.dispose()
