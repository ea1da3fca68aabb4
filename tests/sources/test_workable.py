"""Workable widget parser against real captures, failure bodies and the fetch loop."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from secondchance.core.models import Posting, Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import SOURCES, workable
from secondchance.sources.interface import BoardSpec, Page, ParseError, Request, Source, SpecError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workable"
SOURCE: Source = workable.SOURCE
SPEC = BoardSpec(kind="workable", key="acme")
REQUEST = SOURCE.first_request(SPEC, SOURCE.endpoints)
VASION = "vasion-widget-details-true.json"
NETGURU = "netguru-widget-fieldtrimmed.json"
ZAELAB = "zaelab-widget-per-location-duplicates.json"


def parse(raw: bytes) -> Page:
    return SOURCE.parse(SPEC, REQUEST, raw)


def by_id(name: str) -> dict[str, Posting]:
    return {p.id: p for p in parse((FIXTURES / name).read_bytes()).postings}


def jobs_body(*jobs: dict[str, Any]) -> bytes:
    return json.dumps({"name": "Acme", "jobs": list(jobs)}).encode()


def day(year: int, month: int, date: int) -> datetime:
    return datetime(year, month, date, tzinfo=UTC)


@pytest.mark.parametrize(("name", "count"), [(VASION, 2), (NETGURU, 3), (ZAELAB, 1)])
def test_every_capture_parses(name: str, count: int) -> None:
    page = parse((FIXTURES / name).read_bytes())
    assert len(page.postings) == count
    assert len({p.id for p in page.postings}) == count
    assert page.next is None
    for posting in page.postings:
        assert posting.title == posting.title.strip() != ""
        assert posting.url == f"https://apply.workable.com/j/{posting.id}"
        assert posting.posted_at is not None


def test_vasion_details() -> None:
    jobs = by_id(VASION)
    apac = jobs["74172297A5"]
    assert apac.title == "Account Executive (Partner First) - APAC"
    # city is "" in the capture: the place starts at the region.
    assert apac.locations == ("New South Wales, Australia",)
    assert apac.remote is Remote.YES
    assert apac.department == "Sales - International"
    assert apac.employment_type == "Full-time"
    assert apac.posted_at == day(2026, 8, 5)  # published_on, not created_at
    london = jobs["15F16B8D99"]
    assert london.locations == ("London, England, United Kingdom",)
    # telecommuting false is said of hybrid jobs too.
    assert london.remote is Remote.UNKNOWN
    assert london.posted_at == day(2026, 8, 10)


def test_zaelab_rows_per_location_merge_into_one_posting() -> None:
    (posting,) = parse((FIXTURES / ZAELAB).read_bytes()).postings
    assert posting.id == "DD136DD7E7"
    assert posting.title == "Business Analyst - Spanish Speaking"
    assert posting.locations == ("Spain", "Portugal")
    assert posting.remote is Remote.YES
    assert posting.department == "Business Consulting"
    assert posting.employment_type is None
    assert posting.posted_at == day(2026, 8, 5)


def test_netguru_hidden_location_is_excluded() -> None:
    jobs = by_id(NETGURU)
    hidden = jobs["3796520067"]
    assert hidden.title == "(Senior) Fullstack Engineer (Node.js + Python + Typescript) - Freelance"
    # Its only location is hidden; the row's city/country repeat it, so nothing shows.
    assert hidden.locations == ()
    assert hidden.remote is Remote.YES
    assert jobs["C99A238797"].locations == ("Poland",)
    assert jobs["9B8C3783A5"].posted_at == day(2026, 7, 6)
    assert all(job.department is None for job in jobs.values())


def test_merging_keeps_order_first_row_and_any_remote() -> None:
    raw = jobs_body(
        {"shortcode": "A1", "title": "Eng", "city": "Paris", "country": "France", "locations": []},
        {"shortcode": "B2", "title": "Ops", "workplace": "hybrid", "telecommuting": True},
        {
            "shortcode": "A1",
            "title": "Eng (copy)",
            "telecommuting": True,
            "locations": [
                {"city": "Lyon", "region": None, "country": "France", "hidden": False},
                {"city": "Paris", "region": "", "country": "France"},
                {"city": "Secret", "country": "France", "hidden": True},
                None,
            ],
        },
        {
            "shortcode": "C3",
            "title": "QA",
            "shortcode_url": "https://apply.workable.com/j/C3",
            "locations": "nope",
            "state": 5,
            "department": ["x"],
            "published_on": None,
            "created_at": "2026-01-02",
            "workplace": "on_site",
        },
    )
    first, second, third = parse(raw).postings
    assert (first.id, first.title) == ("A1", "Eng")
    assert first.locations == ("Paris, France", "Lyon, France")
    assert first.remote is Remote.YES
    assert (second.remote, second.locations, second.url) == (Remote.HYBRID, (), None)
    assert third.url == "https://apply.workable.com/j/C3"
    assert (third.locations, third.department, third.remote) == ((), None, Remote.NO)
    assert third.posted_at == day(2026, 1, 2)


def test_application_url_is_the_last_resort() -> None:
    raw = jobs_body({"shortcode": "X", "title": "T", "application_url": "https://x.test/apply"})
    assert parse(raw).postings[0].url == "https://x.test/apply"


def test_empty_board_is_an_empty_page() -> None:
    assert parse(jobs_body()).postings == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"<html><body>Sign in</body></html>", "HTML"),
        (b"\n", "empty"),
        (b'{"name": "Acme", "jobs": [', "malformed"),
        (b'"Acme"', "workable response: expected dict"),
        (b'{"name": "Acme"}', "workable 'jobs'"),
        (b'{"jobs": [1]}', "job #0"),
        (b'{"jobs": [{"title": "Engineer"}]}', "'shortcode'"),
        (b'{"jobs": [{"shortcode": "", "title": "Engineer"}]}', "'shortcode'"),
        (b'{"jobs": [{"shortcode": "AB"}]}', "'title'"),
    ],
)
def test_bodies_that_are_not_a_board(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse(raw)


@pytest.mark.parametrize("value", ["acme", "vasion-1", "Acme_Corp", " zaelab "])
def test_good_slugs(value: str) -> None:
    assert SOURCE.parse_spec(value, {}) == BoardSpec(kind="workable", key=value.strip())


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("  ", "expected a Workable account slug"),
        (3, "expected a Workable account slug"),
        ("https://apply.workable.com/acme/", "not the URL"),
        ("acme.workable.com", "not the URL"),
        ("acme!", "may only contain"),
    ],
)
def test_bad_slugs(value: object, reason: str) -> None:
    with pytest.raises(SpecError, match=re.escape(reason)):
        SOURCE.parse_spec(value, {})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://apply.workable.com/vasion/", "vasion"),
        ("https://apply.workable.com/netguru/j/C99A238797/", "netguru"),
        ("https://apply.workable.com/api/v1/widget/accounts/zaelab?details=true", "zaelab"),
        ("https://acme.workable.com/", "acme"),
        ("https://acme.workable.com/jobs/123", "acme"),
        ("https://apply.workable.com/j/C99A238797", None),
        ("https://apply.workable.com/", None),
        ("https://www.workable.com/pricing", None),
        ("https://jobs.workable.com/search", None),
        ("https://jobs.lever.co/acme", None),
    ],
)
def test_detect(url: str, expected: str | None) -> None:
    assert SOURCE.detect(url) == expected


def test_first_request() -> None:
    assert (SOURCE.kind, SOURCE.companion_keys, SOURCE.max_pages) == ("workable", (), 1)
    expected = "https://apply.workable.com/api/v1/widget/accounts/acme?details=true"
    request = SOURCE.first_request(SPEC, SOURCE.endpoints)
    assert request == Request(url=expected, expect="json")
    override = SOURCE.first_request(SPEC, {"workable": "http://127.0.0.1:8080/workable/"})
    assert override.url == "http://127.0.0.1:8080/workable/api/v1/widget/accounts/acme?details=true"


async def test_fetch_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    # Registered by the lead in sources/__init__.py; patched so this runs either way.
    monkeypatch.setattr("secondchance.fetch.board.SOURCES", {**SOURCES, "workable": SOURCE})
    endpoints = {**SOURCE.endpoints, "workable": "http://mirror.test"}
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    base = "http://mirror.test/api/v1/widget/accounts"
    try:
        with respx.mock(assert_all_mocked=True) as router:
            router.get(f"{base}/zaelab").mock(
                return_value=httpx.Response(200, content=(FIXTURES / ZAELAB).read_bytes())
            )
            router.get(f"{base}/gone").mock(return_value=httpx.Response(404))
            spec = SOURCE.parse_spec("zaelab", {})
            ref = SourceRef("Acme", "workable", "zaelab")
            result = await fetch_board(fetcher, spec, endpoints, ref)
            assert result.error is None
            assert [p.locations for p in result.postings] == [("Spain", "Portugal")]
            assert router.calls.last.request.url.params["details"] == "true"
            gone = SOURCE.parse_spec("gone", {})
            ref = SourceRef("Acme", "workable", "gone")
            missing = await fetch_board(fetcher, gone, endpoints, ref)
            assert missing.error is not None and "not found" in missing.error
            assert missing.not_found is True
    finally:
        await fetcher.aclose()
