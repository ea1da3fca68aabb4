"""Recruitee parser against real captures, failure bodies and the fetch loop."""

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
from secondchance.sources import SOURCES, recruitee
from secondchance.sources.interface import (
    BoardSpec,
    Page,
    ParseError,
    Request,
    Source,
    SourceError,
    SpecError,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "recruitee"
SOURCE: Source = recruitee.SOURCE
SPEC = BoardSpec(kind="recruitee", key="acme")
REQUEST = SOURCE.first_request(SPEC, SOURCE.endpoints)
AIKIDO = "aikidosecurity-api-offers.json"
ESPEO = "espeo-api-offers-fieldtrimmed.json"


def parse(raw: bytes) -> Page:
    return SOURCE.parse(SPEC, REQUEST, raw)


def by_id(name: str) -> dict[str, Posting]:
    return {p.id: p for p in parse((FIXTURES / name).read_bytes()).postings}


def offers_body(*offers: dict[str, Any]) -> bytes:
    return json.dumps({"offers": list(offers)}).encode()


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(("name", "count"), [(AIKIDO, 3), (ESPEO, 3)])
def test_every_capture_parses(name: str, count: int) -> None:
    page = parse((FIXTURES / name).read_bytes())
    assert len(page.postings) == count
    assert len({p.id for p in page.postings}) == count
    assert page.next is None
    for posting in page.postings:
        assert posting.title == posting.title.strip() != ""
        assert posting.url is not None and ".recruitee.com/o/" in posting.url
        assert len(posting.locations) == 1
        assert posting.posted_at is not None and posting.updated_at is not None


def test_aikido_locations_flags_and_utc_timestamps() -> None:
    jobs = by_id(AIKIDO)
    tel_aviv = jobs["2707521"]
    assert tel_aviv.title == "Customer Success Engineer Tel Aviv"
    assert tel_aviv.url == (
        "https://aikidosecurity.recruitee.com/o/customer-success-engineer-tel-aviv"
    )
    # The state repeats the city; "location" says only "Remote job".
    assert tel_aviv.locations == ("Tel Aviv, Israel",)
    assert tel_aviv.remote is Remote.YES
    assert tel_aviv.department == "Sales"
    assert tel_aviv.employment_type == "Full-time permanent"
    # "2026-08-11 20:45:29 UTC" is not ISO 8601.
    assert tel_aviv.posted_at == utc(2026, 8, 11, 20, 45, 29)
    assert tel_aviv.updated_at == utc(2026, 8, 11, 20, 45, 29)
    chicago = jobs["2705729"]
    assert chicago.locations == ("Chicago, Illinois, United States",)
    assert chicago.remote is Remote.NO
    assert chicago.department == "Operations"
    assert chicago.posted_at == utc(2026, 8, 10, 15, 13, 59)
    assert chicago.updated_at == utc(2026, 8, 10, 19, 18, 44)
    assert jobs["2707517"].locations == ("Dubai, United Arab Emirates",)


def test_espeo_zero_width_space_and_flat_location() -> None:
    jobs = by_id(ESPEO)
    raw = (FIXTURES / ESPEO).read_bytes()
    assert "Delivery\u200b".encode() in raw  # raw UTF-8 in the capture
    assert {job.department for job in jobs.values()} == {"Delivery"}
    manager = jobs["2681423"]
    assert manager.title == "Project Manager"
    assert manager.url == "https://espeo.recruitee.com/o/project-manager-1"
    assert manager.locations == ("Poznań, Poland",)  # no locations[] in this capture
    assert manager.remote is Remote.HYBRID
    assert manager.employment_type == "Contract"
    assert manager.posted_at == utc(2026, 7, 17, 11, 0, 39)
    # Remote and hybrid both ticked: the most flexible wins.
    assert jobs["2660726"].remote is Remote.YES
    assert jobs["2441384"].employment_type == "Freelance"


def test_odd_values_never_crash() -> None:
    raw = offers_body(
        {
            "id": "7",
            "title": " QA\u200b Lead ",
            "careers_apply_url": "https://acme.recruitee.com/o/qa/c/new",
            "locations": [None, {"city": "Graz", "region": "Styria", "country": None}, {}],
            "remote": None,
            "hybrid": "yes",
            "on_site": True,
            "department": {"name": "QA"},
            "employment_type_code": "parttime_fixed_term",
            "published_at": None,
            "created_at": "2026-01-05 08:00:00 UTC",
            "updated_at": 12,
        },
        {"id": 8, "title": "Ops", "locations": "x", "location": "Remote job", "city": ""},
        {"id": 9, "title": "Eng", "locations": [{}], "city": "Oslo", "state": "Oslo"},
    )
    first, second, third = parse(raw).postings
    assert (first.id, first.title) == ("7", "QA Lead")
    assert first.url == "https://acme.recruitee.com/o/qa/c/new"
    assert first.locations == ("Graz, Styria",)
    assert (first.remote, first.department) == (Remote.NO, None)
    assert first.employment_type == "Part-time fixed term"
    assert first.posted_at == utc(2026, 1, 5, 8)
    assert (second.locations, second.remote, second.url) == (("Remote job",), Remote.UNKNOWN, None)
    assert (second.employment_type, second.posted_at) == (None, None)
    assert third.locations == ("Oslo",)


def test_empty_board_is_an_empty_page() -> None:
    assert parse(b'{"offers": []}').postings == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"<!doctype html><title>Careers</title>", "HTML"),
        (b"", "empty"),
        (b'{"offers": [{"id": 1,', "malformed"),
        (b'[{"id": 1}]', "recruitee response: expected dict"),
        (b'{"error": "Not found"}', "recruitee 'offers'"),
        (b'{"offers": null}', "recruitee 'offers'"),
        (b'{"offers": ["x"]}', "offer #0"),
        (b'{"offers": [{"title": "Engineer"}]}', "'id'"),
        (b'{"offers": [{"id": false, "title": "Engineer"}]}', "'id'"),
        (b'{"offers": [{"id": 1, "title": null}]}', "'title'"),
    ],
)
def test_bodies_that_are_not_a_board(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse(raw)


@pytest.mark.parametrize("value", ["acme", "aikidosecurity", "espeo-2", " Acme "])
def test_good_companies(value: str) -> None:
    assert SOURCE.parse_spec(value, {}) == BoardSpec(kind="recruitee", key=value.strip())


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "expected a Recruitee company subdomain"),
        (None, "expected a Recruitee company subdomain"),
        ("https://acme.recruitee.com/", "not the URL"),
        ("acme.recruitee.com", "not the URL"),
        ("acme corp", "may only contain"),
    ],
)
def test_bad_companies(value: object, reason: str) -> None:
    with pytest.raises(SpecError, match=re.escape(reason)):
        SOURCE.parse_spec(value, {})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://aikidosecurity.recruitee.com/", "aikidosecurity"),
        ("https://espeo.recruitee.com/o/project-manager-1", "espeo"),
        ("https://Espeo.recruitee.com/o/x/c/new?source=LinkedIn", "espeo"),
        ("https://espeo.recruitee.com/api/offers/", "espeo"),
        ("https://recruitee.com/", None),
        ("https://www.recruitee.com/pricing", None),
        ("https://app.recruitee.com/", None),
        ("https://careers.espeo.eu/", None),
        ("https://espeo.recruitee.com.evil.test/", None),
    ],
)
def test_detect(url: str, expected: str | None) -> None:
    assert SOURCE.detect(url) == expected


def test_first_request_fills_the_company_template() -> None:
    assert (SOURCE.kind, SOURCE.companion_keys, SOURCE.max_pages) == ("recruitee", (), 1)
    request = SOURCE.first_request(SPEC, SOURCE.endpoints)
    assert request == Request(url="https://acme.recruitee.com/api/offers/", expect="json")
    mirror = {"recruitee": "http://127.0.0.1:8080/recruitee/{company}/"}
    assert SOURCE.first_request(SPEC, mirror).url == (
        "http://127.0.0.1:8080/recruitee/acme/api/offers/"
    )
    with pytest.raises(SourceError, match="unknown placeholder"):
        SOURCE.first_request(SPEC, {"recruitee": "https://{tenant}.recruitee.com"})


async def test_fetch_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    # Registered by the lead in sources/__init__.py; patched so this runs either way.
    monkeypatch.setattr("secondchance.fetch.board.SOURCES", {**SOURCES, "recruitee": SOURCE})
    endpoints = {**SOURCE.endpoints, "recruitee": "http://mirror.test/recruitee/{company}"}
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            router.get("http://mirror.test/recruitee/espeo/api/offers/").mock(
                return_value=httpx.Response(200, content=(FIXTURES / ESPEO).read_bytes())
            )
            router.get("http://mirror.test/recruitee/gone/api/offers/").mock(
                return_value=httpx.Response(404)
            )
            spec = SOURCE.parse_spec("espeo", {})
            ref = SourceRef("Acme", "recruitee", "espeo")
            result = await fetch_board(fetcher, spec, endpoints, ref)
            assert result.error is None
            assert [p.id for p in result.postings] == ["2681423", "2660726", "2441384"]
            gone = SOURCE.parse_spec("gone", {})
            ref = SourceRef("Acme", "recruitee", "gone")
            missing = await fetch_board(fetcher, gone, endpoints, ref)
            assert missing.error is not None and "not found" in missing.error
            assert missing.not_found is True
    finally:
        await fetcher.aclose()
