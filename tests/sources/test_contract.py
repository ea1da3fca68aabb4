"""The contract every registered source kind keeps, run over each of them.

One table (CASES) holds each kind's data: its board, the URLs it detects, the
watchlist values it takes and refuses, the bodies it refuses, its captured boards.
The tests below run that table against the real registry and the real fetch loop,
so a kind missing from (or extra in) ``SOURCES`` fails here. What is particular to
one kind (how it reads a capture, how it pages) stays in its own test file.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest
import respx

from secondchance.core.board import BoardResult
from secondchance.core.models import BoardSpec, Posting, Remote, SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.sources import (
    SOURCES,
    ashby,
    bamboohr,
    careers,
    default_endpoints,
    greenhouse,
    jsonld_source,
    lever,
    personio,
    recruitee,
    smartrecruiters,
    teamtailor,
    workable,
    workday,
)
from secondchance.sources.interface import Page, ParseError, Request, Source, SpecError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


@dataclass(frozen=True)
class Good:
    """A watchlist value the kind takes, and the spec it makes of it."""

    value: object
    key: str
    options: Mapping[str, object] = field(default_factory=dict)
    companions: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Bad:
    """A watchlist value the kind refuses, with a fragment of the reason it gives."""

    value: object
    reason: str
    companions: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Capture:
    """A captured board under tests/fixtures and the postings it holds."""

    path: str
    count: int
    # The watchlist value it is read with; None: the case's board.
    value: object = None
    # The capture says there is a next page.
    paged: bool = False


@dataclass(frozen=True)
class Case:
    """One registered kind: the class of its instance, what a healthy answer is
    (``Request.expect``), and the data the contract tests read."""

    cls: type[Source]
    body: Literal["json", "xml", "html"]
    # The board every test below reads with, and its key.
    board: object
    key: str
    endpoints: Mapping[str, str]
    companion_keys: tuple[str, ...]
    max_pages: int
    # The board's first request with the default endpoints...
    first_request: Request
    # ...and its URL with these endpoints instead (a mirror, a test server).
    mirror: Mapping[str, str]
    mirror_url: str
    detect: tuple[tuple[str, object], ...]
    good: tuple[Good, ...]
    bad: tuple[Bad, ...]
    # Bodies of the board's first request that are a failure: (body, reason fragment).
    bad_bodies: tuple[tuple[bytes, str], ...]
    # The first is served by the fetch loop test (read with the board, one page).
    captures: tuple[Capture, ...]
    # (id, url) of the first posting the fetch loop gets from the mirror.
    first_posting: tuple[str, str | None]
    # A board with no postings: an empty page, not a failure. None: no such body.
    empty: bytes | None
    # Bodies with one posting that cannot be read: the page still reads, that posting
    # skipped (body, fragment of what it says of it).
    skipped_bodies: tuple[tuple[bytes, str], ...] = ()


def wd(tenant: str, number: int, site: str, search: str | None = None) -> dict[str, object]:
    """The options of a workday spec."""
    return {"tenant": tenant, "wd": number, "site": site, "search": search}


def site(name: str, region: str = "us") -> dict[str, object]:
    """The options of a lever spec."""
    return {"site": name, "region": region}


PAGE = "https://example.com/careers"
AUTODESK = "https://autodesk.wd1.myworkdayjobs.com/Ext/job/Montreal/x_24WD81528"
AFFIRM = {
    "url": "https://boards.greenhouse.io/affirm",
    "item": "div.opening",
    "title": "a",
    "link": "a@href",
    "location": "span.location",
}
WORKDAY_API = "https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs"
WORKDAY_BODY = {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}

CASES: dict[str, Case] = {
    "greenhouse": Case(
        cls=greenhouse.GreenhouseSource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"greenhouse": "https://boards-api.greenhouse.io"},
        companion_keys=(),
        max_pages=1,
        first_request=Request(
            url="https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true&pay_transparency=true",
            expect="json",
        ),
        mirror={"greenhouse": "http://mirror.test/greenhouse"},
        mirror_url="http://mirror.test/greenhouse/v1/boards/acme/jobs?content=true&pay_transparency=true",
        detect=(
            ("https://boards.greenhouse.io/acme", "acme"),
            ("https://job-boards.greenhouse.io/anthropic/jobs/5215052008", "anthropic"),
            ("https://boards.eu.greenhouse.io/acme?gh_src=x", "acme"),
            ("https://boards.greenhouse.io/embed/job_board?for=acme", "acme"),
            ("https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true", "acme"),
            ("https://boards.greenhouse.io/", None),
            ("https://boards.greenhouse.io/embed/job_board", None),
            ("https://boards-api.greenhouse.io/v1/boards/", None),
            ("https://www.greenhouse.io/careers", None),
            ("https://jobs.lever.co/acme", None),
        ),
        good=(
            Good("acme", "acme"),
            Good("Acme-Corp_2", "Acme-Corp_2"),
            Good("acme.io", "acme.io"),
            Good("  acme  ", "acme"),
        ),
        bad=(
            Bad("", "expected a board token string"),
            Bad("   ", "expected a board token string"),
            Bad(None, "expected a board token string"),
            Bad(42, "expected a board token string"),
            Bad({"token": "acme"}, "expected a board token string"),
            Bad("https://boards.greenhouse.io/acme", "not the URL"),
            Bad("boards.greenhouse.io/acme", "not the URL"),
            Bad("acme corp", "may only contain"),
            Bad("acme?x=1", "may only contain"),
        ),
        bad_bodies=(
            (b"  \n", "empty"),
            (b'{"jobs": "x"}', "jobs"),
            (b'{"meta": {"total": 0}}', "jobs"),
            (b"[]", "expected dict"),
        ),
        skipped_bodies=(
            (b'{"jobs": [42]}', "job #0"),
            (b'{"jobs": [{"title": "Engineer"}]}', "'id'"),
            (b'{"jobs": [{"id": true, "title": "Engineer"}]}', "'id'"),
            (b'{"jobs": [{"id": 7}]}', "'title'"),
        ),
        captures=(
            Capture("greenhouse/anthropic-jobs-content-true-4.json", 4),
            Capture("greenhouse/smarterdx-jobs-content-true-trimmed.json", 2),
            Capture("greenhouse/mongodb-jobs-content-true-282-raw.json", 282),
            Capture("greenhouse/airbnb-jobs-91-reserialized.json", 91),
        ),
        first_posting=(
            "5311686008",
            "https://job-boards.greenhouse.io/anthropic/jobs/5311686008",
        ),
        empty=b'{"jobs": [], "meta": {"total": 0}}',
    ),
    "lever": Case(
        cls=lever.LeverSource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"lever": "https://api.lever.co", "lever_eu": "https://api.eu.lever.co"},
        companion_keys=("lever_region",),
        max_pages=50,
        first_request=Request(
            url="https://api.lever.co/v0/postings/acme?mode=json&skip=0&limit=100", page=0
        ),
        mirror={"lever": "http://mirror.test/lever", "lever_eu": "http://mirror.test/lever-eu"},
        mirror_url="http://mirror.test/lever/v0/postings/acme?mode=json&skip=0&limit=100",
        detect=(
            ("https://jobs.lever.co/spotify", "spotify"),
            ("https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0", "spotify"),
            ("https://jobs.lever.co/palantir/0bbfd4f4/apply?lever-source=x", "palantir"),
            ("https://jobs.eu.lever.co/acme", {"site": "acme", "region": "eu"}),
            ("https://api.lever.co/v0/postings/acme?mode=json", "acme"),
            ("https://api.eu.lever.co/v0/postings/acme", {"site": "acme", "region": "eu"}),
            ("https://jobs.lever.co/", None),
            ("https://api.lever.co/v0/postings/", None),
            ("https://www.lever.co/", None),
            ("https://boards.greenhouse.io/acme", None),
        ),
        good=(
            Good("acme", "acme", site("acme")),
            Good("  acme  ", "acme", site("acme")),
            Good("acme", "eu/acme", site("acme", "eu"), {"lever_region": "EU"}),
            Good("acme", "acme", site("acme"), {"lever_region": " us "}),
            Good({"site": "acme"}, "acme", site("acme")),
            Good({"site": "acme", "region": "eu"}, "eu/acme", site("acme", "eu")),
            Good({"site": "acme", "region": "us"}, "acme", site("acme"), {"lever_region": "eu"}),
            Good({"site": "acme"}, "eu/acme", site("acme", "eu"), {"lever_region": "eu"}),
        ),
        bad=(
            Bad(None, "expected a site name string or { site = ..., region = ... }"),
            Bad("", "expected a site name string"),
            Bad(["acme"], "expected a site name string"),
            Bad({"region": "eu"}, "expected a site name string"),
            Bad("https://jobs.lever.co/acme", "not the URL"),
            Bad("acme corp", "may only contain"),
            Bad("acme", 'lever_region must be "us" or "eu"', {"lever_region": "apac"}),
            Bad("acme", 'lever_region must be "us" or "eu"', {"lever_region": 1}),
            Bad({"site": "acme", "region": "EUR"}, 'region must be "us" or "eu"'),
            Bad({"site": "acme", "team": "x"}, "unknown key 'team'"),
        ),
        bad_bodies=(
            (b"<html><head><title>Lever</title></head></html>", "HTML"),
            (b'[{"id": "a", "text": "Eng', "malformed"),
            (b'{"ok": false, "error": "Document not found"}', "Document not found"),
            (b'{"postings": []}', "expected list"),
            (b'"x"', "expected list"),
        ),
        skipped_bodies=(
            (b"[1]", "posting #0"),
            (b'[{"text": "Engineer"}]', "'id'"),
            (b'[{"id": 5, "text": "Engineer"}]', "'id'"),
            (b'[{"id": "a"}]', "'text'"),
        ),
        captures=(
            Capture("lever/spotify-postings-4.json", 4),
            Capture("lever/palantir-postings-mode-json-trimmed.json", 2),
        ),
        first_posting=(
            "b4ad9572-e20f-4185-a284-99d9740d04f0",
            "https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0",
        ),
        empty=b"[]",
    ),
    "ashby": Case(
        cls=ashby.AshbySource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"ashby": "https://api.ashbyhq.com"},
        companion_keys=(),
        max_pages=1,
        first_request=Request(
            url="https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true",
            expect="json",
        ),
        mirror={"ashby": "http://mirror.test/ashby"},
        mirror_url="http://mirror.test/ashby/posting-api/job-board/acme?includeCompensation=true",
        detect=(
            ("https://jobs.ashbyhq.com/ramp", "ramp"),
            ("https://jobs.ashbyhq.com/Nango/4f0ab5c4-4bfe-4f3c-aa58-bca8fdd8c3ca", "Nango"),
            ("https://jobs.ashbyhq.com/ramp/03e2d4e1/application?utm_source=x", "ramp"),
            (
                "https://api.ashbyhq.com/posting-api/job-board/solvd?includeCompensation=true",
                "solvd",
            ),
            ("https://jobs.ashbyhq.com/", None),
            ("https://api.ashbyhq.com/posting-api/job-board/", None),
            ("https://www.ashbyhq.com/customers", None),
            ("https://boards.greenhouse.io/acme", None),
            ("not a url", None),
        ),
        good=(
            Good("acme", "acme"),
            Good("Nango", "Nango"),
            Good("acme-corp_2", "acme-corp_2"),
            Good("acme.io", "acme.io"),
            Good("  ramp ", "ramp"),
        ),
        bad=(
            Bad("", "expected an Ashby org name"),
            Bad(None, "expected an Ashby org name"),
            Bad(["acme"], "expected an Ashby org name"),
            Bad("https://jobs.ashbyhq.com/acme", "not the URL"),
            Bad("jobs.ashbyhq.com", "not the URL"),
            Bad("jobs.ashbyhq.com/acme", "('acme'), not the URL"),
            Bad("acme corp", "may only contain"),
        ),
        bad_bodies=(
            (b'{"jobs": [{"id": "a", "title": "Eng', "malformed"),
            (b"[]", "ashby response: expected dict"),
            (b'{"apiVersion": "1"}', "ashby 'jobs'"),
            (b'{"jobs": {"id": "a"}}', "ashby 'jobs'"),
        ),
        skipped_bodies=(
            (b'{"jobs": [null]}', "job #0"),
            (b'{"jobs": [{"title": "Engineer"}]}', "'id'"),
            (b'{"jobs": [{"id": 7, "title": "Engineer"}]}', "'id'"),
            (b'{"jobs": [{"id": "a"}]}', "'title'"),
        ),
        captures=(
            Capture("ashby/ramp-posting-api-4-workplaceType.json", 4),
            Capture("ashby/nango-posting-api-includeCompensation.json", 14),
            Capture("ashby/solvd-posting-api-includeCompensation.json", 27),
        ),
        first_posting=(
            "03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
            "https://jobs.ashbyhq.com/ramp/03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
        ),
        empty=b'{"jobs": [], "apiVersion": "1"}',
    ),
    "workable": Case(
        cls=workable.WorkableSource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"workable": "https://apply.workable.com"},
        companion_keys=(),
        max_pages=1,
        first_request=Request(
            url="https://apply.workable.com/api/v1/widget/accounts/acme?details=true",
            expect="json",
        ),
        mirror={"workable": "http://mirror.test/workable"},
        mirror_url="http://mirror.test/workable/api/v1/widget/accounts/acme?details=true",
        detect=(
            ("https://apply.workable.com/vasion/", "vasion"),
            ("https://apply.workable.com/netguru/j/C99A238797/", "netguru"),
            ("https://apply.workable.com/api/v1/widget/accounts/zaelab?details=true", "zaelab"),
            ("https://acme.workable.com/", "acme"),
            ("https://acme.workable.com/jobs/123", "acme"),
            ("https://apply.workable.com/j/C99A238797", None),
            ("https://apply.workable.com/", None),
            ("https://www.workable.com/pricing", None),
            ("https://jobs.workable.com/search", None),
            ("https://jobs.lever.co/acme", None),
        ),
        good=(
            Good("acme", "acme"),
            Good("vasion-1", "vasion-1"),
            Good("Acme_Corp", "Acme_Corp"),
            Good(" zaelab ", "zaelab"),
        ),
        bad=(
            Bad("  ", "expected a Workable account slug"),
            Bad(3, "expected a Workable account slug"),
            Bad("https://apply.workable.com/acme/", "not the URL"),
            Bad("acme.workable.com", "not the URL"),
            Bad("apply.workable.com/acme", "('acme'), not the URL"),
            Bad("acme!", "may only contain"),
        ),
        bad_bodies=(
            (b"<html><body>Sign in</body></html>", "HTML"),
            (b"\n", "empty"),
            (b'{"name": "Acme", "jobs": [', "malformed"),
            (b'"Acme"', "workable response: expected dict"),
            (b'{"name": "Acme"}', "workable 'jobs'"),
        ),
        skipped_bodies=(
            (b'{"jobs": [1]}', "job #0"),
            (b'{"jobs": [{"title": "Engineer"}]}', "'shortcode'"),
            (b'{"jobs": [{"shortcode": "", "title": "Engineer"}]}', "'shortcode'"),
            (b'{"jobs": [{"shortcode": "AB"}]}', "'title'"),
        ),
        captures=(
            Capture("workable/zaelab-widget-per-location-duplicates.json", 1),
            Capture("workable/vasion-widget-details-true.json", 2),
            Capture("workable/netguru-widget-fieldtrimmed.json", 3),
        ),
        first_posting=("DD136DD7E7", "https://apply.workable.com/j/DD136DD7E7"),
        empty=b'{"name": "Acme", "jobs": []}',
    ),
    "recruitee": Case(
        cls=recruitee.RecruiteeSource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"recruitee": "https://{company}.recruitee.com"},
        companion_keys=(),
        max_pages=1,
        first_request=Request(url="https://acme.recruitee.com/api/offers/", expect="json"),
        mirror={"recruitee": "http://mirror.test/recruitee/{company}"},
        mirror_url="http://mirror.test/recruitee/acme/api/offers/",
        detect=(
            ("https://aikidosecurity.recruitee.com/", "aikidosecurity"),
            ("https://espeo.recruitee.com/o/project-manager-1", "espeo"),
            ("https://Espeo.recruitee.com/o/x/c/new?source=LinkedIn", "espeo"),
            ("https://espeo.recruitee.com/api/offers/", "espeo"),
            ("https://recruitee.com/", None),
            ("https://www.recruitee.com/pricing", None),
            ("https://app.recruitee.com/", None),
            ("https://careers.espeo.eu/", None),
            ("https://espeo.recruitee.com.evil.test/", None),
        ),
        good=(
            Good("acme", "acme"),
            Good("aikidosecurity", "aikidosecurity"),
            Good("espeo-2", "espeo-2"),
            Good(" Acme ", "Acme"),
        ),
        bad=(
            Bad("", "expected a Recruitee company subdomain"),
            Bad(None, "expected a Recruitee company subdomain"),
            Bad("https://acme.recruitee.com/", "not the URL"),
            Bad("acme.recruitee.com", "not the URL"),
            Bad("acme.recruitee.com", "('acme'), not the URL"),
            Bad("acme corp", "may only contain"),
        ),
        bad_bodies=(
            (b"<!doctype html><title>Careers</title>", "HTML"),
            (b'{"offers": [{"id": 1,', "malformed"),
            (b'[{"id": 1}]', "recruitee response: expected dict"),
            (b'{"error": "Not found"}', "recruitee 'offers'"),
            (b'{"offers": null}', "recruitee 'offers'"),
        ),
        skipped_bodies=(
            (b'{"offers": ["x"]}', "offer #0"),
            (b'{"offers": [{"title": "Engineer"}]}', "'id'"),
            (b'{"offers": [{"id": false, "title": "Engineer"}]}', "'id'"),
            (b'{"offers": [{"id": 1, "title": null}]}', "'title'"),
        ),
        captures=(
            Capture("recruitee/espeo-api-offers-fieldtrimmed.json", 3),
            Capture("recruitee/aikidosecurity-api-offers.json", 3),
        ),
        first_posting=("2681423", "https://espeo.recruitee.com/o/project-manager-1"),
        empty=b'{"offers": []}',
    ),
    "smartrecruiters": Case(
        cls=smartrecruiters.SmartRecruitersSource,
        body="json",
        board="Acme",
        key="Acme",
        endpoints={"smartrecruiters": "https://api.smartrecruiters.com"},
        companion_keys=(),
        max_pages=100,
        first_request=Request(
            url="https://api.smartrecruiters.com/v1/companies/Acme/postings?limit=100&offset=0"
        ),
        mirror={"smartrecruiters": "http://mirror.test/sr"},
        mirror_url="http://mirror.test/sr/v1/companies/Acme/postings?limit=100&offset=0",
        detect=(
            ("https://careers.smartrecruiters.com/Tieto2", "Tieto2"),
            ("https://careers.smartrecruiters.com/Tieto2/", "Tieto2"),
            ("https://jobs.smartrecruiters.com/Tieto2", "Tieto2"),
            ("https://jobs.smartrecruiters.com/Tieto2/744000141699866-test-engineer", "Tieto2"),
            ("https://jobs.smartrecruiters.com/oneclick-ui/company/Tieto2/publication/x", "Tieto2"),
            ("https://api.smartrecruiters.com/v1/companies/Tieto2/postings", "Tieto2"),
            ("https://api.smartrecruiters.com/v1/companies", None),
            ("https://careers.smartrecruiters.com/", None),
            ("https://www.smartrecruiters.com/", None),
            ("https://jobs.lever.co/Tieto2", None),
        ),
        good=(Good("Tieto2", "Tieto2"), Good("  Tieto2 ", "Tieto2")),
        bad=(
            Bad(None, "expected a company identifier string"),
            Bad("", "expected a company identifier string"),
            Bad({"company": "Acme"}, "expected a company identifier string"),
            Bad("https://jobs.smartrecruiters.com/Acme", "not the URL"),
            Bad("Acme Corp", "may only contain"),
        ),
        bad_bodies=(
            (b"<html><body>Maintenance</body></html>", "HTML"),
            (b'{"totalFound": 1, "content": [', "malformed"),
            (b"[]", "expected dict"),
            (b'{"message": "Company not found"}', "Company not found"),
            (b'{"totalFound": 1}', "'content'"),
            (b'{"totalFound": 1, "content": {}}', "'content'"),
            # A posting's detail answer is not a page of the list.
            (fixture("smartrecruiters/automationanywhere-posting-detail-jobAd.json"), "'content'"),
        ),
        skipped_bodies=(
            (b'{"content": [1]}', "posting #0"),
            (b'{"content": [{"name": "Eng"}]}', "'id'"),
            (b'{"content": [{"id": true, "name": "Eng"}]}', "'id'"),
            (b'{"content": [{"id": "1"}]}', "'name'"),
        ),
        captures=(
            Capture("smartrecruiters/tieto2-postings-localized-labels.json", 3),
            Capture(
                "smartrecruiters/automationanywhere-postings-page0.json",
                3,
                value="AutomationAnywhere1",
                paged=True,
            ),
        ),
        first_posting=(
            "744000141699866",
            "https://jobs.smartrecruiters.com/Tieto2/744000141699866",
        ),
        empty=b'{"totalFound": 0, "content": []}',
    ),
    "workday": Case(
        cls=workday.WorkdaySource,
        body="json",
        board="https://acme.wd5.myworkdayjobs.com/en-US/External",
        key="acme/wd5/External",
        endpoints={"workday": "https://{tenant}.wd{wd}.myworkdayjobs.com"},
        companion_keys=(),
        max_pages=100,
        first_request=Request(url=WORKDAY_API, method="POST", json_body=WORKDAY_BODY),
        mirror={"workday": "http://mirror.test/workday/{tenant}"},
        mirror_url="http://mirror.test/workday/acme/wday/cxs/acme/External/jobs",
        detect=(
            (
                "https://acme.wd5.myworkdayjobs.com/en-US/External_Career_Site",
                {"tenant": "acme", "wd": 5, "site": "External_Career_Site"},
            ),
            (
                "https://gdit.wd5.myworkdayjobs.com/External_Career_Site/job/USA-DC/Data_RQ1",
                {"tenant": "gdit", "wd": 5, "site": "External_Career_Site"},
            ),
            ("https://acme.wd5.myworkdayjobs.com/", None),
            ("https://www.myworkday.com/acme/d/home.htmld", None),
            ("https://boards.greenhouse.io/acme", None),
        ),
        good=(
            Good(
                "https://acme.wd5.myworkdayjobs.com/en-US/External_Career_Site",
                "acme/wd5/External_Career_Site",
                wd("acme", 5, "External_Career_Site"),
            ),
            Good(
                "https://acme.wd5.myworkdayjobs.com/External_Career_Site",
                "acme/wd5/External_Career_Site",
                wd("acme", 5, "External_Career_Site"),
            ),
            Good(
                "https://acme.wd5.myworkdayjobs.com/fr-FR/External_Career_Site/",
                "acme/wd5/External_Career_Site",
                wd("acme", 5, "External_Career_Site"),
            ),
            Good(
                "https://ACME.wd5.myworkdayjobs.com/en-US/External_Career_Site"
                "/job/Berlin/Eng_R1?src=x",
                "acme/wd5/External_Career_Site",
                wd("acme", 5, "External_Career_Site"),
            ),
            Good(
                "https://acme.wd5.myworkdayjobs.com/External_Career_Site/details/Eng_R1",
                "acme/wd5/External_Career_Site",
                wd("acme", 5, "External_Career_Site"),
            ),
            Good(
                "acme.wd12.myworkdayjobs.com/Careers",
                "acme/wd12/Careers",
                wd("acme", 12, "Careers"),
            ),
            Good(
                "https://acme.wd1.myworkdayjobs.com/wday/cxs/acme/Careers/jobs",
                "acme/wd1/Careers",
                wd("acme", 1, "Careers"),
            ),
            Good(
                "https://acme.wd5.myworkdayjobs.com/en-US/External",
                "acme/wd5/External",
                wd("acme", 5, "External"),
            ),
            Good(
                {"tenant": "acme", "wd": 5, "site": "External"},
                "acme/wd5/External",
                wd("acme", 5, "External"),
            ),
            Good(
                {"tenant": " Acme ", "wd": "wd5", "site": "External"},
                "acme/wd5/External",
                wd("acme", 5, "External"),
            ),
            Good(
                {"tenant": "acme", "wd": "5", "site": "External", "search": " "},
                "acme/wd5/External",
                wd("acme", 5, "External"),
            ),
            Good(
                {"tenant": "acme", "wd": 5, "site": "External", "search": "engineer"},
                "acme/wd5/External?search=engineer",
                wd("acme", 5, "External", "engineer"),
            ),
            Good(
                {"tenant": "acme", "wd": 5, "site": "Ext", "search": "eng"},
                "acme/wd5/Ext?search=eng",
                wd("acme", 5, "Ext", "eng"),
            ),
            Good(
                {"url": "https://acme.wd5.myworkdayjobs.com/en-US/External", "search": "data"},
                "acme/wd5/External?search=data",
                wd("acme", 5, "External", "data"),
            ),
            # What detect finds is a watchlist value, keyed like the URL it came from.
            Good(
                {"tenant": "acme", "wd": 5, "site": "External_Career_Site"},
                "acme/wd5/External_Career_Site",
                wd("acme", 5, "External_Career_Site"),
            ),
            Good(
                {"tenant": "gdit", "wd": 5, "site": "External_Career_Site"},
                "gdit/wd5/External_Career_Site",
                wd("gdit", 5, "External_Career_Site"),
            ),
        ),
        bad=(
            Bad(None, "expected a careers URL"),
            Bad(5, "expected a careers URL"),
            Bad("https://jobs.lever.co/acme", "not a Workday URL"),
            Bad("https://acme.myworkdayjobs.com/External", "not a Workday URL"),
            Bad("https://acme.wd5.myworkdayjobs.com/", "has no site"),
            Bad("https://acme.wd5.myworkdayjobs.com/en-US", "has no site"),
            Bad("https://acme.wd5.myworkdayjobs.com/en-US/job/Berlin/Eng_R1", "has no site"),
            Bad({"tenant": "acme", "wd": 5}, "missing 'site'"),
            Bad({"wd": 5, "site": "External"}, "missing 'tenant'"),
            Bad({"tenant": "acme", "site": "External"}, "missing 'wd'"),
            Bad({"tenant": "acme", "wd": "five", "site": "External"}, "wd must be the number"),
            Bad({"tenant": "acme", "wd": True, "site": "External"}, "wd must be the number"),
            Bad({"tenant": "acme", "wd": 5, "site": "Ext Site"}, "site may only contain"),
            Bad({"tenant": "ac me", "wd": 5, "site": "External"}, "tenant may only contain"),
            Bad(
                {"tenant": "acme", "wd": 5, "site": "External", "search": 3},
                "search must be a string",
            ),
            Bad(
                {"tenant": "acme", "wd": 5, "site": "External", "region": "eu"},
                "unknown key 'region'",
            ),
            Bad({"url": "https://acme.wd5.myworkdayjobs.com/External", "site": "X"}, "either url"),
            Bad({"url": 5}, "url must be a string"),
        ),
        bad_bodies=(
            (b"<html><title>Workday</title></html>", "HTML"),
            (b'{"total": 1, "jobPostings": [', "malformed"),
            (b"[]", "expected dict"),
            (b'{"errorCode": "HTTP_400", "message": "Bad limit"}', "Bad limit"),
            (b'{"total": 3}', "'jobPostings'"),
            # A job's detail answer is not a page of the search.
            (fixture("workday/gdit-cxs-job-detail.json"), "'jobPostings'"),
        ),
        skipped_bodies=(
            (b'{"jobPostings": [1]}', "posting #0"),
            (b'{"jobPostings": [{"title": "Eng"}]}', "'externalPath'"),
            (b'{"jobPostings": [{"title": "Eng", "externalPath": " "}]}', "'externalPath'"),
            (b'{"jobPostings": [{"externalPath": "/job/a"}]}', "'title'"),
        ),
        captures=(
            Capture("workday/salesforce-cxs-jobs-trimmed.json", 2),
            Capture(
                "workday/gdit-cxs-jobs-search-page.json",
                4,
                value="https://gdit.wd5.myworkdayjobs.com/External_Career_Site",
                paged=True,
            ),
        ),
        first_posting=(
            "/job/Virginia---Washington-DC-Metro---Remote/"
            "Solution-Architect---Senior-Solution-Architect---PubSec---SLED-NGO_JR354232",
            # Links are built on the base the request used: the mirror's.
            "http://mirror.test/workday/acme/External/job/Virginia---Washington-DC-Metro---Remote/"
            "Solution-Architect---Senior-Solution-Architect---PubSec---SLED-NGO_JR354232",
        ),
        empty=b'{"total": 0, "jobPostings": []}',
    ),
    "personio": Case(
        cls=personio.PersonioSource,
        body="xml",
        board="acme",
        key="acme",
        endpoints={"personio": "https://{company}.jobs.personio.de"},
        companion_keys=(),
        max_pages=1,
        first_request=Request(url="https://acme.jobs.personio.de/xml?language=en", expect="xml"),
        mirror={"personio": "http://mirror.test/personio/{company}"},
        mirror_url="http://mirror.test/personio/acme/xml?language=en",
        detect=(
            ("https://acme.jobs.personio.de/", "acme"),
            ("https://Acme-GmbH.jobs.personio.com/job/123?language=en", "acme-gmbh"),
            ("https://acme.jobs.personio.de/xml", "acme"),
            ("https://www.personio.de/", None),
            ("https://jobs.personio.de/", None),
            ("https://acme.bamboohr.com/careers", None),
        ),
        good=(Good(" acme-gmbh ", "acme-gmbh"),),
        bad=(
            Bad("", "expected the company slug (acme for acme.jobs.personio.de)"),
            Bad("   ", "expected the company slug"),
            Bad(None, "expected the company slug"),
            Bad(42, "expected the company slug"),
            Bad("acme gmbh", "company slug may only contain"),
            Bad("ac!me", "company slug may only contain"),
            Bad("https://acme.jobs.personio.de/", "use the company slug ('acme'), not the URL"),
            Bad("acme.jobs.personio.de", "('acme'), not the URL"),
            Bad("acme/jobs", "not the URL"),
        ),
        bad_bodies=(
            (b"  \n ", "empty"),
            (b"<!DOCTYPE html><html><body>Login</body></html>", "HTML"),
            (b"<html><head><title>Error</title></head></html>", "HTML"),
            (b"<html><title>Just a moment...</title></html>", "challenge"),
            (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', "HTML"),
            (b'{"jobs": []}', "malformed XML"),
            (b"<rss><channel/></rss>", "expected <workzag-jobs>"),
            (
                b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b"<workzag-jobs><position><id>1</id><name>&x;</name></position></workzag-jobs>",
                "unsafe XML",
            ),
        ),
        skipped_bodies=(
            (
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b"<workzag-jobs><position><name>No id</name></position></workzag-jobs>",
                "missing <id>",
            ),
            (
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b"<workzag-jobs><position><id>3</id><name>  </name></position></workzag-jobs>",
                "missing <name>",
            ),
        ),
        captures=(
            Capture("personio/example-jobs-lorem-3.xml", 3),
            Capture("personio/demo-account-positions-11.xml", 11),
        ),
        # No URL in the feed: it is built on the host the feed came from.
        first_posting=("681100", "http://mirror.test/personio/acme/job/681100"),
        empty=b"<workzag-jobs>\n</workzag-jobs>",
    ),
    "bamboohr": Case(
        cls=bamboohr.BambooHRSource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"bamboohr": "https://{company}.bamboohr.com"},
        companion_keys=(),
        max_pages=1,
        first_request=Request(url="https://acme.bamboohr.com/careers/list", expect="json"),
        mirror={"bamboohr": "http://mirror.test/bamboohr/{company}"},
        mirror_url="http://mirror.test/bamboohr/acme/careers/list",
        detect=(
            ("https://blueorchard.bamboohr.com/careers/220", "blueorchard"),
            ("https://acme.bamboohr.com/careers", "acme"),
            ("https://acme.bamboohr.com/", "acme"),
            ("https://acme.bamboohr.com/jobs/view.php?id=3", "acme"),
            ("https://acme.bamboohr.com/login.php", None),
            ("https://www.bamboohr.com/careers", None),
            ("https://api.bamboohr.com/api/gateway.php/acme/v1/", None),
            ("https://acme.jobs.personio.de/", None),
        ),
        good=(Good("blueorchard", "blueorchard"),),
        bad=(
            Bad("", "expected the company slug (acme for acme.bamboohr.com)"),
            Bad(None, "expected the company slug"),
            Bad(3, "expected the company slug"),
            Bad("blue orchard", "company slug may only contain"),
            Bad("a,b", "company slug may only contain"),
            Bad(
                "https://blueorchard.bamboohr.com/careers/220",
                "use the company slug ('blueorchard'), not the URL",
            ),
            Bad("acme.bamboohr.com", "('acme'), not the URL"),
        ),
        bad_bodies=(
            (b"<!DOCTYPE html><html><body>Log in to BambooHR</body></html>", "HTML"),
            (b'{"result": [', "malformed JSON"),
            (b"[]", "expected dict"),
            (b'{"meta": {"totalCount": 3}}', "'result'"),
            (b'{"result": {"id": "1"}}', "'result'"),
        ),
        skipped_bodies=(
            (b'{"result": [null]}', "job #0"),
            (b'{"result": [{"jobOpeningName": "No id"}]}', "'id'"),
            (b'{"result": [{"id": true, "jobOpeningName": "Bool id"}]}', "'id'"),
            (b'{"result": [{"id": "9", "jobOpeningName": 5}]}', "'jobOpeningName'"),
        ),
        captures=(Capture("bamboohr/careers-list-trimmed.json", 2),),
        first_posting=("86", "http://mirror.test/bamboohr/acme/careers/86"),
        empty=b'{"meta": {"totalCount": 0}, "result": []}',
    ),
    "teamtailor": Case(
        cls=teamtailor.TeamtailorSource,
        body="json",
        board="acme",
        key="acme",
        endpoints={"teamtailor": "https://{company}.teamtailor.com"},
        companion_keys=(),
        max_pages=20,
        first_request=Request(url="https://acme.teamtailor.com/jobs.json", expect="json"),
        mirror={"teamtailor": "http://mirror.test/teamtailor/{company}"},
        mirror_url="http://mirror.test/teamtailor/acme/jobs.json",
        detect=(
            ("https://acme.teamtailor.com/jobs", "acme"),
            ("https://career.teamtailor.com/jobs/7167985-account", "career"),
            ("https://ACME.teamtailor.com", "acme"),
            ("https://www.teamtailor.com/en/", None),
            ("https://app.teamtailor.com/companies/x", None),
            ("https://careers.acme.com/jobs", None),
        ),
        good=(Good("acme_ab", "acme_ab"),),
        bad=(
            Bad("", "expected the company slug (acme for acme.teamtailor.com)"),
            Bad(None, "expected the company slug"),
            Bad(["acme"], "expected the company slug"),
            Bad("acme corp", "company slug may only contain"),
            Bad("acme?x", "company slug may only contain"),
            Bad("https://acme.teamtailor.com/jobs", "use the company slug ('acme'), not the URL"),
            Bad("acme.teamtailor.com", "('acme'), not the URL"),
        ),
        bad_bodies=(
            (b"<!DOCTYPE html><html><body>Not here</body></html>", "HTML"),
            (b'{"items": [', "malformed JSON"),
            (b"[]", "expected dict"),
            (b'{"version": "https://jsonfeed.org/version/1.1"}', "'items'"),
            (b'{"items": {"id": "x"}}', "'items'"),
        ),
        skipped_bodies=(
            (b'{"items": ["x"]}', "item #0"),
            (b'{"items": [{"title": "No id"}]}', "missing or invalid 'id'"),
            (b'{"items": [{"id": 7167985, "title": "Integer id"}]}', "missing or invalid 'id'"),
            (b'{"items": [{"id": "u-1"}]}', "'title'"),
        ),
        captures=(Capture("teamtailor/teamtailor-jobs-json-feed-trimmed.json", 2),),
        first_posting=(
            "20fafb7d-f013-4061-b6de-2894b3e0838b",
            "https://career.teamtailor.com/jobs/7167985-account-executive-italy-madrid-based",
        ),
        empty=b'{"items": [], "next_url": null}',
    ),
    "jsonld": Case(
        cls=jsonld_source.JsonLdSource,
        body="html",
        board=AUTODESK,
        key=AUTODESK,
        endpoints={},
        companion_keys=(),
        max_pages=1,
        first_request=Request(url=AUTODESK, expect="html"),
        # The page is the board: endpoints change nothing.
        mirror={},
        mirror_url=AUTODESK,
        detect=(
            # Any page may carry JSON-LD, so no URL is claimed by this kind.
            (AUTODESK, None),
            ("https://acme.jobs.personio.de/", None),
            (PAGE, None),
        ),
        good=(Good(AUTODESK, AUTODESK), Good(PAGE, PAGE)),
        bad=(
            Bad("", "expected the page URL, an absolute http(s) URL"),
            Bad("acme", "'acme' is not an absolute http(s) URL"),
            Bad("ftp://example.com/jobs", "is not an absolute http(s) URL"),
            Bad("https://", "is not an absolute http(s) URL"),
            Bad(" https://example.com/jobs", "is not an absolute http(s) URL"),
            Bad(None, "expected the page URL"),
            Bad(3, "expected the page URL"),
        ),
        bad_bodies=(
            (b"", "no schema.org JobPosting"),
            (b"<html><body><h1>Careers</h1></body></html>", "no schema.org JobPosting"),
            (
                b'<html><script type="application/ld+json">{"@type": "Organization"}</script>'
                b"</html>",
                "no schema.org JobPosting",
            ),
            (
                b'{"@type": "JobPosting", "title": "raw JSON, not a page"}',
                "no schema.org JobPosting",
            ),
            (b"<html><head><title>Just a moment...</title></head></html>", "challenge"),
        ),
        captures=(
            Capture("jsonld/workday-autodesk-job-detail-page.html", 1),
            Capture("jsonld/synthetic-graph-two-postings.html", 2, value=PAGE + "/"),
            Capture("jsonld/synthetic-wrapped-and-invalid-blocks.html", 3, value=PAGE + "/"),
        ),
        first_posting=("24WD81528", AUTODESK),
        empty=None,
    ),
    "careers": Case(
        cls=careers.CareersSource,
        body="html",
        board=AFFIRM,
        key="https://boards.greenhouse.io/affirm",
        endpoints={},
        companion_keys=(),
        max_pages=1,
        first_request=Request(url="https://boards.greenhouse.io/affirm", expect="html"),
        # The page is the board: endpoints change nothing.
        mirror={},
        mirror_url="https://boards.greenhouse.io/affirm",
        detect=(
            # Any page can be a career page: discover falls back to this kind last.
            (PAGE, None),
            ("https://boards.greenhouse.io/affirm", None),
            ("https://jobs.lever.co/vectara", None),
        ),
        good=(
            Good(PAGE, PAGE, {"url": PAGE, "empty_ok": False}),
            Good(
                {"url": PAGE, "item": "li.job"},
                PAGE,
                {
                    "url": PAGE,
                    "empty_ok": False,
                    "item": "li.job",
                    "title": None,
                    "location": None,
                    "link_selector": None,
                    "link_attr": "href",
                },
            ),
            # The URL alone is the key: a selector edit must not re-key the board.
            Good(
                {"url": PAGE, "item": "ul > li", "title": "h3", "location": "span"},
                PAGE,
                {
                    "url": PAGE,
                    "empty_ok": False,
                    "item": "ul > li",
                    "title": "h3",
                    "location": "span",
                    "link_selector": None,
                    "link_attr": "href",
                },
            ),
        ),
        bad=(
            Bad({"url": PAGE, "item": "li", "titel": "h3"}, "unknown key 'titel'"),
            Bad({"url": PAGE, "item": "div["}, "item: invalid CSS selector 'div['"),
            Bad({"url": PAGE, "item": "li", "title": "a >"}, "title: invalid CSS selector"),
            Bad({"url": PAGE, "item": "li", "link": "a[@href"}, "link: invalid CSS selector"),
            Bad({"url": PAGE, "item": "li", "link": "a@bad attr"}, "link: invalid attribute"),
            Bad({"url": PAGE, "title": "h3"}, "title needs item"),
            Bad({"url": PAGE, "item": ""}, "item: expected a CSS selector"),
            Bad({"item": "li"}, "url: required"),
            Bad({"url": "ftp://example.com/jobs", "item": "li"}, "not an absolute http"),
            Bad("/careers", "not an absolute http"),
            Bad({"url": PAGE, "empty_ok": "yes"}, "empty_ok"),
            Bad(42, "expected a page URL"),
        ),
        bad_bodies=(
            (b"", "matched nothing"),
            (b"<html><body><p>No openings</p></body></html>", "matched nothing"),
            (
                b"<html><head><title>Just a moment...</title></head><body></body></html>",
                "challenge",
            ),
        ),
        captures=(
            Capture("html/greenhouse-hosted-affirm-board-69-jobs.html", 69),
            Capture(
                "html/lever-hosted-vectara-5-postings.html",
                5,
                value={
                    "url": "https://jobs.lever.co/vectara",
                    "item": "div.posting",
                    "title": "a.posting-title h5",
                    "link": "a.posting-title@href",
                    "location": "span.sort-by-location",
                },
            ),
            Capture(
                "html/stripe-jobs-search-us-remote-65-rows.html",
                65,
                value={
                    "url": "https://stripe.com/jobs/search?remote_locations=North+America--US+Remote",
                    "item": "tbody.JobsListings__tableBody tr.TableRow",
                    "title": "a.JobsListings__link",
                    "link": "a.JobsListings__link@href",
                    "location": ".JobsListings__locationDisplayName",
                },
            ),
            Capture(
                "html/climeworks-careers-search-85-jobs.html",
                85,
                value={
                    "url": "https://climeworks.com/careers-search",
                    "item": "li.border-b",
                    "title": "h4 a.link-button",
                    "link": "h4 a.link-button@href",
                    "location": "li > div",
                },
            ),
            Capture(
                "html/blueorchard-wordpress-vacancies-3-jobs.html",
                3,
                value={
                    "url": "https://www.blueorchard.com/careers/",
                    "item": ".m-vacancies__list .b-toggle-card__content a",
                    "link": "@href",
                },
            ),
            Capture(
                "html/4zero-webflow-jobs-4-href-hash.html",
                4,
                value={
                    "url": "https://www.4zero.solutions/job",
                    "item": "a.job-listing-card",
                    "title": "h3.job-listing-title",
                    "location": ".job-listing-info-text",
                },
            ),
        ),
        first_posting=(
            "https://boards.greenhouse.io/affirm/jobs/5754347003",
            "https://boards.greenhouse.io/affirm/jobs/5754347003",
        ),
        empty=None,
    ),
}

# --- boards of made-up postings, in each kind's shape ----------------------------------

# A key left out of a posting (None: the key is there, with JSON null).
ABSENT = object()
Item = tuple[object, object]  # (id, title)


def _keep(**fields: object) -> dict[str, object]:
    return {key: value for key, value in fields.items() if value is not ABSENT}


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _ld_page(items: Sequence[Item]) -> bytes:
    blocks = [
        _keep(
            **{"@type": "JobPosting"},
            title=title,
            identifier=pid,
            url=f"/jobs/{index}",
            jobLocation={"address": {"addressLocality": "Berlin"}},
        )
        for index, (pid, title) in enumerate(items)
    ]
    script = json.dumps({"@graph": blocks}).replace("</", "<\\/")
    return (
        f'<html><head><script type="application/ld+json">{script}</script></head></html>'.encode()
    )


def _careers_page(items: Sequence[Item]) -> bytes:
    rows = "".join(
        f'<div class="opening"><a href="/affirm/jobs/{index}">'
        f"{'' if title is ABSENT or title is None else title}</a>"
        '<span class="location">Berlin</span></div>'
        for index, (_, title) in enumerate(items)
    )
    return f"<html><body>{rows}</body></html>".encode()


def _personio(items: Sequence[Item]) -> bytes:
    def element(tag: str, value: object) -> str:
        return "" if value is ABSENT else f"<{tag}>{'' if value is None else value}</{tag}>"

    positions = "".join(
        f"<position>{element('id', pid)}{element('name', title)}</position>" for pid, title in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workzag-jobs>{positions}</workzag-jobs>'.encode()
    )


# Each kind's board holding these postings (the careers page has no ids of its own:
# its postings are known by their links).
BOARD_OF: dict[str, Any] = {
    "greenhouse": lambda items: _json({"jobs": [_keep(id=i, title=t) for i, t in items]}),
    "lever": lambda items: _json([_keep(id=i, text=t) for i, t in items]),
    "ashby": lambda items: _json({"jobs": [_keep(id=i, title=t) for i, t in items]}),
    "workable": lambda items: _json({"jobs": [_keep(shortcode=i, title=t) for i, t in items]}),
    "recruitee": lambda items: _json({"offers": [_keep(id=i, title=t) for i, t in items]}),
    "smartrecruiters": lambda items: _json(
        {"totalFound": len(items), "content": [_keep(id=i, name=t) for i, t in items]}
    ),
    "workday": lambda items: _json(
        {
            "total": len(items),
            "jobPostings": [
                _keep(externalPath=f"/job/{i}" if isinstance(i, str) and i.strip() else i, title=t)
                for i, t in items
            ],
        }
    ),
    "personio": _personio,
    "bamboohr": lambda items: _json({"result": [_keep(id=i, jobOpeningName=t) for i, t in items]}),
    "teamtailor": lambda items: _json({"items": [_keep(id=i, title=t) for i, t in items]}),
    "jsonld": _ld_page,
    "careers": _careers_page,
}
# The kinds whose boards give each posting an id (the others make one of its link).
OWN_IDS = [kind for kind in CASES if kind not in ("jsonld", "careers")]
GOOD: list[Item] = [("11", "Engineer"), ("12", "Designer"), ("13", "Analyst"), ("14", "Writer")]

# Pages no kind may claim in detect.
UNRELATED_URLS = (
    "https://example.com/careers",
    "https://www.linkedin.com/jobs/view/123",
    "mailto:jobs@example.com",
    "not a url",
    "",
)

HTML_PAGE = b"<!DOCTYPE html><html><body>Not found</body></html>"
CLOUDFLARE_CHALLENGE = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="refresh" content="390"></head><body>'
    b"<noscript>Enable JavaScript and cookies to continue</noscript>"
    b'<script>window._cf_chl_opt={cvId: "3", cType: "managed"};</script>'
    b'<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f"></script>'
    b"</body></html>"
)
CLOUDFLARE_BLOCK = (
    b"<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>"
    b"<body><h1>Sorry, you have been blocked</h1></body></html>"
)

# Bodies every kind of a body type refuses as a failed poll, never as an empty board:
# (name, body, reason fragment).
GENERIC_BAD_BODIES: dict[str, tuple[tuple[str, bytes, str], ...]] = {
    "json": (
        ("empty", b"", "empty"),
        ("blank", b" \n\t", "empty"),
        ("html", HTML_PAGE, "HTML"),
        ("cloudflare-challenge", CLOUDFLARE_CHALLENGE, "challenge"),
        ("cloudflare-block", CLOUDFLARE_BLOCK, "challenge"),
        ("truncated", b'{"jobs": [{"id": 1, "title": "Eng', "malformed JSON"),
    ),
    "xml": (
        ("empty", b"", "empty"),
        ("blank", b" \n\t", "empty"),
        ("html", HTML_PAGE, "HTML"),
        ("cloudflare-challenge", CLOUDFLARE_CHALLENGE, "challenge"),
        ("cloudflare-block", CLOUDFLARE_BLOCK, "challenge"),
        ("truncated", b"<workzag-jobs><position><id>1</id>", "malformed XML"),
    ),
    "html": (
        ("cloudflare-challenge", CLOUDFLARE_CHALLENGE, "challenge"),
        ("cloudflare-block", CLOUDFLARE_BLOCK, "challenge"),
    ),
}

CONTENT_TYPES = {"json": "application/json", "xml": "text/xml", "html": "text/html"}


def each(name: str) -> list[Any]:
    """One pytest param per entry of the table field ``name``, over every kind."""
    return [
        pytest.param(kind, entry, id=f"{kind}-{index}")
        for kind, case in CASES.items()
        for index, entry in enumerate(getattr(case, name))
    ]


def source_and_spec(kind: str, value: object = None) -> tuple[Source, BoardSpec]:
    source = SOURCES[kind]
    board = CASES[kind].board if value is None else value
    return source, source.parse_spec(board, {})


def parse(kind: str, body: bytes, value: object = None) -> Page:
    source, spec = source_and_spec(kind, value)
    return source.parse(spec, source.first_request(spec, source.endpoints), body)


def unclean(text: str) -> bool:
    """Blank, padded, spread over lines or runs of spaces, or holding a control or
    invisible (format, zero-width) character."""
    return (
        not text
        or text != " ".join(text.split())
        or any(unicodedata.category(char) in ("Cc", "Cf") for char in text)
    )


def naive(value: datetime | None) -> bool:
    return value is not None and (value.tzinfo is None or value.utcoffset() is None)


def problems(postings: Sequence[Posting]) -> list[str]:
    """What breaks the invariants every kind's postings keep, one line per finding."""
    found: list[str] = []
    ids = [posting.id for posting in postings]
    found += [f"id {i!r} repeated" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for posting in postings:
        where = f"posting {posting.id!r}"
        if not posting.id or posting.id != posting.id.strip():
            found.append(f"{where}: blank or padded id")
        if unclean(posting.title):
            found.append(f"{where}: unclean title {posting.title!r}")
        texts = [*posting.locations, posting.department, posting.employment_type]
        found += [f"{where}: unclean text {t!r}" for t in texts if t is not None and unclean(t)]
        if len(set(posting.locations)) != len(posting.locations):
            found.append(f"{where}: repeated location in {posting.locations!r}")
        if posting.url is not None:
            parts = urlsplit(posting.url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                found.append(f"{where}: url {posting.url!r} is not http(s)")
        if not isinstance(posting.remote, Remote):
            found.append(f"{where}: remote {posting.remote!r}")
        if naive(posting.posted_at) or naive(posting.updated_at):
            found.append(f"{where}: naive datetime")
    return found


# --- the registry ---------------------------------------------------------------------


def test_the_table_covers_exactly_the_registered_kinds() -> None:
    assert set(CASES) == set(SOURCES)


def test_careers_is_the_last_kind_discover_tries() -> None:
    # Any page may be a career page: tried first, it would claim every board.
    assert list(SOURCES)[-1] == "careers"


@pytest.mark.parametrize("kind", CASES)
def test_the_registered_source_is_its_modules(kind: str) -> None:
    cls = CASES[kind].cls
    source = SOURCES[kind]
    assert type(source) is cls
    assert source is vars(sys.modules[cls.__module__])["SOURCE"]
    assert source.kind == kind


@pytest.mark.parametrize("kind", CASES)
def test_attributes(kind: str) -> None:
    case, source = CASES[kind], SOURCES[kind]
    assert dict(source.endpoints) == case.endpoints
    assert source.companion_keys == case.companion_keys
    assert source.max_pages == case.max_pages


def test_default_endpoints_are_every_kinds() -> None:
    expected = {name: url for case in CASES.values() for name, url in case.endpoints.items()}
    assert default_endpoints() == expected


@pytest.mark.parametrize("kind", CASES)
def test_the_table_has_every_kind_of_case(kind: str) -> None:
    # An empty list would silently test nothing for this kind.
    case = CASES[kind]
    assert case.detect and case.good and case.bad and case.bad_bodies and case.captures
    assert any(expected is None for _, expected in case.detect)
    assert case.captures[0].value is None and not case.captures[0].paged


# --- detect ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "entry"), each("detect"))
def test_detect(kind: str, entry: tuple[str, object]) -> None:
    url, expected = entry
    assert SOURCES[kind].detect(url) == expected


@pytest.mark.parametrize(
    ("kind", "entry"),
    [param for param in each("detect") if param.values[1][1] is not None],
)
def test_what_detect_finds_is_a_valid_watchlist_value(kind: str, entry: tuple[str, object]) -> None:
    url, _ = entry
    found = SOURCES[kind].detect(url)
    spec = SOURCES[kind].parse_spec(found, {})
    assert spec.kind == kind
    if isinstance(found, str):
        assert spec.key == found


@pytest.mark.parametrize("kind", CASES)
def test_detect_claims_no_other_kinds_url(kind: str) -> None:
    others = [
        url
        for other, case in CASES.items()
        if other != kind
        for url, expected in case.detect
        if expected is not None
    ]
    urls = [*others, *UNRELATED_URLS]
    assert len(others) > 20
    claimed = {url: found for url in urls if (found := SOURCES[kind].detect(url)) is not None}
    assert claimed == {}


# --- watchlist values -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "good"), each("good"))
def test_good_specs(kind: str, good: Good) -> None:
    spec = SOURCES[kind].parse_spec(good.value, good.companions)
    assert spec == BoardSpec(kind=kind, key=good.key, options=good.options)
    assert spec.label == f"{kind}:{good.key}"


@pytest.mark.parametrize(("kind", "bad"), each("bad"))
def test_bad_specs(kind: str, bad: Bad) -> None:
    with pytest.raises(SpecError, match=re.escape(bad.reason)):
        SOURCES[kind].parse_spec(bad.value, bad.companions)


# --- requests -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CASES)
def test_first_request(kind: str) -> None:
    case = CASES[kind]
    source, spec = source_and_spec(kind)
    assert spec.key == case.key
    request = source.first_request(spec, source.endpoints)
    assert request == case.first_request
    assert request.expect == case.body


@pytest.mark.parametrize("kind", CASES)
def test_first_request_at_a_mirror(kind: str) -> None:
    case = CASES[kind]
    source, spec = source_and_spec(kind)
    request = source.first_request(spec, case.mirror)
    assert request == dataclasses.replace(case.first_request, url=case.mirror_url)


@pytest.mark.parametrize("kind", [kind for kind, case in CASES.items() if case.mirror])
@pytest.mark.parametrize("slash", ["", "/"])
def test_a_trailing_slash_on_an_endpoint_changes_nothing(kind: str, slash: str) -> None:
    case = CASES[kind]
    source, spec = source_and_spec(kind)
    endpoints = {name: url.rstrip("/") + slash for name, url in case.mirror.items()}
    assert source.first_request(spec, endpoints).url == case.mirror_url


# --- bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "entry"), each("bad_bodies"))
def test_bad_bodies(kind: str, entry: tuple[bytes, str]) -> None:
    body, reason = entry
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse(kind, body)


@pytest.mark.parametrize(
    ("kind", "body", "reason"),
    [
        pytest.param(kind, body, reason, id=f"{kind}-{name}")
        for kind, case in CASES.items()
        for name, body, reason in GENERIC_BAD_BODIES[case.body]
    ],
)
def test_a_body_that_is_not_a_board_fails_the_poll(kind: str, body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse(kind, body)


@pytest.mark.parametrize("kind", [kind for kind, case in CASES.items() if case.empty is not None])
def test_an_empty_board_is_an_empty_page(kind: str) -> None:
    body = CASES[kind].empty
    assert body is not None
    assert parse(kind, body) == Page(postings=[], next=None)


@pytest.mark.parametrize(("kind", "entry"), each("skipped_bodies"))
def test_skipped_bodies(kind: str, entry: tuple[bytes, str]) -> None:
    body, fragment = entry
    page = parse(kind, body)
    assert page.postings == []
    [skipped] = page.skipped
    assert fragment in skipped.detail
    assert skipped.reason in ("no id", "no title", "not an object")


def test_every_kind_can_make_a_board() -> None:
    assert set(BOARD_OF) == set(CASES)


@pytest.mark.parametrize("title", [ABSENT, None, "", "  \n\t ", "\u200b"])
@pytest.mark.parametrize("kind", CASES)
def test_a_posting_without_a_title_is_skipped_and_the_others_read(kind: str, title: object) -> None:
    page = parse(kind, BOARD_OF[kind]([GOOD[0], ("15", title), GOOD[1]]))
    assert [p.title for p in page.postings] == ["Engineer", "Designer"]
    assert [s.reason for s in page.skipped] == ["no title"]
    assert problems(page.postings) == []


@pytest.mark.parametrize("pid", [ABSENT, None, "", "  "])
@pytest.mark.parametrize("kind", OWN_IDS)
def test_a_posting_without_an_id_is_skipped_and_the_others_read(kind: str, pid: object) -> None:
    page = parse(kind, BOARD_OF[kind]([GOOD[0], (pid, "Analyst"), GOOD[1]]))
    assert [p.title for p in page.postings] == ["Engineer", "Designer"]
    assert [s.reason for s in page.skipped] == ["no id"]


@pytest.mark.parametrize("kind", [kind for kind in CASES if kind not in OWN_IDS])
def test_a_posting_without_an_id_of_its_own_is_known_by_its_link(kind: str) -> None:
    page = parse(kind, BOARD_OF[kind]([GOOD[0], (None, "Analyst")]))
    assert [p.title for p in page.postings] == ["Engineer", "Analyst"]
    assert page.skipped == [] and problems(page.postings) == []


@pytest.mark.parametrize(("kind", "capture"), each("captures"))
def test_captured_board(kind: str, capture: Capture) -> None:
    page = parse(kind, fixture(capture.path), capture.value)
    assert len(page.postings) == capture.count
    assert (page.next is not None) == capture.paged
    assert problems(page.postings) == []


def test_problems_finds_what_breaks_the_invariants() -> None:
    good = Posting(id="1", title="Engineer", url="https://x.test/1", locations=("Berlin",))
    assert problems([good]) == []
    bad = [
        good,
        good,
        Posting(id=" 2", title="Data\u200bEngineer"),
        Posting(id="3", title=" Ops", url="javascript:x", locations=("A", "A")),
        Posting(id="4", title="QA", department="\x07", posted_at=datetime(2024, 1, 1)),
        Posting(id="5", title=""),
    ]
    assert len(problems(bad)) == 9


# --- through the real fetch loop and the real registry --------------------------------


@pytest.mark.parametrize("kind", CASES)
async def test_fetch_loop_reads_a_captured_board(kind: str) -> None:
    case = CASES[kind]
    capture = case.captures[0]
    _, spec = source_and_spec(kind)
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            route = router.route(method=case.first_request.method, url=case.mirror_url).respond(
                200,
                content=fixture(capture.path),
                headers={"Content-Type": CONTENT_TYPES[case.body]},
            )
            ref = SourceRef("Acme", kind, spec.key)
            result = await fetch_board(fetcher, spec, case.mirror, ref)
    finally:
        await fetcher.aclose()
    assert result.error is None
    assert (result.pages, result.complete, result.not_found) == (1, True, False)
    assert len(result.postings) == capture.count
    assert problems(result.postings) == []
    first = result.postings[0]
    assert (first.id, first.url) == case.first_posting
    assert route.call_count == 1
    sent = route.calls.last.request
    assert (sent.method, str(sent.url)) == (case.first_request.method, case.mirror_url)
    if case.first_request.json_body is not None:
        assert json.loads(sent.content) == case.first_request.json_body


async def fetch_served(kind: str, body: bytes) -> BoardResult:
    """The board as the real fetch loop reads it, served ``body`` by a mirror."""
    case = CASES[kind]
    _, spec = source_and_spec(kind)
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            router.route(method=case.first_request.method, url=case.mirror_url).respond(
                200, content=body, headers={"Content-Type": CONTENT_TYPES[case.body]}
            )
            return await fetch_board(fetcher, spec, case.mirror, SourceRef("Acme", kind, spec.key))
    finally:
        await fetcher.aclose()


@pytest.mark.parametrize("kind", CASES)
async def test_fetch_loop_counts_a_skipped_posting_and_closes_nothing(kind: str) -> None:
    result = await fetch_served(kind, BOARD_OF[kind]([*GOOD[:2], ("15", " "), *GOOD[2:]]))
    assert result.error is None
    assert [p.title for p in result.postings] == [title for _, title in GOOD]
    assert result.skipped == {"no title": 1}
    assert result.complete is False  # what was not read may still be listed


@pytest.mark.parametrize("kind", CASES)
async def test_fetch_loop_reads_a_board_half_unreadable(kind: str) -> None:
    result = await fetch_served(kind, BOARD_OF[kind]([*GOOD[:2], ("15", ""), ("16", "")]))
    assert (result.error, result.skipped, result.complete) == (None, {"no title": 2}, False)
    assert len(result.postings) == 2


@pytest.mark.parametrize("kind", CASES)
async def test_fetch_loop_fails_a_board_mostly_unreadable(kind: str) -> None:
    result = await fetch_served(kind, BOARD_OF[kind]([GOOD[0], ("15", ""), ("16", None)]))
    assert result.error is not None
    assert result.error.startswith("2 of 3 postings could not be read (2 no title); the first: ")
    assert result.postings == []


@pytest.mark.parametrize("kind", CASES)
async def test_fetch_loop_404_is_not_found(kind: str) -> None:
    case = CASES[kind]
    source, spec = source_and_spec(kind)
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            route = router.route(
                method=case.first_request.method, url=case.first_request.url
            ).respond(404, text="Not Found")
            ref = SourceRef("Acme", kind, spec.key)
            result = await fetch_board(fetcher, spec, source.endpoints, ref)
    finally:
        await fetcher.aclose()
    assert route.call_count == 1
    assert result.not_found is True
    assert result.error is not None
    assert "not found" in result.error
    assert result.error.startswith(f"{kind} board {spec.key!r}")
    assert result.postings == []
