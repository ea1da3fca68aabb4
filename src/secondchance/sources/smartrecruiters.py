"""SmartRecruiters Posting API: public JSON pages per company identifier.

``GET /v1/companies/{id}/postings?limit=100&offset=N`` answers
``{"totalFound": N, "content": [...]}``. Some answers omit ``offset``/``limit``,
so the page position is read from the request URL, as lever.py does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.text import clean, parse_datetime
from secondchance.sources.interface import Page, ParseError, Request, Source, SpecError, endpoint
from secondchance.sources.toolkit import (
    clean_text,
    each_posting,
    expect_type,
    load_json,
    posting_id,
    posting_object,
    posting_title,
)

PAGE_SIZE = 100
_COMPANY = re.compile(r"^[A-Za-z0-9._-]+$")
_JOBS_HOST = "https://jobs.smartrecruiters.com"


class SmartRecruitersSource(Source):
    kind = "smartrecruiters"
    endpoints = MappingProxyType({"smartrecruiters": "https://api.smartrecruiters.com"})
    # 100 pages of 100 is 10,000 postings: beyond any board worth watching whole.
    max_pages = 100

    def detect(self, url: str) -> object | None:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        segments = [s for s in parts.path.split("/") if s]
        company = None
        if host == "careers.smartrecruiters.com" and segments:
            company = segments[0]
        elif host == "jobs.smartrecruiters.com" and segments:
            # One-click apply links carry the company further down the path.
            if segments[:2] == ["oneclick-ui", "company"]:
                company = segments[2] if len(segments) > 2 else None
            else:
                company = segments[0]
        elif host == "api.smartrecruiters.com" and segments[:2] == ["v1", "companies"]:
            company = segments[2] if len(segments) > 2 else None
        # Identifiers are case-sensitive in the API ("Tieto2"), so keep the case.
        return company if company and _COMPANY.match(company) else None

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        if not isinstance(value, str) or not value.strip():
            raise SpecError("expected a company identifier string")
        company = value.strip()
        if "/" in company or ":" in company:
            raise SpecError(
                "company identifier must not contain '/' — use the identifier, not the URL"
            )
        if not _COMPANY.match(company):
            raise SpecError(
                "company identifier may only contain letters, digits, '-', '_' and '.' "
                f"(got {company!r})"
            )
        return BoardSpec(kind=self.kind, key=company)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "smartrecruiters")
        query = urlencode({"limit": PAGE_SIZE, "offset": 0})
        return Request(url=f"{base}/v1/companies/{spec.key}/postings?{query}", page=0)

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = load_json(body)
        if isinstance(document, dict) and "content" not in document and "message" in document:
            raise ParseError(f"smartrecruiters answered an error: {clean(document['message'])}")
        document = expect_type(document, dict, "smartrecruiters response")
        content = expect_type(document.get("content"), list, "smartrecruiters 'content'")
        postings, skipped = each_posting(content, functools.partial(_posting, company=spec.key))
        next_request = _next_request(request, document, len(content))
        return Page(postings=postings, next=next_request, skipped=skipped)


def _next_request(request: Request, document: Mapping[str, Any], count: int) -> Request | None:
    # An empty page ends the fetch whatever the total says: asking again
    # would only get the same nothing back.
    if count == 0:
        return None
    parts = urlsplit(request.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        offset = int(query.get("offset", "0"))
    except ValueError:
        offset = 0
    total = document.get("totalFound")
    if isinstance(total, int) and not isinstance(total, bool):
        if offset + count >= total:
            return None
    else:
        # No total to go by: a full page may have a successor, a short one has not.
        try:
            limit = int(query.get("limit", str(PAGE_SIZE)))
        except ValueError:
            limit = PAGE_SIZE
        if count < limit:
            return None
    # Step by what came back, not by the limit asked for, in case the server
    # serves fewer per page than requested.
    query["offset"] = str(offset + count)
    url = urlunsplit(parts._replace(query=urlencode(query)))
    return Request(url=url, method=request.method, expect=request.expect, page=request.page + 1)


def _posting(value: object, index: int, company: str) -> Posting:
    item: dict[str, Any] = posting_object(value, dict, f"smartrecruiters posting #{index}")
    job_id = posting_id(item.get("id"), "smartrecruiters posting", index)
    title = posting_title(item.get("name"), f"smartrecruiters posting {job_id}", "name")
    location = _mapping(item.get("location"))
    # The list has only the API `ref`; the page people open is on the jobs host,
    # under the company's canonical identifier when the posting names it.
    owner = clean_text(_mapping(item.get("company")).get("identifier")) or company
    return Posting(
        id=job_id,
        title=title,
        url=f"{_JOBS_HOST}/{owner}/{job_id}",
        locations=_locations(location),
        remote=_remote(location),
        department=clean_text(_mapping(item.get("department")).get("label")),
        # Labels follow the company's language ("Pełny etat"): shown, never compared.
        employment_type=clean_text(_mapping(item.get("typeOfEmployment")).get("label")),
        posted_at=parse_datetime(item.get("releasedDate")),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _locations(location: Mapping[str, Any]) -> tuple[str, ...]:
    full = clean_text(location.get("fullLocation"))
    if full:
        # Missing parts leave holes ("Szczecin, , Poland").
        parts = [clean(part) for part in full.split(",")]
    else:
        country = clean_text(location.get("country"))
        parts = [
            clean_text(location.get("city")) or "",
            clean_text(location.get("region")) or "",
            country.upper() if country and len(country) == 2 else country or "",
        ]
    joined = ", ".join(part for part in parts if part)
    return (joined,) if joined else ()


def _remote(location: Mapping[str, Any]) -> Remote:
    if location.get("remote") is True:
        return Remote.YES
    if location.get("hybrid") is True:
        return Remote.HYBRID
    # Both flags default to false on postings that never set them, so false
    # is not a claim that the job is on-site.
    return Remote.UNKNOWN


SOURCE = SmartRecruitersSource()
