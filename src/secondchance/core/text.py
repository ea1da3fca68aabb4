"""Text from the boards, made comparable: whitespace, titles and dates. Pure."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

# Zero-width and other format characters show up in real feeds ("Delivery\u200b"),
# and so do control characters; NUL is one PostgreSQL cannot store in text at all.
_CONTROL = [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F]
_INVISIBLE = dict.fromkeys(
    [*_CONTROL, 0x00AD, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF]
)


def clean(value: object) -> str:
    """Whitespace-normalise any scalar into a single-line string ("" for None), without
    control, zero-width and other invisible characters."""
    # Called for every field of every posting: the common cases first, all in C.
    if isinstance(value, str):
        if value.isascii() and value.isprintable():
            # Most feed strings: nothing in them for translate to delete.
            return " ".join(value.split())
        return " ".join(value.translate(_INVISIBLE).split())
    if value is None:
        return ""
    return " ".join(str(value).translate(_INVISIBLE).split())


def clean_or_none(value: object) -> str | None:
    text = clean(value)
    return text or None


_TITLE_NOISE = re.compile(r"[^\w]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """A comparison key for titles: case, punctuation and spacing set aside.

    Used to recognise a recruiter's take-down-and-repost of the same role
    under a new id; deliberately strict (equality after normalisation).
    """
    folded = unicodedata.normalize("NFKC", clean(title)).casefold()
    return _TITLE_NOISE.sub(" ", folded).strip()


def parse_datetime(value: object) -> datetime | None:
    """Parse the date formats real boards use into aware UTC datetimes.

    Accepts ISO 8601 (with or without offset, ``Z``), ``YYYY-MM-DD HH:MM:SS UTC``
    and epoch seconds or milliseconds. Returns None for anything else: a date
    is informative, never worth failing a poll over.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isprintable() and " " not in value:
        # The ISO 8601 strings the JSON boards send: clean already (" UTC" has a space),
        # so clean() and its suffix handling are skipped, a poll's most common case.
        try:
            parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        except ValueError:
            return None
        return as_utc(parsed)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = clean(value)
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return _iso(text)


def _iso(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return as_utc(parsed)


def as_utc(parsed: datetime) -> datetime | None:
    """``parsed`` in UTC (naive means UTC); None for a date at the calendar's edge
    that UTC cannot hold ("0001-01-01T00:00:00+01:00")."""
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.tzinfo is UTC:  # "Z" and "+00:00" parse to UTC itself: nothing to convert
        return parsed
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


# Bidirectional embeddings, overrides and isolates: a title with U+202E reads
# backwards ("gpj.exe" as "exe.jpg"). Removed for display only; stored as the board
# said it.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def shown(text: str) -> str:
    """``text`` as an alert or a table shows it: without bidi controls."""
    return text.translate(_BIDI)
