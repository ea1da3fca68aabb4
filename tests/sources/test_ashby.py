"""Ashby: how real captures and hand-made bodies read (the contract every kind keeps,
the fetch loop included, is in test_contract.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources import ashby
from secondchance.sources.interface import BoardSpec, Page, ParseError, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ashby"
SOURCE: Source = ashby.SOURCE
SPEC = BoardSpec(kind="ashby", key="acme")
REQUEST = SOURCE.first_request(SPEC, SOURCE.endpoints)
RAMP = "ramp-posting-api-4-workplaceType.json"
NANGO = "nango-posting-api-includeCompensation.json"
SOLVD = "solvd-posting-api-includeCompensation.json"


def parse(raw: bytes) -> Page:
    return SOURCE.parse(SPEC, REQUEST, raw)


def by_id(name: str) -> dict[str, Posting]:
    return {p.id: p for p in parse((FIXTURES / name).read_bytes()).postings}


def jobs_body(*jobs: dict[str, Any]) -> bytes:
    return json.dumps({"jobs": list(jobs), "apiVersion": "1"}).encode()


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize("name", [RAMP, NANGO, SOLVD])
def test_every_captured_posting_has_a_link_a_place_and_a_date(name: str) -> None:
    # Counts, ids, clean titles and aware dates: test_contract.py.
    postings = parse((FIXTURES / name).read_bytes()).postings
    assert postings
    unlinked = [p.id for p in postings if not (p.url or "").startswith("https://jobs.ashbyhq.com/")]
    assert unlinked == []
    assert [p.id for p in postings if not p.locations or p.posted_at is None] == []


def test_ramp_workplace_type_wins_over_is_remote() -> None:
    jobs = by_id(RAMP)
    consultant = jobs["03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc"]
    assert consultant.title == "Technical Consultant, Mid-Market"
    assert consultant.url == ("https://jobs.ashbyhq.com/ramp/03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc")
    assert consultant.locations == ("Remote (US)", "San Francisco, CA", "New York, NY (HQ)")
    assert consultant.remote is Remote.YES
    assert consultant.department == "Sales"
    assert consultant.employment_type == "Full-time"
    assert consultant.posted_at == utc(2026, 7, 7, 20, 47, 9, 753000)
    # isRemote is true on this Hybrid job: workplaceType decides.
    director = jobs["0907ae2a-5334-4d64-9a76-cc9428224546"]
    assert director.remote is Remote.HYBRID
    assert director.locations == ("New York, NY (HQ)", "Remote (US)")
    assert director.department == "Marketing"
    assert jobs["1515fe6d-1d8e-475b-a5ee-cefe43e78cb7"].remote is Remote.NO
    assert jobs["1515fe6d-1d8e-475b-a5ee-cefe43e78cb7"].locations == ("London",)


def test_nango_without_workplace_type_uses_is_remote() -> None:
    jobs = by_id(NANGO)
    assert {job.remote for job in jobs.values()} == {Remote.YES}
    staff = jobs["3467f495-c833-4dcc-b119-cf43b7b93f84"]
    assert staff.title == "Staff Backend Engineer (Remote)"
    assert staff.locations == ("USA", "Canada", "Brazil", "Europe", "UK", "Switzerland")
    assert staff.department == "Nango"
    assert staff.posted_at == utc(2025, 10, 9, 8, 26, 46, 71000)
    assert jobs["4f0ab5c4-4bfe-4f3c-aa58-bca8fdd8c3ca"].locations == ("UK",)


def test_solvd_null_address_null_is_remote_and_contract() -> None:
    page = parse((FIXTURES / SOLVD).read_bytes())
    jobs = {p.id: p for p in page.postings}
    accountant = jobs["58639bdd-72d7-4f25-b82a-fb775d8344d6"]
    assert accountant.title == "Senior Accountant"  # trailing spaces in the capture
    assert accountant.locations == ("Colombia",)
    assert accountant.remote is Remote.UNKNOWN  # isRemote null, address null
    assert accountant.department == "Administration"
    android = jobs["337f41ff-1841-4b26-b110-f9b6b822f4a0"]
    assert android.employment_type == "Contract"
    assert android.locations == ("Poland", "Colombia", "Brazil", "Argentina")
    # isRemote false without workplaceType: could be hybrid, so not "no".
    assert jobs["31be4a08-e9ae-4344-9a06-a2218b5760fb"].remote is Remote.UNKNOWN
    remotes = [p.remote for p in page.postings]
    assert (remotes.count(Remote.YES), remotes.count(Remote.UNKNOWN)) == (10, 17)
    kinds = [p.employment_type for p in page.postings]
    assert (kinds.count("Full-time"), kinds.count("Contract")) == (26, 1)


def test_unlisted_jobs_are_skipped_and_address_is_a_fallback() -> None:
    raw = jobs_body(
        {"id": "a", "title": "Hidden", "isListed": False, "location": "Paris"},
        {
            "id": "b",
            "title": " Data\u200b Engineer ",
            "location": None,
            "address": {"postalAddress": {"addressLocality": "Berlin", "addressCountry": "DE"}},
            "secondaryLocations": [
                None,
                "x",
                {"location": "Berlin, DE"},
                {"location": None, "address": {"postalAddress": {"addressRegion": "Bavaria"}}},
                {"address": None},
            ],
            "workplaceType": "Hybrid",
            "isRemote": True,
            "employmentType": "PartTime",
            "applyUrl": "https://jobs.ashbyhq.com/acme/b/application",
        },
        {
            "id": "c",
            "title": "Ops",
            "secondaryLocations": "nope",
            "address": "x",
            "department": 5,
            "team": "Platform",
            "employmentType": None,
            "publishedAt": "garbage",
            "workplaceType": "Spaceship",
            "isRemote": True,
        },
    )
    second, third = parse(raw).postings
    assert second.id == "b"
    assert second.title == "Data Engineer"
    assert second.locations == ("Berlin, DE", "Bavaria")
    assert second.remote is Remote.HYBRID
    assert second.employment_type == "Part-time"
    assert second.url == "https://jobs.ashbyhq.com/acme/b/application"
    assert (third.locations, third.department, third.employment_type) == ((), "Platform", None)
    assert (third.posted_at, third.url, third.remote) == (None, None, Remote.UNKNOWN)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'"jobs"', "ashby response: expected dict, got str"),
        (b'{"jobs": null}', "ashby 'jobs': expected list, got NoneType"),
        (b'{"jobs": "a"}', "ashby 'jobs': expected list, got str"),
        (b'{"jobs": [{"id": "a", "title": "A", "isRemote": -1e999}]}', "ashby response: Number"),
    ],
)
def test_drift_fails_with_a_message_that_says_where(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(message)}"):
        parse(raw)


# A posting that cannot be read is skipped, saying which and why; the page still reads.
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"jobs": [{"id": "a", "title": "A"}, [1]]}', "ashby job #1: expected dict, got list"),
        (b'{"jobs": [{"id": null, "title": "A"}]}', "ashby job #0: missing or invalid 'id'"),
        (b'{"jobs": [{"id": " ", "title": "A"}]}', "ashby job #0: missing or invalid 'id'"),
        (b'{"jobs": [{"id": "a", "title": 5}]}', "ashby job a: missing or invalid 'title'"),
        # A job that is not an object is skipped even when it would be unlisted.
        (b'{"jobs": [{"isListed": false}, 7]}', "ashby job #1: expected dict, got int"),
    ],
)
def test_a_posting_that_cannot_be_read_is_skipped_saying_where(raw: bytes, message: str) -> None:
    page = parse(raw)
    assert [skipped.detail for skipped in page.skipped] == [message]


def test_an_unlisted_job_is_skipped_before_its_fields_are_checked() -> None:
    raw = jobs_body({"isListed": False}, {"id": "b", "title": 5, "isListed": False})
    assert parse(raw).postings == []
    # Only false hides a job.
    listed = jobs_body({"id": "a", "title": "A", "isListed": "false"})
    assert parse(listed).postings == [Posting(id="a", title="A")]


def test_fields_sent_as_null_or_in_other_shapes_are_read_as_absent() -> None:
    names = ["jobUrl", "applyUrl", "location", "address", "secondaryLocations", "workplaceType"]
    names += ["isRemote", "department", "team", "employmentType", "publishedAt", "updatedAt"]
    odd = {
        "location": ["Berlin"],
        "address": {"postalAddress": ["Berlin"]},
        "secondaryLocations": [
            ["Berlin"],
            {"location": 5, "address": "Berlin"},
            {"address": {"postalAddress": {"addressLocality": ["Berlin"], "addressCountry": 5}}},
        ],
        "workplaceType": None,
        "isRemote": "true",
        "employmentType": ["FullTime"],
        "jobUrl": {"href": "x"},
        "publishedAt": [2024],
        # Skipped fields may hold anything.
        "compensation": [None],
        "descriptionHtml": {"html": 1},
    }
    raw = jobs_body(
        {"id": "a", "title": "A", **dict.fromkeys(names)},
        {"id": "b", "title": "B", **odd},
        {"id": "c", "title": "C", "secondaryLocations": {"location": "Berlin"}},
    )
    assert parse(raw).postings == [
        Posting(id="a", title="A"),
        Posting(id="b", title="B"),
        Posting(id="c", title="C"),
    ]
