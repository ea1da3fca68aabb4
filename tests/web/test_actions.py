"""The dashboard's database actions against a real database polled from boards on
127.0.0.1: a posting marked applied or dismissed, its alerts held (recorded, never
sent, never deleted), the mark undone and what it held sent after all."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from dashboard_site import GH, Site, board, get_html, text_of
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import select

from conftest import BoardServer, Receiver
from secondchance.config import database_url
from secondchance.core.drafts import Draft
from secondchance.storage import marks, outbox
from secondchance.storage.database import open_existing, open_store
from secondchance.storage.schema import alerts, deliveries
from secondchance.web import csrf

WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[settings]
close_after = 1

[notify]
timezone = "UTC"
urls = ["{receiver}"]

[[company]]
name = "Acme"
greenhouse = "acme"
"""

Client = TestClient[web.Request, web.Application]
AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Any, boards: BoardServer, receiver: Receiver) -> Site:
    site = Site(tmp_path, WATCHLIST.format(boards=boards.url, receiver=receiver.url))
    boards.set(GH, board((1, "Backend Engineer"), (2, "Sales Person")))
    site.once()  # the silent baseline
    return site


def _form(client: Client, **fields: str) -> dict[str, str]:
    return {**fields, csrf.FIELD: csrf.token_for(client.app[csrf.SECRET], "")}


def _mark_form(client: Client, posting: str, mark: str, back: str = "/company/Acme") -> Any:
    return _form(
        client,
        company="Acme",
        kind="greenhouse",
        board="acme",
        posting=posting,
        mark=mark,
        back=back,
    )


def _statuses(site: Site) -> dict[tuple[str, str | None], list[str]]:
    """(kind, title) of each alert → its deliveries' statuses."""
    store = open_existing(database_url(None, site.data))
    try:
        rows = store.read_now(
            lambda c: list(
                c.execute(
                    select(alerts.c.kind, alerts.c.title, deliveries.c.status).join(
                        deliveries, deliveries.c.alert_id == alerts.c.id
                    )
                )
            )
        )
    finally:
        store.dispose()
    out: dict[tuple[str, str | None], list[str]] = {}
    for kind, title, status in rows:
        out.setdefault((kind, title), []).append(status)
    return out


def _titles(receiver: Receiver) -> str:
    return json.dumps(receiver.messages)


async def test_applied_holds_every_alert_about_the_posting_but_its_closing_and_undo_sends_them(
    site: Site, boards: BoardServer, receiver: Receiver
) -> None:
    async with site.client(writes=True) as client:
        response = await client.post(
            "/actions/mark", data=_mark_form(client, "1", "applied"), allow_redirects=False
        )
        assert response.status == 303, await response.text()
        back = response.headers["Location"]
        assert re.fullmatch(r"/company/Acme\?done=applied&mark=\d+", back)
        tree = await get_html(client, back)
        page = text_of(tree)
        assert "Marked applied: no more alerts about this posting but its closing." in page
        assert "you marked it applied" in page  # in the timeline
        row = next(r for r in tree.css("tbody tr") if "Backend Engineer" in r.text())
        assert "applied" in row.text() and row.css_first("button").text() == "Undo"
        mark_id = back.rsplit("=", 1)[1]

    # The marked posting changes (held), another one appears (sent).
    boards.set(GH, board((1, "Senior Backend Engineer"), (2, "Sales Person"), (3, "QA Engineer")))
    await asyncio.to_thread(site.once)
    held = _statuses(site)
    assert held[("changed", "Senior Backend Engineer")] == ["held"]
    assert held[("new", "QA Engineer")] == ["sent"]
    assert "QA Engineer" in _titles(receiver)
    assert "Senior Backend" not in _titles(receiver)
    async with site.client() as client:
        timeline = text_of(await get_html(client, "/company/Acme"))
        outbox_page = text_of(await get_html(client, "/deliveries"))
    assert "Senior Backend Engineer [held by your mark]" in timeline
    assert "held, never sent: you marked the posting" in outbox_page

    # Its closing is told: the user wants to know the role they applied for is gone.
    boards.set(GH, board((2, "Sales Person"), (3, "QA Engineer")))
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("closed", "Senior Backend Engineer")] == ["sent"]

    async with site.client(writes=True) as client:
        response = await client.post(
            "/actions/undo",
            data=_form(client, mark=mark_id, back="/company/Acme?done=applied&mark=" + mark_id),
            allow_redirects=False,
        )
        assert response.headers["Location"] == f"/company/Acme?done=undone&mark={mark_id}"
        page = text_of(await get_html(client, "/company/Acme"))
        assert "you undid applied" in page
        again = await client.post("/actions/undo", data=_form(client, mark=mark_id))
        assert again.status == 404
    # What the mark held is pending again, and goes out with the next round.
    assert _statuses(site)[("changed", "Senior Backend Engineer")] == ["pending"]
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("changed", "Senior Backend Engineer")] == ["sent"]
    assert "Senior Backend Engineer" in _titles(receiver)


async def test_dismissed_holds_its_closing_too_and_the_jobs_page_shows_the_mark(
    site: Site, boards: BoardServer, receiver: Receiver
) -> None:
    async with site.client(writes=True) as client:
        response = await client.post(
            "/actions/mark",
            data=_mark_form(client, "2", "dismissed", back="/jobs"),
            headers={"Accept": "application/json"},
        )
        record = await response.json()
        assert (record["mark"], record["title"], record["posting_id"]) == (
            "dismissed",
            "Sales Person",
            "2",
        )
        jobs = await get_html(client, "/jobs")
    row = next(r for r in jobs.css("tbody tr") if "Sales Person" in r.text())
    assert "dismissed" in row.text()
    boards.set(GH, board((1, "Backend Engineer")))
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("closed", "Sales Person")] == ["held"]
    assert "Sales Person" not in _titles(receiver)


async def test_what_an_action_cannot_do_is_refused_and_changes_nothing(site: Site) -> None:
    async with site.client(writes=True) as client:
        assert (await client.post("/actions/mark", data=_mark_form(client, "1", "x"))).status == 400
        assert (
            await client.post("/actions/mark", data=_mark_form(client, "99", "applied"))
        ).status == 404
        other = {**_mark_form(client, "1", "applied"), "company": "Nobody"}
        assert (await client.post("/actions/mark", data=other)).status == 404
        assert (await client.post("/actions/undo", data=_form(client, mark="x"))).status == 400
        # A page never links anywhere but here after an action.
        away = _mark_form(client, "1", "applied", back="//evil.example/")
        response = await client.post("/actions/mark", data=away, allow_redirects=False)
        assert response.headers["Location"].startswith("/?done=applied&mark=")
    async with site.client() as client:  # started without a way to write
        response = await client.post("/actions/mark", data=_mark_form(client, "1", "applied"))
        assert response.status == 503
        assert "cannot write to the database" in await response.text()


def test_a_mark_holds_what_is_pending_and_its_undo_releases_it(tmp_path: Any) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    at = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    key = ("Acme", "greenhouse", "acme", "7")

    def draft(kind: str) -> Draft:
        return Draft(
            f"k|{kind}",
            "Acme",
            kind,
            ("a", "b"),
            source_kind="greenhouse",
            source_board="acme",
            posting_id="7",
            title="Role",
        )

    try:
        store.write_now(outbox.queue, [draft("changed"), draft("closed")], at)
        made = store.write_now(marks.add, key, "applied", "Role", at)
        status = lambda: sorted(  # noqa: E731
            store.read_now(
                lambda c: list(
                    c.execute(
                        select(alerts.c.kind, deliveries.c.status, deliveries.c.held_by).join(
                            deliveries, deliveries.c.alert_id == alerts.c.id
                        )
                    )
                )
            )
        )
        assert status() == [
            ("changed", "held", made.id),
            ("changed", "held", made.id),
            ("closed", "pending", None),
            ("closed", "pending", None),
        ]
        assert store.read_now(outbox.due, ["a", "b"]) and all(
            alert.kind == "closed" for _, _, alert in store.read_now(outbox.due, ["a", "b"])
        )
        assert store.write_now(marks.undo, made.id, at) is not None
        assert {s for _, s, _ in status()} == {"pending"}
    finally:
        store.dispose()


async def test_a_snoozed_company_s_alerts_wait_and_go_when_it_ends_or_is_undone(
    site: Site, boards: BoardServer, receiver: Receiver
) -> None:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    async with site.client(writes=True) as client:
        for bad in ("", "2026-13-01", "2001-01-01"):
            refused = await client.post(
                "/actions/snooze", data=_form(client, company="Acme", until=bad)
            )
            assert refused.status == 400, bad
        response = await client.post(
            "/actions/snooze",
            data=_form(client, company="Acme", until=tomorrow, back="/company/Acme"),
            allow_redirects=False,
        )
        back = response.headers["Location"]
        assert re.fullmatch(r"/company/Acme\?done=snoozed&mark=\d+", back)
        page = text_of(await get_html(client, back))
        assert "Snoozed: its alerts wait" in page
        assert f"Alerts snoozed until {tomorrow}" in page and "you snoozed it" in page
    boards.set(GH, board((1, "Backend Engineer"), (2, "Sales Person"), (3, "QA Engineer")))
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("new", "QA Engineer")] == ["pending"]
    assert "QA Engineer" not in _titles(receiver)
    async with site.client() as client:
        waiting = text_of(await get_html(client, "/deliveries"))
    assert f"snoozed until {tomorrow}" in waiting
    async with site.client(writes=True) as client:
        undo = await client.post(
            "/actions/undo", data=_form(client, mark=back.rsplit("=", 1)[1], back=back)
        )
        assert "you ended the snooze" in text_of(HTMLParser(await undo.text()))
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("new", "QA Engineer")] == ["sent"]
    assert "QA Engineer" in _titles(receiver)

    # A snooze that ends by itself: what waited goes with the next round after it.
    store = open_existing(database_url(None, site.data), writable=True)
    try:
        store.write_now(marks.snooze, "Acme", datetime.now(UTC) + timedelta(seconds=1), AT)
    finally:
        store.dispose()
    boards.set(GH, board((1, "Backend Engineer"), (3, "QA Engineer"), (4, "Data Engineer")))
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("new", "Data Engineer")] == ["pending"]
    await asyncio.sleep(1.2)
    await asyncio.to_thread(site.once)
    assert _statuses(site)[("new", "Data Engineer")] == ["sent"]
