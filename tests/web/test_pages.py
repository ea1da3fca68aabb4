"""The dashboard's pages and JSON endpoints show what the database holds, against a
database filled by real polls of boards on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from dashboard_site import GH, GLOBEX, Site, board, get_html, text_of

from conftest import BoardServer, Receiver

WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[settings]
failure_alert_after = 1

[notify]
timezone = "UTC"
urls = [{{ url = "{receiver}", tags = ["dream"] }}, "json://127.0.0.1:9/hook-secret-4711"]

[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Paid Search Marketing Manager"
date = 2026-03-01
stage = "final round"
reapply_after = "30d"
contact = "Dana Lee (recruiter)"
notes = "Liked the case study"

[company.filter]
include = ["engineer", "manager"]
notify = ["dream"]

[[company]]
name = "Globex"
greenhouse = "globex"

[[company.rejection]]
role = "Data Analyst"
date = 2026-05-01
"""


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[Site]:
    """Acme polled three times (a baseline, the rejected role back while Data Engineer
    goes, the close confirmed); Globex's board answering 404 throughout. Read only by
    the tests, so polled once for the module."""
    boards = BoardServer()
    tmp_path = tmp_path_factory.mktemp("site")
    site = Site(tmp_path, WATCHLIST.format(boards=boards.url, receiver=receiver.url))
    boards.set(GLOBEX, {"error": "gone"}, status=404)
    polls = [
        board((1, "Backend Engineer"), (2, "Sales Person"), (4, "Data Engineer")),
        board((1, "Backend Engineer"), (2, "Sales Person"), (3, "Paid Search Marketing Manager")),
        board((1, "Backend Engineer"), (2, "Sales Person"), (3, "Paid Search Marketing Manager")),
    ]
    for jobs in polls:
        boards.set(GH, jobs)
        site.once()
    boards.close()
    yield site


async def test_the_overview_shows_each_company_its_rejection_health_and_last_alert(
    site: Site,
) -> None:
    async with site.client() as client:
        tree = await get_html(client, "/")
    page = text_of(tree)
    assert tree.css_first("h1").text() == "Overview"
    assert "Overview · secondchance" in tree.css_first("title").text()
    cards = tree.css("li.card")
    assert [c.css_first("h2 a").text() for c in cards] == ["Acme", "Globex"]
    acme = cards[0].text(separator=" ")
    assert "Paid Search Marketing Manager — final round, 2026-03-01" in acme
    assert "cool-down over since 2026-03-31" in acme
    # 2 open pass the filter (Backend Engineer, the role back), Sales Person does not.
    assert "3, 2 pass your filters" in acme
    assert "role back" in acme
    assert "role_back" not in acme
    globex = cards[1].text(separator=" ")
    assert "failing since its first poll (3 polls in a row)" in globex
    assert "404" in globex
    # The role back stands out at the top.
    assert "A role you were turned down for is back" in page
    banner = tree.css_first(".roleback-banner li")
    assert banner.text().startswith("Acme: Paid Search Marketing Manager (")
    assert banner.css("a")[1].attributes["href"] == "https://acme.test/jobs/3"
    assert "roleback" in (cards[0].attributes.get("class") or "")


async def test_the_overview_filters_and_searches(site: Site) -> None:
    async with site.client() as client:
        failing = await get_html(client, "/?failing=1")
        tagged = await get_html(client, "/?tag=dream")
        searched = await get_html(client, "/?q=analyst")
        back = await get_html(client, "/?roleback=1")
        none = await get_html(client, "/?q=nothing-like-it")
    names = lambda tree: [c.css_first("h2 a").text() for c in tree.css("li.card")]  # noqa: E731
    assert names(failing) == ["Globex"]
    assert names(tagged) == ["Acme"]
    assert names(searched) == ["Globex"]
    assert names(back) == ["Acme"]
    assert names(none) == []
    assert "No company matches" in text_of(none)


async def test_the_company_page_tells_the_story(site: Site) -> None:
    async with site.client() as client:
        tree = await get_html(client, "/company/" + quote("acme"))
    page = text_of(tree)
    assert tree.css_first("h1").text() == "Acme"
    assert "Dana Lee (recruiter)" in page
    assert "Liked the case study" in page
    # The follow-up note the role back suggests, greeting the contact.
    note = tree.css_first("blockquote.note").text()
    assert note.startswith("Hi Dana Lee, I saw that the Paid Search Marketing Manager role")
    timeline = [li.css_first(".what").text() for li in tree.css("ol.timeline > li")]
    assert {"rejected", "seen", "closed", "alert role back", "alert closed"} <= set(timeline)
    # Each alert's delivery per channel, the channel named without its URL.
    assert "notify.urls[0] (json): sent" in page
    rows = tree.css("table.stack tbody tr")
    assert {r.css_first("td").text() for r in rows} == {
        "Backend Engineer",
        "Sales Person",
        "Paid Search Marketing Manager",
    }
    assert "hidden: " in page  # Sales Person, hidden by the filter, with the reason


async def test_an_unknown_company_is_404(site: Site) -> None:
    async with site.client() as client:
        assert (await client.get("/company/nobody")).status == 404
        assert (await client.get("/api/company/nobody")).status == 404
        assert (await client.get("/api/history")).status == 404


async def test_jobs_lists_what_passes_the_filters_with_links(site: Site) -> None:
    async with site.client() as client:
        tree = await get_html(client, "/jobs")
        by_company = await get_html(client, "/jobs?sort=company&q=backend")
        nowhere = await get_html(client, "/jobs?location=Paris")
    titles = [row.css_first("td").text() for row in tree.css("tbody tr")]
    assert sorted(titles) == ["Backend Engineer", "Paid Search Marketing Manager"]
    links = [a.attributes["href"] for a in tree.css("tbody td:first-child a")]
    assert sorted(links) == ["https://acme.test/jobs/1", "https://acme.test/jobs/3"]
    assert [row.css_first("td").text() for row in by_company.css("tbody tr")] == [
        "Backend Engineer"
    ]
    assert "No open posting matches" in text_of(nowhere)


async def test_deliveries_show_each_channel_and_state(site: Site) -> None:
    async with site.client() as client:
        tree = await get_html(client, "/deliveries")
        sent = await get_html(client, "/deliveries?state=sent")
        pending = await get_html(client, "/deliveries?state=pending")
        failed = await get_html(client, "/deliveries?state=failed")
    page = text_of(tree)
    assert "notify.urls[0] (json)" in page
    assert "notify.urls[1] (json)" in page
    assert len(sent.css("tbody tr.sent")) >= 3
    assert "Nothing here." in text_of(pending)
    # The channel that is down: each delivery failed, with its reason and next try.
    rows = failed.css("tbody tr.failed")
    assert rows
    assert all("notify.urls[1] (json)" in r.text() for r in rows)
    assert all(re.search(r"failed: failed \d+ times?: .+", r.text()) for r in rows)
    assert "hook-secret-4711" not in tree.html


async def test_the_json_endpoints_mirror_the_commands(site: Site) -> None:
    async with site.client() as client:
        companies = await (await client.get("/api/companies")).json()
        company = await (await client.get("/api/company/Acme")).json()
        jobs = await (await client.get("/api/jobs")).json()
        history = await (await client.get("/api/history?company=acme")).json()
        deliveries = await (await client.get("/api/deliveries")).json()
    boards = {(b["company"], b["result"]) for b in companies["items"]}
    assert boards == {("Acme", "unchanged"), ("Globex", "failed")}
    assert companies["total"] == 2
    assert {j["title"] for j in jobs["items"]} == {
        "Backend Engineer",
        "Paid Search Marketing Manager",
    }
    assert {j["status"] for j in jobs["items"]} == {"open"}
    events = [(e["event"], e["text"]) for e in history["items"]]
    assert events[0][0] == "rejected"
    assert ("alert role_back", "Paid Search Marketing Manager [sent]") in events
    assert company["history"] == history["items"]
    assert {p["title"] for p in company["open_postings"]} == {
        "Backend Engineer",
        "Sales Person",
        "Paid Search Marketing Manager",
    }
    assert {(d["label"], d["state"]) for d in deliveries["items"]} == {
        ("notify.urls[0] (json)", "sent"),
        ("notify.urls[1] (json)", "failed"),
    }


async def test_the_watchlist_shows_routing_and_never_a_secret(
    site: Site, receiver: Receiver
) -> None:
    async with site.client() as client:
        response = await client.get("/watchlist")
        html = await response.text()
    assert response.status == 200
    assert receiver.url not in html
    assert "hook-secret-4711" not in html
    assert "notify.urls[1] (json)" in html
    assert receiver.url.split("://", 1)[1] not in html
    assert "notify.urls[0] (json)" in html
    assert "greenhouse:acme" in html


async def test_static_files_are_served(site: Site) -> None:
    async with site.client() as client:
        css = await client.get("/static/app.css")
        assert css.status == 200 and "prefers-color-scheme" in await css.text()
        assert (await client.get("/static/app.js")).status == 200
        assert (await client.get("/static/%2e%2e/pages.py")).status in (403, 404)
