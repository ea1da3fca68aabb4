"""A body is read in the charset it declares: the Content-Type's, else (HTML) its
``<meta charset>``, a byte order mark before either; through the real fetch loop."""

from __future__ import annotations

import codecs
import json

import pytest
import respx

from secondchance.core.board import BoardResult
from secondchance.core.models import SourceRef
from secondchance.fetch.board import fetch_board
from secondchance.fetch.body import charset_of
from secondchance.fetch.client import Fetcher
from secondchance.sources import SOURCES
from secondchance.sources.toolkit import as_utf8, codec_of

GREENHOUSE = "http://boards.test/v1/boards/acme/jobs?content=true&pay_transparency=true"
PAGE = "http://careers.test/jobs"
CAREERS = {"url": PAGE, "item": "li", "title": "a", "location": "span"}


def board(title: str, location: str) -> str:
    return json.dumps(
        {"jobs": [{"id": 1, "title": title, "location": {"name": location}}]}, ensure_ascii=False
    )


async def fetch(kind: str, value: object, url: str, body: bytes, content_type: str) -> BoardResult:
    source = SOURCES[kind]
    spec = source.parse_spec(value, {})
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        with respx.mock(assert_all_mocked=True) as router:
            router.get(url).respond(200, content=body, headers={"Content-Type": content_type})
            ref = SourceRef("Acme", kind, spec.key)
            return await fetch_board(fetcher, spec, {"greenhouse": "http://boards.test"}, ref)
    finally:
        await fetcher.aclose()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # Refused before: JSON is UTF-8, msgspec said; the header said otherwise.
        (board("Ingenieur", "Zürich").encode("latin-1"), "application/json; charset=iso-8859-1"),
        (board("Ingenieur", "Zürich").encode("latin-1"), "application/json;charset=ISO_8859-1"),
        (board("Ingenieur", "Zürich").encode("cp1252"), 'application/json; charset="windows-1252"'),
        (board("Ingenieur", "Zürich").encode("utf-16"), "application/json; charset=utf-16"),
        # A byte order mark says it whatever the header says.
        (codecs.BOM_UTF8 + board("Ingenieur", "Zürich").encode(), "application/json"),
        (codecs.BOM_UTF16_LE + board("Ingenieur", "Zürich").encode("utf-16-le"), "text/plain"),
        # A server labelling everything ISO-8859-1 by default: the bytes are UTF-8.
        (board("Ingenieur", "Zürich").encode(), "application/json; charset=iso-8859-1"),
        (board("Ingenieur", "Zürich").encode(), "application/json; charset=klingon"),
    ],
)
async def test_json_is_read_in_its_declared_charset(body: bytes, content_type: str) -> None:
    result = await fetch("greenhouse", "acme", GREENHOUSE, body, content_type)
    assert result.error is None
    [posting] = result.postings
    assert (posting.title, posting.locations) == ("Ingenieur", ("Zürich",))


async def test_iso_8859_1_is_read_as_browsers_do() -> None:
    # Pages labelled ISO-8859-1 use windows-1252's dashes and quotes.
    body = board("Engineer – “Core”", "Köln").encode("cp1252")
    result = await fetch("greenhouse", "acme", GREENHOUSE, body, "text/json; charset=latin1")
    assert [p.title for p in result.postings] == ["Engineer – “Core”"]


def page(meta: str = "") -> str:
    return (
        f"<html><head>{meta}</head><body><ul>"
        '<li><a href="/jobs/1">Inżynier</a><span>Łódź</span></li>'
        '<li><a href="/jobs/2">Конструктор</a><span>Київ</span></li>'
        "</ul></body></html>"
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (page().encode("utf-8"), "text/html"),
        (page().encode("utf-8"), "text/html; charset=iso-8859-1"),  # the common lie
        (page('<meta charset="utf-8">').encode("utf-8"), "text/html"),
        (codecs.BOM_UTF8 + page().encode("utf-8"), "text/html; charset=windows-1250"),
        (page().encode("utf-16"), "text/html; charset=utf-16"),
    ],
)
async def test_html_in_unicode_keeps_its_words(body: bytes, content_type: str) -> None:
    result = await fetch("careers", CAREERS, PAGE, body, content_type)
    assert result.error is None
    assert [(p.title, p.locations) for p in result.postings] == [
        ("Inżynier", ("Łódź",)),
        ("Конструктор", ("Київ",)),
    ]


def latin2_page(meta: str = "") -> bytes:
    return (
        f"<html><head>{meta}</head><body><ul>"
        '<li><a href="/jobs/1">Inżynier</a><span>Łódź</span></li>'
        "</ul></body></html>"
    ).encode("iso-8859-2")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (latin2_page(), "text/html; charset=iso-8859-2"),
        (latin2_page('<meta charset="iso-8859-2">'), "text/html"),
        (latin2_page('<meta http-equiv="Content-Type" content="text/html; charset=latin2">'), ""),
        # The header first, as browsers read a page.
        (latin2_page('<meta charset="windows-1251">'), "text/html; charset=ISO-8859-2"),
    ],
)
async def test_html_is_read_in_the_charset_it_declares(body: bytes, content_type: str) -> None:
    result = await fetch("careers", CAREERS, PAGE, body, content_type)
    assert [(p.title, p.locations) for p in result.postings] == [("Inżynier", ("Łódź",))]


def test_the_charset_of_a_content_type() -> None:
    assert charset_of("text/html; charset=ISO-8859-1") == "ISO-8859-1"
    assert charset_of('application/json;charset="utf-8"; q=1') == "utf-8"
    assert charset_of("application/json") is None
    assert charset_of(None) is None


def test_labels_are_read_as_browsers_read_them() -> None:
    assert [codec_of(label) for label in ("ISO-8859-1", "latin1", "us-ascii", "utf8")] == [
        "cp1252",
        "cp1252",
        "cp1252",
        "utf-8",
    ]
    assert codec_of("x-unknown") is None and codec_of(None) is None
    # A codec that is not a text encoding leaves the bytes alone.
    assert as_utf8(b"caf\xe9", "base64") == b"caf\xe9"
