"""When alerts may go out, as the watchlist writes it: clock times, quiet hours, a zone.

``DeliveryPolicy`` is the [notify] table's timing, read and checked; the rules that
apply it to an alert's moments are delivery/policy.py's. ``parse_timezone(None)`` is
the one function here that looks outside (which zone the system is in).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# ASCII only: \d would also accept Arabic-Indic and other Unicode digits.
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def parse_clock(text: str) -> time:
    """``"09:00"``, ``"9:00"``, ``"17:30"`` → ``time``; anything else → ``ValueError``."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f'expected a time like "09:00", got "{text}"')
    return time(int(match[1]), int(match[2]))


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """``"22:00-07:00"`` (may span midnight) → ``(start, end)``."""
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f'expected quiet hours like "22:00-07:00", got "{text}"')
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if start == end:
        # Ambiguous: "always quiet" and "never quiet" are both plausible readings.
        raise ValueError(f'"{text}": start and end at the same time')
    return start, end


def parse_timezone(name: str | None) -> tzinfo:
    """An IANA name → ``ZoneInfo``; ``None`` → the system's zone."""
    if name is None:
        return _system_zone()
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        # ValueError covers keys ZoneInfo refuses outright ("", "../x", "/abs").
        raise ValueError(
            f'unknown time zone "{name}" (expected an IANA name like "Europe/Berlin")'
        ) from None


def _system_zone() -> tzinfo:
    # A named zone knows its DST rules; the fixed offset from astimezone() is
    # only right until the next change, so it is the last resort.
    env = os.environ.get("TZ")
    if not env:
        try:
            # /etc/localtime links into the zone database; its tail is the key.
            _, found, key = str(Path("/etc/localtime").resolve()).rpartition("/zoneinfo/")
            if found:
                return ZoneInfo(key)
        except (OSError, ValueError, ZoneInfoNotFoundError):
            pass
    else:
        # TZ overrides /etc/localtime for the C library, so it must here too.
        try:
            return ZoneInfo(env.removeprefix(":"))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


@dataclass(frozen=True)
class DeliveryPolicy:
    mode: Literal["instant", "digest"] = "instant"
    digest_at: tuple[time, ...] = (time(9, 0),)
    quiet: tuple[time, time] | None = None
    tz: tzinfo = UTC
    urgent: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Fail at construction so a bad policy never silently holds alerts back.
        if self.mode not in ("instant", "digest"):
            raise ValueError(f'unknown delivery mode "{self.mode}"')
        if self.mode == "digest" and not self.digest_at:
            raise ValueError("digest delivery needs at least one time")
        if self.quiet is not None and self.quiet[0] == self.quiet[1]:
            raise ValueError("quiet hours start and end at the same time")
