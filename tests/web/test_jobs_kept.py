"""The jobs list is kept between requests, and read again once a poll is stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dashboard_site import GH, Site, board, get_html

from conftest import BoardServer
from secondchance.config import database_url
from secondchance.storage.database import open_store

WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[[company]]
name = "Acme"
greenhouse = "acme"
"""


async def test_a_poll_stored_since_shows_on_the_next_request(
    tmp_path: Path, boards: BoardServer
) -> None:
    site = Site(tmp_path, WATCHLIST.format(boards=boards.url))
    boards.set(GH, board((1, "Backend Engineer")))
    await asyncio.to_thread(site.once)
    # As a running daemon does, a writer keeps the database open (its -wal file
    # there): the pages' reader then sees each poll stored.
    daemon = open_store(database_url(None, site.data))
    daemon.read_now(lambda connection: connection.exec_driver_sql("SELECT 1"))
    try:
        async with site.client() as client:
            first = await get_html(client, "/jobs")
            boards.set(GH, board((1, "Backend Engineer"), (2, "Data Engineer")))
            await asyncio.to_thread(site.once)
            second = await get_html(client, "/jobs")
            api = await (await client.get("/api/jobs")).json()
    finally:
        daemon.dispose()
    assert [r.css_first("td").text() for r in first.css("tbody tr")] == ["Backend Engineer"]
    assert sorted(r.css_first("td").text() for r in second.css("tbody tr")) == [
        "Backend Engineer",
        "Data Engineer",
    ]
    assert api["total"] == 2
