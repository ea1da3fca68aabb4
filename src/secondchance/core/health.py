"""A board's health across polls: a failing board is reported once, when the streak
of failures reaches the threshold (or at once when it shrinks suspiciously), and once
more when it answers normally again. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from secondchance.core.models import Change, ChangeKind, SourceRef
from secondchance.core.wording import plural


@dataclass(frozen=True, slots=True)
class Health:
    consecutive_failures: int = 0
    alerted: bool = False


def after_failure(
    health: Health, source: SourceRef, reason: str, threshold: int
) -> tuple[Health, Change | None]:
    """Count a failed poll; alert once when the streak reaches the threshold."""
    failures = health.consecutive_failures + 1
    if failures >= threshold and not health.alerted:
        change = Change(
            ChangeKind.SOURCE_FAILING,
            source,
            detail=f"{failures} polls in a row failed: {reason}",
        )
        return Health(failures, alerted=True), change
    return Health(failures, health.alerted), None


def after_collapse(
    health: Health, source: SourceRef, previous: int, current: int
) -> tuple[Health, Change | None]:
    """A suspected breakage is reported at once (once), instead of removals."""
    if health.alerted:
        return Health(health.consecutive_failures, True), None
    change = Change(
        ChangeKind.SOURCE_FAILING,
        source,
        detail=(
            f"the board shrank from {previous} to {plural(current, 'posting')}; "
            "holding the snapshot until it looks right again"
        ),
    )
    return Health(health.consecutive_failures, alerted=True), change


def after_success(health: Health, source: SourceRef) -> tuple[Health, Change | None]:
    if health.alerted:
        return Health(), Change(
            ChangeKind.SOURCE_RECOVERED, source, detail="the board answers normally again"
        )
    return Health(), None
