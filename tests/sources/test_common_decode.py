"""decode_json, and the fast paths the big JSON parsers take around text.py."""

from __future__ import annotations

import random
import re
from typing import Any

import msgspec
import pytest

from secondchance.core import text
from secondchance.sources.interface import ParseError
from secondchance.sources.toolkit import (
    NotObject,
    clean_text,
    decode_json,
    expect_object,
    load_json,
)


class _Item(msgspec.Struct):
    name: Any = None
    # Strictly typed, to see msgspec's own refusal come through.
    size: int = 0


class _Doc(msgspec.Struct):
    items: list[_Item | NotObject] = msgspec.field(default_factory=list)


DECODER = msgspec.json.Decoder(_Doc | NotObject)


def decode(raw: bytes) -> Any:
    return decode_json(raw, DECODER, "things response")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b" \n\t",
        b"<!DOCTYPE html><html><body>Not found</body></html>",
        b"  <html><head><title>Just a moment...</title></head></html>",
    ],
)
def test_non_json_bodies_fail_as_load_json_fails_them(raw: bytes) -> None:
    with pytest.raises(ParseError) as expected:
        load_json(raw)
    with pytest.raises(ParseError, match=f"^{re.escape(str(expected.value))}$"):
        decode(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"items": [{"name": "a"', "malformed JSON: Input data was truncated"),
        (b'{"items": []} x', "malformed JSON: trailing characters (byte "),
        (b'{"items": [NaN]}', "malformed JSON: invalid character (byte "),
        (b'{"items": [{"name": "a\\qb"}]}', "malformed JSON: invalid escape character"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON: maximum recursion depth exceeded"),
    ],
)
def test_malformed_json(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(message)}"):
        decode(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b'{"items": [{"name": "a"}, {"size": "big"}]}',
            "things response: Expected `int`, got `str` - at `$.items[1].size`",
        ),
        (
            b'{"items": [{"name": 1e400}]}',
            "things response: Number out of range - at `$.items[0].name`",
        ),
    ],
)
def test_a_value_msgspec_refuses_is_named_with_its_path(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(message)}$"):
        decode(raw)


def test_invalid_utf8_fails_where_it_is_read_and_goes_unread_elsewhere() -> None:
    with pytest.raises(ParseError, match=r"^malformed JSON: 'utf-8' codec can't decode"):
        decode(b'{"items": [{"name": "caf\xe9"}]}')
    # orjson refused the whole body for this; the skipped description is never read.
    document = decode(b'{"items": [{"name": "a", "description": "caf\xe9"}]}')
    assert document == _Doc(items=[_Item(name="a")])


def test_unknown_fields_are_skipped_and_other_shapes_come_through() -> None:
    raw = b'{"items": [{"name": "a", "extra": {"deep": [1, 2]}}, 5, null, [1], "x"], "more": 1}'
    assert decode(raw) == _Doc(items=[_Item(name="a"), 5, None, [1], "x"])
    assert decode(b"[1, 2]") == [1, 2]


@pytest.mark.parametrize(
    ("value", "got"),
    [([1], "list"), ("x", "str"), (None, "NoneType"), (1.5, "float"), (True, "bool")],
)
def test_expect_object_speaks_of_dicts(value: object, got: str) -> None:
    assert expect_object(_Item(), _Item, "thing #0") == _Item()
    with pytest.raises(ParseError, match=f"^thing #0: expected dict, got {got}$"):
        expect_object(value, _Item, "thing #0")


def test_clean_text_is_clean_or_none_for_strings_and_none_otherwise() -> None:
    for value in ("", "Engineer", "  Senior  Engineer\t", "Delivery\u200b", "\u200b"):
        assert clean_text(value) == text.clean_or_none(value), repr(value)
    assert clean_text(5) is None
    assert clean_text(None) is None


def _outcome(parse: Any, value: object) -> object:
    try:
        parsed = parse(value)
    except Exception as exc:  # the two must fail alike, too
        return type(exc)
    # repr: the same instant in another tzinfo would compare equal.
    return repr(parsed)


ODD_DATES = [
    "2026-07-14T18:35:00-04:00",
    "2025-10-09T08:26:46.071+00:00",
    "2025-10-09T08:26:46.071Z",
    "2024-01-01T00:00:00",
    "2024-01-01",
    "2026-08-11 20:45:29 UTC",
    " 2024-01-01T00:00:00Z ",
    "2024-01-01T00:00:00\u200bZ",
    "2024-01-01T00:00:00ZZ",
    "Z",
    "garbage",
    "2024-13-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "Posted 8 Days Ago",
]


def test_parse_datetime_fast_path_agrees_with_the_general_one() -> None:
    """parse_datetime skips clean() for printable ASCII without a space (the JSON
    boards' ISO 8601 strings). A leading space sends the same text down the general
    path (which strips it): the two must agree on every string."""
    rng = random.Random(2)
    pieces = ["2024", "-01", "-31", "T", " ", "12", ":30", ":00", ".5", "Z", "+02:00", " UTC", "\t"]
    samples = ODD_DATES + ["".join(rng.choices(pieces, k=rng.randint(1, 9))) for _ in range(3000)]
    for value in samples:
        general = _outcome(text.parse_datetime, " " + value)
        assert _outcome(text.parse_datetime, value) == general, repr(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-09T08:26:46.071Z", "2025-10-09 08:26:46.071000+00:00"),
        ("2026-07-14T18:35:00-04:00", "2026-07-14 22:35:00+00:00"),
        ("2026-08-11 20:45:29 UTC", "2026-08-11 20:45:29+00:00"),
        (1782821535482, "2026-06-30 12:12:15.482000+00:00"),
        (1700000000, "2023-11-14 22:13:20+00:00"),
        ("", None),
        ("garbage", None),
        (True, None),
        (None, None),
        ([], None),
    ],
)
def test_parse_datetime_reads_what_boards_send(value: object, expected: str | None) -> None:
    parsed = text.parse_datetime(value)
    assert (str(parsed) if parsed else None) == expected


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_date_utc_cannot_hold_is_no_date_not_a_failed_poll(value: str) -> None:
    assert text.parse_datetime(value) is None


def test_a_utf8_byte_order_mark_is_ignored_by_both_decoders() -> None:
    # RFC 8259 lets a parser ignore one; some servers send it, and a board that
    # did would otherwise fail every poll as "malformed JSON".
    raw = b'\xef\xbb\xbf{"items": [{"name": "Engineer", "size": 1}]}'
    assert decode(raw).items[0].name == "Engineer"
    assert load_json(raw) == {"items": [{"name": "Engineer", "size": 1}]}
    with pytest.raises(ParseError, match="empty response body"):
        decode(b"\xef\xbb\xbf  ")


def test_a_greenhouse_board_with_a_byte_order_mark_parses() -> None:
    from secondchance.core.models import BoardSpec
    from secondchance.sources.greenhouse import SOURCE
    from secondchance.sources.interface import Request

    body = b'\xef\xbb\xbf{"jobs": [{"id": 7, "title": "Engineer"}]}'
    page = SOURCE.parse(BoardSpec(kind="greenhouse", key="acme"), Request(url="u"), body)
    assert [p.id for p in page.postings] == ["7"]
