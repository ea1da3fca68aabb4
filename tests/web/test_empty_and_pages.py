"""Empty states say the next step; long lists come in pages."""

from __future__ import annotations

from pathlib import Path

from dashboard_site import Site, get_html, text_of

from secondchance.config import database_url
from secondchance.storage.database import open_store


def fresh(tmp_path: Path, text: str) -> Site:
    """A watchlist and a database created but never polled."""
    site = Site(tmp_path, text)
    site.data.mkdir()
    open_store(database_url(None, site.data)).dispose()
    return site


async def test_no_companies_says_how_to_add_them(tmp_path: Path) -> None:
    site = fresh(tmp_path, '[notify]\ntimezone = "UTC"\n')
    async with site.client() as client:
        overview = text_of(await get_html(client, "/"))
        jobs = text_of(await get_html(client, "/jobs"))
        deliveries = text_of(await get_html(client, "/deliveries"))
        watchlist = text_of(await get_html(client, "/watchlist"))
        api = await (await client.get("/api/companies")).json()
    for step in (
        "add one from a URL",
        "secondchance init",
        "secondchance import",
        "secondchance discover",
    ):
        assert step in overview
        assert step in watchlist
    assert "No open postings yet" in jobs
    assert "No alerts queued yet" in deliveries
    assert api == {"items": [], "page": 1, "pages": 1, "total": 0}


async def test_no_polls_yet_says_when_the_first_is(tmp_path: Path) -> None:
    site = fresh(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')
    async with site.client() as client:
        overview = text_of(await get_html(client, "/"))
        company = text_of(await get_html(client, "/company/Acme"))
    assert "No polls yet" in overview
    assert "not polled yet" in overview
    assert "Not polled yet" in company
    assert "No rejection recorded" in company


async def test_the_overview_comes_in_pages_of_fifty(tmp_path: Path) -> None:
    text = "".join(
        f'[[company]]\nname = "Company {n:03}"\ngreenhouse = "c{n}"\n\n' for n in range(120)
    )
    site = fresh(tmp_path, text)
    async with site.client() as client:
        first = await get_html(client, "/")
        last = await get_html(client, "/?page=3")
        beyond = await get_html(client, "/?page=99")
        api = await (await client.get("/api/history?company=Company%20007")).json()
    names = [c.css_first("h2 a").text() for c in first.css("li.card")]
    assert names[0] == "Company 000" and len(names) == 50
    assert [a.attributes["href"] for a in first.css(".pager a")] == ["?page=2"]
    assert "Page 1 of 3 (120 in all)" in text_of(first)
    names = [c.css_first("h2 a").text() for c in last.css("li.card")]
    assert names[0] == "Company 100" and len(names) == 20
    assert [a.attributes["href"] for a in last.css(".pager a")] == ["?page=2"]
    assert len(beyond.css("li.card")) == 20  # past the end: the last page
    assert api["items"] == []
