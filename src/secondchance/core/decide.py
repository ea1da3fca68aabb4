"""What a poll means, decided without I/O: board by board, then for the company.

``decide_board`` takes a board's stored state, what fetching it gave and the postings
the snapshot knows of it, and returns the state to store, the diff to write and the
board's health alert. ``settle`` then looks across the company's boards: a new posting
that is a closed role back (a repost), the role the user was turned down for (a role
back), the company's filter. Both are pure (the moment of the poll is given; the line
to log is made of the decision by core/lines.py), so every rule is tested with plain
values; daemon/poller.py only reads, fetches and writes around them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from secondchance.core.board import BoardResult, BoardState, Outcome
from secondchance.core.classify import classify
from secondchance.core.diff import Known, Policy, SourceDiff, Status, diff_source, find_reposts
from secondchance.core.health import Health, after_collapse, after_failure, after_success
from secondchance.core.matching import DEFAULT_THRESHOLD, best_match
from secondchance.core.models import Change, ChangeKind, SourceRef
from secondchance.core.watchlist import Company

# Why a page that ends without the </html> it had on earlier polls fails its poll.
CUT_SHORT = "the page ends early: no </html>, which it had on earlier polls"


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
    baseline: bool = False
    # Why the poll failed: the fetch's error, or a verdict on what it brought (a page
    # cut short). None for a poll that succeeded.
    error: str | None = None
    # The first poll read with a new version of its kind's reader: stored text is
    # refreshed without `changed` alerts (nor fields held for confirmation).
    refresh: bool = False
    # Changes the company's filter kept from alerting (settle counts them).
    filtered: int = 0

    @property
    def outcome(self) -> Outcome:
        diff = self.diff
        if self.error is not None:
            return Outcome.FAILED
        if diff is None:
            return Outcome.UNCHANGED
        if self.baseline:
            return Outcome.BASELINE
        if diff.collapsed:
            return Outcome.HELD
        if diff.changes or diff.closed or diff.updated:
            return Outcome.CHANGED
        return Outcome.UNCHANGED


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
    decision.error = fetched.error
    if decision.error is None and cut_short(state, fetched, rules):
        decision.error = CUT_SHORT
    health = Health(state.consecutive_failures, state.failing_alerted)
    if decision.error is not None:
        health, decision.health = after_failure(
            health, fetched.ref, decision.error, rules.failure_alert_after
        )
        new.last_result, new.last_error = "failed", decision.error
    elif known is None:
        health, decision.health = after_success(health, fetched.ref)
        new.last_result, new.last_error = "unchanged", None
        new.last_success_at = at
    else:
        health = _diffed(decision, known, rules, health, at)
    new.consecutive_failures = health.consecutive_failures
    new.failing_alerted = health.alerted
    return decision


def cut_short(state: BoardState, fetched: BoardResult, rules: Rules) -> bool:
    """An HTML page that ended with </html> on earlier polls and now does not was
    cut short (a connection closed early behind a correct Content-Length, a proxy's
    limit): what it lost must not read as changes. Unless it has been so for
    ``collapse_accept_after`` polls in a row: then the page itself changed."""
    if not (fetched.ends_html is False and state.ended_html):
        return False
    believed = rules.policy.collapse_accept_after
    return not (state.last_error == CUT_SHORT and state.consecutive_failures + 1 >= believed)


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
    else:
        decision.refresh = not decision.baseline and new.reader != fetched.reader
        new.reader = fetched.reader
        if fetched.ends_html is not None:
            new.ended_html = fetched.ends_html
    diff = decision.diff = diff_source(
        fetched.ref,
        known,
        observed,
        rules.policy,
        baseline=decision.baseline,
        collapse_streak=new.collapse_streak,
        complete=fetched.complete,
        refresh=decision.refresh,
    )
    if diff.collapsed:
        new.collapse_streak += 1
        new.last_result = "suspect"
        new.last_error = f"board shrank from {diff.previous_count} to {len(diff.seen)}"
        # Forget the validators: a 304 next time must not hide the shrink.
        new.etag = new.last_modified = new.body_hash = new.page_validators = None
        if not diff.quiet:
            health, decision.health = after_collapse(
                health, fetched.ref, diff.previous_count, len(diff.seen)
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
    if diff.held:
        # A field emptied is confirmed by the next poll's body: a 304 or the same
        # bytes would only repeat what is stored, the field as it was.
        new.etag = new.last_modified = new.body_hash = new.page_validators = None
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
        kept = classify(diff.changes, company, rules.role_match)
        decision.filtered = len(diff.changes) - len(kept)
        events += [(decision.state, change) for change in kept]
    return events
