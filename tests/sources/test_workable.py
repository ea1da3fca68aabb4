"""Workable widget: how real captures and hand-made bodies read (the contract every kind
keeps, the fetch loop included, is in test_contract.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources import workable
from secondchance.sources.interface import BoardSpec, Page, Source

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


@pytest.mark.parametrize("name", [VASION, NETGURU, ZAELAB])
def test_every_captured_posting_links_to_its_shortcode_and_has_a_date(name: str) -> None:
    # Counts, ids and clean titles: test_contract.py.
    postings = parse((FIXTURES / name).read_bytes()).postings
    assert postings
    assert [p.url for p in postings] == [f"https://apply.workable.com/j/{p.id}" for p in postings]
    assert [p.id for p in postings if p.posted_at is None] == []


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
