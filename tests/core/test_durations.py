"""Human durations from the watchlist, and back."""

from __future__ import annotations

import pytest

from secondchance.core.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30m", 1800.0),
        ("1h30m", 5400.0),
        ("90s", 90.0),
        ("2d", 172800.0),
        ("6 months", 6 * 30 * 86400.0),
        ("1w", 7 * 86400.0),
        ("2 weeks", 14 * 86400.0),
        ("1h 30m", 5400.0),
        ("  45min ", 2700.0),
        ("1.5h", 5400.0),
        ("10 seconds", 10.0),
        ("3 hours", 10800.0),
        ("1mo", 30 * 86400.0),
        ("1y", 365 * 86400.0),
        ("2H", 7200.0),
        (45, 45.0),
        (0, 0.0),
        (2.5, 2.5),
    ],
)
def test_parse_duration(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


def test_parse_duration_returns_a_float() -> None:
    assert type(parse_duration(45)) is float
    assert type(parse_duration("1m")) is float


@pytest.mark.parametrize(
    "value",
    [
        "10",
        "x",
        "30q",
        "",
        "   ",
        "h",
        "1h30",
        "-1h",
        "1h-30m",
        "30m!",
        True,
        False,
        -1,
        -0.5,
        None,
        [30],
    ],
)
def test_parse_duration_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize("value", ["500ms", "250 ms"])
def test_plural_s_is_not_stripped_from_short_units(value: str) -> None:
    # "500ms" must not silently become 500 minutes.
    with pytest.raises(ValueError):
        parse_duration(value)


def test_unknown_unit_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="30q"):
        parse_duration("30q")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999999999d", '"99999999999d" is too long (at most 365d)'),
        ("366 days", '"366 days" is too long (at most 365d)'),
        (99999999999, "99999999999 seconds is too long (at most 365d)"),
        (float("inf"), "inf seconds is too long (at most 365d)"),
        # TOML integers have no bound: one past a float's range is too long, not an error.
        (10**400, "1" + "0" * 38 + "… is too long (at most 365d)"),
        ("9" * 500 + "s", '"' + "9" * 38 + "… is too long (at most 365d)"),
        (float("nan"), 'expected a duration such as "30m" or "1h"'),
    ],
)
def test_a_duration_past_its_bound_is_too_long(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(value, longest=365 * 86400)
    assert str(info.value) == message


def test_a_duration_at_its_bound_is_fine() -> None:
    assert parse_duration("365d", longest=365 * 86400) == 365 * 86400


def test_no_duration_is_longer_than_a_century() -> None:
    # Past it, a caller's datetime + timedelta would overflow (the year 9999).
    assert parse_duration("36500d") == 36500 * 86400
    with pytest.raises(ValueError, match=r"too long \(at most 36500d\)"):
        parse_duration("36501d")


def test_a_long_value_is_cut_in_the_message() -> None:
    with pytest.raises(ValueError) as info:
        parse_duration("x" * 1000)
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (59.4, "59s"),
        (60, "1m"),
        (90, "1m30s"),
        (3600, "1h"),
        (5400, "1h30m"),
        (86400, "1d"),
        (90061, "1d1h1m1s"),
        (172800 + 1800, "2d30m"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [1, 59, 60, 61, 3599, 3600, 5400, 86399, 86400, 1_000_000])
def test_format_then_parse_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
