"""Board text is data: hostile titles and links polled from a board appear on every
page as escaped text, and create no element, no attribute and no link."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from dashboard_site import GH, Site, board, get_html
from selectolax.lexbor import LexborHTMLParser

from conftest import BoardServer

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "</title><iframe src=javascript:alert(1)>",
    "Engineer \u202egpj.exe",
    "A" * 100_000 + "<img src=x onerror=alert(2)>",
]
LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " javascript:alert(1)",
    'https://ok.test/jobs/9"><img src=x onerror=alert(3)>',
]
WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[notify]
timezone = "UTC"

[[company]]
name = "Acme <b>&</b> \\"Co\\""
greenhouse = "acme"

[[company.rejection]]
role = "<img src=x onerror=alert(4)>"
date = 2026-03-01
contact = "\\"><script>alert(5)</script>"
notes = "<svg onload=alert(6)>"
"""
COMPANY = 'Acme <b>&</b> "Co"'
PAGES = [
    "/",
    "/company/" + quote(COMPANY, safe=""),
    "/jobs",
    "/deliveries",
    "/watchlist",
    "/?q=%3Cimg%20src%3Dx%3E",
    '/jobs?q="><svg onload=alert(1)>&location=<script>',
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A baseline of one posting, then every hostile title and link as new postings
    (so alerts carry them too)."""
    boards = BoardServer()
    site = Site(tmp_path_factory.mktemp("hostile"), WATCHLIST.format(boards=boards.url))
    boards.set(GH, board((1, "Backend Engineer")))
    site.once()
    jobs = [(10 + i, title) for i, title in enumerate(HOSTILE)]
    jobs += [(30 + i, f"Link {i}", url) for i, url in enumerate(LINKS)]
    boards.set(GH, board((1, "Backend Engineer"), *jobs))
    site.once()
    boards.close()
    yield site


@pytest.mark.parametrize("path", PAGES)
async def test_hostile_text_creates_no_element_and_no_link(site: Site, path: str) -> None:
    async with site.client() as client:
        response = await client.get(path)
        html = await response.text()
    assert response.status == 200, html
    tree = LexborHTMLParser(html)
    for tag in ("img", "svg", "iframe", "b", "object", "embed"):
        assert tree.css(tag) == [], tag
    scripts = [s.attributes.get("src") for s in tree.css("script")]
    assert scripts == ["/static/app.js"]
    for node in tree.css("*"):
        for name in node.attributes:
            assert not name.lower().startswith("on"), (node.tag, name)
        assert "style" not in node.attributes
    for link in tree.css("[href]"):
        href = link.attributes["href"] or ""
        assert href.startswith(("https://", "http://", "/", "?", "#")), href
        assert "javascript" not in href.lower()
    assert "\u202e" not in html
    # A 100 KB title is shown capped, not in full.
    assert "A" * 3000 not in html
    assert len(html) < 200_000


async def test_hostile_text_is_shown_as_text(site: Site) -> None:
    async with site.client() as client:
        tree = await get_html(client, "/jobs")
        company = await get_html(client, "/company/" + quote(COMPANY, safe=""))
    titles = [row.css_first("td").text() for row in tree.css("tbody tr")]
    assert "<img src=x onerror=alert(1)>" in titles
    assert '"><svg onload=alert(1)>' in titles
    assert "Engineer gpj.exe" in titles
    # Only http(s) links are links; the others show their title alone.
    links = {a.text(): a.attributes["href"] for a in tree.css("tbody td:first-child a")}
    for i in range(4):
        assert f"Link {i}" not in links
    assert company.css_first("h1").text() == COMPANY
    assert "<svg onload=alert(6)>" in company.css_first("main").text()


async def test_the_json_endpoints_keep_board_text_as_it_was(site: Site) -> None:
    async with site.client() as client:
        jobs = await (await client.get("/api/jobs")).json()
    assert "<img src=x onerror=alert(1)>" in {j["title"] for j in jobs["items"]}
