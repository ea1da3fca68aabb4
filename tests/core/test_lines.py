"""The one line each poll of a board logs, on plain values: its counts are the alerts
queued, its words agree in number, and it says why nothing was closed."""

from __future__ import annotations

import datetime as dt
import logging
from datetime import UTC, datetime

from secondchance.core.board import BoardResult, BoardState
from secondchance.core.decide import BoardDecision, Rules, decide_board, settle
from secondchance.core.diff import Known, Policy
from secondchance.core.filters import Filter, compile_filter
from secondchance.core.lines import plural, poll_line
from secondchance.core.models import BoardSpec, Posting, SourceRef
from secondchance.core.watchlist import Company, Rejection

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REF = SourceRef("Acme", "greenhouse", "acme")
ACME = Company(name="Acme", boards=(BoardSpec("greenhouse", "acme"),), interval=1800, jitter=0)
RULES = Rules(policy=Policy(close_after=2))


def roles(*ids: int) -> list[Posting]:
    return [Posting(str(n), f"Role {n}", locations=("Berlin",)) for n in ids]


def decided(
    listed: list[Posting],
    stored: list[Posting],
    *,
    company: Company = ACME,
    misses: int = 0,
    **fetched: object,
) -> BoardDecision:
    state = BoardState(id=1, company="Acme", kind="greenhouse", board="acme", baseline_done=True)
    board = BoardResult(BoardSpec("greenhouse", "acme"), REF, postings=listed, **fetched)  # type: ignore[arg-type]
    known = {p.id: Known(p, misses=misses) for p in stored}
    decision = decide_board(state, board, known, RULES, AT)
    settle(company, [decision], {}, RULES)
    return decision


def test_plurals() -> None:
    assert [plural(n, "posting") for n in (0, 1, 2)] == ["0 postings", "1 posting", "2 postings"]
    assert plural(2, "poll in a row", "polls in a row") == "2 polls in a row"


def test_the_counts_are_those_of_the_alerts_queued() -> None:
    # The diff found three new postings; one of them is the rejected role, queued as
    # a role back: the line says so, as the alert does.
    turned_down = Rejection(role="Data Engineer", date=dt.date(2026, 9, 1))
    company = Company("Acme", ACME.boards, 1800, 0, rejections=(turned_down,))
    stored = [*roles(1, 2, 7), Posting("4", "Role four", locations=("Berlin",))]
    back = Posting("3", "Senior Data Engineer", locations=("Berlin",))
    listed = [*roles(1, 2), back, *roles(4, 5, 6)]
    decision = decided(listed, stored, company=company, seconds=0.5)
    queued = [change.kind.value for _, change in settle(company, [decision], {}, RULES)]
    assert sorted(queued) == ["changed", "new", "new", "role_back"]
    line = poll_line(decision, queued)
    assert line == (
        logging.INFO,
        "Acme greenhouse:acme: 6 listed, 7 open, 1 role back, 2 new, 1 changed; "
        "1 posting missing, not closed until confirmed (0.50s)",
    )


def test_nothing_found_says_so() -> None:
    decision = decided(roles(1, 2), roles(1, 2))
    assert poll_line(decision, []) == (
        logging.INFO,
        "Acme greenhouse:acme: 2 listed, 2 open, no changes (0.00s)",
    )


def test_an_unchanged_board_has_its_line_too() -> None:
    state = BoardState(1, "Acme", "greenhouse", "acme", baseline_done=True, open_count=12)
    board = BoardResult(BoardSpec("greenhouse", "acme"), REF, unchanged=True, seconds=0.04)
    decision = decide_board(state, board, None, RULES, AT)
    assert poll_line(decision, []) == (
        logging.INFO,
        "Acme greenhouse:acme: unchanged, 12 open (0.04s)",
    )


def test_skipped_postings_are_counted_with_their_reasons() -> None:
    one = decided(roles(1, 2), roles(1, 2, 3), complete=False, skipped={"no title": 1})
    assert poll_line(one, []) == (
        logging.INFO,
        "Acme greenhouse:acme: 2 listed, 3 open, no changes; 1 posting skipped: no title, "
        "so nothing is closed this poll (0.00s)",
    )
    two = decided(roles(1, 2), roles(1, 2), complete=False, skipped={"no title": 2, "no id": 1})
    assert (
        "; 3 postings skipped: 2 no title, 1 no id, so nothing is closed" in poll_line(two, [])[1]
    )


def test_a_board_read_only_in_part_is_a_warning() -> None:
    stopped = "stopped after 50 pages (the most it reads)"
    decision = decided(roles(1), roles(1), complete=False, stopped=stopped)
    level, line = poll_line(decision, [])
    assert level == logging.WARNING
    assert line.endswith(f"; {stopped}, so nothing is closed this poll (0.00s)")


def test_a_collapse_is_a_warning_and_a_quiet_one_is_not() -> None:
    decision = decided(roles(1), roles(*range(1, 11)))
    assert poll_line(decision, ["source_failing"]) == (
        logging.WARNING,
        "Acme greenhouse:acme: 1 listed, 10 open, no changes; the board shrank from 10 to "
        "1 posting: the snapshot is held; reported as failing (0.00s)",
    )
    quiet = decided([], roles(1, 2))
    assert poll_line(quiet, []) == (
        logging.INFO,
        "Acme greenhouse:acme: 0 listed, 2 open, no changes; it lists no postings (had 2): "
        "the snapshot is held until that persists (0.00s)",
    )


def test_what_the_filter_kept_from_alerting_is_counted_apart() -> None:
    matcher = compile_filter(Filter(exclude=("Role 4",)))
    picky = Company("Acme", ACME.boards, 1800, 0, matcher=matcher)
    decision = decided(roles(1, 2, 3, 4), roles(1, 2), company=picky)
    assert decision.filtered == 1
    _, line = poll_line(decision, ["new"])
    assert line.startswith("Acme greenhouse:acme: 4 listed, 4 open, 1 new, 1 filtered out")


def test_a_recovery_is_told_in_the_line_of_the_poll_that_recovered() -> None:
    decision = decided(roles(1), roles(1))
    _, line = poll_line(decision, ["source_recovered"])
    assert line.endswith("no changes; reported as recovered (0.00s)")


def test_an_unchanged_body_that_confirms_a_removal_says_both() -> None:
    state = BoardState(1, "Acme", "greenhouse", "acme", baseline_done=True, missing=1)
    board = BoardResult(BoardSpec("greenhouse", "acme"), REF, unchanged=True)
    known = {p.id: Known(p) for p in roles(1, 2)} | {"3": Known(roles(3)[0], misses=1)}
    decision = decide_board(state, board, known, RULES, AT)
    queued = [change.kind.value for _, change in settle(ACME, [decision], {}, RULES)]
    assert poll_line(decision, queued) == (
        logging.INFO,
        "Acme greenhouse:acme: 2 listed as last poll, 2 open, 1 closed (0.00s)",
    )
