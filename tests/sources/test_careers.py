"""The careers source: selectors on real careers pages and JSON-LD mode (the contract every
kind keeps, spec validation included, is in test_contract.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources.careers import SOURCE
from secondchance.sources.interface import BoardSpec, ParseError, Request

FIXTURES = Path(__file__).parent.parent / "fixtures"
PAGE = "https://example.com/careers"


def _spec(value: object) -> BoardSpec:
    return SOURCE.parse_spec(value, {})


def _parse(spec: BoardSpec, body: bytes | str, url: str | None = None) -> list[Posting]:
    request = SOURCE.first_request(spec, {})
    if url is not None:
        request = Request(url=url, expect="html")
    raw = body.encode("utf-8") if isinstance(body, str) else body
    page = SOURCE.parse(spec, request, raw)
    assert page.next is None
    return page.postings


def _html(name: str) -> bytes:
    return (FIXTURES / "html" / name).read_bytes()


def _parse_twice(options: dict[str, Any], name: str) -> list[Posting]:
    spec = _spec(options)
    postings = _parse(spec, _html(name))
    assert len({p.id for p in postings}) == len(postings)
    assert [p.id for p in _parse(spec, _html(name))] == [p.id for p in postings]
    return postings


# --- real captures --------------------------------------------------------------------------


def test_greenhouse_hosted_board_relative_links() -> None:
    options = {
        "url": "https://boards.greenhouse.io/affirm",
        "item": "div.opening",
        "title": "a",
        "link": "a@href",
        "location": "span.location",
    }
    postings = _parse_twice(options, "greenhouse-hosted-affirm-board-69-jobs.html")
    assert len(postings) == 69
    first = postings[0]
    assert first.title == "Business Operations Lead"
    assert first.id == first.url == "https://boards.greenhouse.io/affirm/jobs/5754347003"
    assert first.locations == ("Remote Canada",)
    assert first.remote is Remote.YES
    # Same title in another country is another job with another id.
    assert postings[1].title == first.title
    assert postings[1].id == "https://boards.greenhouse.io/affirm/jobs/5754345003"
    # Titles ending in a space are cleaned.
    assert postings[-1].title == "Senior Technical Program Manager (Capital)"
    assert sum(p.remote is Remote.YES for p in postings) == 67
    # Without link/title the defaults (first a[href], whole item text) find the same ids.
    defaults = _parse(
        _spec({"url": options["url"], "item": "div.opening"}),
        _html("greenhouse-hosted-affirm-board-69-jobs.html"),
    )
    assert [p.id for p in defaults] == [p.id for p in postings]


def test_lever_hosted_page_absolute_links() -> None:
    options = {
        "url": "https://jobs.lever.co/vectara",
        "item": "div.posting",
        "title": "a.posting-title h5",
        "link": "a.posting-title@href",
        "location": "span.sort-by-location",
    }
    postings = _parse_twice(options, "lever-hosted-vectara-5-postings.html")
    assert len(postings) == 5
    assert postings[0].title == "Full Stack Engineer (Pakistan & Egypt)"
    assert postings[0].url == "https://jobs.lever.co/vectara/be085d88-7eca-4978-a3ce-bd88b469ec03"
    assert postings[0].locations == ("Islamabad",)
    assert postings[-1].title == "Product Manager"
    assert postings[-1].locations == ("US Remote",)
    assert postings[-1].remote is Remote.YES


def test_stripe_rows_with_multiline_class_attributes() -> None:
    options = {
        "url": "https://stripe.com/jobs/search?remote_locations=North+America--US+Remote",
        "item": "tbody.JobsListings__tableBody tr.TableRow",
        "title": "a.JobsListings__link",
        "link": "a.JobsListings__link@href",
        "location": ".JobsListings__locationDisplayName",
    }
    postings = _parse_twice(options, "stripe-jobs-search-us-remote-65-rows.html")
    assert len(postings) == 65
    assert postings[0].title == "Americas Communications"
    assert postings[0].url == "https://stripe.com/jobs/listing/americas-communications/5298063"
    assert {p.locations for p in postings} == {("Remote in United States",)}
    assert all(p.remote is Remote.YES for p in postings)


def test_climeworks_duplicate_titles_have_distinct_ids() -> None:
    options = {
        "url": "https://climeworks.com/careers-search",
        "item": "li.border-b",
        "title": "h4 a.link-button",
        "link": "h4 a.link-button@href",
        "location": "li > div",
    }
    postings = _parse_twice(options, "climeworks-careers-search-85-jobs.html")
    assert len(postings) == 85
    assert postings[0].title == "Senior Carbon Market Expert (80-100%)"
    assert postings[0].locations == ("Zurich, Switzerland",)
    commissioning = sorted(p.id for p in postings if p.title == "Commissioning Manager")
    assert commissioning == [
        "https://climeworks.com/jobs/commissioning-manager",
        "https://climeworks.com/jobs/commissioning-manager-1",
    ]


def test_blueorchard_item_is_the_link() -> None:
    options = {
        "url": "https://www.blueorchard.com/careers/",
        "item": ".m-vacancies__list .b-toggle-card__content a",
        "link": "@href",
    }
    postings = _parse_twice(options, "blueorchard-wordpress-vacancies-3-jobs.html")
    assert [(p.title, p.url) for p in postings] == [
        ("Associate Impact Manager", "https://blueorchard.bamboohr.com/careers/220"),
        ("(Senior) Investment Officer", "https://blueorchard.bamboohr.com/careers/223"),
        ("Operations Officer", "https://blueorchard.bamboohr.com/careers/224"),
    ]
    assert all(p.locations == () for p in postings)


def test_4zero_every_href_is_hash_keys_on_title_and_location() -> None:
    options = {
        "url": "https://www.4zero.solutions/job",
        "item": "a.job-listing-card",
        "title": "h3.job-listing-title",
        "location": ".job-listing-info-text",
    }
    postings = _parse_twice(options, "4zero-webflow-jobs-4-href-hash.html")
    assert [p.title for p in postings] == [
        "Grafik / Design (m/w/d)",
        "Software Web Frontend Engineer",
        "Software Web Backend Engineer",
        "Software Developer",
    ]
    assert all(p.id.startswith("h:") and len(p.id) == 18 for p in postings)
    assert all(p.url == "https://www.4zero.solutions/job" for p in postings)
    assert postings[0].locations == ("München",)


def test_workday_unrendered_shell_is_a_failure() -> None:
    spec = _spec(
        {
            "url": "https://autodesk.wd1.myworkdayjobs.com/Ext",
            "item": "li[data-automation-id] [data-automation-id=jobTitle]",
        }
    )
    with pytest.raises(ParseError, match="matched nothing"):
        _parse(spec, _html("workday-autodesk-search-unrendered-shell.html"))


def test_jsonld_mode_on_real_workday_detail_page() -> None:
    url = "https://autodesk.wd1.myworkdayjobs.com/Ext/job/Montreal/x_24WD81528"
    spec = _spec(url)
    body = (FIXTURES / "jsonld" / "workday-autodesk-job-detail-page.html").read_bytes()
    postings = _parse(spec, body)
    assert [(p.id, p.url) for p in postings] == [("24WD81528", url)]


# --- synthetic edge cases -------------------------------------------------------------------


def test_jsonld_mode_without_postings_fails_unless_empty_ok() -> None:
    with pytest.raises(ParseError, match=r"no schema\.org JobPosting"):
        _parse(_spec(PAGE), "<html><body>We are not hiring</body></html>")
    assert _parse(_spec({"url": PAGE, "empty_ok": True}), "<html></html>") == []


def test_empty_ok_allows_no_items() -> None:
    spec = _spec({"url": PAGE, "item": "li.job", "empty_ok": True})
    assert _parse(spec, "<html><body><p>No openings</p></body></html>") == []


def test_broken_title_selector_fails_instead_of_emptying_the_board() -> None:
    spec = _spec({"url": PAGE, "item": "li.job", "title": "h2"})
    with pytest.raises(ParseError, match="title selector"):
        _parse(spec, '<ul><li class="job"><a href="/j/1">One</a></li></ul>')


def test_an_item_with_a_link_but_no_title_is_skipped_and_layout_is_not() -> None:
    spec = _spec({"url": PAGE, "item": "li.job", "title": "h3"})
    body = """<ul>
      <li class="job"><h3>Engineer</h3><a href="/j/1">Apply</a></li>
      <li class="job"><h3> </h3><a href="/j/2">Apply</a></li>
      <li class="job"></li>
    </ul>"""
    page = SOURCE.parse(spec, SOURCE.first_request(spec, {}), body.encode())
    assert [p.title for p in page.postings] == ["Engineer"]
    # The job whose title went missing is counted; the empty row is layout.
    assert [(s.reason, s.detail) for s in page.skipped] == [
        ("no title", "careers item #1 (https://example.com/j/2): no text for the title")
    ]


def test_base_href_and_non_job_links() -> None:
    body = """<html><head><base href="https://cdn.example.net/site/"></head><body>
      <li class="job"><a href="jobs/1#apply">Engineer</a><span>Remote, EU</span></li>
      <li class="job"><a href="javascript:void(0)">Designer</a><span>Paris</span></li>
      <li class="job"><a href="https://cdn.example.net/site/">Writer</a></li>
      <li class="job"><a>   </a></li>
    </body></html>"""
    spec = _spec({"url": PAGE, "item": "li.job", "title": "a", "location": "span"})
    engineer, designer, writer = _parse(spec, body)
    assert engineer.id == "https://cdn.example.net/site/jobs/1"
    assert engineer.url == "https://cdn.example.net/site/jobs/1#apply"
    assert engineer.locations == ("Remote, EU",)
    assert engineer.remote is Remote.YES
    assert designer.id.startswith("h:")
    assert designer.url == PAGE
    assert designer.remote is Remote.UNKNOWN
    # A link back to the listing itself is no job identity either.
    assert writer.id.startswith("h:")
    assert writer.url == PAGE


def test_shared_link_falls_back_to_hash_and_exact_duplicates_are_dropped() -> None:
    body = """<ul>
      <li><a href="/apply">Cook</a><i>Rome</i></li>
      <li><a href="/apply">Cook</a><i>Milan</i></li>
      <li><a href="/apply">Cook</a><i>Rome</i></li>
      <li><a href="/jobs/waiter">Waiter</a><i>Rome</i></li>
    </ul>"""
    spec = _spec({"url": PAGE, "item": "li", "title": "a", "location": "i"})
    postings = _parse(spec, body)
    assert [(p.title, p.locations) for p in postings] == [
        ("Cook", ("Rome",)),
        ("Cook", ("Milan",)),
        ("Waiter", ("Rome",)),
    ]
    assert postings[0].url == PAGE
    assert postings[0].id != postings[1].id
    assert postings[2].id == "https://example.com/jobs/waiter"


def test_a_role_listed_twice_keeps_its_link_as_identity_whether_featured_or_not() -> None:
    # A "featured" strip repeats some roles of the full list, and changes over time:
    # a role's identity must not depend on whether it is featured this week.
    role = '<li><a href="/jobs/{0}">Role {0}</a><i>Rome</i></li>'
    featured = "<ul>" + role.format(1) + "</ul>"
    full = "<ul>" + "".join(role.format(n) for n in (1, 2, 3)) + "</ul>"
    spec = _spec({"url": PAGE, "item": "li", "title": "a", "location": "i"})
    with_strip = _parse(spec, featured + full)
    without = _parse(spec, full)
    assert [p.id for p in with_strip] == [p.id for p in without]
    assert [p.id for p in without] == [f"https://example.com/jobs/{n}" for n in (1, 2, 3)]


def test_link_attribute_other_than_href() -> None:
    body = '<div class="job" data-url="/jobs/9"><h3>Analyst</h3></div>'
    spec = _spec({"url": PAGE, "item": "div.job", "title": "h3", "link": "@data-url"})
    assert _parse(spec, body)[0].id == "https://example.com/jobs/9"


def test_first_request_in_json_ld_mode() -> None:
    # The first request of a board with selectors is in test_contract.py.
    request = SOURCE.first_request(_spec(PAGE), {})
    assert (request.url, request.method, request.expect) == (PAGE, "GET", "html")
