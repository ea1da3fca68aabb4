"""Human durations in the watchlist: "30m", "1h30m", "90s", "2d", "6 months"."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_UNITS: dict[str, float] = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 7 * 86400,
    "week": 7 * 86400,
    "mo": 30 * 86400,
    "month": 30 * 86400,
    "y": 365 * 86400,
    "year": 365 * 86400,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_NOT_A_DURATION = 'expected a duration such as "30m" or "1h"'

# No duration means more than a century: the callers add durations to dates and to the
# current time (datetime + timedelta), which fails past the year 9999, and a longer
# value is a typo. Each watchlist key has a tighter bound of its own (config/tables.py).
LONGEST = 100 * 365 * 86400.0


def parse_duration(value: object, *, longest: float = LONGEST) -> float:
    """Seconds from a duration string or a plain number of seconds, at most ``longest``.

    Raises ValueError with a message meant for the user.
    """
    if isinstance(value, bool):
        raise ValueError(_NOT_A_DURATION)
    if isinstance(value, int | float):
        if value != value:  # NaN (TOML writes it "nan"): no amount of time
            raise ValueError(_NOT_A_DURATION)
        if value < 0:
            raise ValueError("a duration cannot be negative")
        # An integer too large for a float (TOML integers have no bound) is too long.
        total = float(value) if value < 1e300 else float("inf")
    elif isinstance(value, str):
        total = _parse_text(value)
    else:
        raise ValueError(_NOT_A_DURATION)
    if total > longest:
        raise ValueError(f"{_shown(value)} is too long (at most {format_duration(longest)})")
    return total


def _parse_text(value: str) -> float:
    text = value.strip().lower().replace(" ", "")
    if not text:
        raise ValueError(_NOT_A_DURATION)
    total = 0.0
    pos = 0
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        unit = match.group(2)
        if unit not in _UNITS and len(unit) > 2 and unit.endswith("s"):
            unit = unit[:-1]  # plurals: "mins", "hours", "days"
        if unit not in _UNITS:
            unknown = _cut(repr(match.group(2)))
            raise ValueError(f"unknown unit {unknown} in {_cut(repr(value))} (use s, m, h, d or w)")
        # float() of a thousand digits is inf, not an error: "too long" below.
        total += float(match.group(1)) * _UNITS[unit]
        pos = match.end()
    if pos != len(text):
        raise ValueError(
            f'cannot read {_cut(repr(value))} as a duration (try "30m", "1h30m", "90s")'
        )
    return total


def _shown(value: str | float) -> str:
    """The value as the watchlist wrote it, for a message."""
    return _cut(f'"{value}"' if isinstance(value, str) else f"{value} seconds")


def _cut(text: str) -> str:
    # A message is one line: a value of a thousand characters would drown it.
    return text if len(text) <= 40 else f"{text[:39]}…"


def format_duration(value: float) -> str:
    """The inverse, for messages: 5400 → "1h30m"."""
    seconds = round(value)
    if seconds < 60:
        return f"{seconds}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)


_CALENDAR = re.compile(r"^\s*(\d+)\s*(months?|mo|years?|y)\s*$", re.IGNORECASE)


def add_to_date(start: date, value: str | float) -> date:
    """``start`` plus a duration, with months and years counted on the
    calendar (2026-03-01 + "6 months" is 2026-09-01, not 180 days later)."""
    match = _CALENDAR.match(value) if isinstance(value, str) else None
    if match is None:
        return start + timedelta(seconds=parse_duration(value))
    amount = int(match.group(1))
    months = amount * 12 if match.group(2).lower().startswith("y") else amount
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    # The 31st of a shorter month becomes its last day.
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)
