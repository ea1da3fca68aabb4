"""Lever Postings API: a public JSON array per site, on a US or an EU host.

Pages are asked for with ``skip``/``limit``; the page position lives in the
request URL itself, so the parser needs no state between pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.pay import Pay, pay_of
from secondchance.core.text import clean, parse_datetime
from secondchance.sources.interface import Page, ParseError, Request, Source, SpecError
from secondchance.sources.toolkit import (
    NotObject,
    Scalar,
    clean_text,
    decode_json,
    each_posting,
    expect_type,
    posting_id,
    posting_object,
    posting_title,
)

PAGE_SIZE = 100
_SITE = re.compile(r"^[A-Za-z0-9._-]+$")
_REGIONS = ("us", "eu")
_INLINE_KEYS = ("site", "region")
_WORKPLACE = {
    "remote": Remote.YES,
    "hybrid": Remote.HYBRID,
    "onsite": Remote.NO,
    "on-site": Remote.NO,
}


# Only the fields _posting reads are declared: the descriptions (``description``,
# ``descriptionPlain``, ``lists``, ``additional``) and the rest are skipped, never
# built. Each accepts any JSON value (Any, or a union with NotObject), so the checks
# below, not the decoder, decide what is drift, with the messages they always gave.
# gc=False: decoded JSON holds no reference cycles, and a big board's structs
# need not be tracked by the garbage collector.
class _Categories(msgspec.Struct, rename="camel", gc=False):
    location: Any = None
    all_locations: Any = None
    department: Any = None
    team: Any = None
    commitment: Any = None


class _Salary(msgspec.Struct, gc=False):
    """``salaryRange``: {"currency": "USD", "interval": "per-year-salary", "min", "max"}."""

    currency: Any = None
    interval: Any = None
    min: Any = None
    max: Any = None


class _Posting(msgspec.Struct, rename="camel", gc=False):
    id: Any = None
    text: Any = None
    categories: _Categories | NotObject = None
    hosted_url: Any = None
    workplace_type: Any = None
    created_at: Any = None
    updated_at: Any = None
    salary_range: _Salary | NotObject = None


_NO_CATEGORIES = _Categories()
# An object answer is an error ({"ok": false, "error": ...}): a plain dict, it is small.
_DECODER = msgspec.json.Decoder(list[_Posting | NotObject] | dict[str, Any] | Scalar)


class LeverSource(Source):
    kind = "lever"
    endpoints = MappingProxyType(
        {"lever": "https://api.lever.co", "lever_eu": "https://api.eu.lever.co"}
    )
    companion_keys = ("lever_region",)
    # 100 postings a page: 50 pages is far beyond any real Lever board.
    max_pages = 50
    # 2: pay (salaryRange).
    reader = 2
    pays = True

    def detect(self, url: str) -> object | None:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower()
        segments = [s for s in parts.path.split("/") if s]
        if host in ("jobs.lever.co", "jobs.eu.lever.co") and segments:
            site = segments[0]
        elif host in ("api.lever.co", "api.eu.lever.co") and segments[:2] == ["v0", "postings"]:
            site = segments[2] if len(segments) > 2 else ""
        else:
            return None
        if not _SITE.match(site):
            return None
        return {"site": site, "region": "eu"} if ".eu." in host else site

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        # Validate the company-level region even when the inline one overrides
        # it: a typo there is still a watchlist mistake worth reporting.
        region = _region(companions.get("lever_region"), "lever_region")
        if isinstance(value, str):
            site = _site(value)
        elif isinstance(value, Mapping):
            for key in value:
                if key not in _INLINE_KEYS:
                    raise SpecError(f"unknown key {key!r} (expected site and optional region)")
            site = _site(value.get("site"))
            region = _region(value.get("region"), "region") or region
        else:
            raise SpecError("expected a site name string or { site = ..., region = ... }")
        region = region or "us"
        # The same site on both hosts is two separate boards.
        key = site if region == "us" else f"eu/{site}"
        return BoardSpec(kind=self.kind, key=key, options={"site": site, "region": region})

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        name = "lever_eu" if spec.options.get("region") == "eu" else "lever"
        base = endpoints[name].rstrip("/")
        site = spec.options.get("site", spec.key)
        query = urlencode({"mode": "json", "skip": 0, "limit": PAGE_SIZE})
        return Request(url=f"{base}/v0/postings/{site}?{query}", expect="json", page=0)

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = decode_json(body, _DECODER, "lever response")
        if isinstance(document, dict) and "error" in document:
            raise ParseError(f"lever answered an error: {clean(document['error'])}")
        items = expect_type(document, list, "lever response")
        postings, skipped = each_posting(items, _posting)
        return Page(postings=postings, next=_next_request(request, len(items)), skipped=skipped)


def _site(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError("expected a site name string or { site = ..., region = ... }")
    site = value.strip()
    if "/" in site or ":" in site:
        raise SpecError("site name must not contain '/' — use the site name, not the URL")
    if not _SITE.match(site):
        raise SpecError(
            f"site name may only contain letters, digits, '-', '_' and '.' (got {site!r})"
        )
    return site


def _region(value: object, what: str) -> str | None:
    if value is None:
        return None
    region = value.strip().lower() if isinstance(value, str) else None
    if region not in _REGIONS:
        companion = what if what == "lever_region" else None
        raise SpecError(f'{what} must be "us" or "eu" (got {value!r})', key=companion)
    return region


def _next_request(request: Request, count: int) -> Request | None:
    parts = urlsplit(request.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        skip = int(query.get("skip", "0"))
        limit = int(query["limit"])
    except (KeyError, ValueError):
        # Without a usable limit Lever returns the whole board in one answer.
        return None
    # A short page is the last one; a full page may or may not be followed by
    # more, and asking once too often costs one empty answer. A page longer than
    # the limit means the server ignores paging: that page was the whole board.
    if limit <= 0 or count != limit:
        return None
    query["skip"] = str(skip + limit)
    url = urlunsplit(parts._replace(query=urlencode(query)))
    return Request(url=url, method=request.method, expect=request.expect, page=request.page + 1)


def _posting(item: object, index: int) -> Posting:
    item = posting_object(item, _Posting, f"lever posting #{index}")
    job_id = posting_id(item.id, "lever posting", index, numbers=False)
    title = posting_title(item.text, f"lever posting {job_id}", "text")
    categories = item.categories
    if not isinstance(categories, _Categories):
        categories = _NO_CATEGORIES
    return Posting(
        id=job_id,
        title=title,
        url=clean_text(item.hosted_url),
        locations=_locations(categories),
        remote=_WORKPLACE.get((clean_text(item.workplace_type) or "").lower(), Remote.UNKNOWN),
        department=clean_text(categories.department) or clean_text(categories.team),
        employment_type=clean_text(categories.commitment),
        posted_at=parse_datetime(item.created_at),
        updated_at=parse_datetime(item.updated_at),
        pay=_pay(item.salary_range),
    )


def _pay(salary: object) -> Pay | None:
    # "one-time" and unknown intervals read as no period: shown, never judged.
    if not isinstance(salary, _Salary):
        return None
    return pay_of(salary.min, salary.max, salary.currency, salary.interval)


def _locations(categories: _Categories) -> tuple[str, ...]:
    every = categories.all_locations
    raw = every if isinstance(every, list) and every else [categories.location]
    cleaned = (clean(value) for value in raw if isinstance(value, str))
    return tuple(dict.fromkeys(value for value in cleaned if value))


SOURCE = LeverSource()
