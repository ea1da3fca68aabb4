"""Teamtailor JSON Feed: the real capture and next_url paging, through the real fetch loop
too (the contract every kind keeps is in test_contract.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import respx

from secondchance.core.board import BoardResult
from secondchance.core.models import Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import teamtailor
from secondchance.sources.interface import Page, Request, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "teamtailor"
CAPTURE = "teamtailor-jobs-json-feed-trimmed.json"
SOURCE: Source = teamtailor.SOURCE
SPEC = SOURCE.parse_spec("acme", {})
FEED = "https://acme.teamtailor.com/jobs.json"


def parse(raw: bytes | dict[str, Any], request: Request | None = None) -> Page:
    body = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    return SOURCE.parse(SPEC, request or SOURCE.first_request(SPEC, SOURCE.endpoints), body)


def item(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"uuid-{n}", "title": f"Job {n}", "url": f"https://acme.example/jobs/{n}"} | extra


def test_capture() -> None:
    page = parse((FIXTURES / CAPTURE).read_bytes())
    assert page.next is None
    madrid, copenhagen = page.postings
    # The UUID, not _jobposting.identifier.value (7167985, an integer).
    assert madrid.id == "20fafb7d-f013-4061-b6de-2894b3e0838b"
    assert madrid.title == "Account Executive - Italy (Madrid based)"
    assert madrid.url == (
        "https://career.teamtailor.com/jobs/7167985-account-executive-italy-madrid-based"
    )
    assert madrid.locations == ("Madrid, Europe, ES",)
    assert madrid.posted_at == datetime(2026, 2, 4, 8, 26, 20, tzinfo=UTC)
    assert madrid.remote is Remote.UNKNOWN
    # jobLocation is an array of two places.
    assert copenhagen.id == "a52c9a45-1132-44c9-9696-76974817ae6e"
    assert copenhagen.locations == ("Stockholm, Sweden, SE", "København, Europe, DK")
    assert copenhagen.posted_at == datetime(2026, 1, 18, 18, 35, 57, tzinfo=UTC)


def test_embedded_jobposting_fills_the_gaps() -> None:
    job = {
        "title": "  Remote   Engineer ",
        "datePosted": "2024-05-01",
        "jobLocationType": "TELECOMMUTE",
        "employmentType": ["FULL_TIME", "CONTRACTOR"],
        "jobLocation": {"@type": "Place", "address": {"addressLocality": "Oslo"}},
    }
    (posting,) = parse(
        {"items": [{"id": "u-1", "url": "/jobs/1-remote", "_jobposting": job}]}
    ).postings
    assert posting.title == "Remote Engineer"
    assert posting.url == "https://acme.teamtailor.com/jobs/1-remote"
    assert posting.posted_at == datetime(2024, 5, 1, tzinfo=UTC)
    assert posting.remote is Remote.YES
    assert posting.locations == ("Oslo",)  # a single object, not an array
    assert posting.employment_type == "FULL_TIME, CONTRACTOR"


def test_odd_optional_values_do_not_crash() -> None:
    odd = item(1, _jobposting="nope", date_published=12.5e20, url=None)
    odd2 = item(2, _jobposting={"jobLocation": [None, 3, "Remote, EU"], "datePosted": []})
    first, second = parse({"items": [odd, odd2], "next_url": None}).postings
    assert first.url is None
    assert first.locations == ()
    assert first.posted_at is None
    assert second.locations == ("Remote, EU",)


def test_next_url_becomes_the_next_request() -> None:
    first = SOURCE.first_request(SPEC, SOURCE.endpoints)
    page = parse({"items": [item(1)], "next_url": f"{FEED}?page=2"}, first)
    assert page.next is not None
    assert page.next.url == f"{FEED}?page=2"
    assert page.next.page == 1
    assert page.next.expect == "json"
    relative = parse({"items": [], "next_url": "/jobs.json?page=3"}, page.next)
    assert relative.next is not None
    assert relative.next.url == f"{FEED}?page=3"


@pytest.mark.parametrize("next_url", [FEED, "", "   ", None, 2, "javascript:alert(1)"])
def test_no_next_request(next_url: object) -> None:
    assert parse({"items": [item(1)], "next_url": next_url}).next is None


async def _fetch(routes: dict[str, dict[str, Any]]) -> BoardResult:
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            for url, body in routes.items():
                router.get(url__eq=url).respond(200, json=body)
            return await fetch_board(
                fetcher, SPEC, SOURCE.endpoints, SourceRef("Acme", "teamtailor", "acme")
            )
    finally:
        await fetcher.aclose()


async def test_fetch_loop_follows_next_url() -> None:
    result = await _fetch(
        {
            FEED: {"items": [item(1), item(2)], "next_url": f"{FEED}?page=2"},
            f"{FEED}?page=2": {"items": [item(3)], "next_url": None},
        }
    )
    assert result.error is None
    assert result.pages == 2
    assert result.complete
    assert [p.id for p in result.postings] == ["uuid-1", "uuid-2", "uuid-3"]


async def test_fetch_loop_stops_when_next_url_cycles_back() -> None:
    result = await _fetch(
        {
            FEED: {"items": [item(1)], "next_url": f"{FEED}?page=2"},
            f"{FEED}?page=2": {"items": [item(2)], "next_url": FEED},
        }
    )
    assert result.error is None
    assert result.pages == 2
    assert not result.complete
    assert [p.id for p in result.postings] == ["uuid-1", "uuid-2"]
