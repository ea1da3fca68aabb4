"""The ``jsonld`` kind: a page's JobPosting JSON-LD as the board, or a failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from secondchance.core.models import Remote
from secondchance.sources import jsonld_source
from secondchance.sources.interface import Page, ParseError, Source, SpecError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jsonld"
SOURCE: Source = jsonld_source.SOURCE
PAGE = "https://autodesk.wd1.myworkdayjobs.com/Ext/job/Montreal/x_24WD81528"
SPEC = SOURCE.parse_spec(PAGE, {})


def parse(body: bytes) -> Page:
    return SOURCE.parse(SPEC, SOURCE.first_request(SPEC, SOURCE.endpoints), body)


def test_workday_detail_page() -> None:
    page = parse((FIXTURES / "workday-autodesk-job-detail-page.html").read_bytes())
    assert page.next is None
    (posting,) = page.postings
    assert posting.id == "24WD81528"
    assert posting.title == "Senior Industry Strategy Manager - Content Creation"
    assert posting.url == PAGE  # no url in the block: the page is the posting
    assert posting.locations == ("AMER - Canada - Quebec - Montreal - 10 Rue Duke, Canada",)
    assert posting.posted_at == datetime(2024, 9, 24, tzinfo=UTC)


def test_graph_with_two_postings() -> None:
    block = {
        "@graph": [
            {"@type": "WebPage", "name": "Careers"},
            {
                "@type": "JobPosting",
                "title": "A",
                "identifier": "1",
                "jobLocationType": "TELECOMMUTE",
            },
            {"@type": "JobPosting", "title": "B", "url": "/jobs/b"},
        ]
    }
    body = f'<html><script type="application/ld+json">{json.dumps(block)}</script></html>'
    first, second = parse(body.encode()).postings
    assert (first.id, first.remote) == ("1", Remote.YES)
    assert second.url == "https://autodesk.wd1.myworkdayjobs.com/jobs/b"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "no schema.org JobPosting"),
        (b"<html><body><h1>Careers</h1></body></html>", "no schema.org JobPosting"),
        (
            b'<html><script type="application/ld+json">{"@type": "Organization"}</script></html>',
            "no schema.org JobPosting",
        ),
        (b'{"@type": "JobPosting", "title": "raw JSON, not a page"}', "no schema.org JobPosting"),
        (b"<html><head><title>Just a moment...</title></head></html>", "challenge"),
    ],
)
def test_pages_without_postings_fail(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(body)


def test_spec_request_and_detect() -> None:
    assert SPEC.kind == "jsonld"
    assert SPEC.key == PAGE
    request = SOURCE.first_request(SPEC, SOURCE.endpoints)
    assert (request.url, request.expect) == (PAGE, "html")
    assert SOURCE.endpoints == {}
    assert SOURCE.companion_keys == ()
    assert SOURCE.max_pages == 1
    # Any page may carry JSON-LD, so no URL is claimed by this kind.
    assert SOURCE.detect(PAGE) is None
    assert SOURCE.detect("https://acme.jobs.personio.de/") is None


@pytest.mark.parametrize(
    "value",
    ["", "acme", "ftp://example.com/jobs", "https://", " https://example.com/jobs", None, 3],
)
def test_invalid_specs(value: object) -> None:
    with pytest.raises(SpecError):
        SOURCE.parse_spec(value, {})
