"""The poll loop against a real local board server and a real SQLite file.

No mocks: BoardServer (conftest) answers on 127.0.0.1, the store is a real
database, and the invariants of docs/ARCHITECTURE.md are checked on what gets stored.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer, Receiver, rows
from secondchance.config import Config, load
from secondchance.core.board import BoardState
from secondchance.daemon.app import channels, poll_settings, store_for
from secondchance.daemon.poller import Poller
from secondchance.delivery.notify import Notifier
from secondchance.fetch.client import Fetcher
from secondchance.storage import boards, outbox
from secondchance.storage.database import Store
from secondchance.storage.schema import alerts, deliveries, postings

GH_PATH = "/v1/boards/acme/jobs"


def gh_board(*jobs: tuple[int, str]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": jid,
                "title": title,
                "absolute_url": f"https://example.test/jobs/{jid}",
                "location": {"name": "Berlin"},
                "updated_at": "2026-11-01T10:00:00-04:00",
            }
            for jid, title in jobs
        ],
        "meta": {"total": len(jobs)},
    }


def write_config(
    tmp_path: Path, boards: BoardServer, database: str, extra: str = "", urls: str = ""
) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f"""
[settings]
interval = "1m"
database = "{database}"
{extra}
[settings.endpoints]
greenhouse = "{boards.url}"
lever = "{boards.url}"

[notify]
urls = [{urls}]
retry_min = "1s"

[[company]]
name = "Acme"
greenhouse = "acme"
""",
        encoding="utf-8",
    )
    return path


class Harness:
    def __init__(self, config: Config, data_dir: Path) -> None:
        self.config = config
        self.data_dir = data_dir
        self.store: Store = store_for(config, data_dir)
        self.fetcher = Fetcher(timeout=2.0, retries=0, retry_delay=0)
        self.poller = Poller(self.store, self.fetcher, poll_settings(config, channels(config)))

    async def poll(self) -> list[tuple[str, str | None]]:
        report = await self.poller.poll(self.config.companies[0])
        return [(a.kind, a.posting_id) for a in report.alerts]

    def postings(self) -> dict[str, tuple[str, int]]:
        return {r["posting_id"]: (r["status"], r["misses"]) for r in rows(self.store, postings)}

    def source(self) -> BoardState:
        (state,) = self.store.read_now(boards.read_all).values()
        return state

    async def close(self) -> None:
        await self.fetcher.aclose()
        self.store.dispose()


@pytest.fixture
async def make(
    tmp_path: Path, boards: BoardServer, database: str
) -> AsyncIterator[Callable[..., Harness]]:
    """Harnesses on one database; every test runs on SQLite and on PostgreSQL."""
    made: list[Harness] = []

    def factory(extra: str = "", urls: str = "") -> Harness:
        config = load(write_config(tmp_path, boards, database, extra, urls))
        harness = Harness(config, tmp_path / "data")
        made.append(harness)
        return harness

    yield factory
    for harness in made:
        await harness.close()


async def test_baseline_then_new_then_confirmed_close(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    assert await h.poll() == []
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer"), (3, "Designer")))
    assert await h.poll() == [("new", "3")]
    boards.set(GH_PATH, gh_board((1, "Analyst"), (3, "Designer")))
    assert await h.poll() == []
    assert h.postings()["2"] == ("open", 1)
    assert await h.poll() == [("closed", "2")]
    assert h.postings()["2"] == ("closed", 1)
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer"), (3, "Designer")))
    assert await h.poll() == [("reopened", "2")]


@pytest.mark.parametrize(
    "route",
    [
        {"status": 500, "body": b"oops"},
        {"status": 429, "body": b"slow down", "headers": {"Retry-After": "0"}},
        {"status": 200, "body": b"<html><body>Sign in</body></html>", "content_type": "text/html"},
        {"status": 200, "body": b""},
        {"status": 200, "body": b'{"jobs": [{"id": 1, "title": "Ana'},
        {"status": 200, "body": b'{"unexpected": true}'},
        {"status": 404, "body": b'{"status": 404}'},
    ],
    ids=["500", "429", "html", "empty", "truncated", "schema", "404"],
)
async def test_a_failure_never_edits_the_snapshot(
    make: Callable[..., Harness], boards: BoardServer, route: dict[str, Any]
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    await h.poll()
    before = h.postings()
    boards.set(GH_PATH, **route)
    for _ in range(3):
        alerts = await h.poll()
        assert all(kind == "source_failing" for kind, _ in alerts)
    assert h.postings() == before
    source = h.source()
    assert source.last_result == "failed"
    assert source.consecutive_failures == 3
    # The board comes back unchanged: nothing was removed, so nothing is "new".
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    assert await h.poll() == [("source_recovered", None)]


async def test_source_failing_is_reported_once(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "Analyst")))
    await h.poll()
    boards.set(GH_PATH, status=503, body=b"down")
    kinds = [await h.poll() for _ in range(6)]
    assert kinds == [[], [], [("source_failing", None)], [], [], []]


async def test_collapse_holds_the_snapshot_and_says_so(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board(*((i, f"Role {i}") for i in range(12))))
    await h.poll()
    boards.set(GH_PATH, gh_board())
    assert await h.poll() == [("source_failing", None)]
    assert await h.poll() == []
    assert all(state == ("open", 0) for state in h.postings().values())
    assert h.source().last_result == "suspect"
    boards.set(GH_PATH, gh_board(*((i, f"Role {i}") for i in range(12))))
    assert await h.poll() == [("source_recovered", None)]


async def test_a_small_board_listing_nothing_for_a_while_is_held_quietly(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    # Too small for a collapse, yet an empty list for two polls must not close
    # its roles and then "reopen" them: a false second chance.
    h = make()
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    await h.poll()
    boards.set(GH_PATH, gh_board())
    assert [await h.poll() for _ in range(3)] == [[], [], []]  # and no source alert
    assert h.postings() == {"1": ("open", 0), "2": ("open", 0)}
    assert h.source().last_result == "suspect"
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    assert await h.poll() == []
    assert h.source().last_result == "ok"


async def test_a_small_board_that_stays_empty_is_believed_in_the_end(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make(extra="collapse_accept_after = 3")
    boards.set(GH_PATH, gh_board((1, "Analyst")))
    await h.poll()
    boards.set(GH_PATH, gh_board())
    # Held for two polls; the third is believed (a first miss), the fourth confirms it.
    kinds = [await h.poll() for _ in range(4)]
    assert kinds == [[], [], [], [("closed", "1")]]
    assert h.postings()["1"][0] == "closed"


async def test_a_collapse_that_persists_is_believed_once_then_confirmed(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make(extra="collapse_accept_after = 3")
    boards.set(GH_PATH, gh_board(*((i, f"Role {i}") for i in range(6))))
    await h.poll()
    boards.set(GH_PATH, gh_board())
    kinds = [await h.poll() for _ in range(5)]
    # Reported, held twice, believed on the third poll (a first miss, and the board
    # counts as answering again), confirmed on the fourth: never suspected anew.
    assert kinds[:3] == [[("source_failing", None)], [], [("source_recovered", None)]]
    assert sorted(kinds[3]) == [("closed", str(i)) for i in range(6)]
    assert kinds[4] == []
    assert {status for status, _ in h.postings().values()} == {"closed"}


async def test_unchanged_bodies_still_confirm_removals(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")), etag='"v1"')
    await h.poll()
    boards.set(GH_PATH, gh_board((1, "A")), etag='"v2"')
    assert await h.poll() == []
    # The next answer is a 304: the board is as it was, and "2" is still gone.
    assert await h.poll() == [("closed", "2")]
    assert h.source().last_result == "unchanged"
    sent = [r for r in boards.requests if r[1].startswith(GH_PATH)]
    assert sent[-1][2].get("If-None-Match") == '"v2"'


async def test_reposted_role_under_a_new_id(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "Paid Search Marketing"), (2, "Engineer")))
    await h.poll()
    boards.set(GH_PATH, gh_board((2, "Engineer"), (9, "Paid  Search Marketing")))
    assert await h.poll() == [("reposted", "9")]
    # The old id was superseded, so it does not come back as "closed" later.
    assert await h.poll() == []
    assert h.postings()["1"][0] == "closed"


async def test_ids_longer_than_the_columns_are_stored_and_alerted_once(
    make: Callable[..., Harness], boards: BoardServer, receiver: Receiver
) -> None:
    """A careers page's posting ids are its links, and some carry kilobytes of
    tracking parameters. PostgreSQL enforces the columns' lengths (posting ids
    1,000, alert keys 300, ETags 500): the board must still be watched, each
    change alerted once and delivered, on both backends."""
    h = make(urls=f'"{receiver.url}"')
    huge, long = "https://jobs.test/" + "q" * 1500, "https://jobs.test/" + "r" * 400
    etag = '"' + "e" * 700 + '"'
    boards.set(GH_PATH, gh_board((huge, "Analyst"), ("1", "Engineer")), etag=etag)
    assert await h.poll() == []
    boards.set(GH_PATH, gh_board((huge, "Analyst"), ("1", "Engineer"), (long, "Designer")))
    assert await h.poll() == [("new", long)]
    assert await h.poll() == []  # the same board again: nothing new, nothing twice
    stored = h.postings()
    assert long in stored and huge not in stored and len(stored) == 3
    assert all(len(posting_id) <= 1000 for posting_id in stored)
    boards.set(GH_PATH, gh_board(("1", "Engineer"), (long, "Designer")))
    assert await h.poll() == []
    assert await h.poll() == [("closed", next(p for p in stored if p.startswith("sha256:")))]
    notifier = Notifier(h.store, h.config.notify, h.config.policy, channels(h.config))
    report = await notifier.drain()
    assert (report.sent, report.failed) == (2, 0)
    [message] = receiver.wait_for(1)  # one message per company and drain
    assert message["title"] == "Acme: 1 new role, 1 closed"


async def test_nul_and_control_characters_in_a_feed_are_stored_on_both_backends(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    """PostgreSQL refuses a NUL in text; a feed that sends one (in a title, in an
    id) must not fail the board's every write. Control characters are cleaned
    out of text like zero-width ones; an id keeps its identity as a hash."""
    h = make()
    boards.set(GH_PATH, gh_board(("1", "Analyst")))
    assert await h.poll() == []
    boards.set(GH_PATH, gh_board(("1", "Analyst"), ("2\x00b", "Desi\x00gner\x07\x1b")))
    [(kind, posting_id)] = await h.poll()
    assert kind == "new" and posting_id and posting_id.startswith("sha256:")
    assert [r["title"] for r in rows(h.store, postings)] == ["Analyst", "Designer"]
    assert await h.poll() == []  # the same id every poll: nothing announced twice


async def test_snapshot_and_outbox_commit_together(
    make: Callable[..., Harness], boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "A")))
    await h.poll()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")))

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("killed while writing the outbox")

    monkeypatch.setattr(outbox, "queue", crash)
    with pytest.raises(RuntimeError):
        await h.poll()
    assert "2" not in h.postings()
    monkeypatch.undo()
    assert await h.poll() == [("new", "2")]


async def test_no_duplicate_alert_after_a_restart(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    first = make()
    boards.set(GH_PATH, gh_board((1, "A")))
    await first.poll()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")))
    assert await first.poll() == [("new", "2")]
    await first.close()
    second = make()
    assert await second.poll() == []


async def test_outbox_delivery_survives_a_receiver_outage(
    make: Callable[..., Harness], boards: BoardServer, receiver: Receiver
) -> None:
    h = make(urls=f'"{receiver.url}"')
    notifier = Notifier(h.store, h.config.notify, h.config.policy, channels(h.config))
    boards.set(GH_PATH, gh_board((1, "A")))
    await h.poll()
    receiver.stop()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "Brand New Role")))
    assert await h.poll() == [("new", "2")]
    report = await notifier.drain()
    assert (report.sent, report.failed) == (0, 1)
    (delivery,) = rows(h.store, deliveries)
    assert delivery["status"] == "pending"
    assert delivery["next_attempt_at"] is not None
    receiver.start()
    # Backoff holds it until due; a restart (ignore_backoff) or time releases it.
    assert (await notifier.drain()).sent == 0
    assert (await notifier.drain(ignore_backoff=True)).sent == 1
    assert (await notifier.drain(ignore_backoff=True)).sent == 0
    messages = receiver.wait_for(1)
    assert len(messages) == 1
    assert "Brand New Role" in messages[0]["message"]
    assert messages[0]["title"] == "Acme: a new role"


async def test_a_receiver_error_is_not_a_delivery(
    make: Callable[..., Harness], boards: BoardServer, receiver: Receiver
) -> None:
    h = make(urls=f'"{receiver.url}"')
    notifier = Notifier(h.store, h.config.notify, h.config.policy, channels(h.config))
    boards.set(GH_PATH, gh_board((1, "A")))
    await h.poll()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")))
    await h.poll()
    receiver.fail_with = 500
    assert (await notifier.drain()).failed == 1
    receiver.fail_with = None
    assert (await notifier.drain(ignore_backoff=True)).sent == 1
    assert len(receiver.wait_for(1)) == 1


async def test_alert_rows_carry_what_json_output_needs(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "A")))
    await h.poll()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "Data Analyst")))
    report = await h.poller.poll(h.config.companies[0])
    assert [json.loads(json.dumps(a.as_json())) for a in report.alerts] == [
        {
            "company": "Acme",
            "source": {"kind": "greenhouse", "board": "acme"},
            "posting_id": "2",
            "kind": "new",
            "title": "Data Analyst",
            "location": "Berlin",
            "url": "https://example.test/jobs/2",
            "previous_title": None,
            "detail": None,
        }
    ]
    assert len(rows(h.store, alerts)) == 1


async def test_a_quiet_304_still_lets_the_next_change_through(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")), etag='"v1"')
    await h.poll()
    for _ in range(2):
        assert await h.poll() == []
        assert h.source().last_result == "unchanged"
    sent = [r for r in boards.requests if r[1].startswith(GH_PATH)]
    assert sent[-1][2].get("If-None-Match") == '"v1"'
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B"), (3, "C")), etag='"v2"')
    assert await h.poll() == [("new", "3")]
    assert h.postings() == {"1": ("open", 0), "2": ("open", 0), "3": ("open", 0)}


async def test_an_unchanged_body_without_etag_still_lets_changes_through(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")))
    await h.poll()
    assert await h.poll() == []
    assert h.source().last_result == "unchanged"  # same hash: nothing decoded or diffed
    boards.set(GH_PATH, gh_board((1, "A")))
    assert await h.poll() == []
    assert await h.poll() == [("closed", "2")]  # the same body twice still confirms it
    boards.set(GH_PATH, gh_board((1, "A"), (2, "B")))
    assert await h.poll() == [("reopened", "2")]


async def test_a_304_to_a_request_without_validators_is_a_failure_not_an_empty_board(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    # A misbehaving cache answering 304 to the first, unconditional request: read as
    # "unchanged", the board would get an empty baseline and its roles would all be
    # announced as new on the next real answer.
    h = make()
    boards.set(GH_PATH, b"", status=304)
    assert await h.poll() == []
    source = h.source()
    assert source.last_result == "failed"
    assert "not conditional" in (source.last_error or "")
    assert not source.baseline_done
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    assert await h.poll() == []  # the real first answer is the silent baseline
    assert h.postings() == {"1": ("open", 0), "2": ("open", 0)}


async def test_closed_and_failing_alerts_carry_the_dates_of_their_next_step(
    make: Callable[..., Harness], boards: BoardServer
) -> None:
    h = make()
    boards.set(GH_PATH, gh_board((1, "Analyst"), (2, "Engineer")))
    await h.poll()
    boards.set(GH_PATH, gh_board((1, "Analyst")))
    await h.poll()
    report = await h.poller.poll(h.config.companies[0])
    (closed,) = report.alerts
    today = closed.created_at.date().isoformat() if closed.created_at else ""
    # First seen at the baseline poll: today, like everything in a test.
    assert (closed.kind, closed.extra["first_seen"]) == ("closed", today)

    boards.set(GH_PATH, status=503, body=b"down")
    found = [a for _ in range(3) for a in (await h.poller.poll(h.config.companies[0])).alerts]
    (failing,) = found
    # The last poll that answered normally.
    assert (failing.kind, failing.extra["since"]) == ("source_failing", today)
