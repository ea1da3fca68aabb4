"""Ashby public Job Posting API: one JSON document per job board.

``GET /posting-api/job-board/{org}`` returns every listed job at once, so
there is never a second page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import msgspec

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.pay import Pay, pay_of, widest
from secondchance.core.text import parse_datetime
from secondchance.sources.interface import Page, Request, endpoint
from secondchance.sources.toolkit import (
    NotArray,
    NotObject,
    SlugSource,
    clean_text,
    decode_json,
    each_posting,
    expect_object,
    expect_type,
    posting_id,
    posting_object,
    posting_title,
    unique,
)

_ORG = re.compile(r"^[A-Za-z0-9._-]+$")
_WORKPLACE = {"remote": Remote.YES, "hybrid": Remote.HYBRID, "onsite": Remote.NO}
# Ashby's enum values, spelled the way the other boards spell them.
_EMPLOYMENT = {"fulltime": "Full-time", "parttime": "Part-time"}


# Only the fields _posting reads are declared: ``descriptionHtml``,
# ``descriptionPlain`` and the other fields are skipped, never built.
# Each accepts any JSON value (Any, or a union with NotObject/NotArray), so the checks
# below, not the decoder, decide what is drift, with the messages they always gave.
# gc=False: decoded JSON holds no reference cycles, and a big board's structs
# need not be tracked by the garbage collector.
class _PostalAddress(msgspec.Struct, rename="camel", gc=False):
    address_locality: Any = None
    address_region: Any = None
    address_country: Any = None


class _Address(msgspec.Struct, rename="camel", gc=False):
    postal_address: _PostalAddress | NotObject = None


class _Place(msgspec.Struct, gc=False):
    """An entry of ``secondaryLocations``, or a job's own primary location."""

    location: Any = None
    address: _Address | NotObject = None


class _Component(msgspec.Struct, rename="camel", gc=False):
    compensation_type: Any = None
    interval: Any = None
    currency_code: Any = None
    min_value: Any = None
    max_value: Any = None


class _Tier(msgspec.Struct, gc=False):
    components: list[_Component | NotObject] | NotArray = None


class _Compensation(msgspec.Struct, rename="camel", gc=False):
    summary_components: list[_Component | NotObject] | NotArray = None
    compensation_tiers: list[_Tier | NotObject] | NotArray = None


class _Job(_Place, rename="camel"):
    id: Any = None
    title: Any = None
    job_url: Any = None
    apply_url: Any = None
    secondary_locations: list[_Place | NotObject] | NotArray = None
    workplace_type: Any = None
    is_remote: Any = None
    is_listed: Any = None
    department: Any = None
    team: Any = None
    employment_type: Any = None
    published_at: Any = None
    updated_at: Any = None
    compensation: _Compensation | NotObject = None


class _Board(msgspec.Struct, gc=False):
    jobs: list[_Job | NotObject] | NotArray = None


_DECODER = msgspec.json.Decoder(_Board | NotObject)


class AshbySource(SlugSource):
    kind = "ashby"
    endpoints = MappingProxyType({"ashby": "https://api.ashbyhq.com"})
    slug_example = "acme for jobs.ashbyhq.com/acme"
    slug_domain = "ashbyhq.com"
    slug_noun = "Ashby org name"
    slug_article = "an"
    # 2: pay (compensation).
    reader = 2
    pays = True

    def detect(self, url: str) -> object | None:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower()
        segments = [s for s in parts.path.split("/") if s]
        if host == "jobs.ashbyhq.com" and segments:
            org = segments[0]
        elif host == "api.ashbyhq.com" and segments[:2] == ["posting-api", "job-board"]:
            org = segments[2] if len(segments) > 2 else ""
        else:
            return None
        return org if _ORG.match(org) else None

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "ashby")
        url = f"{base}/posting-api/job-board/{spec.key}?includeCompensation=true"
        return Request(url=url, expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        what = "ashby response"
        document = expect_object(decode_json(body, _DECODER, what), _Board, what)
        jobs = expect_type(document.jobs, list, "ashby 'jobs'")
        postings, skipped = each_posting(jobs, _posting)
        return Page(postings=postings, skipped=skipped)


def _posting(item: object, index: int) -> Posting | None:
    job = posting_object(item, _Job, f"ashby job #{index}")
    # Unlisted jobs are reachable by link only: not part of the board.
    if job.is_listed is False:
        return None
    job_id = posting_id(job.id, "ashby job", index, numbers=False)
    return Posting(
        id=job_id,
        title=posting_title(job.title, f"ashby job {job_id}"),
        url=clean_text(job.job_url) or clean_text(job.apply_url),
        locations=_locations(job),
        remote=_remote(job),
        department=clean_text(job.department) or clean_text(job.team),
        employment_type=_employment_type(job.employment_type),
        posted_at=parse_datetime(job.published_at),
        updated_at=parse_datetime(job.updated_at),
        pay=_pay(job.compensation),
    )


def _pay(compensation: object) -> Pay | None:
    """The salary of ``includeCompensation``: its summary (the range over every tier),
    else the tiers' salaries; equity, bonus and commission are not pay here."""
    if not isinstance(compensation, _Compensation):
        return None
    summary = compensation.summary_components
    found = _salary(summary if isinstance(summary, list) else [])
    if found is not None:
        return found
    tiers = compensation.compensation_tiers
    components = [
        component
        for tier in (tiers if isinstance(tiers, list) else [])
        if isinstance(tier, _Tier) and isinstance(tier.components, list)
        for component in tier.components
    ]
    return _salary(components)


def _salary(components: list[Any]) -> Pay | None:
    return widest(
        pay_of(c.min_value, c.max_value, c.currency_code, c.interval)
        for c in components
        if isinstance(c, _Component) and c.compensation_type == "Salary"
    )


def _place(entry: _Place) -> str | None:
    """An entry's display name, else its postal address ("City, Region, Country")."""
    name = clean_text(entry.location)
    if name:
        return name
    address = entry.address
    postal = address.postal_address if isinstance(address, _Address) else None
    if not isinstance(postal, _PostalAddress):
        return None
    parts = (postal.address_locality, postal.address_region, postal.address_country)
    return ", ".join(unique(clean_text(part) for part in parts)) or None


def _locations(job: _Job) -> tuple[str, ...]:
    secondary = job.secondary_locations
    entries = [job, *(secondary if isinstance(secondary, list) else [])]
    return unique(_place(entry) for entry in entries if isinstance(entry, _Place))


def _remote(job: _Job) -> Remote:
    workplace = clean_text(job.workplace_type)
    if workplace is not None:
        return _WORKPLACE.get(workplace.lower().replace("-", ""), Remote.UNKNOWN)
    # Older boards lack workplaceType; isRemote is also true for hybrid jobs
    # and false says nothing about hybrid, so only true carries weight.
    return Remote.YES if job.is_remote is True else Remote.UNKNOWN


def _employment_type(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    return _EMPLOYMENT.get(text.lower(), text)


SOURCE = AshbySource()
