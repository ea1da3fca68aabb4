"""schema.org JobPosting extraction from the real Workday page and synthetic edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from secondchance.core.models import Remote
from secondchance.sources.jsonld import extract_postings, fallback_id, read_postings

FIXTURES = Path(__file__).parent.parent / "fixtures" / "jsonld"
BASE = "https://example.com/careers/"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _page(*blocks: object) -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(block)}</script>' for block in blocks
    )
    return f"<html><head>{scripts}</head><body><p>jobs</p></body></html>"


def test_workday_detail_page() -> None:
    url = "https://autodesk.wd1.myworkdayjobs.com/Ext/job/Montreal/x_24WD81528"
    postings = extract_postings(_read("workday-autodesk-job-detail-page.html"), url)
    assert len(postings) == 1
    posting = postings[0]
    assert posting.title == "Senior Industry Strategy Manager - Content Creation"
    # identifier.value, not identifier.name (which Workday fills with the title).
    assert posting.id == "24WD81528"
    assert posting.locations == ("AMER - Canada - Quebec - Montreal - 10 Rue Duke, Canada",)
    assert posting.posted_at == datetime(2024, 9, 24, tzinfo=UTC)
    assert posting.employment_type == "FULL_TIME"
    assert posting.remote is Remote.UNKNOWN
    # No "url" in the block: the page itself is the posting's URL.
    assert posting.url == url


def test_graph_with_location_list_and_telecommute() -> None:
    postings = extract_postings(_read("synthetic-graph-two-postings.html"), BASE)
    assert [p.title for p in postings] == ["Data Engineer", "Sales & Partnerships Lead"]
    data, sales = postings
    assert data.id == "4711"
    assert data.url == "https://example.com/careers/data-engineer/"
    assert data.locations == ("Zurich, ZH, Switzerland", "Berlin, DE")
    assert data.employment_type == "FULL_TIME, CONTRACTOR"
    assert data.posted_at == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert data.remote is Remote.UNKNOWN
    # @type given as a list; no identifier → the URL without its fragment.
    assert sales.id == "https://example.com/careers/sales-lead/"
    assert sales.url == "https://example.com/careers/sales-lead/#apply"
    assert sales.remote is Remote.YES
    assert sales.locations == ()


def test_wrapped_blocks_and_invalid_block_beside_them() -> None:
    postings = extract_postings(_read("synthetic-wrapped-and-invalid-blocks.html"), BASE)
    assert [(p.id, p.title) for p in postings] == [
        ("REQ-1", "CDATA Role"),
        ("REQ-2", "Comment Role"),
        ("REQ-3", "Array Role"),
    ]


def test_top_level_array() -> None:
    page = _page(
        [
            {"@type": "Organization", "name": "Example"},
            {"@type": "JobPosting", "title": "One", "identifier": "1"},
            {"@type": "JobPosting", "title": "Two", "identifier": "2"},
        ]
    )
    assert [p.title for p in extract_postings(page, BASE)] == ["One", "Two"]


def test_identifier_forms() -> None:
    page = _page(
        {"@type": "JobPosting", "title": "Plain", "identifier": " ABC-9 "},
        {"@type": "JobPosting", "title": "Number", "identifier": 12345},
        {
            "@type": "JobPosting",
            "title": "Name only",
            "identifier": {"name": "Acme"},
            "url": "/j/7",
        },
    )
    assert [p.id for p in extract_postings(page, BASE)] == [
        "ABC-9",
        "12345",
        "https://example.com/j/7",
    ]


def test_no_identifier_no_url_uses_stable_hash() -> None:
    block = {
        "@type": "JobPosting",
        "title": "Welder",
        "jobLocation": {"@type": "Place", "address": "Hamburg"},
    }
    first = extract_postings(_page(block), BASE)
    again = extract_postings(_page(block), BASE)
    assert len(first) == 1
    assert first[0].id.startswith("h:")
    assert len(first[0].id) == 18
    assert first[0].id == again[0].id == fallback_id("Welder", "Hamburg")
    assert first[0].url == BASE
    assert first[0].locations == ("Hamburg",)
    # Whitespace and case edits on the page do not re-key the job.
    assert fallback_id("  welder ", "HAMBURG") == first[0].id
    assert fallback_id("Welder", "Bremen") != first[0].id


def test_duplicate_ids_keep_first_and_untitled_skipped() -> None:
    page = _page(
        {"@type": "JobPosting", "title": "First", "identifier": "7"},
        {"@type": "JobPosting", "title": "Second copy", "identifier": "7"},
        {"@type": "JobPosting", "identifier": "8"},
        {"@type": "JobPosting", "title": "   ", "identifier": "9"},
    )
    assert [(p.id, p.title) for p in extract_postings(page, BASE)] == [("7", "First")]
    # Skipped, and counted: a JobPosting that cannot be read is not a closed one.
    _, skipped = read_postings(page, BASE)
    assert [s.reason for s in skipped] == ["no title", "no title"]
    assert skipped[0].detail == "JobPosting #2: missing or invalid 'title'"


def place(**address: object) -> dict[str, object]:
    return {"@type": "Place", "address": {"@type": "PostalAddress", **address}}


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        # iCIMS writes the part it has no value for.
        (
            place(addressLocality="Hong Kong", addressRegion="UNAVAILABLE", addressCountry="HK"),
            "Hong Kong, HK",
        ),
        (place(addressLocality="Austin", addressRegion="N/A", addressCountry="US"), "Austin, US"),
        (place(addressLocality="null", addressRegion="Bavaria", addressCountry="-"), "Bavaria"),
        (place(addressLocality="Not Available", addressCountry="TBD"), ""),
        (place(addressLocality=" tbd ", addressCountry={"name": "n/a"}), ""),
        (
            {**place(addressLocality="Unavailable", addressCountry="none"), "name": "HQ"},
            "HQ",
        ),
        ({"@type": "Place", "address": "N/A", "name": "Remote office"}, "Remote office"),
        ("UNAVAILABLE", ""),
        # A real place is never taken for one: Namibia's code, a dash inside a name.
        (place(addressLocality="Windhoek", addressCountry="NA"), "Windhoek, NA"),
        (place(addressLocality="Saint-Denis", addressCountry="FR"), "Saint-Denis, FR"),
    ],
)
def test_placeholders_in_an_address_are_no_place(location: object, expected: str) -> None:
    page = _page({"@type": "JobPosting", "title": "Analyst", "jobLocation": location})
    [posting] = extract_postings(page, BASE)
    assert posting.locations == ((expected,) if expected else ())


def test_telecommute_in_list_and_lowercase() -> None:
    page = _page(
        {
            "@type": "JobPosting",
            "title": "Remote",
            "identifier": "r",
            "jobLocationType": ["x", "telecommute"],
        },
    )
    assert extract_postings(page, BASE)[0].remote is Remote.YES


def test_https_schema_type_and_non_job_objects_ignored() -> None:
    page = _page(
        {"@type": "https://schema.org/JobPosting", "title": "Typed by URL", "identifier": "u"},
        {"@type": "Event", "name": "Career fair"},
        "just a string",
        42,
    )
    assert [p.title for p in extract_postings(page, BASE)] == ["Typed by URL"]


def test_page_without_jsonld_is_empty() -> None:
    assert extract_postings(b"<html><body><h1>No jobs markup</h1></body></html>", BASE) == []
    assert extract_postings(b"", BASE) == []


def test_latin1_bytes_decoded_via_meta_charset() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><script type="application/ld+json">'
        '{"@type": "JobPosting", "title": "Ingenieur Zürich", "identifier": "z"}'
        "</script></head></html>"
    ).encode("latin-1")
    assert extract_postings(page, BASE)[0].title == "Ingenieur Zürich"
