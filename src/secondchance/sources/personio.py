"""Personio: one public XML feed (``<workzag-jobs>``) per company host.

``GET https://{company}.jobs.personio.de/xml?language=en`` lists every open
position at once. The feed carries no job URL, so one is built from the
company host as ``/job/{id}``, which is where Personio serves the job page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLParseError

# No stubs ship for defusedxml; fromstring returns a stdlib Element.
import defusedxml.ElementTree as safe_xml  # type: ignore[import-untyped]

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.pay import Pay, pay_of
from secondchance.core.text import clean, clean_or_none, parse_datetime
from secondchance.sources.interface import Malformed, Page, ParseError, Request, endpoint
from secondchance.sources.toolkit import (
    NO_ID,
    NO_TITLE,
    SlugSource,
    each_posting,
    looks_like_challenge,
    unique,
)

_HOST = re.compile(r"^([A-Za-z0-9_-]+)\.jobs\.personio\.(?:de|com)$")
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_REMOTE_WORD = re.compile(r"\bremote\b", re.IGNORECASE)
_FEED_PATH = "/xml"
# What defusedxml raises for DTD tricks (all are DefusedXmlException).
_UNSAFE = (safe_xml.DTDForbidden, safe_xml.EntitiesForbidden, safe_xml.ExternalReferenceForbidden)


class PersonioSource(SlugSource):
    kind = "personio"
    endpoints = MappingProxyType({"personio": "https://{company}.jobs.personio.de"})
    slug_example = "acme for acme.jobs.personio.de"
    slug_domain = "jobs.personio"
    # 2: pay (salaryInformation).
    reader = 2
    pays = True

    def detect(self, url: str) -> object | None:
        match = _HOST.match(urlsplit(url.strip()).netloc.lower())
        return match.group(1) if match else None

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        base = endpoint(endpoints, "personio", company=spec.key)
        return Request(url=f"{base}{_FEED_PATH}?language=en", expect="xml")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        root = _load_xml(body)
        # XHTML parses as XML; it is still a web page, not the feed.
        if root.tag.rsplit("}", 1)[-1].lower() == "html":
            raise ParseError("got HTML where XML was expected")
        if root.tag != "workzag-jobs":
            raise ParseError(f"personio feed: expected <workzag-jobs>, got <{root.tag}>")
        base = _job_base(request.url)
        positions = root.findall("position")
        postings, skipped = each_posting(positions, functools.partial(_posting, base=base))
        return Page(postings=postings, skipped=skipped)


def _load_xml(body: bytes) -> Element:
    if not body.strip():
        raise ParseError("empty response body")
    if looks_like_challenge(body):
        raise ParseError("got a bot-protection challenge page instead of XML")
    # An HTML error or login page may even parse as XML; say what it really is.
    if _HTML_START.match(body[:1024]):
        raise ParseError("got HTML where XML was expected")
    try:
        # Entity declarations are refused outright, so no expansion bomb can run.
        root: Element = safe_xml.fromstring(body)
    except _UNSAFE as exc:
        raise ParseError(f"unsafe XML refused ({type(exc).__name__})") from exc
    except XMLParseError as exc:
        raise ParseError(f"malformed XML: {exc}") from exc
    return root


def _job_base(feed_url: str) -> str:
    """The company host the feed came from: job pages live beside the feed,
    so a mirror or test template yields job URLs on the same base."""
    parts = urlsplit(feed_url)
    path = parts.path.rstrip("/").removesuffix(_FEED_PATH).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _child_text(parent: Element, tag: str) -> str | None:
    child = parent.find(tag)
    return clean_or_none(child.text) if child is not None else None


def _posting(position: Element, index: int, base: str) -> Posting:
    raw_id = _child_text(position, "id")
    if raw_id is None:
        raise Malformed(NO_ID, f"personio position #{index}: missing <id>")
    title = _child_text(position, "name")
    if title is None:
        raise Malformed(NO_TITLE, f"personio position {raw_id}: missing <name> (title)")
    offices = [position.find("office"), *position.findall("additionalOffices/office")]
    locations = unique(clean(o.text) for o in offices if o is not None)
    keywords = _child_text(position, "keywords") or ""
    remote = any(_REMOTE_WORD.search(text) for text in (*locations, keywords))
    return Posting(
        id=raw_id,
        title=title,
        url=f"{base}/job/{raw_id}",
        locations=locations,
        remote=Remote.YES if remote else Remote.UNKNOWN,
        department=_child_text(position, "department"),
        employment_type=_employment(position),
        posted_at=parse_datetime(_child_text(position, "createdAt")),
        pay=_pay(position.find("salaryInformation")),
    )


def _pay(salary: Element | None) -> Pay | None:
    """``<salaryInformation>``: <min>, <max> (often empty), <currencyCode>, <type>
    ("yearly"); the currency symbol is left aside for the code."""
    if salary is None:
        return None
    return pay_of(
        _child_text(salary, "min"),
        _child_text(salary, "max"),
        _child_text(salary, "currencyCode"),
        _child_text(salary, "type"),
    )


def _employment(position: Element) -> str | None:
    # The contract kind (permanent, intern) and the hours (full-time) are
    # separate fields; a reader wants both.
    parts = [_child_text(position, "employmentType"), _child_text(position, "schedule")]
    return ", ".join(part for part in parts if part) or None


SOURCE = PersonioSource()
