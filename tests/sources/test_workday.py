"""Workday CXS: real captures and paging, through the real fetch loop too (the contract
every kind keeps is in test_contract.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import respx

from secondchance.core.board import BoardResult
from secondchance.core.models import Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import workday
from secondchance.sources.interface import BoardSpec, Page, Request, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workday"
SOURCE: Source = workday.SOURCE
ACME = SOURCE.parse_spec("https://acme.wd5.myworkdayjobs.com/en-US/External", {})
API = "https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs"


def parse(raw: bytes, spec: BoardSpec = ACME, request: Request | None = None) -> Page:
    return SOURCE.parse(spec, request or SOURCE.first_request(spec, SOURCE.endpoints), raw)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def item(n: int) -> dict[str, Any]:
    return {
        "title": f"Job {n}",
        "externalPath": f"/job/Berlin/Job-{n}_R{n}",
        "locationsText": "Berlin",
        "postedOn": "Posted Today",
    }


def synthetic(ids: range, total: int | None) -> bytes:
    body: dict[str, Any] = {"jobPostings": [item(n) for n in ids]}
    if total is not None:
        body["total"] = total
    return json.dumps(body).encode()


def at(request: Request, offset: int, **state: Any) -> Request:
    body = {**request.json_body, "offset": offset}
    return Request(request.url, "POST", body, page=offset // 20, state=state)


# --- real captures --------------------------------------------------------------------


def test_gdit_capture() -> None:
    spec = SOURCE.parse_spec("https://gdit.wd5.myworkdayjobs.com/External_Career_Site", {})
    page = parse(fixture("gdit-cxs-jobs-search-page.json"), spec)
    assert len(page.postings) == 4
    first = page.postings[0]
    # externalPath is the id: list items carry nothing else stable.
    assert first.id == "/job/USA-DC-Washington/Data-Engineer_RQ216675"
    assert first.title == "Data Engineer"
    assert first.url == (
        "https://gdit.wd5.myworkdayjobs.com/External_Career_Site"
        "/job/USA-DC-Washington/Data-Engineer_RQ216675"
    )
    assert first.locations == ("USA DC Washington",)
    assert first.remote is Remote.UNKNOWN
    assert first.posted_at is None  # "Posted 8 Days Ago" is prose
    assert (first.department, first.employment_type) == (None, None)
    wiesbaden = page.postings[1]
    assert wiesbaden.id.endswith("_RQ221571-1")  # not the bulletFields "RQ221571"
    assert wiesbaden.locations == ("DEU Wiesbaden - Wiesbaden Army Airfield (APC180)",)
    # total 644: the first page asks for the second, carrying the total along.
    assert page.next is not None
    assert page.next.json_body["offset"] == 20
    assert page.next.state == {"total": 644}


def test_salesforce_capture_with_location_counts() -> None:
    spec = SOURCE.parse_spec({"tenant": "salesforce", "wd": 12, "site": "External_Career_Site"}, {})
    page = parse(fixture("salesforce-cxs-jobs-trimmed.json"), spec)
    assert page.next is None  # total 2
    architect, manager = page.postings
    assert architect.id.endswith(
        "Solution-Architect---Senior-Solution-Architect---PubSec---SLED-NGO_JR354232"
    )
    assert architect.url is not None
    assert architect.url.startswith(
        "https://salesforce.wd12.myworkdayjobs.com/External_Career_Site/job/"
    )
    # "3 Locations" is a count, not a place; the path's "Remote" decides nothing.
    assert architect.locations == ()
    assert architect.remote is Remote.UNKNOWN
    assert manager.locations == ()
    assert manager.posted_at is None


# --- odd values -----------------------------------------------------------------------


def test_fields_are_read_defensively() -> None:
    raw = json.dumps(
        {
            "total": 5,
            "jobPostings": [
                {"title": " Data  Eng ", "externalPath": "job/x_R1", "locationsText": None},
                {"title": "B", "externalPath": "/job/b", "locationsText": "Remote - Poland"},
                {"title": "C", "externalPath": "/job/c", "remoteType": "Hybrid"},
                {"title": "D", "externalPath": "/job/d", "remoteType": "On-site"},
                {"title": "E", "externalPath": "/job/e", "locationsText": "12 Standorte"},
                {"title": "F", "externalPath": "/job/f", "remoteType": "Hybrid (remote 2 days)"},
            ],
        }
    ).encode()
    a, b, c, d, e, f = parse(raw).postings
    assert (a.title, a.locations, a.remote) == ("Data Eng", (), Remote.UNKNOWN)
    assert a.url == "https://acme.wd5.myworkdayjobs.com/External/job/x_R1"
    assert (b.locations, b.remote) == (("Remote - Poland",), Remote.YES)
    assert c.remote is Remote.HYBRID
    assert d.remote is Remote.NO
    assert e.locations == ()
    assert f.remote is Remote.HYBRID


# --- paging ---------------------------------------------------------------------------


def test_a_search_is_sent_as_search_text() -> None:
    # The first request without a search is in test_contract.py.
    spec = SOURCE.parse_spec({"tenant": "acme", "wd": 5, "site": "External", "search": "eng"}, {})
    assert SOURCE.first_request(spec, SOURCE.endpoints).json_body["searchText"] == "eng"


def test_total_only_on_the_first_page_is_carried() -> None:
    first = SOURCE.first_request(ACME, SOURCE.endpoints)
    second = parse(synthetic(range(20), 45), request=first).next
    assert second is not None
    assert (second.page, second.json_body["offset"], second.state) == (1, 20, {"total": 45})
    assert second.json_body["searchText"] == ""
    # Later pages say total 0 (or nothing): the carried total still rules.
    third = parse(synthetic(range(20, 40), 0), request=second).next
    assert third is not None
    assert (third.json_body["offset"], third.state) == (40, {"total": 45})
    assert parse(synthetic(range(40, 45), None), request=third).next is None


def test_empty_page_ends_the_fetch() -> None:
    request = at(SOURCE.first_request(ACME, SOURCE.endpoints), 40, total=500)
    assert parse(synthetic(range(0), 0), request=request) == Page(postings=[], next=None)


def test_without_any_total_a_full_page_asks_again() -> None:
    first = SOURCE.first_request(ACME, SOURCE.endpoints)
    following = parse(synthetic(range(20), None), request=first).next
    assert following is not None
    assert following.json_body["offset"] == 20
    assert parse(synthetic(range(3), None), request=first).next is None


def test_endpoint_override_builds_links_on_the_same_base() -> None:
    endpoints = {"workday": "http://127.0.0.1:8080/workday/{tenant}"}
    first = SOURCE.first_request(ACME, endpoints)
    assert first.url == "http://127.0.0.1:8080/workday/acme/wday/cxs/acme/External/jobs"
    page = parse(synthetic(range(1), 1), request=first)
    assert page.postings[0].url == "http://127.0.0.1:8080/workday/acme/External/job/Berlin/Job-0_R0"


# --- paging through the real fetch loop -----------------------------------------------


async def fetch(fetcher: Fetcher, spec: BoardSpec = ACME) -> BoardResult:
    return await fetch_board(
        fetcher, spec, SOURCE.endpoints, SourceRef("Acme", "workday", spec.key)
    )


def offset_of(request: httpx.Request) -> int:
    return int(json.loads(request.content)["offset"])


async def test_fetch_three_pages_with_total_on_the_first(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        offset = offset_of(request)
        ids = range(offset, min(offset + 20, 45))
        return httpx.Response(200, content=synthetic(ids, 45 if offset == 0 else 0))

    route = router.post(API).mock(side_effect=serve)
    result = await fetch(fetcher)
    assert result.error is None
    assert (result.pages, result.complete) == (3, True)
    assert [p.title for p in result.postings] == [f"Job {n}" for n in range(45)]
    assert [offset_of(call.request) for call in route.calls] == [0, 20, 40]
    sent = json.loads(route.calls[0].request.content)
    assert sent == {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}


async def test_fetch_stops_when_the_offset_is_clamped(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        offset = offset_of(request)
        # This tenant serves page 0 again for any offset past 39.
        start = offset if offset < 40 else 0
        return httpx.Response(200, content=synthetic(range(start, start + 20), 100))

    route = router.post(API).mock(side_effect=serve)
    result = await fetch(fetcher)
    assert result.error is None
    assert result.complete is False
    assert len(result.postings) == len({p.id for p in result.postings}) == 40
    assert len(route.calls) == 3


async def test_fetch_stops_at_the_page_cap(router: respx.MockRouter, fetcher: Fetcher) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        offset = offset_of(request)
        return httpx.Response(200, content=synthetic(range(offset, offset + 20), 10**9))

    router.post(API).mock(side_effect=serve)
    result = await fetch(fetcher)
    assert result.error is None
    assert (result.pages, result.complete) == (SOURCE.max_pages, False)
    assert len({p.id for p in result.postings}) == 20 * SOURCE.max_pages == 2000
