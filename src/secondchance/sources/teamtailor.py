"""Teamtailor: the public JSON Feed 1.1 of a company's career site.

``GET https://{company}.teamtailor.com/jobs.json`` returns
``{"items": [...], "next_url": ...}``; each item embeds the schema.org
JobPosting Teamtailor publishes for Google (``_jobposting``), which is where
locations and the remote flag live. Long boards are paged through ``next_url``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin, urlsplit

from secondchance.core.models import BoardSpec, Posting
from secondchance.core.text import parse_datetime
from secondchance.sources import jsonld
from secondchance.sources.interface import Page, Request, endpoint
from secondchance.sources.toolkit import (
    SlugSource,
    clean_text,
    each_posting,
    expect_type,
    load_json,
    posting_id,
    posting_object,
    posting_title,
)

_HOST = re.compile(r"^([A-Za-z0-9_-]+)\.teamtailor\.com$")
# Subdomains that are Teamtailor's own product, not a company's career site.
_NOT_COMPANIES = frozenset({"www", "app", "api", "support", "docs", "status"})


class TeamtailorSource(SlugSource):
    kind = "teamtailor"
    endpoints = MappingProxyType({"teamtailor": "https://{company}.teamtailor.com"})
    # Feed pages are small; 20 of them is far beyond a real career site.
    max_pages = 20
    # 2: locations read as JSON-LD's, whose placeholders ("UNAVAILABLE") are dropped.
    # 3: pay (schema.org baseSalary).
    reader = 3
    pays = True
    slug_example = "acme for acme.teamtailor.com"
    slug_domain = "teamtailor.com"

    def detect(self, url: str) -> object | None:
        match = _HOST.match(urlsplit(url.strip()).netloc.lower())
        if match is None or match.group(1) in _NOT_COMPANIES:
            return None
        return match.group(1)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "teamtailor", company=spec.key)
        return Request(url=f"{base}/jobs.json", expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        feed = expect_type(load_json(body), dict, "teamtailor feed")
        items = expect_type(feed.get("items"), list, "teamtailor feed 'items'")
        postings, skipped = each_posting(items, functools.partial(_posting, feed_url=request.url))
        next_request = _next_request(request, feed.get("next_url"))
        return Page(postings=postings, next=next_request, skipped=skipped)


def _next_request(request: Request, next_url: object) -> Request | None:
    if not isinstance(next_url, str) or not next_url.strip():
        return None
    url = urljoin(request.url, next_url.strip())
    # A feed naming itself as its own next page would loop; one that cycles
    # over several pages is caught by the poller's repeated-URL check.
    if urlsplit(url).scheme not in ("http", "https") or url == request.url:
        return None
    return Request(url=url, expect=request.expect, page=request.page + 1)


def _posting(value: object, index: int, feed_url: str) -> Posting:
    item: dict[str, Any] = posting_object(value, dict, f"teamtailor item #{index}")
    # The UUID is the feed's identity; _jobposting.identifier.value is an
    # integer that also appears in the URL, but the feed promises only the id.
    job_id = posting_id(item.get("id"), "teamtailor item", index, numbers=False)
    job = item.get("_jobposting")
    job = job if isinstance(job, dict) else {}
    title = clean_text(item.get("title")) or job.get("title")
    title = posting_title(title, f"teamtailor item {job_id}")
    url = clean_text(item.get("url"))
    # The embedded object is plain schema.org JobPosting: read it the same way
    # as JSON-LD on any page, so both kinds agree on locations and remote.
    return Posting(
        id=job_id,
        title=title,
        url=urljoin(feed_url, url) if url else None,
        locations=jsonld._locations(job.get("jobLocation")),
        remote=jsonld._remote(job.get("jobLocationType")),
        employment_type=jsonld._joined(job.get("employmentType")),
        pay=jsonld.base_salary(job.get("baseSalary"), job.get("salaryCurrency")),
        posted_at=parse_datetime(item.get("date_published"))
        or parse_datetime(job.get("datePosted")),
        updated_at=parse_datetime(item.get("date_modified")),
    )


SOURCE = TeamtailorSource()
