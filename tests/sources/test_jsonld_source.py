"""The ``jsonld`` kind: a page's JobPosting JSON-LD as the board (the contract every kind
keeps, pages without postings included, is in test_contract.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from secondchance.core.models import Remote
from secondchance.sources import jsonld_source
from secondchance.sources.interface import Page, Source

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
