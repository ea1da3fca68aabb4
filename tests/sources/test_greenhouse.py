"""Greenhouse: how real captures and hand-made bodies read (the contract every kind
keeps is in test_contract.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources import greenhouse
from secondchance.sources.interface import BoardSpec, Page, ParseError, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "greenhouse"
SOURCE: Source = greenhouse.SOURCE
SPEC = BoardSpec(kind="greenhouse", key="acme")
REQUEST = SOURCE.first_request(SPEC, SOURCE.endpoints)


def cassette_body(path: Path) -> bytes:
    """The response body of a VCR cassette, without a YAML library.

    The body is one single-quoted YAML scalar folded over indented lines:
    line breaks fold into spaces and ``''`` stands for a quote.
    """
    text = path.read_text(encoding="utf-8")
    match = re.search(r"string: ! '(.*?)'\n\s+http_version:", text, re.DOTALL)
    assert match is not None, "no response body in cassette"
    folded = re.sub(r"[ \t]*\n[ \t]*", " ", match.group(1))
    return folded.replace("''", "'").encode("utf-8")


def body(name: str) -> bytes:
    path = FIXTURES / name
    return cassette_body(path) if path.suffix == ".yml" else path.read_bytes()


def parse(raw: bytes) -> Page:
    return SOURCE.parse(SPEC, REQUEST, raw)


def by_id(name: str) -> dict[str, Posting]:
    return {posting.id: posting for posting in parse(body(name)).postings}


def jobs_body(*jobs: dict[str, Any]) -> bytes:
    return json.dumps({"jobs": list(jobs), "meta": {"total": len(jobs)}}).encode()


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_anthropic_splits_cities_and_reads_location_type() -> None:
    jobs = by_id("anthropic-jobs-content-true-4.json")
    gtm = jobs["5215052008"]
    assert gtm.title == "Amazon GTM Partnership, Startups"
    assert gtm.url == "https://job-boards.greenhouse.io/anthropic/jobs/5215052008"
    assert gtm.locations == ("San Francisco, CA", "New York City, NY", "Seattle, WA")
    assert gtm.remote is Remote.NO
    assert gtm.department == "Sales"
    assert gtm.posted_at == utc(2026, 5, 11, 21, 58, 31)
    assert gtm.updated_at == utc(2026, 7, 14, 22, 35)

    fellows = jobs["5023394008"]
    assert fellows.locations == (
        "London, UK",
        "Ontario, CAN",
        "Remote-Friendly, United States",
        "San Francisco, CA",
    )
    # The board's own "On-Site" beats the word "Remote" in one of the cities.
    assert fellows.remote is Remote.NO
    assert fellows.posted_at == utc(2025, 12, 11, 17, 27, 23)

    assert jobs["5311686008"].remote is Remote.YES
    assert jobs["5311686008"].locations == ("Sydney, Australia",)
    # "Location Type" is null here and the location says nothing either.
    assert jobs["5101378008"].remote is Remote.UNKNOWN
    assert all(job.updated_at == utc(2026, 7, 14, 22, 35) for job in jobs.values())


def test_smarterdx_trailing_spaces_and_null_metadata() -> None:
    jobs = by_id("smarterdx-jobs-content-true-trimmed.json")
    coder = jobs["5099964007"]
    assert coder.title == "Clinical Coding Specialist"
    assert coder.department == "Clinical Operations"
    assert coder.locations == ("Remote (United States)",)
    assert coder.remote is Remote.YES  # from the location, as metadata is null
    assert coder.employment_type is None
    assert coder.posted_at == utc(2026, 4, 6, 13, 38, 12)
    assert jobs["5193736007"].department == "Customer Success"


def test_legacy_cassette_old_schema() -> None:
    # The other captures are read in test_contract.py; this one is a cassette.
    raw = body("legacy-embed-api-jobs-content-cassette-2013.yml")
    assert raw.startswith(b'{"jobs":[{"id":721,')
    page = parse(raw)
    assert page.next is None
    jobs = {posting.id: posting for posting in page.postings}
    assert list(jobs) == ["721", "722"]
    developer = jobs["721"]
    assert developer.title == "Application developer"
    assert developer.url == "http://boards.greenhouse.io/generalassembly/jobs/721"
    assert developer.locations == ("New York, NY",)
    assert developer.department is None
    assert developer.posted_at is None
    assert developer.updated_at == utc(2013, 9, 12, 21, 1, 50)
    assert jobs["722"].title == "Finance Analyst"
    assert jobs["722"].department == "Finance"
    assert jobs["722"].locations == ("New York",)


def test_mongodb_multi_select_and_currency_metadata() -> None:
    page = parse(body("mongodb-jobs-content-true-282-raw.json"))
    jobs = {posting.id: posting for posting in page.postings}
    first = page.postings[0]
    assert first.id == "5319468"
    assert first.title == "Account Development Representative"
    assert first.url == "https://www.mongodb.com/careers/job/?gh_jid=5319468"
    assert first.locations == ("Sao Paulo, Brazil",)
    assert first.department == "Sales Development"
    assert first.employment_type == "Full-time"
    assert first.remote is Remote.NO  # "Working Model Eligibility": ["1-In Office"]
    assert first.posted_at is None
    assert first.updated_at == utc(2023, 11, 16, 15, 37, 15)
    # Commas are not separators, and the trailing space is gone.
    assert (
        sum(job.locations == ("New York City, Remote North America",) for job in page.postings)
        == 12
    )
    kinds = [job.employment_type for job in page.postings]
    assert (kinds.count("Full-time"), kinds.count("Intern"), kinds.count("Contract")) == (
        273,
        8,
        1,
    )
    remotes = [job.remote for job in jobs.values()]
    assert remotes.count(Remote.NO) == 76
    assert remotes.count(Remote.HYBRID) == 98
    assert remotes.count(Remote.YES) == 108
    assert all(job.posted_at is None for job in page.postings)


def test_airbnb_workplace_type_metadata() -> None:
    jobs = by_id("airbnb-jobs-91-reserialized.json")
    accountant = jobs["5486618"]
    assert accountant.title == "Accountant, Revenue Operations"
    assert accountant.url == "https://careers.airbnb.com/positions/?gh_jid=5486618"
    assert accountant.locations == ("Remote, United States",)
    assert accountant.remote is Remote.YES
    assert accountant.department is None  # no content, no departments
    assert accountant.updated_at == utc(2024, 1, 2, 16, 52, 17)
    assert jobs["5483737"].locations == ("Luxembourg, LU",)
    assert jobs["5483737"].remote is Remote.NO  # "Onsite"
    assert jobs["5570858"].locations == ("London, United Kingdom, Dublin, Ireland",)
    assert {job.remote for job in jobs.values()} == {Remote.YES, Remote.HYBRID, Remote.NO}
    assert sum(job.locations == ("United States",) for job in jobs.values()) == 39


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'"jobs"', "greenhouse response: expected dict, got str"),
        (b"null", "greenhouse response: expected dict, got NoneType"),
        (b'{"jobs": {"id": 1}}', "greenhouse 'jobs': expected list, got dict"),
        (b'{"jobs": null}', "greenhouse 'jobs': expected list, got NoneType"),
        (b'{"jobs": [{"id": 7, "title": 1e999}]}', "greenhouse response: Number out of range"),
        (b'{"jobs": [{"id": 7, "title": "caf\xe9"}]}', "malformed JSON: 'utf-8' codec"),
    ],
)
def test_drift_fails_with_a_message_that_says_where(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(message)}"):
        parse(raw)


# A posting that cannot be read is skipped, saying which and why; the page still reads.
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"jobs": [{"id": 1, "title": "A"}, [1]]}', "greenhouse job #1: expected dict, got list"),
        (b'{"jobs": [null]}', "greenhouse job #0: expected dict, got NoneType"),
        (b'{"jobs": [{"id": false, "title": "A"}]}', "greenhouse job #0: missing or invalid 'id'"),
        (b'{"jobs": [{"id": " ", "title": "A"}]}', "greenhouse job #0: missing or invalid 'id'"),
        (b'{"jobs": [{"id": 1.5, "title": "A"}]}', "greenhouse job #0: missing or invalid 'id'"),
        (
            b'{"jobs": [{"id": {"n": 1}, "title": "A"}]}',
            "greenhouse job #0: missing or invalid 'id'",
        ),
        (b'{"jobs": [{"id": 7, "title": null}]}', "greenhouse job 7: missing or invalid 'title'"),
        (b'{"jobs": [{"id": 7, "title": ["A"]}]}', "greenhouse job 7: missing or invalid 'title'"),
    ],
)
def test_a_posting_that_cannot_be_read_is_skipped_saying_where(raw: bytes, message: str) -> None:
    page = parse(raw)
    assert [skipped.detail for skipped in page.skipped] == [message]


def test_fields_sent_as_null_or_in_other_shapes_are_read_as_absent() -> None:
    nulls = dict.fromkeys(
        [
            "absolute_url",
            "location",
            "offices",
            "departments",
            "metadata",
            "first_published",
            "updated_at",
        ]
    )
    odd = {
        "absolute_url": 5,
        "location": ["Berlin"],
        "offices": {"name": "Berlin"},
        "departments": [["Sales"], {"name": None}, "Sales"],
        "metadata": {"name": "Location Type", "value": "Remote"},
        "first_published": {"at": "2024-01-01"},
        "updated_at": [2024],
        # Skipped fields may hold anything.
        "content": {"html": ["<p>", None]},
        "data_compliance": "x",
    }
    bare, other = parse(
        jobs_body({"id": 1, "title": "A", **nulls}, {"id": 2, "title": "B", **odd})
    ).postings
    assert bare == Posting(id="1", title="A")
    assert other == Posting(id="2", title="B")


def test_unknown_and_skipped_fields_do_not_matter() -> None:
    job = {"id": 4, "title": "Eng", "location": {"name": "Berlin", "id": 9}, "new_field": [1]}
    plain = parse(jobs_body(job)).postings
    assert parse(jobs_body({**job, "content": "&lt;p&gt;" * 1000})).postings == plain
    assert plain == [Posting(id="4", title="Eng", locations=("Berlin",))]


def test_odd_metadata_never_crashes() -> None:
    raw = jobs_body(
        {
            "id": 1,
            "title": "  Data\u200b Engineer ",
            "location": None,
            "offices": [{"name": "Berlin"}, None, {"name": " Remote EMEA "}, {"name": 5}],
            "metadata": [
                None,
                "x",
                {"name": 3, "value": "Remote"},
                {"name": "Salary", "value": {"unit": None, "min_value": "0.0"}},
                {"name": "Workplace Type", "value": {"weird": True}},
                {"name": "Location Type", "value": [None, 1, "Hybrid"]},
                {"name": "Employment Type", "value": ["Full-time"]},
            ],
        },
        {"id": "2", "title": "Ops", "metadata": "nope", "departments": "x", "offices": None},
        {"id": 3, "title": "QA", "metadata": [{"name": "Remote?", "value": True}]},
    )
    one, two, three = parse(raw).postings
    assert one.title == "Data Engineer"
    assert one.locations == ("Berlin", "Remote EMEA")  # offices, when location is absent
    assert one.remote is Remote.HYBRID
    assert one.employment_type is None  # a list is not an employment type
    assert (two.id, two.locations, two.remote, two.department) == ("2", (), Remote.UNKNOWN, None)
    assert three.remote is Remote.YES


def test_most_flexible_arrangement_wins() -> None:
    raw = jobs_body(
        {
            "id": 1,
            "title": "A",
            "metadata": [{"name": "Work model", "value": ["Office", "Hybrid"]}],
        },
        {"id": 2, "title": "B", "metadata": [{"name": "Workplace type", "value": "On-site"}]},
        {"id": 3, "title": "C", "location": {"name": "Paris; Remote | "}},
    )
    assert [job.remote for job in parse(raw).postings] == [Remote.HYBRID, Remote.NO, Remote.YES]
    assert parse(raw).postings[2].locations == ("Paris", "Remote")
