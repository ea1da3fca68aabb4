"""/watchlist says how the running watchlist was loaded, from what the daemon wrote
in the database (the dashboard may be another process): the start, a reload taken,
or an edit rejected with its problems, as text."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from dashboard_site import GH, Site, board, get_html, text_of

from conftest import BoardServer
from secondchance.config import database_url
from secondchance.storage import heartbeat
from secondchance.storage.database import open_store

WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[[company]]
name = "Acme"
greenhouse = "acme"
"""
START = datetime(2026, 12, 6, 14, 2, tzinfo=UTC)
LATER = datetime(2026, 12, 6, 14, 5, tzinfo=UTC)


async def test_the_watchlist_page_shows_the_last_load_and_a_rejected_edit(
    tmp_path: Path, boards: BoardServer
) -> None:
    site = Site(tmp_path, WATCHLIST.format(boards=boards.url))
    boards.set(GH, board((1, "Backend Engineer")))
    await asyncio.to_thread(site.once)
    daemon = open_store(database_url(None, site.data))
    try:
        async with site.client() as client:
            before = text_of(await get_html(client, "/watchlist"))
            daemon.write_now(heartbeat.record_load, START, start=True)
            started = text_of(await get_html(client, "/watchlist"))
            daemon.write_now(heartbeat.record_load, LATER, start=False)
            reloaded = text_of(await get_html(client, "/watchlist"))
            problems = ["watchlist.toml:3: <b>bold</b> & <script>alert(1)</script>", "second"]
            daemon.write_now(heartbeat.record_rejected, LATER.replace(minute=9), problems)
            response = await client.get("/watchlist")
            html = await response.text()
            tree = await get_html(client, "/watchlist")
    finally:
        daemon.dispose()
    assert "Last reload" not in before
    assert "Loaded at" not in before and "Last edit rejected" not in before
    assert "Loaded at 2026-12-06 14:02 (start)" in started
    assert "Last reload: 2026-12-06 14:05 (taken)" in reloaded
    rejected = tree.css_first("section.reload")
    assert rejected is not None
    assert "Last edit rejected 2026-12-06 14:09" in rejected.text()
    assert [li.text() for li in rejected.css("li")] == problems
    assert "the one loaded at 2026-12-06 14:05" in rejected.text()
    # Text, never markup.
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
