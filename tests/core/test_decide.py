"""The decision for a board and its company, on plain values (docs/ARCHITECTURE.md
invariants 1, 2, 3, 5 and 7): no database, no HTTP, no clock."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from datetime import UTC, datetime

from secondchance.core.board import BoardResult, BoardState, Validators
from secondchance.core.classify import cooldown_drafts
from secondchance.core.decide import (
    Rules,
    decide_board,
    is_quiet,
    needs_history,
    settle,
)
from secondchance.core.diff import Known, Policy, Status
from secondchance.core.drafts import of_change
from secondchance.core.lines import poll_line
from secondchance.core.models import BoardSpec, ChangeKind, Posting, SourceRef
from secondchance.core.watchlist import Company, Rejection

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REF = SourceRef("Acme", "greenhouse", "acme")
OTHER = SourceRef("Acme", "lever", "acme")
RULES = Rules(policy=Policy(close_after=2), failure_alert_after=2)
ACME = Company(
    name="Acme",
    boards=(BoardSpec("greenhouse", "acme"), BoardSpec("lever", "acme")),
    interval=1800,
    jitter=0,
    rejections=(
        Rejection(role="Data Engineer", date=dt.date(2026, 9, 1), reapply_after="1 month"),
    ),
)


def state(ref: SourceRef = REF, **fields: object) -> BoardState:
    return BoardState(
        id=1 if ref == REF else 2, company=ref.company, kind=ref.kind, board=ref.board, **fields
    )  # type: ignore[arg-type]


def fetched(*postings: Posting, ref: SourceRef = REF, **fields: object) -> BoardResult:
    spec = BoardSpec(ref.kind, ref.board)
    return BoardResult(spec=spec, ref=ref, postings=list(postings), **fields)  # type: ignore[arg-type]


def known(*postings: Posting, status: Status = Status.OPEN, misses: int = 0) -> dict[str, Known]:
    return {p.id: Known(p, status, misses) for p in postings}


ANALYST, DESIGNER = Posting("1", "Analyst"), Posting("2", "Designer")


def test_a_first_poll_is_a_silent_baseline_that_keeps_the_validators() -> None:
    answered = fetched(
        ANALYST, DESIGNER, validators=Validators('"v1"', None), body_hash="h", pages=1
    )
    decision = decide_board(state(), answered, {}, RULES, AT)
    assert decision.baseline and decision.diff is not None and decision.diff.changes == []
    new = decision.state
    assert (new.baseline_done, new.attempts, new.last_poll_at, new.last_success_at) == (
        True,
        1,
        AT,
        AT,
    )
    assert (new.etag, new.body_hash, new.pages, new.last_result) == ('"v1"', "h", 1, "ok")
    assert settle(ACME, [decision], {}, RULES) == []
    assert new.open_count == 2
    assert poll_line(decision, []) == (
        logging.INFO,
        "Acme greenhouse:acme: first poll, 2 open postings recorded; alerts start from "
        "the next change (0.00s)",
    )


def test_a_failure_changes_no_posting_counts_the_streak_and_alerts_once() -> None:
    before = state(baseline_done=True, open_count=2, last_result="ok")
    first = decide_board(
        before, fetched(error="server error (HTTP 500)"), known(ANALYST), RULES, AT
    )
    # Pure: the stored state it was given is not touched.
    assert before.attempts == 0 and before.consecutive_failures == 0
    assert first.diff is None and first.health is None
    assert (first.state.consecutive_failures, first.state.last_result) == (1, "failed")
    assert first.state.open_count == 2 and first.state.last_success_at is None
    assert poll_line(first, []) == (
        logging.WARNING,
        "Acme greenhouse:acme: poll failed: server error (HTTP 500); the snapshot is kept (0.00s)",
    )
    second = decide_board(first.state, fetched(error="server error (HTTP 500)"), None, RULES, AT)
    assert second.health is not None and second.health.kind is ChangeKind.SOURCE_FAILING
    assert second.state.failing_alerted
    # Every failed poll is a warning of its own, saying how long it has lasted.
    assert poll_line(second, ["source_failing"]) == (
        logging.WARNING,
        "Acme greenhouse:acme: poll failed (2 polls in a row): server error (HTTP 500); "
        "the snapshot is kept; reported as failing (0.00s)",
    )
    third = decide_board(second.state, fetched(error="server error (HTTP 500)"), None, RULES, AT)
    assert third.health is None  # reported once
    back = decide_board(third.state, fetched(unchanged=True), None, RULES, AT)
    assert back.health is not None and back.health.kind is ChangeKind.SOURCE_RECOVERED
    assert (back.state.consecutive_failures, back.state.failing_alerted) == (0, False)


def test_an_unchanged_board_with_nothing_pending_needs_no_snapshot() -> None:
    settled = state(baseline_done=True)
    assert is_quiet(settled, fetched(unchanged=True))
    assert not is_quiet(replace(settled, missing=1), fetched(unchanged=True))
    assert not is_quiet(replace(settled, collapse_streak=1), fetched(unchanged=True))
    assert not is_quiet(state(), fetched(unchanged=True))  # no baseline yet
    assert not is_quiet(settled, fetched(ANALYST))


def test_an_unchanged_body_still_confirms_a_removal_pending_since_the_last_poll() -> None:
    before = state(baseline_done=True, missing=1)
    snapshot = {**known(ANALYST), **known(DESIGNER, misses=1)}
    decision = decide_board(before, fetched(unchanged=True), snapshot, RULES, AT)
    events = settle(ACME, [decision], {}, RULES)
    assert [(c.kind, c.posting.id if c.posting else None) for _, c in events] == [
        (ChangeKind.CLOSED, "2")
    ]
    assert (decision.state.open_count, decision.state.missing) == (1, 0)


def test_a_collapse_holds_the_snapshot_forgets_the_validators_and_says_so() -> None:
    many = [Posting(str(n), f"Role {n}") for n in range(10)]
    before = state(baseline_done=True, etag='"v1"', body_hash="h", pages=1)
    decision = decide_board(before, fetched(*many[:2]), known(*many), RULES, AT)
    assert decision.diff is not None and decision.diff.collapsed
    assert decision.health is not None and decision.health.kind is ChangeKind.SOURCE_FAILING
    new = decision.state
    assert (new.collapse_streak, new.last_result, new.etag, new.body_hash) == (
        1,
        "suspect",
        None,
        None,
    )
    assert settle(ACME, [decision], {}, RULES) == [(new, decision.health)]
    assert new.open_count == 10  # nothing counted as gone


def test_the_rejected_role_back_on_another_board_is_a_role_back_over_the_closed_one() -> None:
    closed = Posting("9", "Data Engineer")
    lever = decide_board(
        state(OTHER, baseline_done=True),
        fetched(ANALYST, Posting("x", "Senior Data Engineer"), ref=OTHER),
        known(ANALYST),
        RULES,
        AT,
    )
    assert needs_history([lever])
    history = {REF: known(closed, status=Status.CLOSED)}
    events = settle(ACME, [lever], history, RULES)
    [(board, change)] = events
    assert board is lever.state and change.kind is ChangeKind.ROLE_BACK
    assert change.previous == closed and change.extra["rejected_role"] == "Data Engineer"
    draft = of_change(board, change, ["console"])
    assert draft.key == "2|x|role_back|1" and draft.previous_title == "Data Engineer"
    assert draft.channels == ("console",)


def test_a_cool_down_that_ended_lists_what_passes_by_title() -> None:
    open_now = [Posting("b", "Zeta Analyst", url="https://x.test/b"), Posting("a", "Alpha Ops")]
    [draft] = cooldown_drafts(ACME, dt.date(2026, 10, 1), open_now, ["console"])
    assert draft.key == "cooldown|Acme|Data Engineer|2026-09-01"
    assert draft.extra["listing"] == "Alpha Ops —\nZeta Analyst —   https://x.test/b"
    assert draft.extra["open_postings"] == "2"
    assert cooldown_drafts(ACME, dt.date(2026, 9, 30), open_now, ["console"]) == []
