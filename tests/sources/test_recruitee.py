"""Recruitee: how real captures and hand-made bodies read (the contract every kind keeps,
the fetch loop included, is in test_contract.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources import recruitee
from secondchance.sources.interface import (
    BoardSpec,
    Page,
    Source,
    SourceError,
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


@pytest.mark.parametrize("name", [AIKIDO, ESPEO])
def test_every_captured_offer_has_a_page_one_place_and_dates(name: str) -> None:
    # Counts, ids and clean titles: test_contract.py.
    postings = parse((FIXTURES / name).read_bytes()).postings
    assert postings
    assert [p.id for p in postings if ".recruitee.com/o/" not in (p.url or "")] == []
    assert [p.locations for p in postings if len(p.locations) != 1] == []
    assert [p.id for p in postings if p.posted_at is None or p.updated_at is None] == []


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
    assert list(jobs) == ["2681423", "2660726", "2441384"]
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


def test_an_endpoint_with_an_unknown_placeholder_fails() -> None:
    with pytest.raises(SourceError, match="unknown placeholder"):
        SOURCE.first_request(SPEC, {"recruitee": "https://{tenant}.recruitee.com"})
