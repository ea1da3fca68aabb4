"""The decision for a board and its company, on plain values (docs/ARCHITECTURE.md
invariants 1, 2, 3, 5 and 7): no database, no HTTP, no clock."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from datetime import UTC, datetime

import msgspec

from secondchance.core.board import BoardResult, BoardState, Outcome, Validators
from secondchance.core.classify import cooldown_drafts
from secondchance.core.decide import (
    CUT_SHORT,
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


def test_a_page_that_lost_its_end_fails_its_poll_until_that_lasts() -> None:
    rules = Rules(policy=Policy(collapse_accept_after=3), failure_alert_after=9)
    before = state(baseline_done=True, ended_html=True, etag='"v1"', body_hash="h", pages=1)
    cut = fetched(Posting("1", "Analyst"), ends_html=False, body_hash="cut", pages=1)
    first = decide_board(before, cut, known(ANALYST, DESIGNER), rules, AT)
    assert (first.error, first.outcome, first.diff) == (CUT_SHORT, Outcome.FAILED, None)
    # A failed poll: the validators and what is known of the page stay as they were.
    assert (first.state.etag, first.state.body_hash, first.state.ended_html) == ('"v1"', "h", True)
    assert poll_line(first, [])[1].startswith(f"Acme greenhouse:acme: poll failed: {CUT_SHORT}")
    second = decide_board(first.state, cut, known(ANALYST, DESIGNER), rules, AT)
    assert second.error == CUT_SHORT
    # Three polls in a row: the page itself changed, and is read as it is now.
    third = decide_board(second.state, cut, known(ANALYST, DESIGNER), rules, AT)
    assert third.error is None and third.state.ended_html is False
    # A page that never ended with </html>, or is not known to, is read as it comes.
    for ended in (False, None):
        plain = decide_board(replace(before, ended_html=ended), cut, known(ANALYST), rules, AT)
        assert plain.error is None
    whole = fetched(ANALYST, ends_html=True, body_hash="h2", pages=1)
    assert decide_board(before, whole, known(ANALYST), rules, AT).state.ended_html is True


def test_a_held_field_makes_the_next_poll_read_the_body_again() -> None:
    full = Posting("1", "Analyst", locations=("Berlin",))
    before = state(baseline_done=True, etag='"v1"', body_hash="h", pages=1)
    decision = decide_board(
        before, fetched(ANALYST, body_hash="h2", pages=1), known(full), RULES, AT
    )
    assert decision.diff is not None and decision.diff.held == {"1": 1}
    assert (decision.state.etag, decision.state.body_hash) == (None, None)
    assert decision.outcome is Outcome.UNCHANGED  # nothing stored of it yet
    _, line = poll_line(decision, [])
    assert "1 posting with a field emptied, kept as it was until the next poll confirms it" in line


def test_the_first_poll_read_by_a_new_reader_refreshes_without_alerts() -> None:
    old = Posting("1", "Analyst", locations=("Hong Kong, UNAVAILABLE, HK",))
    new = Posting("1", "Analyst", locations=("Hong Kong, HK",))
    before = state(baseline_done=True, reader=1)
    decision = decide_board(before, fetched(new, reader=2), known(old), RULES, AT)
    assert decision.refresh and decision.diff is not None and decision.diff.changes == []
    assert decision.state.reader == 2 and decision.outcome is Outcome.CHANGED
    assert settle(ACME, [decision], {}, RULES) == []
    moved = Posting("1", "Analyst", locations=("Paris",))
    again = decide_board(decision.state, fetched(moved, reader=2), known(new), RULES, AT)
    assert not again.refresh and again.diff is not None and len(again.diff.changes) == 1


def test_each_poll_has_one_outcome() -> None:
    settled = state(baseline_done=True)
    assert decide_board(state(), fetched(ANALYST), {}, RULES, AT).outcome is Outcome.BASELINE
    quiet = decide_board(settled, fetched(unchanged=True), None, RULES, AT)
    assert quiet.outcome is Outcome.UNCHANGED
    same = decide_board(settled, fetched(ANALYST), known(ANALYST), RULES, AT)
    assert same.outcome is Outcome.UNCHANGED
    dated = msgspec.structs.replace(ANALYST, updated_at=AT)  # stored, if not alerted
    assert decide_board(settled, fetched(dated), known(ANALYST), RULES, AT).outcome is (
        Outcome.CHANGED
    )
    more = decide_board(settled, fetched(ANALYST, DESIGNER), known(ANALYST), RULES, AT)
    assert more.outcome is Outcome.CHANGED
    many = [Posting(str(n), f"Role {n}") for n in range(10)]
    shrank = decide_board(settled, fetched(*many[:2]), known(*many), RULES, AT)
    assert shrank.outcome is Outcome.HELD
    failed = decide_board(settled, fetched(error="timed out"), known(ANALYST), RULES, AT)
    assert failed.outcome is Outcome.FAILED
