"""Delivery policy: release times for instant/digest delivery, quiet hours, urgent
kinds, time zones and DST. Every expected value is an exact UTC instant."""

from __future__ import annotations

import time as time_module
from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from secondchance.config import timing
from secondchance.config.timing import (
    DeliveryPolicy,
    parse_clock,
    parse_quiet_hours,
    parse_timezone,
)
from secondchance.delivery.policy import due, is_quiet, next_release, release_time

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = (time(22), time(7))
LUNCH = (time(12), time(13))
TWICE = (time(9), time(17))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(
    tz: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz, fold=fold)


INSTANT = DeliveryPolicy()
QUIET_NIGHT = DeliveryPolicy(quiet=NIGHT)
QUIET_LUNCH = DeliveryPolicy(quiet=LUNCH)
DIGEST = DeliveryPolicy(mode="digest", digest_at=TWICE)
DIGEST_QUIET = DeliveryPolicy(mode="digest", digest_at=(time(6, 30), time(18)), quiet=NIGHT)
URGENT = DeliveryPolicy(
    mode="digest", digest_at=TWICE, quiet=NIGHT, urgent=frozenset({"role_back"})
)


@pytest.mark.parametrize(
    ("policy", "created", "kind", "expected"),
    [
        # instant, no quiet hours: straight out
        (INSTANT, utc(2026, 5, 4, 10, 15, 30), "new_role", utc(2026, 5, 4, 10, 15, 30)),
        # quiet hours across midnight
        (QUIET_NIGHT, utc(2026, 5, 4, 23, 30), "new_role", utc(2026, 5, 5, 7)),
        (QUIET_NIGHT, utc(2026, 5, 4, 6, 59), "new_role", utc(2026, 5, 4, 7)),
        (QUIET_NIGHT, utc(2026, 5, 4, 7), "new_role", utc(2026, 5, 4, 7)),
        (QUIET_NIGHT, utc(2026, 5, 4, 12), "new_role", utc(2026, 5, 4, 12)),
        (QUIET_NIGHT, utc(2026, 5, 4, 21, 59), "new_role", utc(2026, 5, 4, 21, 59)),
        (QUIET_NIGHT, utc(2026, 5, 4, 22), "new_role", utc(2026, 5, 5, 7)),
        (QUIET_NIGHT, utc(2026, 5, 5, 0), "new_role", utc(2026, 5, 5, 7)),
        (QUIET_NIGHT, utc(2026, 12, 31, 23), "new_role", utc(2027, 1, 1, 7)),
        # a daytime quiet window
        (QUIET_LUNCH, utc(2026, 5, 4, 11, 59), "new_role", utc(2026, 5, 4, 11, 59)),
        (QUIET_LUNCH, utc(2026, 5, 4, 12), "new_role", utc(2026, 5, 4, 13)),
        (QUIET_LUNCH, utc(2026, 5, 4, 12, 59, 59), "new_role", utc(2026, 5, 4, 13)),
        (QUIET_LUNCH, utc(2026, 5, 4, 13), "new_role", utc(2026, 5, 4, 13)),
        (QUIET_LUNCH, utc(2026, 5, 4, 23), "new_role", utc(2026, 5, 4, 23)),
        # digest with two slots
        (DIGEST, utc(2026, 5, 4, 8), "new_role", utc(2026, 5, 4, 9)),
        (DIGEST, utc(2026, 5, 4, 9), "new_role", utc(2026, 5, 4, 9)),
        (DIGEST, utc(2026, 5, 4, 9, 0, 1), "new_role", utc(2026, 5, 4, 17)),
        (DIGEST, utc(2026, 5, 4, 17), "new_role", utc(2026, 5, 4, 17)),
        (DIGEST, utc(2026, 5, 4, 17, 1), "new_role", utc(2026, 5, 5, 9)),
        (DIGEST, utc(2026, 2, 28, 23, 59), "new_role", utc(2026, 3, 1, 9)),
        # a digest slot inside quiet hours waits for the end of quiet
        (DIGEST_QUIET, utc(2026, 5, 4, 1), "new_role", utc(2026, 5, 4, 7)),
        (DIGEST_QUIET, utc(2026, 5, 4, 18, 30), "new_role", utc(2026, 5, 5, 7)),
        (DIGEST_QUIET, utc(2026, 5, 4, 12), "new_role", utc(2026, 5, 4, 18)),
        # urgent kinds bypass both the schedule and quiet hours
        (URGENT, utc(2026, 5, 4, 23, 30), "role_back", utc(2026, 5, 4, 23, 30)),
        (URGENT, utc(2026, 5, 4, 10, 5), "role_back", utc(2026, 5, 4, 10, 5)),
        (URGENT, utc(2026, 5, 4, 23, 30), "new_role", utc(2026, 5, 5, 9)),
        (URGENT, utc(2026, 5, 4, 10, 5), "new_role", utc(2026, 5, 4, 17)),
    ],
)
def test_release_time(
    policy: DeliveryPolicy, created: datetime, kind: str, expected: datetime
) -> None:
    released = release_time(created, kind, policy)
    assert released == expected
    assert released.tzinfo is UTC


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (UTC, utc(2026, 6, 1, 7)),  # 06:00 local: quiet until 07:00
        (BERLIN, utc(2026, 6, 1, 6)),  # 08:00 CEST: awake
        (NEW_YORK, utc(2026, 6, 1, 11)),  # 02:00 EDT: quiet until 07:00 EDT
        (ZoneInfo("Asia/Tokyo"), utc(2026, 6, 1, 6)),  # 15:00 JST
        (ZoneInfo("Asia/Kolkata"), utc(2026, 6, 1, 6)),  # 11:30 IST
        (timezone(timedelta(hours=-3)), utc(2026, 6, 1, 10)),  # 03:00 local
    ],
)
def test_timezone_changes_quiet_release(tz: timezone | ZoneInfo, expected: datetime) -> None:
    policy = DeliveryPolicy(quiet=NIGHT, tz=tz)
    assert release_time(utc(2026, 6, 1, 6), "new_role", policy) == expected


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (UTC, utc(2026, 6, 1, 9)),
        (BERLIN, utc(2026, 6, 1, 7)),  # 08:00 CEST → 09:00 CEST
        (NEW_YORK, utc(2026, 6, 1, 13)),  # 02:00 EDT → 09:00 EDT
        (ZoneInfo("Asia/Tokyo"), utc(2026, 6, 2, 0)),  # 15:00 JST → 09:00 JST tomorrow
    ],
)
def test_timezone_changes_digest_release(tz: timezone | ZoneInfo, expected: datetime) -> None:
    policy = DeliveryPolicy(mode="digest", tz=tz)
    assert release_time(utc(2026, 6, 1, 6), "new_role", policy) == expected


# Europe/Berlin 2026: spring forward 03-29 01:00 UTC (02:00 CET → 03:00 CEST),
# fall back 10-25 01:00 UTC (03:00 CEST → 02:00 CET).
# America/New_York 2026: spring forward 03-08 07:00 UTC (02:00 EST → 03:00 EDT),
# fall back 11-01 06:00 UTC (02:00 EDT → 01:00 EST).
@pytest.mark.parametrize(
    ("tz", "created", "expected"),
    [
        # 22:30 CET → 07:00 CEST (UTC+2), not 06:00 UTC as a fixed +1 would give
        (BERLIN, local(BERLIN, 2026, 3, 28, 22, 30), utc(2026, 3, 29, 5)),
        (BERLIN, local(BERLIN, 2026, 3, 29, 1, 59), utc(2026, 3, 29, 5)),
        (BERLIN, local(BERLIN, 2026, 3, 29, 3, 0), utc(2026, 3, 29, 5)),
        # 22:30 CEST → 07:00 CET (UTC+1)
        (BERLIN, local(BERLIN, 2026, 10, 24, 22, 30), utc(2026, 10, 25, 6)),
        (BERLIN, local(BERLIN, 2026, 10, 25, 2, 30, fold=1), utc(2026, 10, 25, 6)),
        # 23:00 EST → 07:00 EDT (UTC-4)
        (NEW_YORK, local(NEW_YORK, 2026, 3, 7, 23), utc(2026, 3, 8, 11)),
        # 23:00 EDT → 07:00 EST (UTC-5)
        (NEW_YORK, local(NEW_YORK, 2026, 10, 31, 23), utc(2026, 11, 1, 12)),
    ],
)
def test_quiet_night_across_dst_ends_at_local_seven(
    tz: ZoneInfo, created: datetime, expected: datetime
) -> None:
    assert release_time(created, "new_role", DeliveryPolicy(quiet=NIGHT, tz=tz)) == expected


@pytest.mark.parametrize(
    ("tz", "slot", "created", "expected"),
    [
        # 02:30 does not exist on 2026-03-29 in Berlin: the slot fires at 03:00 CEST
        (BERLIN, time(2, 30), utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1)),
        (BERLIN, time(2, 30), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1)),
        (BERLIN, time(2, 30), utc(2026, 3, 29, 1), utc(2026, 3, 29, 1)),
        (BERLIN, time(2, 30), utc(2026, 3, 29, 1, 0, 1), utc(2026, 3, 30, 0, 30)),
        (BERLIN, time(2, 0), utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1)),
        (BERLIN, time(3, 0), utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1)),
        # 02:30 happens twice on 2026-10-25: only the first (CEST) one sends
        (BERLIN, time(2, 30), utc(2026, 10, 24, 23), utc(2026, 10, 25, 0, 30)),
        (BERLIN, time(2, 30), utc(2026, 10, 25, 0, 45), utc(2026, 10, 26, 1, 30)),
        (BERLIN, time(9), utc(2026, 10, 24, 12), utc(2026, 10, 25, 8)),
        # New York: 02:30 missing on 03-08, 01:30 repeated on 11-01
        (NEW_YORK, time(2, 30), utc(2026, 3, 8, 6), utc(2026, 3, 8, 7)),
        (NEW_YORK, time(1, 30), utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, time(1, 30), utc(2026, 11, 1, 5, 45), utc(2026, 11, 2, 6, 30)),
    ],
)
def test_digest_slot_on_dst_days(
    tz: ZoneInfo, slot: time, created: datetime, expected: datetime
) -> None:
    policy = DeliveryPolicy(mode="digest", digest_at=(slot,), tz=tz)
    assert release_time(created, "new_role", policy) == expected


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        # quiet "00:00-02:30" ending inside the spring-forward gap: ends at 03:00 CEST
        (utc(2026, 3, 28, 23, 30), utc(2026, 3, 29, 1)),
        # fall-back, first pass of 02:15 (CEST): ends at the first 02:30
        (utc(2026, 10, 25, 0, 15), utc(2026, 10, 25, 0, 30)),
        # second pass of 02:15 (CET): ends at the second 02:30, never in the past
        (utc(2026, 10, 25, 1, 15), utc(2026, 10, 25, 1, 30)),
    ],
)
def test_quiet_end_on_dst_days(created: datetime, expected: datetime) -> None:
    policy = DeliveryPolicy(quiet=(time(0), time(2, 30)), tz=BERLIN)
    assert release_time(created, "new_role", policy) == expected


def test_quiet_across_a_skipped_day() -> None:
    # Pacific/Apia skipped 2011-12-30: the period ending "12-30 02:00" ends at the
    # gap (12-31 00:00 +14), which is inside the next period, ending 12-31 02:00.
    policy = DeliveryPolicy(quiet=(time(6, 30), time(2)), tz=ZoneInfo("Pacific/Apia"))
    assert release_time(utc(2011, 12, 29, 23, 54), "new_role", policy) == utc(2011, 12, 30, 12)


def test_digest_slot_in_quiet_hours_across_dst() -> None:
    # 06:30 CEST slot on the spring-forward morning is quiet until 07:00 CEST
    policy = DeliveryPolicy(mode="digest", digest_at=(time(6, 30),), quiet=NIGHT, tz=BERLIN)
    assert release_time(utc(2026, 3, 28, 21), "new_role", policy) == utc(2026, 3, 29, 5)


def test_digest_slots_need_not_be_sorted() -> None:
    policy = DeliveryPolicy(mode="digest", digest_at=(time(17), time(9)))
    assert release_time(utc(2026, 5, 4, 8), "x", policy) == utc(2026, 5, 4, 9)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 3, 28, 20, 59), False),  # 21:59 CET
        (utc(2026, 3, 28, 21), True),  # 22:00 CET
        (utc(2026, 3, 29, 1, 30), True),  # 03:30 CEST
        (utc(2026, 3, 29, 4, 59), True),  # 06:59 CEST
        (utc(2026, 3, 29, 5), False),  # 07:00 CEST
        (local(BERLIN, 2026, 3, 29, 12), False),
    ],
)
def test_is_quiet(at: datetime, expected: bool) -> None:
    assert is_quiet(at, DeliveryPolicy(quiet=NIGHT, tz=BERLIN)) is expected


def test_is_quiet_without_quiet_hours() -> None:
    assert is_quiet(utc(2026, 5, 4, 3), INSTANT) is False


def test_due() -> None:
    created = utc(2026, 5, 4, 23, 30)
    assert not due(created, "new_role", QUIET_NIGHT, utc(2026, 5, 5, 6, 59, 59))
    assert due(created, "new_role", QUIET_NIGHT, utc(2026, 5, 5, 7))
    assert due(created, "new_role", QUIET_NIGHT, utc(2026, 5, 6))
    assert due(created, "role_back", URGENT, created)
    # an aware non-UTC `now` compares as the same instant
    assert due(created, "new_role", QUIET_NIGHT, local(BERLIN, 2026, 5, 5, 9))


def test_next_release() -> None:
    now = utc(2026, 5, 4, 10, 30)
    pending = [
        (utc(2026, 5, 4, 8), "new_role"),  # 09:00, already due
        (utc(2026, 5, 4, 10), "new_role"),  # 17:00
        (utc(2026, 5, 4, 9, 30), "new_role"),  # 17:00
        (utc(2026, 5, 4, 10, 45), "role_back"),  # urgent, created later: 10:45
    ]
    assert next_release(pending, URGENT, now) == utc(2026, 5, 4, 10, 45)
    assert next_release(pending[:3], URGENT, now) == utc(2026, 5, 4, 17)
    assert next_release(iter(pending[:3]), URGENT, now) == utc(2026, 5, 4, 17)
    assert next_release(pending[:1], URGENT, now) is None
    assert next_release([], URGENT, now) is None


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        release_time(datetime(2026, 5, 4, 12), "new_role", INSTANT)
    with pytest.raises(ValueError, match="timezone-aware"):
        due(utc(2026, 5, 4, 12), "new_role", INSTANT, datetime(2026, 5, 4, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        is_quiet(datetime(2026, 5, 4, 12), QUIET_NIGHT)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_release([], INSTANT, datetime(2026, 5, 4, 12))


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="at least one time"):
        DeliveryPolicy(mode="digest", digest_at=())
    with pytest.raises(ValueError, match="same time"):
        DeliveryPolicy(quiet=(time(7), time(7)))
    with pytest.raises(ValueError, match="weekly"):
        DeliveryPolicy(mode="weekly")  # type: ignore[arg-type]
    # instant mode does not use digest times, so an empty tuple is fine
    assert DeliveryPolicy(digest_at=()).mode == "instant"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9)),
        ("9:00", time(9)),
        ("17:30", time(17, 30)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        (" 07:05 ", time(7, 5)),
    ],
)
def test_parse_clock(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "9", "9am", "09:00:00", "24:00", "12:60", "12:5", "123:00", "ab:cd", "-1:00", "٠٩:٠٠"],
)
def test_parse_clock_errors(text: str) -> None:
    with pytest.raises(ValueError, match='expected a time like "09:00"'):
        parse_clock(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-07:00", (time(22), time(7))),
        ("12:00-13:00", (time(12), time(13))),
        ("22:00 - 7:00", (time(22), time(7))),
    ],
)
def test_parse_quiet_hours(text: str, expected: tuple[time, time]) -> None:
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("22:00", "expected quiet hours like"),
        ("22:00-07:00-08:00", "expected quiet hours like"),
        ("", "expected quiet hours like"),
        ("22:00-", 'expected a time like "09:00"'),
        ("late-07:00", 'expected a time like "09:00"'),
        ("07:00-07:00", "start and end at the same time"),
    ],
)
def test_parse_quiet_hours_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_quiet_hours(text)


def test_parse_timezone() -> None:
    assert parse_timezone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert parse_timezone("America/New_York") == NEW_YORK
    assert parse_timezone("UTC") == ZoneInfo("UTC")


@pytest.mark.parametrize("name", ["Mars/Base", "", "../etc/passwd", "/etc/localtime"])
def test_parse_timezone_errors(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone") as info:
        parse_timezone(name)
    assert f'"{name}"' in str(info.value)


def test_parse_timezone_system_honours_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert parse_timezone(None) == NEW_YORK


def test_parse_timezone_system_fallback_is_the_c_librarys_offset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not an IANA key: the C library reads such a TZ as UTC, and so must this.
    monkeypatch.setenv("TZ", "not-a-zone")
    time_module.tzset()
    try:
        zone = parse_timezone(None)
        assert zone.utcoffset(datetime(2026, 1, 1, tzinfo=zone)) == timedelta(0)
    finally:
        monkeypatch.undo()
        time_module.tzset()


class _LocalTime:
    """What Path("/etc/localtime") resolves to, on a machine of the test's choosing."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __call__(self, _path: str) -> _LocalTime:
        return self

    def resolve(self) -> str:
        return self.target


def test_parse_timezone_system_default_is_the_zone_etc_localtime_links_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr(timing, "Path", _LocalTime("/usr/share/zoneinfo/Pacific/Apia"))
    assert parse_timezone(None) == ZoneInfo("Pacific/Apia")
    # A copied file (no link into the zone database): the system's offset now.
    monkeypatch.setattr(timing, "Path", _LocalTime("/etc/localtime"))
    zone = parse_timezone(None)
    assert zone.utcoffset(None) == datetime.now().astimezone().utcoffset()
