"""When an alert may go out: instant or digest delivery, quiet hours, urgent kinds.

Pure: nothing here reads the clock; every function takes ``now``/``created`` as a
parameter so the notifier and the tests agree exactly. The policy itself is read from
the watchlist by config/timing.py.

Slots and quiet-hour bounds are local wall-clock times in ``policy.tz``. Two DST
rules apply throughout:

* A wall time that does not exist (the spring-forward gap, e.g. 02:30 in
  Europe/Berlin on 2026-03-29) happens at the first valid instant after the gap
  (03:00 local), so a slot is delayed as little as possible and never skipped.
* A wall time that happens twice (fall-back) happens once, at its first
  occurrence; only a quiet period that is already in the second pass ends in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from secondchance.config.timing import DeliveryPolicy


def _aware(at: datetime, what: str) -> datetime:
    if at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {at!r}")
    return at


def _occurrences(day: date, clock: time, tz: tzinfo) -> list[datetime]:
    """The UTC instants at which ``clock`` happens on ``day`` in ``tz``, earliest first."""
    instants: set[datetime] = set()
    for fold in (0, 1):
        local = datetime.combine(day, clock, tzinfo=tz).replace(fold=fold)
        # A wall time that does not survive the round trip lies in a gap; naive
        # comparison ignores fold, which is what makes the check work.
        exists = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(
            tzinfo=None
        )
        instants.add(local.astimezone(UTC) if exists else _gap_end(local, tz))
    return sorted(instants)


def _gap_end(local: datetime, tz: tzinfo) -> datetime:
    # PEP 495: in a gap fold=0 uses the offset before the change (a later UTC
    # instant) and fold=1 the offset after it, so the change lies between them.
    # Bisect whole seconds: real transitions always fall on one.
    lo = local.replace(fold=1).astimezone(UTC).replace(microsecond=0)
    hi = local.replace(fold=0).astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
    before = lo.astimezone(tz).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + timedelta(seconds=(hi - lo).total_seconds() // 2)
        if mid.astimezone(tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi


def _in_window(clock: time, window: tuple[time, time]) -> bool:
    start, end = window
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def is_quiet(at: datetime, policy: DeliveryPolicy) -> bool:
    """Whether ``at`` falls inside the policy's quiet hours (start in, end out)."""
    if policy.quiet is None:
        return False
    return _in_window(_aware(at, "at").astimezone(policy.tz).time(), policy.quiet)


def _next_slot(after: datetime, policy: DeliveryPolicy) -> datetime:
    local = after.astimezone(policy.tz)
    # Three days covers even a zone that skips a whole calendar day (Samoa 2011).
    for offset in range(3):
        day = local.date() + timedelta(days=offset)
        # Only the first occurrence counts, so a repeated hour sends one digest.
        slots = sorted(_occurrences(day, slot, policy.tz)[0] for slot in policy.digest_at)
        for slot in slots:
            if slot >= after:
                return slot
    raise AssertionError("unreachable: every day has a digest slot")  # pragma: no cover


def _quiet_end(at: datetime, window: tuple[time, time], tz: tzinfo) -> datetime:
    local = at.astimezone(tz)
    start, end = window
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    # The second occurrence is needed only when ``at`` is already in the repeated
    # hour's second pass (e.g. quiet "00:00-02:30" seen at 02:15 after fall-back).
    return next((t for t in _occurrences(day, end, tz) if t >= at), at)


def release_time(created: datetime, kind: str, policy: DeliveryPolicy) -> datetime:
    """The earliest aware UTC instant at which an alert created at ``created`` may go out."""
    release = _aware(created, "created").astimezone(UTC)
    if kind in policy.urgent:
        return release
    if policy.mode == "digest":
        release = _next_slot(release, policy)
    # Normally one step. A skipped calendar day (Pacific/Apia, 2011-12-30) can
    # land the end of one quiet period inside the next, hence the bounded loop.
    for _ in range(3):
        if policy.quiet is None or not is_quiet(release, policy):
            break
        release = _quiet_end(release, policy.quiet, policy.tz)
    return release


def due(created: datetime, kind: str, policy: DeliveryPolicy, now: datetime) -> bool:
    """Whether the alert may be sent at ``now``."""
    return release_time(created, kind, policy) <= _aware(now, "now")


def next_release(
    pending: Iterable[tuple[datetime, str]], policy: DeliveryPolicy, now: datetime
) -> datetime | None:
    """The earliest release strictly after ``now``; alerts already due are ignored,
    since they go out on the next drain anyway. ``None`` when nothing waits."""
    _aware(now, "now")
    future = (
        release
        for created, kind in pending
        if (release := release_time(created, kind, policy)) > now
    )
    return min(future, default=None)
