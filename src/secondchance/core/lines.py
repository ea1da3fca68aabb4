"""The one line a board's poll logs: what it did, in the counts of the alerts queued.

Made of the decision (core/decide.py) and the kinds of the alerts the poll queued for
the board, once they are stored, so that the line and the alerts agree ("1 role back,
2 new" beside an alert saying so). Pure: the poller writes the line.

    Acme greenhouse:acme: 13 listed, 14 open, 1 role back, 2 new; 1 posting skipped:
    no title, so nothing is closed this poll (0.31s)
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from secondchance.core.decide import BoardDecision
from secondchance.core.models import ChangeKind
from secondchance.core.wording import plural

# A line for the log: its level and its text.
Note = tuple[int, str]

# The kinds about postings, in the order a line counts them, as a reader says them.
_WORDS = {
    ChangeKind.ROLE_BACK: "role back",
    ChangeKind.NEW: "new",
    ChangeKind.REPOSTED: "reposted",
    ChangeKind.REOPENED: "reopened",
    ChangeKind.CHANGED: "changed",
    ChangeKind.CLOSED: "closed",
}
_HEALTH = {
    ChangeKind.SOURCE_FAILING: "reported as failing",
    ChangeKind.SOURCE_RECOVERED: "reported as recovered",
}


def poll_line(decision: BoardDecision, queued: Iterable[str]) -> Note:
    """The line for one board's poll; ``queued``: the kinds of the alerts its poll
    queued (as stored: an alert the outbox had already is not counted again)."""
    fetched, state, diff = decision.fetched, decision.state, decision.diff
    kinds = Counter(queued)
    label = f"{state.company} {fetched.ref.label}"
    took = f" ({fetched.seconds:.2f}s)"
    health = [_HEALTH[kind] for kind in _HEALTH if kinds[kind]]
    if decision.error is not None:
        streak = state.consecutive_failures
        times = f" ({streak} polls in a row)" if streak > 1 else ""
        parts = [f"{label}: poll failed{times}: {decision.error}", "the snapshot is kept"]
        return logging.WARNING, "; ".join([*parts, *health]) + took
    if diff is None:
        # "Unchanged" (a 304, the same bytes) with nothing pending: not even diffed.
        head = f"{label}: unchanged, {state.open_count} open"
        return logging.INFO, "; ".join([head, *health]) + took
    if decision.baseline:
        head = (
            f"{label}: first poll, {plural(len(diff.seen), 'open posting')} recorded; "
            "alerts start from the next change"
        )
        if kinds[ChangeKind.NEW]:  # announce_existing
            head = f"{label}: first poll, {plural(kinds[ChangeKind.NEW], 'posting')} announced"
        return logging.INFO, "; ".join([head, *_pending(decision)]) + took
    # An unchanged body diffed all the same: something was pending confirmation.
    listed = f"{len(diff.seen)} listed{' as last poll' if fetched.unchanged else ''}"
    counts = [f"{kinds[kind]} {word}" for kind, word in _WORDS.items() if kinds[kind]]
    if decision.filtered:
        counts.append(f"{decision.filtered} filtered out")
    head = f"{label}: {listed}, {diff.open_count} open, {', '.join(counts) or 'no changes'}"
    level = logging.INFO
    parts = [head]
    if diff.collapsed and diff.quiet:
        parts.append(
            f"it lists no postings (had {diff.previous_count}): the snapshot is held until "
            "that persists"
        )
    elif diff.collapsed:
        level = logging.WARNING
        parts.append(
            f"the board shrank from {diff.previous_count} to "
            f"{plural(len(diff.seen), 'posting')}: the snapshot is held"
        )
    if fetched.stopped is not None:
        level = logging.WARNING
    parts += _pending(decision)
    return level, "; ".join([*parts, *health]) + took


def _pending(decision: BoardDecision) -> list[str]:
    """What the poll left for the next one to confirm, and why it closed nothing."""
    fetched, diff = decision.fetched, decision.diff
    assert diff is not None
    parts = []
    if decision.refresh:
        parts.append("read by a new version of its reader: text refreshed without alerts")
    missing = sum(1 for misses in diff.missed.values() if misses > 0)
    if missing and diff.complete and not diff.collapsed:
        parts.append(f"{plural(missing, 'posting')} missing, not closed until confirmed")
    if diff.held:
        parts.append(
            f"{plural(len(diff.held), 'posting')} with a field emptied, kept as it was until "
            "the next poll confirms it"
        )
    why = []
    if fetched.skipped:
        count = sum(fetched.skipped.values())
        reasons = ", ".join(
            reason if len(fetched.skipped) == 1 else f"{n} {reason}"
            for reason, n in fetched.skipped.items()
        )
        why.append(f"{plural(count, 'posting')} skipped: {reasons}")
    if fetched.stopped is not None:
        why.append(fetched.stopped)
    if why and not decision.baseline:
        why[-1] += ", so nothing is closed this poll"
    return parts + why
