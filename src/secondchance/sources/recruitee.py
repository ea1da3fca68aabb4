"""Recruitee public careers API: one JSON document per company subdomain.

``GET https://{company}.recruitee.com/api/offers/`` lists every published
offer at once. The company is in the host, so the endpoint is a template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.pay import Pay, pay_of
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

_COMPANY = re.compile(r"^[A-Za-z0-9._-]+$")
# Subdomains of recruitee.com that are Recruitee's own, not a company.
_RESERVED_HOSTS = {"www", "app", "api", "blog", "support", "help", "careers", "status"}
# Codes are snake_case ("fulltime_permanent"); these words need more than a space.
_EMPLOYMENT_WORDS = {"fulltime": "full-time", "parttime": "part-time"}


class RecruiteeSource(SlugSource):
    kind = "recruitee"
    endpoints = MappingProxyType({"recruitee": "https://{company}.recruitee.com"})
    slug_example = "acme for acme.recruitee.com"
    slug_domain = "recruitee.com"
    slug_noun = "Recruitee company subdomain"
    slug_article = "a"
    # 2: pay (salary).
    reader = 2
    pays = True

    def detect(self, url: str) -> object | None:
        host = urlsplit(url.strip()).netloc.lower()
        company = host.removesuffix(".recruitee.com")
        if company == host or "." in company or company in _RESERVED_HOSTS:
            return None
        return company if _COMPANY.match(company) else None

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "recruitee", company=spec.key)
        return Request(url=f"{base}/api/offers/", expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "recruitee response")
        offers = expect_type(document.get("offers"), list, "recruitee 'offers'")
        postings, skipped = each_posting(offers, _posting)
        return Page(postings=postings, skipped=skipped)


def _posting(item: object, index: int) -> Posting:
    offer: dict[str, Any] = posting_object(item, dict, f"recruitee offer #{index}")
    job_id = posting_id(offer.get("id"), "recruitee offer", index)
    return Posting(
        id=job_id,
        title=posting_title(offer.get("title"), f"recruitee offer {job_id}"),
        url=clean_text(offer.get("careers_url")) or clean_text(offer.get("careers_apply_url")),
        locations=_locations(offer),
        remote=_remote(offer),
        department=clean_text(offer.get("department")),
        employment_type=_employment_type(offer.get("employment_type_code")),
        posted_at=parse_datetime(offer.get("published_at"))
        or parse_datetime(offer.get("created_at")),
        updated_at=parse_datetime(offer.get("updated_at")),
        pay=_pay(offer.get("salary")),
    )


def _pay(salary: object) -> Pay | None:
    """``salary``: {"min": "75.00", "max": "95.00", "currency": "USD", "period": "year"},
    the amounts as text, every member null when the offer shows no pay."""
    if not isinstance(salary, dict):
        return None
    return pay_of(
        salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("period")
    )


def _place(entry: Mapping[str, Any], *region_keys: str) -> str | None:
    region = next((clean_text(entry.get(k)) for k in region_keys if clean_text(entry.get(k))), None)
    # _unique drops the state when it repeats the city ("Dubai, Dubai").
    parts = unique([clean_text(entry.get("city")), region, clean_text(entry.get("country"))])
    return ", ".join(parts) or None


def _locations(offer: Mapping[str, Any]) -> tuple[str, ...]:
    entries = offer.get("locations")
    if isinstance(entries, list) and entries:
        places = unique(
            _place(entry, "state", "region") for entry in entries if isinstance(entry, dict)
        )
        if places:
            return places
    # The flat fields describe the same place; the free-text "location" is
    # last because remote offers put "Remote job" there instead of a place.
    return unique([_place(offer, "state_name", "state"), clean_text(offer.get("location"))])[:1]


def _remote(offer: Mapping[str, Any]) -> Remote:
    # An offer may tick several arrangements; the most flexible is what a
    # candidate can get.
    if offer.get("remote") is True:
        return Remote.YES
    if offer.get("hybrid") is True:
        return Remote.HYBRID
    if offer.get("on_site") is True:
        return Remote.NO
    return Remote.UNKNOWN


def _employment_type(value: object) -> str | None:
    code = clean_text(value)
    if code is None:
        return None
    words = [_EMPLOYMENT_WORDS.get(word, word) for word in code.lower().split("_") if word]
    return " ".join(words).capitalize() or None


SOURCE = RecruiteeSource()
