"""Recruitee public careers API: one JSON document per company subdomain.

``GET https://{company}.recruitee.com/api/offers/`` lists every published
offer at once. The company is in the host, so the endpoint is a template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.text import clean, clean_or_none, parse_datetime
from secondchance.sources.interface import Page, ParseError, Request, endpoint
from secondchance.sources.toolkit import board_slug, expect_type, load_json

_COMPANY = re.compile(r"^[A-Za-z0-9._-]+$")
# Subdomains of recruitee.com that are Recruitee's own, not a company.
_RESERVED_HOSTS = {"www", "app", "api", "blog", "support", "help", "careers", "status"}
# Codes are snake_case ("fulltime_permanent"); these words need more than a space.
_EMPLOYMENT_WORDS = {"fulltime": "full-time", "parttime": "part-time"}


class RecruiteeSource:
    def __init__(self) -> None:
        self.kind = "recruitee"
        self.endpoints: Mapping[str, str] = {"recruitee": "https://{company}.recruitee.com"}
        self.companion_keys: tuple[str, ...] = ()
        self.max_pages = 1

    def detect(self, url: str) -> object | None:
        host = urlsplit(url.strip()).netloc.lower()
        company = host.removesuffix(".recruitee.com")
        if company == host or "." in company or company in _RESERVED_HOSTS:
            return None
        return company if _COMPANY.match(company) else None

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        company = board_slug(
            value,
            example="acme for acme.recruitee.com",
            domain="recruitee.com",
            detect=self.detect,
            noun="Recruitee company subdomain",
            article="a",
        )
        return BoardSpec(kind=self.kind, key=company)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "recruitee", company=spec.key)
        return Request(url=f"{base}/api/offers/", expect="json")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        document = expect_type(load_json(body), dict, "recruitee response")
        offers = expect_type(document.get("offers"), list, "recruitee 'offers'")
        return Page(postings=[_posting(offer, index) for index, offer in enumerate(offers)])


def _posting(offer: Any, index: int) -> Posting:
    offer = expect_type(offer, dict, f"recruitee offer #{index}")
    raw_id = offer.get("id")
    # bool is an int subclass; a true/false id is drift, not an identity.
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id).strip():
        raise ParseError(f"recruitee offer #{index}: missing or invalid 'id'")
    title = offer.get("title")
    if not isinstance(title, str):
        raise ParseError(f"recruitee offer {raw_id}: missing or invalid 'title'")
    return Posting(
        id=str(raw_id).strip(),
        title=clean(title),
        url=_text(offer.get("careers_url")) or _text(offer.get("careers_apply_url")),
        locations=_locations(offer),
        remote=_remote(offer),
        department=_text(offer.get("department")),
        employment_type=_employment_type(offer.get("employment_type_code")),
        posted_at=parse_datetime(offer.get("published_at"))
        or parse_datetime(offer.get("created_at")),
        updated_at=parse_datetime(offer.get("updated_at")),
    )


def _text(value: object) -> str | None:
    return clean_or_none(value) if isinstance(value, str) else None


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _place(entry: Mapping[str, Any], *region_keys: str) -> str | None:
    region = next((_text(entry.get(k)) for k in region_keys if _text(entry.get(k))), None)
    # _unique drops the state when it repeats the city ("Dubai, Dubai").
    parts = _unique([_text(entry.get("city")), region, _text(entry.get("country"))])
    return ", ".join(parts) or None


def _locations(offer: Mapping[str, Any]) -> tuple[str, ...]:
    entries = offer.get("locations")
    if isinstance(entries, list) and entries:
        places = _unique(
            _place(entry, "state", "region") for entry in entries if isinstance(entry, dict)
        )
        if places:
            return places
    # The flat fields describe the same place; the free-text "location" is
    # last because remote offers put "Remote job" there instead of a place.
    return _unique([_place(offer, "state_name", "state"), _text(offer.get("location"))])[:1]


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
    code = _text(value)
    if code is None:
        return None
    words = [_EMPLOYMENT_WORDS.get(word, word) for word in code.lower().split("_") if word]
    return " ".join(words).capitalize() or None


SOURCE = RecruiteeSource()
