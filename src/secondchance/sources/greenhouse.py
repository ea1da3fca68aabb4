"""Greenhouse Job Board API: one public JSON document per board.

``GET /v1/boards/{token}/jobs?content=true`` returns every open job at once,
so there is never a second page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from secondchance.models import Posting, Remote
from secondchance.sources._common import expect_type, load_json
from secondchance.sources.interface import BoardSpec, Page, ParseError, Request, SpecError
from secondchance.text import clean, clean_or_none, parse_datetime

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
# When a multi-select lists several arrangements, the most flexible one is what
# a candidate can get, so it wins.
_REMOTE_RANK = {Remote.YES: 3, Remote.HYBRID: 2, Remote.NO: 1, Remote.UNKNOWN: 0}


class GreenhouseSource:
    def __init__(self) -> None:
        self.kind = "greenhouse"
        self.endpoints: Mapping[str, str] = {"greenhouse": "https://boards-api.greenhouse.io"}
        self.companion_keys: tuple[str, ...] = ()
        self.max_pages = 1

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
        return Request(url=f"{base}/v1/boards/{spec.key}/jobs?content=true", expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "greenhouse response")
        jobs = expect_type(document.get("jobs"), list, "greenhouse 'jobs'")
        return Page(postings=[_posting(job, index) for index, job in enumerate(jobs)])


def _posting(job: Any, index: int) -> Posting:
    job = expect_type(job, dict, f"greenhouse job #{index}")
    raw_id = job.get("id")
    # bool is an int subclass; a true/false id is drift, not an identity.
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id).strip():
        raise ParseError(f"greenhouse job #{index}: missing or invalid 'id'")
    title = job.get("title")
    if not isinstance(title, str):
        raise ParseError(f"greenhouse job {raw_id}: missing or invalid 'title'")
    metadata = _metadata(job.get("metadata"))
    locations = _locations(job)
    url = job.get("absolute_url")
    return Posting(
        id=str(raw_id).strip(),
        title=clean(title),
        url=clean_or_none(url) if isinstance(url, str) else None,
        locations=locations,
        remote=_remote(metadata, locations),
        department=_first_name(job.get("departments")),
        employment_type=_employment_type(metadata),
        posted_at=parse_datetime(job.get("first_published")),
        updated_at=parse_datetime(job.get("updated_at")),
    )


def _metadata(value: object) -> list[tuple[str, Any]]:
    """(lower-cased name, raw value) pairs; entries of any other shape are ignored."""
    if not isinstance(value, list):
        return []
    pairs: list[tuple[str, Any]] = []
    for entry in value:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            pairs.append((clean(entry["name"]).lower(), entry.get("value")))
    return pairs


def _locations(job: Mapping[str, Any]) -> tuple[str, ...]:
    location = job.get("location")
    name = location.get("name") if isinstance(location, dict) else None
    if isinstance(name, str) and clean(name):
        parts: Iterable[object] = _LOCATION_SEPARATORS.split(name)
    else:
        offices = job.get("offices")
        offices = offices if isinstance(offices, list) else []
        parts = [office.get("name") for office in offices if isinstance(office, dict)]
    return _unique(clean(part) for part in parts if isinstance(part, str))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _first_name(entries: object) -> str | None:
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                return clean_or_none(entry["name"])
    return None


def _remote(metadata: list[tuple[str, Any]], locations: tuple[str, ...]) -> Remote:
    best = Remote.UNKNOWN
    for name, value in metadata:
        if not any(marker in name for marker in _WORKPLACE_NAMES):
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            found = _classify(item, remote_named="remote" in name)
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
            return clean_or_none(value)
    return None


SOURCE = GreenhouseSource()
