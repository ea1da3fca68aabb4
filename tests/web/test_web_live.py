"""Live updates and the feed, against a real database written with the storage
functions while a real server (aiohttp's TestServer, or WebServer on a port) reads
it through its own read-only connection."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Connection

from secondchance.config import load
from secondchance.core.drafts import Draft
from secondchance.storage import dashboard, outbox
from secondchance.storage.database import Store, open_existing, open_store
from secondchance.storage.schema import sources
from secondchance.web import live
from secondchance.web.server import WebServer, build_app

LISTEN = "127.0.0.1:9464"
HOST = {"Host": LISTEN}
TOKEN = "a-token-of-thirty-two-characters-at-least"
A = "{http://www.w3.org/2005/Atom}"
WATCHLIST = """
[server]
listen = "{listen}"
{server}

[notify]
urls = [{{ url = "json://127.0.0.1:9/hook", tags = ["dream"] }}, "json://127.0.0.1:9/all"]

[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Engineer"
date = 2026-03-01

[company.filter]
notify = ["dream"]

[[company]]
name = "Globex"
greenhouse = "globex"

[[company.rejection]]
role = "Analyst"
date = 2026-05-01
"""
HOSTILE = "</title><script>alert(1)</script> ]]> \x00\x07\x1b end & <b>"
Client = TestClient[web.Request, web.Application]


class Site:
    """A migrated database (written by the daemon's functions) and a dashboard
    reading it read-only."""

    def __init__(self, tmp_path: Path, server: str = "", listen: str = LISTEN) -> None:
        self.path = tmp_path / "watchlist.toml"
        self.path.write_text(WATCHLIST.format(listen=listen, server=server), encoding="utf-8")
        self.url = f"sqlite:///{tmp_path / 'secondchance.db'}"
        self.writer: Store = open_store(self.url)
        self.count = 0

    def app(self) -> web.Application:
        reader = open_existing(self.url, live=True)
        app = build_app(load(self.path), reader, lambda: (True, "ok"))
        app[live.STREAMS].every = 0.05
        app[live.STREAMS].keep_alive = 0.3
        return app

    def alert(
        self, company: str = "Acme", title: str = "Backend Engineer", url: str | None = None
    ) -> None:
        self.count += 1
        draft = Draft(
            key=f"test|{self.count}",
            company=company,
            kind="role_back",
            channels=("c1",),
            source_kind="greenhouse",
            source_board=company.lower(),
            posting_id=str(self.count),
            title=title,
            url=url if url is not None else f"https://acme.test/jobs/{self.count}",
        )
        self.writer.write_now(outbox.queue, [draft], datetime.now(UTC))

    def polled(self, company: str, result: str = "ok") -> None:
        self.writer.write_now(
            lambda c: c.execute(
                sources.insert().values(
                    company=company,
                    kind="greenhouse",
                    board=company.lower(),
                    last_poll_at=datetime.now(UTC),
                    last_result=result,
                )
            )
        )


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    site = Site(tmp_path)
    yield site
    site.writer.dispose()


@pytest.fixture
async def client(site: Site) -> AsyncIterator[Client]:
    async with TestClient(TestServer(site.app())) as client:
        yield client


async def _event(response: aiohttp.ClientResponse, wait: float = 5.0) -> list[str]:
    """The next event's lines (a comment counts as one)."""
    lines: list[str] = []
    while True:
        line = (await asyncio.wait_for(response.content.readline(), wait)).decode()
        if line == "\n":
            if lines:
                return lines
            continue
        lines.append(line.rstrip("\n"))


async def test_the_stream_delivers_alerts_and_polls_written_after_it_opened(
    site: Site, client: Client
) -> None:
    site.alert(title="Old news")  # before the stream: not sent
    response = await client.get("/events", headers=HOST)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["Cache-Control"] == "no-store"
    assert await _event(response) == ["retry: 5000"]
    site.alert(title="Backend <Engineer>\nsecond line")
    lines = await _event(response)
    assert lines[:2] == ["id: 2", "event: alert"]
    data = json.loads(lines[2].removeprefix("data: "))
    assert data["company"] == "Acme"
    assert data["kind"] == "role back"
    assert data["title"] == "Backend <Engineer>\nsecond line"
    assert len(lines) == 3  # the newline stayed inside the JSON
    site.polled("Globex", "failed")
    lines = await _event(response)
    assert lines[0] == "event: poll"
    assert json.loads(lines[1].removeprefix("data: "))["outcome"] == "failed"
    response.close()


async def test_a_reconnecting_stream_resumes_after_the_last_event_id(
    site: Site, client: Client
) -> None:
    site.alert()
    site.alert()
    response = await client.get("/events", headers={**HOST, "Last-Event-ID": "1"})
    assert await _event(response) == ["retry: 5000"]
    assert (await _event(response))[0] == "id: 2"
    response.close()


async def test_an_idle_stream_sends_keep_alive_comments(client: Client) -> None:
    response = await client.get("/events", headers=HOST)
    assert await _event(response) == ["retry: 5000"]
    assert await _event(response) == [": keep-alive"]
    response.close()


async def test_streams_are_capped_and_the_host_check_applies(site: Site) -> None:
    app = site.app()
    app[live.STREAMS].cap = 2
    async with TestClient(TestServer(app)) as client:
        refused = await client.get("/events", headers={"Host": "evil.example:9464"})
        assert refused.status == 421
        first = await client.get("/events", headers=HOST)
        second = await client.get("/events", headers=HOST)
        third = await client.get("/events", headers=HOST)
        assert (first.status, second.status, third.status) == (200, 200, 503)
        assert third.headers["Retry-After"] == "30"
        first.close()
        # The slot comes back once the server notices the browser went.
        for _ in range(100):
            if app[live.STREAMS].open < 2:
                break
            await asyncio.sleep(0.05)
        again = await client.get("/events", headers=HOST)
        assert again.status == 200
        again.close()
        second.close()


async def test_open_streams_share_one_read_a_tick_and_each_gets_every_event(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[float] = []
    real = dashboard.live_since

    def spy(connection: Connection, after: int, since: datetime | None) -> object:
        reads.append(time.monotonic())
        return real(connection, after, since)

    monkeypatch.setattr(dashboard, "live_since", spy)
    site.alert(title="Old news")
    app = site.app()
    app[live.STREAMS].every = 0.2
    async with TestClient(TestServer(app)) as client:
        streams = [await client.get("/events", headers=HOST) for _ in range(3)]
        for response in streams:
            assert await _event(response) == ["retry: 5000"]
        site.alert(title="Data Engineer")
        site.polled("Globex")
        got = [[await _event(response), await _event(response)] for response in streams]
        for response in streams:
            response.close()
    # Each stream had the alert and the poll, once, in order ...
    for alert, poll in got:
        assert alert[:2] == ["id: 2", "event: alert"]
        assert json.loads(alert[2].removeprefix("data: "))["title"] == "Data Engineer"
        assert poll[0] == "event: poll"
    # ... from reads a tick apart: one for the three streams, not one each.
    assert reads
    assert all(b - a >= 0.15 for a, b in pairwise(reads))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_open_stream_does_not_delay_the_shutdown_nor_log_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()
    site = Site(tmp_path, listen=f"127.0.0.1:{port}")
    server = WebServer(site.app(), f"127.0.0.1:{port}")
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            response = await session.get(
                f"http://127.0.0.1:{port}/events", headers={"Host": f"127.0.0.1:{port}"}
            )
            assert response.status == 200
            assert await _event(response) == ["retry: 5000"]
            with caplog.at_level(logging.WARNING):
                started = time.monotonic()
                await server.close()
                assert time.monotonic() - started < 1.5
            assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
            response.close()
    finally:
        await server.close()
        site.writer.dispose()


async def test_the_json_mirror_lists_alerts_after_an_id(site: Site, client: Client) -> None:
    site.alert(title="One")
    site.alert(title="Two")
    body = await (await client.get("/api/alerts?after=1", headers=HOST)).json()
    assert [(a["id"], a["title"]) for a in body["items"]] == [(2, "Two")]
    assert body["next"] == 2
    assert (await client.get("/api/alerts?after=x", headers=HOST)).status == 400


def _feed(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{A}{name}") is not None, name
    return root


async def test_the_feed_is_atom_newest_first_and_per_tag(site: Site, client: Client) -> None:
    site.alert("Acme", "Backend Engineer")
    site.alert("Globex", "Data Analyst")
    response = await client.get("/feed.atom", headers=HOST)
    assert response.status == 200
    assert response.content_type == "application/atom+xml"
    assert response.headers["Cache-Control"] == "no-store"
    root = _feed(await response.text())
    entries = root.findall(f"{A}entry")
    titles = [e.findtext(f"{A}title") for e in entries]
    assert titles == ["Globex: role back: Data Analyst", "Acme: role back: Backend Engineer"]
    first = entries[0]
    assert first.findtext(f"{A}id", "").startswith("urn:uuid:")
    assert first.find(f"{A}content").get("type") == "text"  # type: ignore[union-attr]
    assert first.find(f"{A}link").get("href") == "https://acme.test/jobs/2"  # type: ignore[union-attr]
    assert datetime.fromisoformat(first.findtext(f"{A}updated", "").replace("Z", "+00:00"))
    # Ids are stable from one request to the next.
    again = _feed(await (await client.get("/feed.atom", headers=HOST)).text())
    assert [e.findtext(f"{A}id") for e in again.findall(f"{A}entry")] == [
        e.findtext(f"{A}id") for e in entries
    ]
    tagged = _feed(await (await client.get("/feed.atom?tag=dream", headers=HOST)).text())
    assert [e.findtext(f"{A}title") for e in tagged.findall(f"{A}entry")] == [
        "Acme: role back: Backend Engineer"
    ]
    assert (await client.get("/feed.atom?tag=nobody", headers=HOST)).status == 404


async def test_a_hostile_title_stays_text_and_a_script_url_gives_no_link(
    site: Site, client: Client
) -> None:
    site.alert("Acme", HOSTILE, url="javascript:alert(1)")
    text = await (await client.get("/feed.atom", headers=HOST)).text()
    root = _feed(text)
    (entry,) = root.findall(f"{A}entry")
    assert entry.find(f"{A}link") is None
    title = entry.findtext(f"{A}title", "")
    assert "</title><script>alert(1)</script> ]]>" in title
    assert "\x00" not in title and "\x07" not in title and "\x1b" not in title
    assert not any(el.tag.endswith("script") or el.tag == "b" for el in root.iter())
    assert "<script>" not in text


async def test_feed_readers_sign_in_with_a_bearer_token(tmp_path: Path) -> None:
    site = Site(tmp_path, server=f'token = "{TOKEN}"')
    try:
        async with TestClient(TestServer(site.app())) as client:
            assert (await client.get("/feed.atom", headers=HOST)).status == 401
            assert (await client.get("/events", headers=HOST)).status == 401
            wrong = {**HOST, "Authorization": "Bearer " + "x" * 40}
            assert (await client.get("/feed.atom", headers=wrong)).status == 401
            signed = {**HOST, "Authorization": f"Bearer {TOKEN}"}
            response = await client.get("/feed.atom", headers=signed)
            assert response.status == 200
            _feed(await response.text())
    finally:
        site.writer.dispose()
