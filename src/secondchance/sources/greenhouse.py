"""Greenhouse Job Board API: one public JSON document per board.

``GET /v1/boards/{token}/jobs?content=true`` returns every open job at once,
so there is never a second page. ``pay_transparency=true`` asks for each job's
``pay_input_ranges`` (the pay ranges a board publishes, in cents, without a period);
a board that does not send them is read the same.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.pay import Pay, pay_in_cents, widest
from secondchance.core.text import clean, parse_datetime
from secondchance.sources.interface import Page, Request, Source, SpecError
from secondchance.sources.toolkit import (
    NotArray,
    NotObject,
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

_TOKEN = re.compile(r"^[A-Za-z0-9._-]+$")
_BOARD_HOSTS = {
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "boards.eu.greenhouse.io",
    "job-boards.eu.greenhouse.io",
}
_API_HOSTS = {"boards-api.greenhouse.io", "api.greenhouse.io"}
# Boards join several cities into one string with these; commas stay, since
# "Berlin, Germany" is one place.
_LOCATION_SEPARATORS = re.compile(r"[|;]")
_REMOTE_WORD = re.compile(r"\bremote\b", re.IGNORECASE)
# Custom metadata names boards use for the work arrangement (free text per board).
_WORKPLACE_NAMES = ("location type", "workplace type", "work model", "working model", "remote")
_WORKPLACE_FIELD = re.compile("|".join(map(re.escape, _WORKPLACE_NAMES)))
# When a multi-select lists several arrangements, the most flexible one is what
# a candidate can get, so it wins.
_REMOTE_RANK = {Remote.YES: 3, Remote.HYBRID: 2, Remote.NO: 1, Remote.UNKNOWN: 0}


# Only the fields _posting reads are declared: ``content`` (the description, most of
# the body) and the other fields are skipped, never built. Each accepts any JSON value
# (Any, or a union with NotObject/NotArray), so the checks below, not the decoder,
# decide what is drift, with the messages they always gave.
# gc=False: decoded JSON holds no reference cycles, and a big board's structs
# need not be tracked by the garbage collector.
class _Named(msgspec.Struct, gc=False):
    """A location, office or department."""

    name: Any = None


class _Metadata(msgspec.Struct, gc=False):
    name: Any = None
    value: Any = None


class _Range(msgspec.Struct, gc=False):
    min_cents: Any = None
    max_cents: Any = None
    currency_type: Any = None


class _Job(msgspec.Struct, gc=False):
    id: Any = None
    title: Any = None
    absolute_url: Any = None
    location: _Named | NotObject = None
    offices: list[_Named | NotObject] | NotArray = None
    departments: list[_Named | NotObject] | NotArray = None
    metadata: list[_Metadata | NotObject] | NotArray = None
    first_published: Any = None
    updated_at: Any = None
    pay_input_ranges: list[_Range | NotObject] | NotArray = None


class _Board(msgspec.Struct, gc=False):
    jobs: list[_Job | NotObject] | NotArray = None


_DECODER = msgspec.json.Decoder(_Board | NotObject)


class GreenhouseSource(Source):
    kind = "greenhouse"
    endpoints = MappingProxyType({"greenhouse": "https://boards-api.greenhouse.io"})
    # 2: pay (pay_input_ranges).
    reader = 2
    pays = True

    def detect(self, url: str) -> object | None:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        segments = [s for s in parts.path.split("/") if s]
        if host in _BOARD_HOSTS:
            embedded = parse_qs(parts.query).get("for")
            if embedded:
                return embedded[0]
            if segments and segments[0] != "embed" and _TOKEN.match(segments[0]):
                return segments[0]
        if host in _API_HOSTS and segments[:2] == ["v1", "boards"] and len(segments) > 2:
            return segments[2]
        return None

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        if not isinstance(value, str) or not value.strip():
            raise SpecError("expected a board token string")
        token = value.strip()
        if "/" in token or ":" in token:
            raise SpecError("board token must not contain '/' — use the token, not the URL")
        if not _TOKEN.match(token):
            raise SpecError(
                f"board token may only contain letters, digits, '-', '_' and '.' (got {token!r})"
            )
        return BoardSpec(kind=self.kind, key=token)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoints["greenhouse"].rstrip("/")
        url = f"{base}/v1/boards/{spec.key}/jobs?content=true&pay_transparency=true"
        return Request(url=url, expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        what = "greenhouse response"
        document = expect_object(decode_json(body, _DECODER, what), _Board, what)
        jobs = expect_type(document.jobs, list, "greenhouse 'jobs'")
        postings, skipped = each_posting(jobs, _posting)
        return Page(postings=postings, skipped=skipped)


def _posting(job: object, index: int) -> Posting:
    job = posting_object(job, _Job, f"greenhouse job #{index}")
    job_id = posting_id(job.id, "greenhouse job", index)
    title = posting_title(job.title, f"greenhouse job {job_id}")
    metadata = _metadata(job.metadata)
    locations = _locations(job)
    return Posting(
        id=job_id,
        title=title,
        url=clean_text(job.absolute_url),
        locations=locations,
        remote=_remote(metadata, locations),
        department=_first_name(job.departments),
        employment_type=_employment_type(metadata),
        posted_at=parse_datetime(job.first_published),
        updated_at=parse_datetime(job.updated_at),
        pay=_pay(job.pay_input_ranges),
    )


def _pay(ranges: object) -> Pay | None:
    """One range for a job's pay ranges (one per zone or city: the lowest minimum to
    the highest maximum). Greenhouse gives them no period."""
    if not isinstance(ranges, list):
        return None
    return widest(
        pay_in_cents(entry.min_cents, entry.max_cents, entry.currency_type)
        for entry in ranges
        if isinstance(entry, _Range)
    )


def _metadata(value: object) -> list[tuple[str, Any]]:
    """(lower-cased name, raw value) of the fields _remote and _employment_type
    read; other fields and entries of any other shape are left out."""
    if not isinstance(value, list):
        return []
    pairs: list[tuple[str, Any]] = []
    for entry in value:
        if isinstance(entry, _Metadata) and isinstance(entry.name, str):
            name = _field_name(entry.name)
            if name is not None:
                pairs.append((name, entry.value))
    return pairs


# Cached: every job of a board repeats the same metadata names, a dozen on some.
@functools.lru_cache(maxsize=1024)
def _field_name(name: str) -> str | None:
    lowered = clean(name).lower()
    if _WORKPLACE_FIELD.search(lowered) or "employment type" in lowered:
        return lowered
    return None


def _locations(job: _Job) -> tuple[str, ...]:
    location = job.location
    name = location.name if isinstance(location, _Named) else None
    if isinstance(name, str) and (places := _places(name)) is not None:
        return places
    offices = job.offices if isinstance(job.offices, list) else []
    return unique(
        clean(office.name)
        for office in offices
        if isinstance(office, _Named) and isinstance(office.name, str)
    )


# Cached: most jobs of a board share a few location names.
@functools.lru_cache(maxsize=4096)
def _places(name: str) -> tuple[str, ...] | None:
    """The places of a location name; None when it is blank."""
    if not clean(name):
        return None
    return unique(clean(part) for part in _LOCATION_SEPARATORS.split(name))


def _first_name(entries: object) -> str | None:
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, _Named) and isinstance(entry.name, str):
                return clean_text(entry.name)
    return None


def _remote(metadata: list[tuple[str, Any]], locations: tuple[str, ...]) -> Remote:
    best = Remote.UNKNOWN
    for name, value in metadata:
        if not _WORKPLACE_FIELD.search(name):
            continue
        remote_named = "remote" in name
        for item in value if isinstance(value, list) else [value]:
            found = _classify(item, remote_named=remote_named)
            if _REMOTE_RANK[found] > _REMOTE_RANK[best]:
                best = found
    if best is not Remote.UNKNOWN:
        return best
    if any(_REMOTE_WORD.search(location) for location in locations):
        return Remote.YES
    return Remote.UNKNOWN


def _classify(value: object, *, remote_named: bool) -> Remote:
    # A yes/no field called "Remote?" answers the question by its value alone.
    if remote_named and value is True:
        return Remote.YES
    if not isinstance(value, str):
        return Remote.UNKNOWN
    return _classify_text(value, remote_named)


# Cached: a board's arrangement values are a handful of options.
@functools.lru_cache(maxsize=1024)
def _classify_text(value: str, remote_named: bool) -> Remote:
    text = clean(value).lower()
    if remote_named and text == "yes":
        return Remote.YES
    if "remote" in text:
        return Remote.YES
    if "hybrid" in text or "flexible" in text:
        return Remote.HYBRID
    if any(marker in text for marker in ("on-site", "onsite", "on site", "office")):
        return Remote.NO
    return Remote.UNKNOWN


def _employment_type(metadata: list[tuple[str, Any]]) -> str | None:
    for name, value in metadata:
        if "employment type" in name and isinstance(value, str):
            return clean_text(value)
    return None


SOURCE = GreenhouseSource()
