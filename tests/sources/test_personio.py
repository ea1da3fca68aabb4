"""Personio XML feed: real captures, hostile XML, bad bodies, and the fetch loop."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import respx

from secondchance import sources
from secondchance.core.models import Posting, Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import personio
from secondchance.sources.interface import BoardSpec, Page, ParseError, Request, Source, SpecError

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


def test_first_request_default_template() -> None:
    request = SOURCE.first_request(SPEC, SOURCE.endpoints)
    assert request.url == "https://acme.jobs.personio.de/xml?language=en"
    assert SOURCE.max_pages == 1
    assert SOURCE.companion_keys == ()


def test_empty_feed_is_an_empty_board() -> None:
    assert parse(b"<workzag-jobs>\n</workzag-jobs>").postings == []


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


def test_external_entity_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<workzag-jobs><position><id>1</id><name>&x;</name></position></workzag-jobs>"
    )
    with pytest.raises(ParseError, match="unsafe XML"):
        parse(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "HTML"),
        (b"<html><head><title>Error</title></head></html>", "HTML"),
        (b"<html><title>Just a moment...</title></html>", "challenge"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', "HTML"),
        (b"<workzag-jobs><position><id>1</id>", "malformed XML"),
        (b'{"jobs": []}', "malformed XML"),
        (b"<rss><channel/></rss>", "expected <workzag-jobs>"),
        (feed("<name>No id</name>"), "missing <id>"),
        (feed("<id>3</id><name>  </name>"), "missing <name>"),
    ],
)
def test_bad_bodies(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(body)


def test_parse_spec() -> None:
    assert SOURCE.parse_spec(" acme-gmbh ", {}) == BoardSpec(kind="personio", key="acme-gmbh")
    with pytest.raises(SpecError, match=r"use the company slug \('acme'\), not the URL"):
        SOURCE.parse_spec("https://acme.jobs.personio.de/", {})
    with pytest.raises(SpecError, match="not the URL"):
        SOURCE.parse_spec("acme/jobs", {})
    for bad in ("", "   ", None, 42, "acme gmbh", "ac!me"):
        with pytest.raises(SpecError):
            SOURCE.parse_spec(bad, {})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.jobs.personio.de/", "acme"),
        ("https://Acme-GmbH.jobs.personio.com/job/123?language=en", "acme-gmbh"),
        ("https://acme.jobs.personio.de/xml", "acme"),
        ("https://www.personio.de/", None),
        ("https://jobs.personio.de/", None),
        ("https://acme.bamboohr.com/careers", None),
    ],
)
def test_detect(url: str, expected: str | None) -> None:
    assert SOURCE.detect(url) == expected


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # fetch_board looks kinds up in the registry, which the lead wires up.
    monkeypatch.setitem(sources.SOURCES, "personio", personio.SOURCE)
    yield


async def test_fetch_loop_404_is_not_found(registered: None) -> None:
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            router.get("https://ghost.jobs.personio.de/xml?language=en").respond(404)
            spec = SOURCE.parse_spec("ghost", {})
            result = await fetch_board(
                fetcher, spec, SOURCE.endpoints, SourceRef("Acme", "personio", "ghost")
            )
    finally:
        await fetcher.aclose()
    assert result.not_found
    assert result.postings == []


async def test_fetch_loop_reads_the_feed(registered: None) -> None:
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            router.get("http://127.0.0.1:8080/x/acme/xml?language=en").respond(
                200,
                content=(FIXTURES / "example-jobs-lorem-3.xml").read_bytes(),
                headers={"Content-Type": "text/xml"},
            )
            result = await fetch_board(fetcher, SPEC, MIRROR, SourceRef("Acme", "personio", "acme"))
    finally:
        await fetcher.aclose()
    assert result.error is None
    assert result.complete
    assert len(result.postings) == 3
    assert result.postings[0].url == "http://127.0.0.1:8080/x/acme/job/681100"
