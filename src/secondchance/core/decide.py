"""What a poll means, decided without I/O: board by board, then for the company.

``decide_board`` takes a board's stored state, what fetching it gave and the postings
the snapshot knows of it, and returns the state to store, the diff to write and the
board's health alert. ``settle`` then looks across the company's boards: a new posting
that is a closed role back (a repost), the role the user was turned down for (a role
back), the company's filter. Both are pure (the moment of the poll is given; what to
log is returned as notes), so every rule is tested with plain values; daemon/poller.py
only reads, fetches and writes around them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from secondchance.core.board import BoardResult, BoardState
from secondchance.core.classify import classify
from secondchance.core.diff import Known, Policy, SourceDiff, Status, diff_source, find_reposts
from secondchance.core.health import Health, after_collapse, after_failure, after_success
from secondchance.core.matching import DEFAULT_THRESHOLD, best_match
from secondchance.core.models import Change, ChangeKind, SourceRef
from secondchance.core.watchlist import Company

# A line for the log: its level and its text.
Note = tuple[int, str]


@dataclass(frozen=True, slots=True)
class Rules:
    """The [settings] that decide what a poll means."""

    policy: Policy = field(default_factory=Policy)
    # Failed polls in a row before a board is reported failing.
    failure_alert_after: int = 3
    # How alike (0-100) a title must be to a rejected role to count as it.
    role_match: float = DEFAULT_THRESHOLD


@dataclass(slots=True)
class BoardDecision:
    """One board's poll, decided."""

    state: BoardState  # as it is to be stored (settle completes its counts)
    fetched: BoardResult
    # The snapshot the diff was made against; None when it was not needed (a board
    # that answered "unchanged" with nothing pending).
    known: Mapping[str, Known] | None
    diff: SourceDiff | None = None
    health: Change | None = None
    notes: list[Note] = field(default_factory=list)
    baseline: bool = False


def is_quiet(state: BoardState, fetched: BoardResult) -> bool:
    """Nothing can have changed: the board answered "unchanged" (a 304 or the same
    bytes) and nothing is pending confirmation, so its snapshot need not be read."""
    return (
        fetched.error is None
        and fetched.unchanged
        and state.baseline_done
        and state.missing == 0
        and state.collapse_streak == 0
    )


def decide_board(
    state: BoardState,
    fetched: BoardResult,
    known: Mapping[str, Known] | None,
    rules: Rules,
    at: datetime,
) -> BoardDecision:
    """The board's next state and what its poll found. ``known`` is what the
    snapshot holds of the board (None if ``is_quiet``)."""
    new = replace(state, attempts=state.attempts + 1, last_poll_at=at)
    decision = BoardDecision(new, fetched, known, baseline=not state.baseline_done)
    health = Health(state.consecutive_failures, state.failing_alerted)
    label = f"{state.company} {fetched.ref.label}"
    if fetched.error is not None:
        streak = state.consecutive_failures + 1
        if streak == 1 or state.last_error != fetched.error:
            decision.notes.append((logging.WARNING, f"{label}: poll failed: {fetched.error}"))
        else:
            decision.notes.append(
                (logging.INFO, f"{label}: still failing ({streak} in a row): {fetched.error}")
            )
        health, decision.health = after_failure(
            health, fetched.ref, fetched.error, rules.failure_alert_after
        )
        new.last_result, new.last_error = "failed", fetched.error
    elif known is None:
        health, decision.health = after_success(health, fetched.ref)
        new.last_result, new.last_error = "unchanged", None
        new.last_success_at = at
    else:
        health = _diffed(decision, known, rules, health, at)
    new.consecutive_failures = health.consecutive_failures
    new.failing_alerted = health.alerted
    return decision


def _diffed(
    decision: BoardDecision,
    known: Mapping[str, Known],
    rules: Rules,
    health: Health,
    at: datetime,
) -> Health:
    """A board that answered: its diff, and what the diff says of its health."""
    new, fetched = decision.state, decision.fetched
    observed = fetched.postings
    if fetched.unchanged:
        # The same body as last time: the board lists what it listed then.
        observed = [k.posting for k in known.values() if k.status is Status.OPEN and not k.misses]
    diff = decision.diff = diff_source(
        fetched.ref,
        known,
        observed,
        rules.policy,
        baseline=decision.baseline,
        collapse_streak=new.collapse_streak,
        complete=fetched.complete,
    )
    label = f"{new.company} {fetched.ref.label}"
    if diff.collapsed:
        new.collapse_streak += 1
        new.last_result = "suspect"
        new.last_error = f"board shrank from {diff.previous_count} to {len(diff.seen)}"
        # Forget the validators: a 304 next time must not hide the shrink.
        new.etag = new.last_modified = new.body_hash = new.page_validators = None
        if diff.quiet:
            decision.notes.append(
                (
                    logging.INFO,
                    f"{label}: lists no postings (had {diff.previous_count}); holding the "
                    f"snapshot for up to {rules.policy.collapse_accept_after - 1} polls before "
                    "they count as gone",
                )
            )
        else:
            health, decision.health = after_collapse(
                health, fetched.ref, diff.previous_count, len(diff.seen)
            )
            decision.notes.append(
                (
                    logging.WARNING,
                    f"{label}: board shrank from {diff.previous_count} to {len(diff.seen)} "
                    "postings; holding the snapshot",
                )
            )
    else:
        new.collapse_streak = 0
        health, decision.health = after_success(health, fetched.ref)
        new.last_result = "unchanged" if fetched.unchanged else "ok"
        new.last_error = None
        if fetched.validators is not None:
            new.etag = fetched.validators.etag
            new.last_modified = fetched.validators.last_modified
        new.body_hash = fetched.body_hash
        new.pages = fetched.pages
        new.page_validators = fetched.pages_log
    new.baseline_done = True
    new.last_success_at = at
    return health


def needs_history(decisions: Sequence[BoardDecision]) -> bool:
    """Whether a new posting may be a repost, which settle recognises by the closed
    postings of the company's other boards (read only then)."""
    return any(
        change.kind is ChangeKind.NEW
        for decision in decisions
        if decision.diff is not None
        for change in decision.diff.changes
    )


def same_rejected_role(company: Company, threshold: float) -> Callable[[str, str], bool] | None:
    """Two titles that both match the same rejected role are one role."""
    roles = [r.role for r in company.rejections]
    if not roles:
        return None

    def same(a: str, b: str) -> bool:
        first, second = best_match(a, roles, threshold), best_match(b, roles, threshold)
        return first is not None and second is not None and first[0] == second[0]

    return same


def settle(
    company: Company,
    decisions: Sequence[BoardDecision],
    history: Mapping[SourceRef, Mapping[str, Known]],
    rules: Rules,
) -> list[tuple[BoardState, Change]]:
    """The company's alerts, each with the board it is about: boards' health first,
    then what their diffs found, seen through the user's history with the company.
    ``history`` holds what the snapshot knows of the company's boards that were not
    diffed now (their closed postings suffice). Completes each diffed board's counts."""
    diffed = [d for d in decisions if d.diff is not None]
    known = {d.state.ref: d.known for d in decisions if d.known is not None}
    find_reposts(
        [d.diff for d in diffed if d.diff is not None],
        {**history, **known},
        same_rejected_role(company, rules.role_match),
    )
    events = [(d.state, d.health) for d in decisions if d.health is not None]
    for decision in diffed:
        diff = decision.diff
        assert diff is not None
        decision.state.open_count = diff.open_count
        decision.state.missing = sum(1 for misses in diff.missed.values() if misses > 0)
        events += [
            (decision.state, change) for change in classify(diff.changes, company, rules.role_match)
        ]
        decision.notes.append((logging.INFO, _summary(decision, diff)))
    return events


def _summary(decision: BoardDecision, diff: SourceDiff) -> str:
    fetched = decision.fetched
    label = f"{decision.state.company} {fetched.ref.label}"
    if decision.baseline:
        return (
            f"{label}: first poll, {len(diff.seen)} open posting(s) recorded; alerts start "
            f"from the next change ({fetched.seconds:.2f}s)"
        )
    counts: dict[str, int] = {}
    for change in diff.changes:
        counts[change.kind.value] = counts.get(change.kind.value, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in counts.items()) or "no changes"
    listed = "unchanged" if fetched.unchanged else f"{len(diff.seen)} listed"
    return f"{label}: {listed}, {diff.open_count} open, {summary} ({fetched.seconds:.2f}s)"
