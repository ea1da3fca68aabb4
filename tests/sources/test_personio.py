"""Personio XML feed: how real captures and hostile XML read (the contract every kind
keeps, the fetch loop included, is in test_contract.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources import personio
from secondchance.sources.interface import Page, ParseError, Request, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "personio"
SOURCE: Source = personio.SOURCE
SPEC = SOURCE.parse_spec("acme", {})
MIRROR = {"personio": "http://127.0.0.1:8080/x/{company}/"}


def parse(raw: bytes, request: Request | None = None) -> Page:
    return SOURCE.parse(SPEC, request or SOURCE.first_request(SPEC, SOURCE.endpoints), raw)


def by_id(name: str) -> dict[str, Posting]:
    postings = parse((FIXTURES / name).read_bytes()).postings
    jobs = {posting.id: posting for posting in postings}
    assert len(jobs) == len(postings)
    return jobs


def feed(*positions: str) -> bytes:
    body = "".join(f"<position>{p}</position>" for p in positions)
    return f'<?xml version="1.0" encoding="UTF-8"?><workzag-jobs>{body}</workzag-jobs>'.encode()


def test_demo_account_capture() -> None:
    page = parse((FIXTURES / "demo-account-positions-11.xml").read_bytes())
    assert page.next is None
    jobs = {posting.id: posting for posting in page.postings}
    assert len(jobs) == 11
    copy = jobs["2140231"]
    assert copy.title == "Copy of Junior Compliance and Immigrations Manager"
    # No URL element in the feed: it is built on the company host.
    assert copy.url == "https://acme.jobs.personio.de/job/2140231"
    assert copy.locations == ("London",)
    assert copy.department == "Management"
    assert copy.employment_type == "permanent, full-time"
    assert copy.posted_at == datetime(2024, 9, 24, 11, 0, 15, tzinfo=UTC)
    # "Compliance ,Immigration" keywords say nothing about remote.
    assert copy.remote is Remote.UNKNOWN
    # The one position without <subcompany> parses like the rest.
    seo = jobs["2140221"]
    assert seo.title == "SEO Marketing Managers"
    assert seo.department == "Marketing"
    assert seo.posted_at == datetime(2017, 5, 23, 7, 50, 24, tzinfo=UTC)
    general = jobs["2140224"]
    assert general.locations == ("Remote",)
    assert general.remote is Remote.YES
    assert general.employment_type == "permanent, full-or-part-time"
    assert jobs["2140222"].employment_type == "intern, part-time"
    assert sum(job.remote is Remote.YES for job in jobs.values()) == 3


def test_lorem_capture_with_template_whitespace() -> None:
    jobs = by_id("example-jobs-lorem-3.xml")
    assert list(jobs) == ["681100", "681097", "681098"]
    general = jobs["681100"]
    assert general.title == "General Application"
    assert general.department is None  # no <department> on this one
    assert general.remote is Remote.YES
    assert general.posted_at == datetime(2018, 10, 22, 13, 43, 47, tzinfo=UTC)
    student = jobs["681098"]
    # <name> of the position, not of a nested <jobDescription>.
    assert student.title == "Social Media (Working Student)"
    assert student.locations == ("London",)
    assert student.url == "https://acme.jobs.personio.de/job/681098"


def test_additional_offices_keywords_and_missing_optionals() -> None:
    page = parse(
        feed(
            "<id> 7 </id><name>\n  Data   Engineer\n</name><office> Berlin </office>"
            "<additionalOffices><office>Munich</office><office>Berlin</office>"
            "<office>  </office></additionalOffices>",
            "<id>8</id><name>Support</name><keywords>support, REMOTE</keywords>",
            "<id>9</id><name>Bare</name><createdAt>not a date</createdAt><department/>",
        )
    )
    data, support, bare = page.postings
    assert data.id == "7"
    assert data.title == "Data Engineer"
    assert data.locations == ("Berlin", "Munich")
    assert data.remote is Remote.UNKNOWN
    assert support.remote is Remote.YES
    assert support.locations == ()
    assert bare.posted_at is None
    assert bare.department is None
    assert bare.employment_type is None


def test_job_urls_follow_the_request_base() -> None:
    request = SOURCE.first_request(SPEC, MIRROR)
    assert request.url == "http://127.0.0.1:8080/x/acme/xml?language=en"
    assert request.expect == "xml"
    (posting,) = parse(feed("<id>5</id><name>Job</name>"), request).postings
    assert posting.url == "http://127.0.0.1:8080/x/acme/job/5"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<workzag-jobs><position><id>1</id><name>&lol9;</name></position></workzag-jobs>"""


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(ParseError, match="unsafe XML"):
        parse(BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0
