"""Lever: real captures, paging and regions (the contract every kind keeps is in
test_contract.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from secondchance.core.models import Posting, Remote
from secondchance.sources import lever
from secondchance.sources.interface import BoardSpec, Page, ParseError, Request, Source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lever"
SOURCE: Source = lever.SOURCE
US = SOURCE.parse_spec("acme", {})
EU = SOURCE.parse_spec({"site": "acme", "region": "eu"}, {})


def parse(raw: bytes, spec: BoardSpec = US, request: Request | None = None) -> Page:
    return SOURCE.parse(spec, request or SOURCE.first_request(spec, SOURCE.endpoints), raw)


def by_id(name: str) -> dict[str, Posting]:
    return {posting.id: posting for posting in parse((FIXTURES / name).read_bytes()).postings}


def synthetic(count: int, start: int = 0) -> bytes:
    items: list[dict[str, Any]] = [
        {"id": f"id-{n}", "text": f"Job {n}", "categories": {"location": "Berlin"}}
        for n in range(start, start + count)
    ]
    return json.dumps(items).encode()


def query(request: Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def test_spotify_capture() -> None:
    jobs = by_id("spotify-postings-4.json")
    assert len(jobs) == 4
    android = jobs["b4ad9572-e20f-4185-a284-99d9740d04f0"]
    assert android.title == "Android Engineer I - Subscriptions"
    assert android.url == "https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0"
    assert android.locations == ("London", "Stockholm")
    assert android.remote is Remote.YES
    assert android.department == "Engineering"
    assert android.employment_type == "Permanent"
    # createdAt 1782821535482 is epoch milliseconds.
    assert android.posted_at == datetime(2026, 6, 30, 12, 12, 15, 482000, tzinfo=UTC)
    assert android.updated_at is None
    analyst = jobs["cc5ccf57-b851-4c25-8840-ed4cd0535c12"]
    assert analyst.title == "Analyst, Licensing Finance – FP&A"
    assert analyst.remote is Remote.NO  # "onsite", not the documented "on-site"
    assert analyst.locations == ("New York, NY",)
    assert jobs["08d82da1-0c72-44d1-91eb-7fa22dee3d39"].remote is Remote.HYBRID
    assert jobs["08d82da1-0c72-44d1-91eb-7fa22dee3d39"].locations == ("Stockholm", "London")


def test_palantir_capture_without_department() -> None:
    page = parse((FIXTURES / "palantir-postings-mode-json-trimmed.json").read_bytes())
    assert page.next is None
    first, second = page.postings
    assert first.id == "ac978161-6f46-4f6b-ad9e-a258e642751c"
    assert first.title == "Administrative Business Partner"
    assert first.department == "Administrative"  # the team stands in for it
    assert first.locations == ("London, United Kingdom",)
    assert first.employment_type == "Full-time"
    assert first.remote is Remote.HYBRID
    assert first.posted_at == datetime(2024, 3, 25, 21, 50, 16, 463000, tzinfo=UTC)
    assert second.locations == ("Palo Alto, CA",)
    assert second.url == "https://jobs.lever.co/palantir/0bbfd4f4-41ff-4ec6-b73f-5200efd5d4d3"


def test_posting_fields_are_read_defensively() -> None:
    raw = json.dumps(
        [
            {
                "id": "a",
                "text": " Staff  Engineer ",
                "categories": {
                    "location": "Ignored",
                    "allLocations": [" Berlin ", "Berlin", None, "", "Paris"],
                    "department": "  ",
                    "team": "Platform",
                },
                "workplaceType": "On-Site",
                "updatedAt": 1700000000000,
            },
            {"id": "b", "text": "Ops", "categories": None, "workplaceType": "unspecified"},
            {"id": "c", "text": "QA", "categories": {"location": "Remote", "allLocations": []}},
        ]
    ).encode()
    a, b, c = parse(raw).postings
    assert a.title == "Staff Engineer"
    assert a.locations == ("Berlin", "Paris")
    assert a.department == "Platform"
    assert a.remote is Remote.NO
    assert a.updated_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert (b.locations, b.remote, b.department, b.url) == ((), Remote.UNKNOWN, None, None)
    assert c.locations == ("Remote",)
    assert c.remote is Remote.UNKNOWN  # only workplaceType decides


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"null", "lever response: expected list, got NoneType"),
        (b"1.5", "lever response: expected list, got float"),
        (b'{"ok": false, "error": null}', "lever answered an error: "),
        (b'[{"id": "a", "text": "A", "createdAt": 1e999}]', "lever response: Number out of"),
    ],
)
def test_drift_fails_with_a_message_that_says_where(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(message)}"):
        parse(raw)


# A posting that cannot be read is skipped, saying which and why; the page still reads.
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'[{"id": "a", "text": "A"}, [1]]', "lever posting #1: expected dict, got list"),
        (b'[{"id": "a", "text": "A"}, "b"]', "lever posting #1: expected dict, got str"),
        (b'[{"id": null, "text": "A"}]', "lever posting #0: missing or invalid 'id'"),
        (b'[{"id": "  ", "text": "A"}]', "lever posting #0: missing or invalid 'id'"),
        (b'[{"id": ["a"], "text": "A"}]', "lever posting #0: missing or invalid 'id'"),
        (b'[{"id": "a", "text": null}]', "lever posting a: missing or invalid 'text'"),
        (b'[{"id": "a", "text": {"en": "A"}}]', "lever posting a: missing or invalid 'text'"),
    ],
)
def test_a_posting_that_cannot_be_read_is_skipped_saying_where(raw: bytes, message: str) -> None:
    page = parse(raw)
    assert [skipped.detail for skipped in page.skipped] == [message]


def test_fields_sent_as_null_or_in_other_shapes_are_read_as_absent() -> None:
    names = ["categories", "hostedUrl", "workplaceType", "createdAt", "updatedAt"]
    categories = ["location", "allLocations", "department", "team", "commitment"]
    raw = json.dumps(
        [
            {"id": "a", "text": "A", **dict.fromkeys(names)},
            {"id": "b", "text": "B", "categories": dict.fromkeys(categories)},
            {"id": "c", "text": "C", "categories": ["Berlin"], "hostedUrl": ["x"]},
            {
                "id": "d",
                "text": "D",
                "categories": {"location": "Paris", "allLocations": "Berlin", "team": 5},
                "workplaceType": {"type": "remote"},
                "createdAt": "yesterday",
                # Skipped fields may hold anything.
                "lists": {"text": None},
                "description": 5,
            },
        ]
    ).encode()
    a, b, c, d = parse(raw).postings
    assert (a, b, c) == (
        Posting(id="a", title="A"),
        Posting(id="b", title="B"),
        Posting(id="c", title="C"),
    )
    assert d == Posting(id="d", title="D", locations=("Paris",))


def test_full_page_asks_for_the_next_one() -> None:
    page = parse(synthetic(100))
    assert len(page.postings) == 100
    assert page.next is not None
    assert page.next.page == 1
    assert page.next.url.startswith("https://api.lever.co/v0/postings/acme?")
    assert query(page.next) == {"mode": ["json"], "skip": ["100"], "limit": ["100"]}


def test_short_page_is_the_last() -> None:
    assert parse(synthetic(37)).next is None


def test_second_page_keeps_the_eu_host() -> None:
    first = SOURCE.first_request(EU, SOURCE.endpoints)
    second = parse(synthetic(100), EU, first).next
    assert second is not None
    third = parse(synthetic(100, start=100), EU, second).next
    assert third is not None
    assert urlsplit(third.url).netloc == "api.eu.lever.co"
    assert urlsplit(third.url).path == "/v0/postings/acme"
    assert query(third) == {"mode": ["json"], "skip": ["200"], "limit": ["100"]}
    assert (second.page, third.page) == (1, 2)
    assert parse(synthetic(3, start=200), EU, third).next is None


def test_url_without_limit_is_a_single_page() -> None:
    request = Request(url="https://api.lever.co/v0/postings/acme?mode=json")
    assert parse(synthetic(100), US, request).next is None


def test_eu_first_request() -> None:
    # The US board's first request is in test_contract.py.
    eu = SOURCE.first_request(EU, SOURCE.endpoints)
    assert eu.url == "https://api.eu.lever.co/v0/postings/acme?mode=json&skip=0&limit=100"
    assert eu.page == 0


def test_endpoint_override() -> None:
    endpoints = {"lever": "http://127.0.0.1:8080/", "lever_eu": "http://127.0.0.1:9090/eu/"}
    us = SOURCE.first_request(US, endpoints)
    assert us.url == "http://127.0.0.1:8080/v0/postings/acme?mode=json&skip=0&limit=100"
    eu = SOURCE.first_request(EU, endpoints)
    assert eu.url == "http://127.0.0.1:9090/eu/v0/postings/acme?mode=json&skip=0&limit=100"
    following = parse(synthetic(100), EU, eu).next
    assert following is not None
    assert following.url.startswith("http://127.0.0.1:9090/eu/v0/postings/acme?")


def test_a_server_that_ignores_the_limit_gives_the_whole_board_at_once() -> None:
    request = SOURCE.first_request(
        BoardSpec(kind="lever", key="acme", options={"site": "acme", "region": "us"}),
        SOURCE.endpoints,
    )
    body = json.dumps([{"id": f"p{i}", "text": f"Role {i}"} for i in range(150)]).encode()
    page = SOURCE.parse(BoardSpec(kind="lever", key="acme"), request, body)
    assert len(page.postings) == 150
    assert page.next is None
