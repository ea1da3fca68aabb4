"""Workday CXS parser against real captures, synthetic pages and the fetch loop."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from secondchance import sources
from secondchance.core.board import BoardResult
from secondchance.core.models import Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import workday
from secondchance.sources.interface import BoardSpec, Page, ParseError, Request, Source, SpecError

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


def test_detail_capture_is_not_a_list() -> None:
    with pytest.raises(ParseError, match="'jobPostings'"):
        parse(fixture("gdit-cxs-job-detail.json"))


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


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"<html><title>Workday</title></html>", "HTML"),
        (b"", "empty"),
        (b'{"total": 1, "jobPostings": [', "malformed"),
        (b"[]", "expected dict"),
        (b'{"errorCode": "HTTP_400", "message": "Bad limit"}', "Bad limit"),
        (b'{"total": 3}', "'jobPostings'"),
        (b'{"jobPostings": [1]}', "posting #0"),
        (b'{"jobPostings": [{"title": "Eng"}]}', "'externalPath'"),
        (b'{"jobPostings": [{"title": "Eng", "externalPath": " "}]}', "'externalPath'"),
        (b'{"jobPostings": [{"externalPath": "/job/a"}]}', "'title'"),
    ],
)
def test_bodies_that_are_not_a_board(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse(raw)


# --- paging ---------------------------------------------------------------------------


def test_first_request() -> None:
    assert SOURCE.first_request(ACME, SOURCE.endpoints) == Request(
        url=API,
        method="POST",
        json_body={"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""},
    )
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


# --- watchlist values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (
            "https://acme.wd5.myworkdayjobs.com/en-US/External_Career_Site",
            "acme/wd5/External_Career_Site",
        ),
        (
            "https://acme.wd5.myworkdayjobs.com/External_Career_Site",
            "acme/wd5/External_Career_Site",
        ),
        (
            "https://acme.wd5.myworkdayjobs.com/fr-FR/External_Career_Site/",
            "acme/wd5/External_Career_Site",
        ),
        (
            "https://ACME.wd5.myworkdayjobs.com/en-US/External_Career_Site/job/Berlin/Eng_R1?src=x",
            "acme/wd5/External_Career_Site",
        ),
        (
            "https://acme.wd5.myworkdayjobs.com/External_Career_Site/details/Eng_R1",
            "acme/wd5/External_Career_Site",
        ),
        ("acme.wd12.myworkdayjobs.com/Careers", "acme/wd12/Careers"),
        ("https://acme.wd1.myworkdayjobs.com/wday/cxs/acme/Careers/jobs", "acme/wd1/Careers"),
        ({"tenant": "acme", "wd": 5, "site": "External"}, "acme/wd5/External"),
        ({"tenant": " Acme ", "wd": "wd5", "site": "External"}, "acme/wd5/External"),
        ({"tenant": "acme", "wd": "5", "site": "External", "search": " "}, "acme/wd5/External"),
        (
            {"tenant": "acme", "wd": 5, "site": "External", "search": "engineer"},
            "acme/wd5/External?search=engineer",
        ),
        (
            {"url": "https://acme.wd5.myworkdayjobs.com/en-US/External", "search": "data"},
            "acme/wd5/External?search=data",
        ),
    ],
)
def test_good_specs(value: object, key: str) -> None:
    spec = SOURCE.parse_spec(value, {})
    assert (spec.kind, spec.key) == ("workday", key)


def test_spec_options() -> None:
    spec = SOURCE.parse_spec({"tenant": "acme", "wd": 5, "site": "Ext", "search": "eng"}, {})
    assert spec.options == {"tenant": "acme", "wd": 5, "site": "Ext", "search": "eng"}
    assert ACME.options == {"tenant": "acme", "wd": 5, "site": "External", "search": None}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "expected a careers URL"),
        (5, "expected a careers URL"),
        ("https://jobs.lever.co/acme", "not a Workday URL"),
        ("https://acme.myworkdayjobs.com/External", "not a Workday URL"),
        ("https://acme.wd5.myworkdayjobs.com/", "has no site"),
        ("https://acme.wd5.myworkdayjobs.com/en-US", "has no site"),
        ("https://acme.wd5.myworkdayjobs.com/en-US/job/Berlin/Eng_R1", "has no site"),
        ({"tenant": "acme", "wd": 5}, "missing 'site'"),
        ({"wd": 5, "site": "External"}, "missing 'tenant'"),
        ({"tenant": "acme", "site": "External"}, "missing 'wd'"),
        ({"tenant": "acme", "wd": "five", "site": "External"}, "wd must be the number"),
        ({"tenant": "acme", "wd": True, "site": "External"}, "wd must be the number"),
        ({"tenant": "acme", "wd": 5, "site": "Ext Site"}, "site may only contain"),
        ({"tenant": "ac me", "wd": 5, "site": "External"}, "tenant may only contain"),
        ({"tenant": "acme", "wd": 5, "site": "External", "search": 3}, "search must be a string"),
        ({"tenant": "acme", "wd": 5, "site": "External", "region": "eu"}, "unknown key 'region'"),
        ({"url": "https://acme.wd5.myworkdayjobs.com/External", "site": "X"}, "either url"),
        ({"url": 5}, "url must be a string"),
    ],
)
def test_bad_specs(value: object, reason: str) -> None:
    with pytest.raises(SpecError, match=re.escape(reason)):
        SOURCE.parse_spec(value, {})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://acme.wd5.myworkdayjobs.com/en-US/External_Career_Site",
            {"tenant": "acme", "wd": 5, "site": "External_Career_Site"},
        ),
        (
            "https://gdit.wd5.myworkdayjobs.com/External_Career_Site/job/USA-DC/Data_RQ1",
            {"tenant": "gdit", "wd": 5, "site": "External_Career_Site"},
        ),
        ("https://acme.wd5.myworkdayjobs.com/", None),
        ("https://www.myworkday.com/acme/d/home.htmld", None),
        ("https://boards.greenhouse.io/acme", None),
    ],
)
def test_detect(url: str, expected: dict[str, object] | None) -> None:
    found = SOURCE.detect(url)
    assert found == expected
    if expected is not None:
        key = f"{expected['tenant']}/wd{expected['wd']}/{expected['site']}"
        assert SOURCE.parse_spec(found, {}).key == key


def test_source_attributes() -> None:
    assert SOURCE.kind == "workday"
    assert SOURCE.companion_keys == ()
    assert SOURCE.max_pages == 100
    assert SOURCE.endpoints == {"workday": "https://{tenant}.wd{wd}.myworkdayjobs.com"}


# --- through the real fetch loop ------------------------------------------------------


@pytest.fixture
def router(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    # The lead registers the kind; until then the poller learns it here.
    monkeypatch.setitem(sources.SOURCES, SOURCE.kind, SOURCE)
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    client = Fetcher(timeout=2, retries=0, retry_delay=0)
    yield client
    await client.aclose()


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


async def test_fetch_unknown_site_is_not_found(router: respx.MockRouter, fetcher: Fetcher) -> None:
    router.post(API).respond(404, json={"errorCode": "HTTP_404"})
    result = await fetch(fetcher)
    assert result.not_found
    assert result.error is not None
    assert result.postings == []
