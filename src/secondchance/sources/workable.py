"""Workable public widget API: one JSON document per account.

``GET /api/v1/widget/accounts/{slug}?details=true`` lists every published job
at once. A job open in several places comes back as one row per location,
all with the same shortcode, so rows are merged into one posting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import msgspec

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.text import parse_datetime
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
    unique,
)

_SLUG = re.compile(r"^[A-Za-z0-9._-]+$")
# Subdomains of workable.com that are Workable's own, not an account.
_RESERVED_HOSTS = {"www", "apply", "jobs", "help", "resources", "api"}
# apply.workable.com paths that are not an account slug.
_RESERVED_PATHS = {"j", "api", "careers"}
_WORKPLACE = {"remote": Remote.YES, "hybrid": Remote.HYBRID, "on_site": Remote.NO}


class WorkableSource(SlugSource):
    kind = "workable"
    endpoints = MappingProxyType({"workable": "https://apply.workable.com"})
    slug_example = "acme for apply.workable.com/acme"
    slug_domain = "workable.com"
    slug_noun = "Workable account slug"
    slug_article = "a"

    def detect(self, url: str) -> object | None:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower()
        segments = [s for s in parts.path.split("/") if s]
        slug = ""
        if host == "apply.workable.com" and segments:
            if segments[:4] == ["api", "v1", "widget", "accounts"] and len(segments) > 4:
                slug = segments[4]
            elif segments[0] not in _RESERVED_PATHS:
                slug = segments[0]
        elif host.endswith(".workable.com"):
            sub = host.removesuffix(".workable.com")
            if "." not in sub and sub not in _RESERVED_HOSTS:
                slug = sub
        return slug if _SLUG.match(slug) else None

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "workable")
        return Request(url=f"{base}/api/v1/widget/accounts/{spec.key}?details=true", expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "workable response")
        jobs = expect_type(document.get("jobs"), list, "workable 'jobs'")
        merged: dict[str, Posting] = {}
        postings, skipped = each_posting(jobs, _posting)
        for posting in postings:
            first = merged.get(posting.id)
            merged[posting.id] = posting if first is None else _merge(first, posting)
        return Page(postings=list(merged.values()), skipped=skipped)


def _merge(first: Posting, other: Posting) -> Posting:
    """The first row wins for every field but the places, which add up."""
    remote = first.remote if first.remote is not Remote.UNKNOWN else other.remote
    return msgspec.structs.replace(
        first, locations=unique((*first.locations, *other.locations)), remote=remote
    )


def _posting(item: object, index: int) -> Posting:
    job: dict[str, Any] = posting_object(item, dict, f"workable job #{index}")
    shortcode = posting_id(job.get("shortcode"), "workable job", index, "shortcode", numbers=False)
    title = posting_title(job.get("title"), f"workable job {shortcode}")
    url = clean_text(job.get("url")) or clean_text(job.get("shortcode_url"))
    return Posting(
        id=shortcode,
        title=title,
        url=url or clean_text(job.get("application_url")),
        locations=_locations(job),
        remote=_remote(job),
        department=clean_text(job.get("department")),
        employment_type=clean_text(job.get("employment_type")),
        posted_at=parse_datetime(job.get("published_on")) or parse_datetime(job.get("created_at")),
    )


def _place(entry: Mapping[str, Any], region_key: str) -> str | None:
    parts = (clean_text(entry.get(key)) for key in ("city", region_key, "country"))
    return ", ".join(unique(parts)) or None


def _locations(job: Mapping[str, Any]) -> tuple[str, ...]:
    entries = job.get("locations")
    if isinstance(entries, list) and entries:
        # A hidden location is one the employer chose not to show; the row's
        # own city/country repeat it, so they are not a fallback either.
        return unique(
            _place(entry, "region")
            for entry in entries
            if isinstance(entry, dict) and entry.get("hidden") is not True
        )
    return unique([_place(job, "state")])


def _remote(job: Mapping[str, Any]) -> Remote:
    workplace = clean_text(job.get("workplace"))
    if workplace is not None and workplace.lower() in _WORKPLACE:
        return _WORKPLACE[workplace.lower()]
    # telecommuting is false for hybrid and on-site jobs alike.
    return Remote.YES if job.get("telecommuting") is True else Remote.UNKNOWN


SOURCE = WorkableSource()
