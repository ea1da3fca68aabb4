"""Broken boards, served on 127.0.0.1 and polled by the real Poller into a real SQLite
store: a broken board never edits the snapshot, never makes a false alert, never
silences its company, and every poll says what it did in one line (docs/ARCHITECTURE.md
invariants 1 and 3).

Each board of the battery is polled healthy twice (the baseline, then an unchanged
poll), then broken: the poll's outcome, its one line (a WARNING for a failure, the
INFO line with the skip count for a board read in part), no traceback anywhere, no
alert, and the postings' rows exactly as they were.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from conftest import BoardServer, rows
from secondchance.config import load
from secondchance.core.board import Outcome
from secondchance.core.decide import CUT_SHORT
from secondchance.daemon.app import channels, poll_settings, store_for
from secondchance.daemon.poller import Poller, PollReport
from secondchance.fetch.client import Fetcher
from secondchance.sources import SOURCES
from secondchance.storage.schema import alerts, postings, sources

GREENHOUSE = "/v1/boards/acme/jobs"
LEVER = "/v0/postings/acme"
CAREERS = "/careers"
JOB_PAGE = "/job"
POLLER = "secondchance.daemon.poller"


def greenhouse(*jobs: tuple[object, object], where: str = "Berlin") -> str:
    return json.dumps(
        {"jobs": [{"id": pid, "title": title, "location": {"name": where}} for pid, title in jobs]},
        ensure_ascii=False,
    )


GH_JOBS = [(1, "Analyst"), (2, "Engineer"), (3, "Designer"), (4, "Writer")]
GH_GOOD = greenhouse(*GH_JOBS)
LEVER_GOOD = json.dumps(
    [{"id": f"lv-{n}", "text": f"Lever Role {n}", "categories": {}} for n in range(5)]
)


def careers_page(locations: list[str], *, head: str = "") -> str:
    items = "".join(
        f'<li class="job"><a href="/jobs/{n}">Careers Role {n}</a><span>{where}</span></li>'
        for n, where in enumerate(locations)
    )
    return f"<!DOCTYPE html><html><head>{head}</head><body><ul>{items}</ul></body></html>\n"


CAREERS_GOOD = careers_page(["Berlin", "Paris", "Oslo", "Madrid"])


def job_page(*jobs: dict[str, Any]) -> str:
    graph = [
        {"@type": "JobPosting", "url": f"/jobs/{job['title'] or 'untitled'}", **job} for job in jobs
    ]
    script = json.dumps({"@context": "https://schema.org", "@graph": graph})
    return (
        f'<html><head><script type="application/ld+json">{script}</script></head>'
        "<body>Jobs</body></html>"
    )


def hong_kong(region: str | None = None) -> dict[str, Any]:
    address = {"addressLocality": "Hong Kong", "addressCountry": "HK"}
    if region is not None:
        address["addressRegion"] = region
    return {"title": "Trader", "jobLocation": {"@type": "Place", "address": address}}


JOB_PAGE_GOOD = job_page(hong_kong(), {"title": "Quant"}, {"title": "Risk"})
CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>'
    "</body></html>"
)

# The board of each kind, as the watchlist names it, and where it is served.
BOARDS = {
    "greenhouse": ('greenhouse = "acme"', GREENHOUSE, GH_GOOD, "application/json"),
    "lever": ('lever = "acme"', LEVER, LEVER_GOOD, "application/json"),
    "careers": (
        'careers = {{ url = "{url}/careers", item = "li.job", title = "a", location = "span" }}',
        CAREERS,
        CAREERS_GOOD,
        "text/html",
    ),
    "jsonld": ('jsonld = "{url}/job"', JOB_PAGE, JOB_PAGE_GOOD, "text/html"),
}


@dataclass(frozen=True)
class Broken:
    """One broken answer of a board that answered well before."""

    kind: str
    # The Route of the broken answer (conftest.Route's fields).
    route: dict[str, Any]
    outcome: Outcome
    # What the poll's one line says.
    says: str
    level: int = logging.WARNING
    # Whether a failure is the answer's (False: the board was read, in part).
    headers: dict[str, str] = field(default_factory=dict)


def half(text: str) -> bytes:
    return text.encode()[: len(text.encode()) // 2]


BATTERY = {
    "html cut short": Broken(
        "careers",
        {"body": half(CAREERS_GOOD), "content_type": "text/html"},
        Outcome.FAILED,
        CUT_SHORT,
    ),
    "json cut short": Broken(
        "greenhouse", {"body": half(GH_GOOD)}, Outcome.FAILED, "malformed JSON"
    ),
    "connection cut mid-body": Broken(
        "greenhouse",
        {"body": GH_GOOD + " ", "cut": len(GH_GOOD) // 2},
        Outcome.FAILED,
        "connection",
    ),
    "posting without title": Broken(
        "greenhouse",
        {"body": greenhouse(*GH_JOBS[:3], (5, "  "))},
        Outcome.UNCHANGED,
        "1 posting skipped: no title, so nothing is closed this poll",
        logging.INFO,
    ),
    "posting with a null id": Broken(
        "greenhouse",
        {"body": greenhouse(*GH_JOBS[:3], (None, "Tester"))},
        Outcome.UNCHANGED,
        "1 posting skipped: no id, so nothing is closed this poll",
        logging.INFO,
    ),
    "most postings malformed": Broken(
        "greenhouse",
        {"body": greenhouse((1, "Analyst"), (2, ""), (3, None), (None, "Ghost"))},
        Outcome.FAILED,
        "3 of 4 postings could not be read (2 no title, 1 no id)",
    ),
    "JobPosting without title": Broken(
        "jsonld",
        {"body": job_page(hong_kong(), {"title": "Quant"}, {"title": ""}, {"title": "Risk"})},
        Outcome.UNCHANGED,
        "1 posting skipped: no title",
        logging.INFO,
    ),
    "declared UTF-8, sent Latin-1": Broken(
        "greenhouse",
        {
            "body": greenhouse(*GH_JOBS, where="Zürich").encode("latin-1"),
            "content_type": "application/json; charset=utf-8",
        },
        Outcome.FAILED,
        "malformed JSON",
    ),
    "declared Latin-1, sent UTF-8": Broken(
        "greenhouse",
        {"body": GH_GOOD + "\n", "content_type": "application/json; charset=iso-8859-1"},
        Outcome.UNCHANGED,
        "4 listed, 4 open, no changes",
        logging.INFO,
    ),
    "placeholder address": Broken(
        "jsonld",
        {"body": job_page(hong_kong("UNAVAILABLE"), {"title": "Quant"}, {"title": "Risk"})},
        Outcome.UNCHANGED,
        "3 listed, 3 open, no changes",
        logging.INFO,
    ),
    "error page at 200 for JSON": Broken(
        "greenhouse",
        {"body": "<html><body><h1>We'll be back soon</h1></body></html>"},
        Outcome.FAILED,
        "got HTML where JSON was expected",
    ),
    "error page at 200 for a career page": Broken(
        "careers",
        {"body": "<html><body><h1>Service unavailable</h1></body></html>"},
        Outcome.FAILED,
        "selector 'li.job' matched nothing",
    ),
    "JSON-LD markup gone": Broken(
        "jsonld",
        {"body": "<html><body><h1>Jobs</h1></body></html>", "content_type": "text/html"},
        Outcome.FAILED,
        "no schema.org JobPosting found",
    ),
    "corrupt gzip": Broken(
        "greenhouse",
        {
            "body": gzip.compress(GH_GOOD.encode())[:-12] + b"garbage!",
            "headers": {"Content-Encoding": "gzip"},
        },
        Outcome.FAILED,
        "could not decode the response body (gzip)",
    ),
    "empty array after a full one": Broken(
        "lever",
        {"body": "[]"},
        Outcome.HELD,
        "the board shrank from 5 to 0 postings: the snapshot is held; reported as failing",
    ),
    "null body": Broken(
        "greenhouse", {"body": "null"}, Outcome.FAILED, "expected dict, got NoneType"
    ),
    "object where a list was expected": Broken(
        "lever", {"body": '{"postings": []}'}, Outcome.FAILED, "expected list, got dict"
    ),
    "empty 200": Broken("greenhouse", {"body": ""}, Outcome.FAILED, "empty response"),
    "challenge page": Broken(
        "greenhouse", {"body": CHALLENGE}, Outcome.FAILED, "bot-protection challenge page"
    ),
    "server error": Broken(
        "greenhouse", {"body": "oops", "status": 503}, Outcome.FAILED, "HTTP 503"
    ),
}


def watchlist(tmp_path: Path, boards: BoardServer, *board_lines: str) -> Path:
    path = tmp_path / "watchlist.toml"
    lines = "\n".join(line.format(url=boards.url) for line in board_lines)
    path.write_text(
        f"""
[settings]
database = "sqlite:///{tmp_path / "db.sqlite"}"

[settings.endpoints]
greenhouse = "{boards.url}"
lever = "{boards.url}"

[[company]]
name = "Acme"
{lines}
""",
        encoding="utf-8",
    )
    return path


class Harness:
    """The real Poller on a real SQLite file; ``restart`` opens both anew."""

    def __init__(self, tmp_path: Path, boards: BoardServer, *board_lines: str) -> None:
        self.config = load(watchlist(tmp_path, boards, *board_lines))
        self.data = tmp_path / "data"
        self.open()

    def open(self) -> None:
        self.store = store_for(self.config, self.data)
        self.fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
        self.poller = Poller(
            self.store, self.fetcher, poll_settings(self.config, channels(self.config))
        )

    async def restart(self) -> None:
        await self.close()
        self.open()

    async def poll(self) -> PollReport:
        return await self.poller.poll(self.config.companies[0])

    def postings(self) -> list[dict[str, Any]]:
        return rows(self.store, postings)

    def alerts(self) -> list[tuple[str, str]]:
        return [(a["kind"], a["title"]) for a in rows(self.store, alerts)]

    async def close(self) -> None:
        await self.fetcher.aclose()
        self.store.dispose()


@pytest.fixture
async def harness(tmp_path: Path, boards: BoardServer) -> AsyncIterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(*board_lines: str) -> Harness:
        made.append(Harness(tmp_path, boards, *board_lines))
        return made[-1]

    yield make
    for h in made:
        await h.close()


def lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    """The poll lines logged (the poller's)."""
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == POLLER]


def test_the_battery_is_big_enough() -> None:
    assert len(BATTERY) >= 15


@pytest.mark.parametrize("name", list(BATTERY))
async def test_a_broken_board(
    name: str,
    harness: Callable[..., Harness],
    boards: BoardServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = BATTERY[name]
    line, path, good, content_type = BOARDS[broken.kind]
    h = harness(line)
    caplog.set_level(logging.DEBUG, logger="secondchance")
    boards.set(path, good, content_type=content_type)
    assert (await h.poll()).outcomes == {Outcome.BASELINE: 1}
    assert (await h.poll()).outcomes == {Outcome.UNCHANGED: 1}
    before = h.postings()
    caplog.clear()

    route = {"content_type": content_type, **broken.route}
    boards.set(path, **route)
    report = await h.poll()

    [board] = report.boards
    assert board.outcome is broken.outcome
    assert report.alerts == [] or broken.outcome is Outcome.HELD
    assert [kind for kind, _ in h.alerts()] == (
        ["source_failing"] if broken.outcome is Outcome.HELD else []
    )
    # One line for the poll, the whole statement, and nothing louder beside it.
    [(level, said)] = lines(caplog)
    assert level == broken.level
    assert said.startswith("Acme ") and broken.says in said, said
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in loud] == ([said] if level >= logging.WARNING else [])
    assert all(r.exc_info is None for r in caplog.records)
    assert "Traceback" not in caplog.text
    if broken.outcome is Outcome.FAILED:
        assert board.error is not None and broken.says in board.error
        assert report.failed == [board]
    else:
        assert board.error is None
    # The snapshot: not a row touched, for a poll that failed, held, or read in part.
    assert h.postings() == before

    # And the board comes back as it was, without an alert about its postings.
    caplog.clear()
    boards.set(path, good, content_type=content_type)
    back = await h.poll()
    assert back.boards[0].outcome is Outcome.UNCHANGED
    assert [a.kind for a in back.alerts if a.kind != "source_recovered"] == []
    assert [(p["posting_id"], p["status"], p["misses"]) for p in h.postings()] == [
        (p["posting_id"], p["status"], p["misses"]) for p in before
    ]


async def test_a_failing_board_says_how_long_it_has_failed(
    harness: Callable[..., Harness], boards: BoardServer, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness('greenhouse = "acme"')
    boards.set(GREENHOUSE, GH_GOOD)
    await h.poll()
    boards.set(GREENHOUSE, "oops", status=500)
    caplog.set_level(logging.INFO, logger="secondchance")
    caplog.clear()
    for _ in range(3):
        await h.poll()
    assert [(level, line.rsplit(" (", 1)[0]) for level, line in lines(caplog)] == [
        (
            logging.WARNING,
            "Acme greenhouse:acme: poll failed: server error (HTTP 500); the snapshot is kept",
        ),
        (
            logging.WARNING,
            "Acme greenhouse:acme: poll failed (2 polls in a row): server error "
            "(HTTP 500); the snapshot is kept",
        ),
        (
            logging.WARNING,
            "Acme greenhouse:acme: poll failed (3 polls in a row): server error "
            "(HTTP 500); the snapshot is kept; reported as failing",
        ),
    ]


async def test_a_page_cut_short_then_whole_again_makes_no_alert(
    harness: Callable[..., Harness], boards: BoardServer
) -> None:
    # The story of issue 15: half the page, served with a correct Content-Length,
    # lost its last item's location; the whole page came back the poll after.
    h = harness(BOARDS["careers"][0])
    boards.set(CAREERS, CAREERS_GOOD, content_type="text/html")
    await h.poll()
    whole = CAREERS_GOOD.encode()
    end = whole.index(b"</span></li></ul>") - len("Madrid")
    boards.set(CAREERS, whole[:end], content_type="text/html")  # "Careers Role 3" in no place
    assert (await h.poll()).boards[0].outcome is Outcome.FAILED
    boards.set(CAREERS, CAREERS_GOOD, content_type="text/html")
    assert (await h.poll()).boards[0].outcome is Outcome.UNCHANGED
    assert h.alerts() == []


async def test_a_field_emptied_for_one_poll_makes_no_alert_and_two_make_one(
    harness: Callable[..., Harness], boards: BoardServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A page that ends as it should (no </html> rule to catch it), with a place gone.
    h = harness(BOARDS["careers"][0])
    boards.set(CAREERS, CAREERS_GOOD, content_type="text/html")
    await h.poll()
    glitch = careers_page(["Berlin", "Paris", "Oslo", ""])
    boards.set(CAREERS, glitch, content_type="text/html")
    caplog.set_level(logging.INFO, logger="secondchance")
    held = await h.poll()
    assert held.alerts == [] and held.boards[0].outcome is Outcome.UNCHANGED
    assert (
        "1 posting with a field emptied, kept as it was until the next poll confirms it"
        in (lines(caplog)[-1][1])
    )
    boards.set(CAREERS, CAREERS_GOOD, content_type="text/html")
    assert (await h.poll()).alerts == []
    # Emptied on two polls in a row, across a restart: told once, as a change.
    boards.set(CAREERS, glitch, content_type="text/html")
    assert (await h.poll()).alerts == []
    await h.restart()
    confirmed = await h.poll()
    assert [(a.kind, a.title) for a in confirmed.alerts] == [("changed", "Careers Role 3")]
    assert confirmed.boards[0].outcome is Outcome.CHANGED
    assert (await h.poll()).alerts == []
    [row] = [p for p in h.postings() if p["title"] == "Careers Role 3"]
    assert (row["locations"], row["emptied"]) == ("[]", 0)


async def test_a_skipped_posting_is_never_closed_and_closes_nothing(
    harness: Callable[..., Harness], boards: BoardServer
) -> None:
    h = harness('greenhouse = "acme"')
    boards.set(GREENHOUSE, GH_GOOD)
    await h.poll()
    # Job 4 loses its title; job 3 is really gone: neither may be closed meanwhile.
    for n in range(3):
        # Other bytes each time (a timestamp in the body): read anew every poll.
        boards.set(GREENHOUSE, greenhouse(*GH_JOBS[:2], (4, "")) + " " * n)
        report = await h.poll()
        assert report.alerts == [] and report.boards[0].skipped == {"no title": 1}
    assert {p["posting_id"]: (p["status"], p["misses"]) for p in h.postings()} == {
        "1": ("open", 0),
        "2": ("open", 0),
        "3": ("open", 0),
        "4": ("open", 0),
    }
    # Read whole again: job 4 is just there, and job 3's removal is confirmed as usual.
    boards.set(GREENHOUSE, greenhouse(*GH_JOBS[:2], GH_JOBS[3]))
    assert (await h.poll()).alerts == []
    assert [(a.kind, a.title) for a in (await h.poll()).alerts] == [("closed", "Designer")]


async def test_text_read_anew_after_an_upgrade_is_no_change(
    harness: Callable[..., Harness], boards: BoardServer
) -> None:
    # A snapshot stored by the release before: the placeholder kept in the location,
    # the board read by version 1 of the JSON-LD reader.
    h = harness(BOARDS["jsonld"][0])
    page = job_page(hong_kong("UNAVAILABLE"), {"title": "Quant"}, {"title": "Risk"})
    boards.set(JOB_PAGE, page, content_type="text/html")
    await h.poll()
    with h.store.engine.begin() as connection:
        connection.execute(update(sources).values(reader=1))
        connection.execute(
            update(postings)
            .where(postings.c.title == "Trader")
            .values(locations='["Hong Kong, UNAVAILABLE, HK"]')
        )
    refreshed = await h.poll()
    assert refreshed.alerts == [] and refreshed.boards[0].outcome is Outcome.CHANGED
    [trader] = [p for p in h.postings() if p["title"] == "Trader"]
    assert trader["locations"] == '["Hong Kong, HK"]'
    assert [s["reader"] for s in rows(h.store, sources)] == [SOURCES["jsonld"].reader]
    # From then on, a change of place is one.
    boards.set(JOB_PAGE, job_page(hong_kong("Kowloon"), {"title": "Quant"}, {"title": "Risk"}))
    changed = await h.poll()
    assert [(a.kind, a.location) for a in changed.alerts] == [("changed", "Hong Kong, Kowloon, HK")]


async def test_every_poll_has_its_line_unchanged_ones_too(
    harness: Callable[..., Harness], boards: BoardServer, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness('greenhouse = "acme"', 'lever = "acme"')
    boards.set(GREENHOUSE, GH_GOOD, etag='"v1"')
    boards.set(LEVER, LEVER_GOOD)
    caplog.set_level(logging.INFO, logger="secondchance")
    caplog.clear()
    await h.poll()
    await h.poll()  # greenhouse answers 304, lever the same bytes
    said = [line.rsplit(" (", 1)[0] for _, line in lines(caplog)]
    assert said == [
        "Acme greenhouse:acme: first poll, 4 open postings recorded; alerts start from the "
        "next change",
        "Acme lever:acme: first poll, 5 open postings recorded; alerts start from the next change",
        "Acme greenhouse:acme: unchanged, 4 open",
        "Acme lever:acme: unchanged, 5 open",
    ]
