"""SmartRecruiters: real captures and paging, through the real fetch loop too (the
contract every kind keeps is in test_contract.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import respx

from secondchance.core.models import Posting, Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import smartrecruiters
from secondchance.sources.interface import BoardSpec, Page, Request, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "smartrecruiters"
SOURCE: Source = smartrecruiters.SOURCE
ACME = SOURCE.parse_spec("Acme", {})
API = "https://api.smartrecruiters.com/v1/companies/Acme/postings"


def parse(raw: bytes, spec: BoardSpec = ACME, request: Request | None = None) -> Page:
    return SOURCE.parse(spec, request or SOURCE.first_request(spec, SOURCE.endpoints), raw)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_id(page: Page) -> dict[str, Posting]:
    return {posting.id: posting for posting in page.postings}


def synthetic(ids: range, total: int, **extra: Any) -> bytes:
    items = [{"id": str(n), "name": f"Job {n}", "location": {"city": "Berlin"}} for n in ids]
    return json.dumps({"totalFound": total, "content": items, **extra}).encode()


def offset_of(request: Request | httpx.Request) -> int:
    return int(parse_qs(urlsplit(str(request.url)).query)["offset"][0])


# --- real captures --------------------------------------------------------------------


def test_automationanywhere_capture_without_offset_or_limit() -> None:
    spec = SOURCE.parse_spec("AutomationAnywhere1", {})
    page = parse(fixture("automationanywhere-postings-page0.json"), spec)
    jobs = by_id(page)
    assert len(jobs) == 3
    analyst = jobs["743999706414750"]
    assert analyst.title == "Pricing Analyst"
    # No posting URL in the list, only the API `ref`: the human one is built.
    assert analyst.url == "https://jobs.smartrecruiters.com/AutomationAnywhere1/743999706414750"
    assert analyst.locations == ("San Jose, CA, United States",)
    assert analyst.remote is Remote.UNKNOWN  # remote/hybrid false is no claim
    assert analyst.department is None  # department is {}
    assert analyst.employment_type == "Full-time"
    assert analyst.posted_at == datetime(2020, 2, 6, 19, 42, 44, tzinfo=UTC)
    assert jobs["743999706405540"].title == "Sr. Sales Executive (4418)"
    # totalFound is 4 and the body has no offset: the URL says this was offset 0.
    assert page.next is not None
    assert offset_of(page.next) == 3
    assert page.next.url.startswith(
        "https://api.smartrecruiters.com/v1/companies/AutomationAnywhere1/postings?"
    )


def test_tieto_capture_keeps_polish_labels() -> None:
    spec = SOURCE.parse_spec("Tieto2", {})
    page = parse(fixture("tieto2-postings-localized-labels.json"), spec)
    assert page.next is None  # 3 of totalFound 3
    jobs = by_id(page)
    assert len(jobs) == 3
    tester = jobs["744000141699866"]
    assert tester.title == "Test Engineer- Tieto Tech Consulting (m/f/d)"
    assert tester.employment_type == "Pełny etat"  # localized label, shown as given
    assert tester.department is None
    assert tester.locations == ("Szczecin, West Pomeranian Voivodeship, Poland",)
    assert tester.url == "https://jobs.smartrecruiters.com/Tieto2/744000141699866"
    assert tester.posted_at == datetime(2026, 8, 5, 11, 45, 6, 679000, tzinfo=UTC)
    analyst = jobs["744000140721629"]
    assert analyst.locations == ("Szczecin, Poland",)  # "Szczecin, , Poland"
    assert analyst.remote is Remote.HYBRID
    assert jobs["744000142857646"].remote is Remote.YES


# --- odd values -----------------------------------------------------------------------


def test_fields_are_read_defensively() -> None:
    raw = json.dumps(
        {
            "totalFound": 3,
            "content": [
                {
                    "id": 42,
                    "name": "  Data\u200b  Engineer ",
                    "location": {"city": " Kraków ", "country": "pl", "remote": "yes"},
                    "department": {"id": "1", "label": " Data "},
                    "typeOfEmployment": None,
                    "releasedDate": "not a date",
                },
                {"id": "b", "name": "Ops", "location": None, "department": [], "company": 5},
                {"id": "c", "name": "QA", "location": {"region": "Bavaria", "hybrid": True}},
            ],
        }
    ).encode()
    a, b, c = parse(raw).postings
    assert (a.id, a.title) == ("42", "Data Engineer")
    assert a.locations == ("Kraków, PL",)
    assert a.remote is Remote.UNKNOWN  # only a real true counts
    assert a.department == "Data"
    assert (a.employment_type, a.posted_at) == (None, None)
    assert (b.locations, b.department, b.remote) == ((), None, Remote.UNKNOWN)
    assert b.url == "https://jobs.smartrecruiters.com/Acme/b"
    assert (c.locations, c.remote) == (("Bavaria",), Remote.HYBRID)


# --- paging ---------------------------------------------------------------------------


def test_paging_follows_total_found() -> None:
    first = SOURCE.first_request(ACME, SOURCE.endpoints)
    assert first == Request(url=f"{API}?limit=100&offset=0")
    page = parse(synthetic(range(100), 250), request=first)
    assert page.next is not None
    assert (page.next.page, offset_of(page.next)) == (1, 100)
    assert parse_qs(urlsplit(page.next.url).query)["limit"] == ["100"]
    last = Request(url=f"{API}?limit=100&offset=200", page=2)
    assert parse(synthetic(range(200, 250), 250), request=last).next is None


def test_empty_page_ends_even_below_the_total() -> None:
    request = Request(url=f"{API}?limit=100&offset=100", page=1)
    assert parse(synthetic(range(0), 250), request=request) == Page(postings=[], next=None)


def test_short_page_without_total_is_the_last() -> None:
    assert parse(json.dumps({"content": [{"id": "1", "name": "x"}]}).encode()).next is None
    full = json.dumps({"content": [{"id": str(n), "name": "x"} for n in range(100)]})
    following = parse(full.encode()).next
    assert following is not None
    assert offset_of(following) == 100


def test_endpoint_override() -> None:
    endpoints = {"smartrecruiters": "http://127.0.0.1:8080/sr/"}
    first = SOURCE.first_request(ACME, endpoints)
    assert first.url == "http://127.0.0.1:8080/sr/v1/companies/Acme/postings?limit=100&offset=0"
    following = parse(synthetic(range(100), 101), request=first).next
    assert following is not None
    assert following.url.startswith("http://127.0.0.1:8080/sr/v1/companies/Acme/postings?")


# --- paging through the real fetch loop -----------------------------------------------


async def fetch(fetcher: Fetcher) -> Any:
    ref = SourceRef("Acme", "smartrecruiters", ACME.key)
    return await fetch_board(fetcher, ACME, SOURCE.endpoints, ref)


async def test_fetch_collects_three_pages(router: respx.MockRouter, fetcher: Fetcher) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        offset = offset_of(request)
        ids = range(offset, min(offset + 100, 250))
        # Like the capture: no offset/limit in the body.
        return httpx.Response(200, content=synthetic(ids, 250))

    route = router.get(url__startswith=API).mock(side_effect=serve)
    result = await fetch(fetcher)
    assert result.error is None
    assert (result.pages, result.complete) == (3, True)
    assert [p.id for p in result.postings] == [str(n) for n in range(250)]
    assert [offset_of(call.request) for call in route.calls] == [0, 100, 200]


async def test_fetch_stops_at_the_page_cap(router: respx.MockRouter, fetcher: Fetcher) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        offset = offset_of(request)
        return httpx.Response(200, content=synthetic(range(offset, offset + 100), 10**9))

    router.get(url__startswith=API).mock(side_effect=serve)
    result = await fetch(fetcher)
    assert result.error is None
    assert (result.pages, result.complete) == (SOURCE.max_pages, False)
    assert len(result.postings) == len({p.id for p in result.postings}) == 100 * SOURCE.max_pages
