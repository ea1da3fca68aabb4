"""BambooHR careers list: the real capture, remote codes, locations (the contract every
kind keeps is in test_contract.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Remote
from secondchance.sources import bamboohr
from secondchance.sources.interface import Page, Request, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bamboohr"
SOURCE: Source = bamboohr.SOURCE
SPEC = SOURCE.parse_spec("acme", {})


def parse(raw: bytes | dict[str, Any], request: Request | None = None) -> Page:
    body = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    return SOURCE.parse(SPEC, request or SOURCE.first_request(SPEC, SOURCE.endpoints), body)


def job(**fields: Any) -> dict[str, Any]:
    return {"id": "1", "jobOpeningName": "Engineer"} | fields


def test_capture_with_count_mismatch() -> None:
    raw = (FIXTURES / "careers-list-trimmed.json").read_bytes()
    assert json.loads(raw)["meta"]["totalCount"] == 3
    page = parse(raw)
    assert page.next is None
    # totalCount says 3, the list holds 2: the list is taken as it is.
    paralegal, intern = page.postings
    assert paralegal.id == "86"
    assert paralegal.title == "Nurse Paralegal"
    assert paralegal.url == "https://acme.bamboohr.com/careers/86"
    assert paralegal.locations == ("Fort Lauderdale, Florida",)
    assert paralegal.department == "Legal"
    assert paralegal.employment_type == "Full Time"
    # isRemote null and locationType "0": on-site.
    assert paralegal.remote is Remote.NO
    assert paralegal.posted_at is None
    assert intern.title == "Marketing & Social Media Intern"
    assert intern.department == "Marketing"  # "Marketing " in the capture
    assert intern.employment_type == "Internship"


@pytest.mark.parametrize(
    ("is_remote", "location_type", "expected"),
    [
        (True, "0", Remote.YES),
        (None, "1", Remote.YES),
        (None, "2", Remote.HYBRID),
        (False, "0", Remote.NO),
        (None, 2, Remote.HYBRID),
        (None, "7", Remote.UNKNOWN),
        (None, None, Remote.UNKNOWN),
        ("yes", True, Remote.UNKNOWN),
    ],
)
def test_remote_mapping(is_remote: object, location_type: object, expected: Remote) -> None:
    (posting,) = parse({"result": [job(isRemote=is_remote, locationType=location_type)]}).postings
    assert posting.remote is expected


def test_ats_location_wins_when_filled() -> None:
    filled = job(
        location={"city": "Lehi", "state": "Utah"},
        atsLocation={"country": "United States", "state": None, "province": None, "city": "Provo"},
    )
    province = job(id=2, atsLocation={"city": " Toronto ", "province": "Ontario", "country": "CA"})
    odd = job(id="3", location="Remote", atsLocation=[])
    first, second, third = parse({"meta": {}, "result": [filled, province, odd]}).postings
    assert first.locations == ("Provo, Utah, United States",)
    assert second.id == "2"  # integer ids are stringified
    assert second.locations == ("Toronto, Ontario, CA",)
    assert third.locations == ()
    assert third.department is None
    assert third.employment_type is None


def test_urls_follow_the_request_base() -> None:
    mirror = {"bamboohr": "http://127.0.0.1:8080/x/{company}/"}
    request = SOURCE.first_request(SPEC, mirror)
    assert request.url == "http://127.0.0.1:8080/x/acme/careers/list"
    (posting,) = parse({"result": [job(id="42")]}, request).postings
    assert posting.url == "http://127.0.0.1:8080/x/acme/careers/42"
