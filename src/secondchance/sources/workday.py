"""Workday CXS: the JSON search API behind ``{tenant}.wd{N}.myworkdayjobs.com``.

``POST /wday/cxs/{tenant}/{site}/jobs`` with ``{"limit": 20, "offset": N, ...}``
answers ``{"total": N, "jobPostings": [...]}``. ``total`` is reliable only on
the first page, so it travels to later pages in ``Request.state``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.text import clean, clean_or_none
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

# Workday rejects larger pages on many tenants.
PAGE_SIZE = 20
_HOST = re.compile(r"^([a-z0-9][a-z0-9_-]*)\.wd(\d+)\.myworkdayjobs\.com$")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_LOCALE = re.compile(r"^[a-z]{2,3}-[a-z]{2,4}$", re.IGNORECASE)
_INLINE_KEYS = ("tenant", "wd", "site", "search", "url")
# "3 Locations" stands for a list only the detail call has; storing it would
# make a fake place. Localised tenants say it in their language.
_LOCATION_COUNT = re.compile(
    r"^\d+\s+(locations?|standorte?|emplacements?|ubicaciones|sedi|locais|lokalizacje|locaties)$",
    re.IGNORECASE,
)
_REMOTE_WORD = re.compile(r"\bremote\b", re.IGNORECASE)
_USAGE = 'expected a careers URL or { tenant = "...", wd = 5, site = "..." }'


class WorkdaySource(Source):
    kind = "workday"
    endpoints = MappingProxyType({"workday": "https://{tenant}.wd{wd}.myworkdayjobs.com"})
    # 2,000 postings; boards beyond that are watched through `search`.
    max_pages = 100

    def detect(self, url: str) -> object | None:
        try:
            tenant, wd, site = _from_url(url)
        except SpecError:
            return None
        return {"tenant": tenant, "wd": wd, "site": site}

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        search: str | None = None
        if isinstance(value, str):
            tenant, wd, site = _from_url(value)
        elif isinstance(value, Mapping):
            for key in value:
                if key not in _INLINE_KEYS:
                    raise SpecError(f"unknown key {key!r} (expected tenant, wd, site, search)")
            search = _search(value.get("search"))
            if "url" in value:
                if any(key in value for key in ("tenant", "wd", "site")):
                    raise SpecError("give either url or tenant/wd/site, not both")
                if not isinstance(value["url"], str):
                    raise SpecError("url must be a string")
                tenant, wd, site = _from_url(value["url"])
            else:
                tenant = _tenant(value.get("tenant"))
                wd = _wd(value.get("wd"))
                site = _site(value.get("site"))
        else:
            raise SpecError(_USAGE)
        key = f"{tenant}/wd{wd}/{site}"
        # A search narrows the board to other postings, so it is another board.
        if search:
            key += f"?search={search}"
        options = {"tenant": tenant, "wd": wd, "site": site, "search": search}
        return BoardSpec(kind=self.kind, key=key, options=options)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        tenant, wd, site = spec.options["tenant"], spec.options["wd"], spec.options["site"]
        base = endpoint(endpoints, "workday", tenant=tenant, wd=wd, site=site)
        body: dict[str, Any] = {
            "appliedFacets": {},
            "limit": PAGE_SIZE,
            "offset": 0,
            "searchText": spec.options.get("search") or "",
        }
        return Request(
            url=f"{base}/wday/cxs/{tenant}/{site}/jobs", method="POST", json_body=body, page=0
        )

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "workday response")
        if "jobPostings" not in document and ("errorCode" in document or "message" in document):
            reason = clean(document.get("message") or document.get("errorCode"))
            raise ParseError(f"workday answered an error: {reason}")
        items = expect_type(document.get("jobPostings"), list, "workday 'jobPostings'")
        base = _public_base(spec, request)
        site = spec.options["site"]
        postings, skipped = each_posting(items, functools.partial(_posting, base=base, site=site))
        next_request = _next_request(request, document, len(items))
        return Page(postings=postings, next=next_request, skipped=skipped)


def _from_url(value: str) -> tuple[str, int, str]:
    text = value.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    match = _HOST.match(parts.hostname or "")
    if not match:
        raise SpecError("not a Workday URL (expected https://TENANT.wdN.myworkdayjobs.com/SITE)")
    segments = [s for s in parts.path.split("/") if s]
    if segments[:2] == ["wday", "cxs"]:
        segments = segments[3:]
    elif len(segments) > 1 and _LOCALE.match(segments[0]):
        segments = segments[1:]
    # A site is never called like a locale or a job path segment.
    if not segments or _LOCALE.match(segments[0]) or segments[0] in ("job", "details"):
        raise SpecError("the Workday URL has no site (…/en-US/SITE)")
    return match.group(1), int(match.group(2)), _site(segments[0])


def _tenant(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"missing 'tenant' ({_USAGE})")
    # The host is case-insensitive and the API path uses it lower-cased.
    tenant = value.strip().lower()
    if not _NAME.match(tenant):
        raise SpecError(f"tenant may only contain letters, digits, '-' and '_' (got {value!r})")
    return tenant


def _wd(value: object) -> int:
    if value is None:
        raise SpecError(f"missing 'wd' ({_USAGE})")
    text = str(value).strip().lower().removeprefix("wd")
    if isinstance(value, bool) or not isinstance(value, int | str) or not text.isdigit():
        raise SpecError(f"wd must be the number in wdN.myworkdayjobs.com (got {value!r})")
    return int(text)


def _site(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"missing 'site' ({_USAGE})")
    site = value.strip()
    if not _NAME.match(site):
        raise SpecError(f"site may only contain letters, digits, '-' and '_' (got {site!r})")
    return site


def _search(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SpecError(f"search must be a string (got {value!r})")
    return clean_or_none(value)


def _public_base(spec: BoardSpec, request: Request) -> str:
    # Links are built on the base the request used: the public host by
    # default, and a mirror's own address when the endpoint is overridden, so
    # that a test or mirror sees links it can serve.
    tenant, site = spec.options["tenant"], spec.options["site"]
    base, found, _ = request.url.partition(f"/wday/cxs/{tenant}/{site}/jobs")
    if found:
        return base
    return f"https://{tenant}.wd{spec.options['wd']}.myworkdayjobs.com"


def _next_request(request: Request, document: Mapping[str, Any], count: int) -> Request | None:
    # Tenants that clamp the offset serve page 0 again (the poller notices),
    # others serve nothing: an empty page ends the fetch either way.
    if count == 0:
        return None
    sent = request.json_body if isinstance(request.json_body, dict) else {}
    offset = _int(sent.get("offset")) or 0
    limit = _int(sent.get("limit")) or PAGE_SIZE
    total = _int(request.state.get("total"))
    if total is None:
        # Later pages say total 0 or nothing, so only the first one is trusted.
        total = _int(document.get("total"))
    if total is None:
        if count < limit:
            return None
    elif offset + limit >= total:
        return None
    state = dict(request.state)
    if total is not None:
        state["total"] = total
    return Request(
        url=request.url,
        method=request.method,
        json_body={**sent, "offset": offset + limit},
        headers=request.headers,
        expect=request.expect,
        page=request.page + 1,
        state=state,
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _posting(value: object, index: int, base: str, site: str) -> Posting:
    item: dict[str, Any] = posting_object(value, dict, f"workday posting #{index}")
    # List items have no other id; the path ends in the requisition number.
    path = posting_id(
        item.get("externalPath"), "workday posting", index, "externalPath", numbers=False
    )
    title = posting_title(item.get("title"), f"workday posting {path}")
    where = clean_text(item.get("locationsText"))
    locations = () if where is None or _LOCATION_COUNT.match(where) else (where,)
    return Posting(
        id=path,
        title=title,
        url=f"{base}/{site}{path if path.startswith('/') else '/' + path}",
        locations=locations,
        remote=_remote(clean_text(item.get("remoteType")), where),
        # postedOn is prose ("Posted 30+ Days Ago"): no date worth storing.
        posted_at=None,
    )


def _remote(remote_type: str | None, where: str | None) -> Remote:
    kind = (remote_type or "").lower()
    # "Hybrid (remote 2 days)" is hybrid: the narrower word wins.
    if "hybrid" in kind or "flexible" in kind:
        return Remote.HYBRID
    if "remote" in kind:
        return Remote.YES
    if any(word in kind for word in ("on-site", "onsite", "on site", "office")):
        return Remote.NO
    if where and _REMOTE_WORD.search(where):
        return Remote.YES
    return Remote.UNKNOWN


SOURCE = WorkdaySource()
