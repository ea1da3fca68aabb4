"""BambooHR: the public JSON behind a company's hosted careers page.

``GET https://{company}.bamboohr.com/careers/list`` returns every open job at
once as ``{"meta": {"totalCount": N}, "result": [...]}``. The list has no job
URL; the hosted page serves each job at ``/careers/{id}``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from secondchance.core.models import BoardSpec, Posting, Remote
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

_HOST = re.compile(r"^([A-Za-z0-9_-]+)\.bamboohr\.com$")
# Subdomains of bamboohr.com that are BambooHR's own, not a company's.
_NOT_COMPANIES = frozenset({"www", "api", "app", "help", "marketplace", "partners"})
_LIST_PATH = "/careers/list"
# locationType codes. The capture only shows "0", on a job with a street city
# and isRemote null; two independent public BambooHR clients read "0" as
# on-site, "1" as remote and "2" as hybrid. Any other code stays unknown.
_LOCATION_TYPES = {"0": Remote.NO, "1": Remote.YES, "2": Remote.HYBRID}


class BambooHRSource(SlugSource):
    kind = "bamboohr"
    endpoints = MappingProxyType({"bamboohr": "https://{company}.bamboohr.com"})
    slug_example = "acme for acme.bamboohr.com"
    slug_domain = "bamboohr.com"

    def detect(self, url: str) -> object | None:
        parts = urlsplit(url.strip())
        match = _HOST.match(parts.netloc.lower())
        if match is None or match.group(1) in _NOT_COMPANIES:
            return None
        segments = [s for s in parts.path.split("/") if s]
        # The bare host is the company's portal login; only the careers pages
        # say the company is hiring there.
        if segments[:1] not in ([], ["careers"], ["jobs"]):
            return None
        return match.group(1)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "bamboohr", company=spec.key)
        return Request(url=f"{base}{_LIST_PATH}", expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "bamboohr response")
        # meta.totalCount is not checked against the list: it can disagree
        # (the capture says 3 beside 2 results) and the list is what is open.
        jobs = expect_type(document.get("result"), list, "bamboohr 'result'")
        base = _company_base(request.url)
        postings, skipped = each_posting(jobs, functools.partial(_posting, base=base))
        return Page(postings=postings, skipped=skipped)


def _company_base(list_url: str) -> str:
    """The host the list came from, so job URLs follow a mirror or test template."""
    parts = urlsplit(list_url)
    path = parts.path.rstrip("/").removesuffix(_LIST_PATH).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _posting(value: object, index: int, base: str) -> Posting:
    job: dict[str, Any] = posting_object(value, dict, f"bamboohr job #{index}")
    job_id = posting_id(job.get("id"), "bamboohr job", index)
    title = posting_title(job.get("jobOpeningName"), f"bamboohr job {job_id}", "jobOpeningName")
    return Posting(
        id=job_id,
        title=title,
        url=f"{base}/careers/{job_id}",
        locations=_locations(job),
        remote=_remote(job),
        department=clean_text(job.get("departmentLabel")),
        employment_type=clean_text(job.get("employmentStatusLabel")),
    )


def _locations(job: Mapping[str, Any]) -> tuple[str, ...]:
    location = job.get("location")
    location = location if isinstance(location, dict) else {}
    ats = job.get("atsLocation")
    ats = ats if isinstance(ats, dict) else {}

    def field(*names: str) -> str | None:
        # atsLocation is the newer, more precise field, but is all null on
        # boards that still fill only location.
        for source in (ats, location):
            for name in names:
                value = clean_text(source.get(name))
                if value:
                    return value
        return None

    parts = (field("city"), field("state", "province"), field("country"))
    joined = ", ".join(part for part in parts if part)
    return (joined,) if joined else ()


def _remote(job: Mapping[str, Any]) -> Remote:
    if job.get("isRemote") is True:
        return Remote.YES
    code = job.get("locationType")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    return _LOCATION_TYPES.get(code, Remote.UNKNOWN) if isinstance(code, str) else Remote.UNKNOWN


SOURCE = BambooHRSource()
