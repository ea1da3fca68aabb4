"""schema.org ``JobPosting`` blocks embedded in HTML as JSON-LD.

Careers pages built on WordPress plugins, Workday detail pages and many
hand-built sites publish their jobs for Google for Jobs this way, so it is the
cheapest structured signal a plain HTML fetch can give. Everything here is
lenient per block: one broken block never hides a valid one beside it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

from secondchance.core.models import Posting, Remote
from secondchance.core.pay import Pay, pay_of
from secondchance.core.text import clean, clean_or_none, normalise_title, parse_datetime
from secondchance.sources.interface import Malformed, Skipped
from secondchance.sources.toolkit import NO_TITLE, as_utf8, codec_of

_JOB_POSTING_TYPES = frozenset(
    {"jobposting", "http://schema.org/jobposting", "https://schema.org/jobposting"}
)
# CMSes wrap inline scripts for ancient browsers: `<!-- ... -->`, `//<![CDATA[ ... //]]>`,
# `/*<![CDATA[*/ ... /*]]>*/`; json.loads rejects all of them.
_LEADING_WRAPPER = re.compile(r"^\s*(?:<!--|(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?)")
_TRAILING_WRAPPER = re.compile(r"(?:-->|(?://|/\*)?\s*\]\]>(?:\s*\*/)?)\s*$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
# Real pages nest @graph and arrays a few levels at most; this bounds hostile input.
_MAX_DEPTH = 20
# What generators write in an address part they have no value for (iCIMS:
# "addressRegion": "UNAVAILABLE"): no place, not a place called that.
_PLACEHOLDERS = frozenset(
    {
        "unavailable",
        "not available",
        "n/a",
        "n.a.",
        "null",
        "none",
        "undefined",
        "unknown",
        "tbd",
        "tba",
        "-",
        "--",
        "\u2013",
        "\u2014",
        "?",
    }
)


def decode_html(body: bytes | str) -> str:
    """Bytes to text: by the byte order mark, else UTF-8 (which a charset from the
    Content-Type has made of the body already, fetch/board.py), then the page's
    ``<meta charset>``, then windows-1252.

    Lexbor assumes UTF-8 for bytes, which turns a Latin-1 "Zürich" into
    replacement characters; decoding here keeps titles intact.
    """
    if isinstance(body, str):
        return body
    body = as_utf8(body, None)  # only a byte order mark does anything here
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(body[:4096])
    codec = codec_of(match.group(1).decode("ascii", errors="replace")) if match else None
    return body.decode(codec or "cp1252", errors="replace")


def fallback_id(title: str, location: str) -> str:
    """Identity for a posting that has no id and no per-job URL of its own.

    Normalised so that whitespace or case edits on the page do not turn one
    job into a close and a new one.
    """
    key = f"{normalise_title(title)}\n{normalise_title(location)}"
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def extract_postings(html_text: bytes | str, base_url: str) -> list[Posting]:
    """Every schema.org JobPosting on the page, first occurrence of each id wins."""
    return read_postings(html_text, base_url)[0]


def read_postings(html_text: bytes | str, base_url: str) -> tuple[list[Posting], list[Skipped]]:
    """``extract_postings``, and the JobPostings it could not read (no title)."""
    from selectolax.lexbor import LexborHTMLParser  # only watchlists with HTML boards need it

    tree = LexborHTMLParser(decode_html(html_text))
    postings: list[Posting] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    index = -1  # of the JobPosting on the page, for what is said of one skipped
    for script in tree.css("script[type]"):
        if not _is_ld_json(script.attributes.get("type")):
            continue
        data = _load_block(script.text(deep=True))
        if data is None:
            continue
        for obj in _job_postings(data, 0):
            index += 1
            try:
                posting = _to_posting(obj, base_url, index)
            except Malformed as exc:
                skipped.append(Skipped(exc.reason, str(exc)))
                continue
            if posting.id not in seen:
                seen.add(posting.id)
                postings.append(posting)
    return postings, skipped


def _is_ld_json(type_attr: str | None) -> bool:
    if not type_attr:
        return False
    return type_attr.split(";", 1)[0].strip().lower() == "application/ld+json"


def _load_block(text: str) -> Any:
    candidate = text.strip()
    # Wrappers can stack (`<!-- //<![CDATA[ ... //]]> -->`), so peel until stable.
    while True:
        peeled = _TRAILING_WRAPPER.sub("", _LEADING_WRAPPER.sub("", candidate)).strip()
        if peeled == candidate:
            break
        candidate = peeled
    try:
        # strict=False: raw newlines inside description strings are common in the wild.
        return json.loads(candidate, strict=False)
    except ValueError:
        return None


def _job_postings(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for element in value:
            yield from _job_postings(element, depth + 1)
    elif isinstance(value, dict):
        if "@graph" in value:
            yield from _job_postings(value["@graph"], depth + 1)
        if _is_job_posting(value.get("@type")):
            yield value


def _is_job_posting(type_value: Any) -> bool:
    types = type_value if isinstance(type_value, list) else [type_value]
    return any(isinstance(t, str) and t.strip().lower() in _JOB_POSTING_TYPES for t in types)


def _to_posting(obj: dict[str, Any], base_url: str, index: int) -> Posting:
    raw_title = obj.get("title") or obj.get("name")
    # Some generators entity-escape the JSON strings as if they were HTML.
    title = (
        clean(html.unescape(raw_title) if "&" in raw_title else raw_title)
        if isinstance(raw_title, str)
        else ""
    )
    if not title:
        raise Malformed(NO_TITLE, f"JobPosting #{index}: missing or invalid 'title'")
    raw_url = clean(obj.get("url")) if isinstance(obj.get("url"), str) else ""
    link = urljoin(base_url, raw_url) if raw_url else None
    locations = _locations(obj.get("jobLocation"))
    posting_id = _identifier(obj.get("identifier"))
    if posting_id is None:
        posting_id = urldefrag(link).url if link else fallback_id(title, ", ".join(locations))
    return Posting(
        id=posting_id,
        title=title,
        url=link or base_url,
        locations=locations,
        remote=_remote(obj.get("jobLocationType")),
        employment_type=_joined(obj.get("employmentType")),
        posted_at=parse_datetime(obj.get("datePosted")),
        pay=base_salary(obj.get("baseSalary"), obj.get("salaryCurrency")),
    )


def base_salary(value: Any, currency: Any = None) -> Pay | None:
    """schema.org ``baseSalary``: a MonetaryAmount {"currency", "value": a
    QuantitativeValue {"minValue", "maxValue" or "value", "unitText": "YEAR"}} (or a
    plain number); ``currency`` is the JobPosting's ``salaryCurrency``, for a
    baseSalary that names none."""
    if isinstance(value, list):  # one amount is all a posting shows
        value = next((v for v in value if isinstance(v, dict)), None)
    if not isinstance(value, dict):
        return pay_of(value, None, currency) if isinstance(value, int | float | str) else None
    currency = value.get("currency") or currency
    amount = value.get("value")
    if isinstance(amount, dict):
        low, high = amount.get("minValue"), amount.get("maxValue")
        if low is None and high is None:
            low = amount.get("value")
        return pay_of(low, high, currency, amount.get("unitText"))
    return pay_of(amount, None, currency, value.get("unitText"))


def _identifier(value: Any) -> str | None:
    if isinstance(value, list):
        for element in value:
            found = _identifier(element)
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        # PropertyValue.name is the label of the id (Workday puts the job title
        # there), never the id itself.
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return clean_or_none(value)


def _locations(value: Any) -> tuple[str, ...]:
    places = value if isinstance(value, list) else [value]
    found: list[str] = []
    for place in places:
        text = _place_text(place)
        if text and text not in found:
            found.append(text)
    return tuple(found)


def _place_text(place: Any) -> str:
    if isinstance(place, str):
        return _part(place)
    if not isinstance(place, dict):
        return ""
    address = place.get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        text = _part(address)
        if text:
            return text
    if isinstance(address, dict):
        parts = [
            _scalar_or_name(address.get(key))
            for key in ("addressLocality", "addressRegion", "addressCountry")
        ]
        joined = ", ".join(part for part in parts if part)
        if joined:
            return joined
    return _scalar_or_name(place.get("name"))


def _scalar_or_name(value: Any) -> str:
    # addressCountry may be a Country object rather than a code or a name.
    if isinstance(value, dict):
        value = value.get("name")
    return _part(value) if isinstance(value, str) else ""


def _part(value: str) -> str:
    """A part of a place, cleaned; "" for a placeholder."""
    text = clean(value)
    return "" if text.casefold() in _PLACEHOLDERS else text


def _remote(value: Any) -> Remote:
    kinds = value if isinstance(value, list) else [value]
    if any(isinstance(k, str) and k.strip().upper() == "TELECOMMUTE" for k in kinds):
        return Remote.YES
    return Remote.UNKNOWN


def _joined(value: Any) -> str | None:
    values = value if isinstance(value, list) else [value]
    return clean_or_none(", ".join(clean(v) for v in values if isinstance(v, str) and clean(v)))
