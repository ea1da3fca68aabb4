"""Ashby public Job Posting API: one JSON document per job board.

``GET /posting-api/job-board/{org}`` returns every listed job at once, so
there is never a second page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from secondchance.models import Posting, Remote
from secondchance.sources._common import board_slug, expect_type, load_json
from secondchance.sources.interface import (
    BoardSpec,
    Page,
    ParseError,
    Request,
    endpoint,
)
from secondchance.text import clean, clean_or_none, parse_datetime

_ORG = re.compile(r"^[A-Za-z0-9._-]+$")
_WORKPLACE = {"remote": Remote.YES, "hybrid": Remote.HYBRID, "onsite": Remote.NO}
# Ashby's enum values, spelled the way the other boards spell them.
_EMPLOYMENT = {"fulltime": "Full-time", "parttime": "Part-time"}


class AshbySource:
    def __init__(self) -> None:
        self.kind = "ashby"
        self.endpoints: Mapping[str, str] = {"ashby": "https://api.ashbyhq.com"}
        self.companion_keys: tuple[str, ...] = ()
        self.max_pages = 1

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

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        org = board_slug(
            value,
            example="acme for jobs.ashbyhq.com/acme",
            domain="ashbyhq.com",
            detect=self.detect,
            noun="Ashby org name",
            article="an",
        )
        return BoardSpec(kind=self.kind, key=org)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "ashby")
        url = f"{base}/posting-api/job-board/{spec.key}?includeCompensation=true"
        return Request(url=url, expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "ashby response")
        jobs = expect_type(document.get("jobs"), list, "ashby 'jobs'")
        postings: list[Posting] = []
        for index, job in enumerate(jobs):
            job = expect_type(job, dict, f"ashby job #{index}")
            # Unlisted jobs are reachable by link only: not part of the board.
            if job.get("isListed") is False:
                continue
            postings.append(_posting(job, index))
        return Page(postings=postings)


def _posting(job: Mapping[str, Any], index: int) -> Posting:
    raw_id = job.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise ParseError(f"ashby job #{index}: missing or invalid 'id'")
    title = job.get("title")
    if not isinstance(title, str):
        raise ParseError(f"ashby job {raw_id}: missing or invalid 'title'")
    return Posting(
        id=raw_id.strip(),
        title=clean(title),
        url=_text(job.get("jobUrl")) or _text(job.get("applyUrl")),
        locations=_locations(job),
        remote=_remote(job),
        department=_text(job.get("department")) or _text(job.get("team")),
        employment_type=_employment_type(job.get("employmentType")),
        posted_at=parse_datetime(job.get("publishedAt")),
        updated_at=parse_datetime(job.get("updatedAt")),
    )


def _text(value: object) -> str | None:
    return clean_or_none(value) if isinstance(value, str) else None


def _place(entry: Mapping[str, Any]) -> str | None:
    """An entry's display name, else its postal address ("City, Region, Country")."""
    name = _text(entry.get("location"))
    if name:
        return name
    address = entry.get("address")
    postal = address.get("postalAddress") if isinstance(address, dict) else None
    if not isinstance(postal, dict):
        return None
    keys = ("addressLocality", "addressRegion", "addressCountry")
    parts = _unique(_text(postal.get(key)) for key in keys)
    return ", ".join(parts) or None


def _locations(job: Mapping[str, Any]) -> tuple[str, ...]:
    secondary = job.get("secondaryLocations")
    entries = [job, *(secondary if isinstance(secondary, list) else [])]
    return _unique(_place(entry) for entry in entries if isinstance(entry, dict))


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _remote(job: Mapping[str, Any]) -> Remote:
    workplace = _text(job.get("workplaceType"))
    if workplace is not None:
        return _WORKPLACE.get(workplace.lower().replace("-", ""), Remote.UNKNOWN)
    # Older boards lack workplaceType; isRemote is also true for hybrid jobs
    # and false says nothing about hybrid, so only true carries weight.
    return Remote.YES if job.get("isRemote") is True else Remote.UNKNOWN


def _employment_type(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    return _EMPLOYMENT.get(text.lower(), text)


SOURCE = AshbySource()
