"""The diff rules, on plain values (docs/ARCHITECTURE.md invariants 2-5 and 7)."""

from __future__ import annotations

from secondchance.core.diff import (
    Known,
    Policy,
    Status,
    diff_source,
    find_reposts,
    is_collapse,
    is_emptied,
)
from secondchance.core.health import Health, after_collapse, after_failure, after_success
from secondchance.core.models import ChangeKind, Posting, SourceRef
from secondchance.core.pay import Pay, Period

GH = SourceRef("Acme", "greenhouse", "acme")
LV = SourceRef("Acme", "lever", "acme")
POLICY = Policy()


def p(pid: str, title: str | None = None, *locations: str) -> Posting:
    return Posting(id=pid, title=title or f"Role {pid}", locations=tuple(locations))


def known(*postings: Posting, status: Status = Status.OPEN, misses: int = 0) -> dict[str, Known]:
    return {x.id: Known(x, status, misses) for x in postings}


def kinds(diff: object) -> list[tuple[str, str]]:
    return [(c.kind.value, c.posting.id if c.posting else "") for c in diff.changes]  # type: ignore[attr-defined]


def test_first_poll_is_a_silent_baseline() -> None:
    diff = diff_source(GH, {}, [p("1"), p("2"), p("3")], POLICY, baseline=True)
    assert diff.changes == []
    assert [x.id for x in diff.seen] == ["1", "2", "3"]


def test_announce_existing_turns_the_baseline_into_new_alerts() -> None:
    diff = diff_source(GH, {}, [p("1"), p("2")], Policy(announce_existing=True), baseline=True)
    assert kinds(diff) == [("new", "1"), ("new", "2")]


def test_new_posting_after_baseline() -> None:
    diff = diff_source(GH, known(p("1")), [p("1"), p("2")], POLICY, baseline=False)
    assert kinds(diff) == [("new", "2")]


def test_order_and_duplicates_are_not_changes() -> None:
    before = known(p("1"), p("2"), p("3"))
    diff = diff_source(GH, before, [p("3"), p("1"), p("2"), p("1")], POLICY, baseline=False)
    assert diff.changes == []
    assert sorted(x.id for x in diff.seen) == ["1", "2", "3"]


def test_whitespace_and_case_in_titles_are_not_changes() -> None:
    before = known(p("1", "Senior  Engineer", "Berlin"))
    after = [p("1", "senior engineer", "berlin")]
    assert diff_source(GH, before, after, POLICY, baseline=False).changes == []


def test_title_or_location_change_is_changed() -> None:
    before = known(p("1", "Engineer", "Berlin"))
    diff = diff_source(GH, before, [p("1", "Staff Engineer", "Berlin")], POLICY, baseline=False)
    assert kinds(diff) == [("changed", "1")]
    assert diff.changes[0].previous is not None
    assert diff.changes[0].previous.title == "Engineer"
    moved = diff_source(GH, before, [p("1", "Engineer", "Remote")], POLICY, baseline=False)
    assert kinds(moved) == [("changed", "1")]


def test_removal_needs_two_consecutive_misses() -> None:
    before = known(p("1"), p("2"))
    first = diff_source(GH, before, [p("1")], POLICY, baseline=False)
    assert first.changes == []
    assert first.missed == {"2": 1}
    assert first.open_count == 2
    second = diff_source(
        GH, {**before, "2": Known(p("2"), Status.OPEN, 1)}, [p("1")], POLICY, baseline=False
    )
    assert kinds(second) == [("closed", "2")]
    assert second.closed == ["2"]


def test_a_posting_that_returns_before_confirmation_is_just_present() -> None:
    before = {**known(p("1")), "2": Known(p("2"), Status.OPEN, 1)}
    diff = diff_source(GH, before, [p("1"), p("2")], POLICY, baseline=False)
    assert diff.changes == []
    assert diff.missed == {}


def test_close_after_is_configurable() -> None:
    diff = diff_source(GH, known(p("1"), p("2")), [p("1")], Policy(close_after=1), baseline=False)
    assert kinds(diff) == [("closed", "2")]


def test_collapse_to_zero_holds_the_snapshot() -> None:
    before = known(*(p(str(i)) for i in range(12)))
    diff = diff_source(GH, before, [], POLICY, baseline=False)
    assert diff.collapsed
    assert diff.changes == []
    assert diff.closed == []
    assert all(m == 0 for m in diff.missed.values())
    assert diff.open_count == 12


def test_collapse_under_half_still_reports_new_postings() -> None:
    before = known(*(p(str(i)) for i in range(10)))
    diff = diff_source(GH, before, [p("0"), p("1"), p("new")], POLICY, baseline=False)
    assert diff.collapsed
    assert kinds(diff) == [("new", "new")]
    assert diff.closed == []


def test_small_boards_do_not_collapse() -> None:
    assert not is_collapse(3, 0, POLICY)
    assert is_collapse(4, 0, POLICY)
    assert is_collapse(12, 5, POLICY)
    assert not is_collapse(12, 6, POLICY)


def test_a_small_board_that_empties_is_held_without_a_source_alert() -> None:
    assert is_emptied(3, 0, POLICY) and is_emptied(1, 0, POLICY)
    assert not is_emptied(3, 1, POLICY)  # a shrink of a small board is believed
    assert not is_emptied(0, 0, POLICY)
    assert not is_emptied(4, 0, POLICY)  # that is a collapse, with its alert
    before = known(p("1"), p("2"))
    held = diff_source(GH, before, [], POLICY, baseline=False)
    assert held.collapsed and held.quiet
    assert held.changes == [] and held.closed == []
    assert held.missed == {"1": 0, "2": 0}
    big = diff_source(GH, known(*(p(str(i)) for i in range(4))), [], POLICY, baseline=False)
    assert big.collapsed and not big.quiet
    believed = diff_source(
        GH, before, [], Policy(collapse_accept_after=3), baseline=False, collapse_streak=2
    )
    assert not believed.collapsed and not believed.quiet
    assert believed.missed == {"1": 1, "2": 1}


def test_a_persistent_collapse_is_eventually_believed() -> None:
    before = known(*(p(str(i)) for i in range(8)))
    policy = Policy(collapse_accept_after=3)
    held = diff_source(GH, before, [], policy, baseline=False, collapse_streak=1)
    assert held.collapsed
    believed = diff_source(GH, before, [], policy, baseline=False, collapse_streak=2)
    assert not believed.collapsed
    assert len(believed.missed) == 8


def test_closed_posting_that_returns_is_reopened() -> None:
    before = {**known(p("1")), **known(p("2"), status=Status.CLOSED)}
    diff = diff_source(GH, before, [p("1"), p("2")], POLICY, baseline=False)
    assert kinds(diff) == [("reopened", "2")]


def test_new_id_with_a_closed_title_is_reposted_across_boards() -> None:
    snapshot = {
        GH: known(p("old", "Data  Analyst"), status=Status.CLOSED),
        LV: known(p("x", "Other")),
    }
    diff = diff_source(
        LV, snapshot[LV], [p("x", "Other"), p("y", "data analyst")], POLICY, baseline=False
    )
    find_reposts([diff], snapshot)
    assert kinds(diff) == [("reposted", "y")]
    assert diff.changes[0].previous is not None
    assert diff.changes[0].previous.id == "old"


def test_take_down_and_repost_in_the_same_poll() -> None:
    snapshot = {GH: known(p("a", "Marketing Lead"), p("b", "Designer"))}
    diff = diff_source(
        GH, snapshot[GH], [p("b", "Designer"), p("c", "Marketing Lead")], POLICY, baseline=False
    )
    find_reposts([diff], snapshot)
    assert kinds(diff) == [("reposted", "c")]
    # The superseded id is closed quietly: no "closed" alert to follow later.
    assert diff.closed == ["a"]
    assert "a" not in diff.missed


def test_repost_does_not_fire_for_unrelated_titles() -> None:
    snapshot = {GH: known(p("a", "Marketing Lead"), status=Status.CLOSED)}
    diff = diff_source(GH, snapshot[GH], [p("c", "Marketing Leader")], POLICY, baseline=False)
    find_reposts([diff], snapshot)
    assert kinds(diff) == [("new", "c")]


def test_failures_alert_once_after_the_threshold() -> None:
    health = Health()
    changes = []
    for _ in range(6):
        health, change = after_failure(health, GH, "HTTP 500", threshold=3)
        changes.append(change)
    assert [c is not None for c in changes] == [False, False, True, False, False, False]
    assert changes[2] is not None and changes[2].kind is ChangeKind.SOURCE_FAILING
    health, recovered = after_success(health, GH)
    assert recovered is not None and recovered.kind is ChangeKind.SOURCE_RECOVERED
    assert health == Health()
    _, nothing = after_success(health, GH)
    assert nothing is None


def test_collapse_alerts_at_once_and_only_once() -> None:
    health, first = after_collapse(Health(), GH, 12, 0)
    assert first is not None and "12 to 0" in first.detail
    _, second = after_collapse(health, GH, 12, 0)
    assert second is None


def test_diff_of_a_big_board_is_linear() -> None:
    # Not a timing assertion: a sanity check that 10k postings diff correctly.
    before = known(*(p(str(i)) for i in range(10_000)))
    after = [p(str(i)) for i in range(1, 10_001)]
    diff = diff_source(GH, before, after, POLICY, baseline=False)
    assert kinds(diff) == [("new", "10000")]
    assert diff.missed == {"0": 1}


def test_an_emptied_field_is_held_one_poll_then_stored_and_alerted() -> None:
    full = Posting("1", "Engineer", locations=("Berlin",), department="Data", url="https://x/1")
    emptied = Posting("1", "Engineer", url="https://x/1")
    first = diff_source(GH, known(full), [emptied], POLICY, baseline=False)
    # Held: nothing alerted, the stored values kept, the poll counted.
    assert (first.changes, first.seen, first.held, first.updated) == ([], [full], {"1": 1}, 0)
    # The next poll still lists it so: confirmed (the count came back from the store).
    stored = {"1": Known(full, emptied=1)}
    second = diff_source(GH, stored, [emptied], POLICY, baseline=False)
    assert (kinds(second), second.seen, second.held, second.updated) == (
        [("changed", "1")],
        [emptied],
        {},
        1,
    )


def test_a_field_emptied_for_one_poll_makes_no_alert_at_all() -> None:
    full = Posting("1", "Engineer", locations=("Berlin",))
    held = diff_source(GH, known(full), [Posting("1", "Engineer")], POLICY, baseline=False)
    assert held.changes == [] and held.held == {"1": 1}
    back = diff_source(GH, {"1": Known(full, emptied=1)}, [full], POLICY, baseline=False)
    assert (back.changes, back.held, back.seen, back.updated) == ([], {}, [full], 0)


def test_what_changes_beside_an_emptied_field_is_alerted_at_once() -> None:
    full = Posting("1", "Engineer", locations=("Berlin",))
    diff = diff_source(GH, known(full), [Posting("1", "Staff Engineer")], POLICY, baseline=False)
    assert kinds(diff) == [("changed", "1")]
    # The title is stored now, the location kept until it is confirmed empty.
    assert diff.seen == [Posting("1", "Staff Engineer", locations=("Berlin",))]
    assert diff.held == {"1": 1}


def test_a_field_that_changes_to_another_value_is_not_held() -> None:
    full = Posting("1", "Engineer", locations=("Berlin",), department="Data")
    moved = Posting("1", "Engineer", locations=("Paris",), department="Data")
    diff = diff_source(GH, known(full), [moved], POLICY, baseline=False)
    assert (kinds(diff), diff.held, diff.seen) == ([("changed", "1")], {}, [moved])


def test_a_refresh_stores_text_read_anew_without_alerts_or_holds() -> None:
    old = Posting("1", "Engineer", locations=("Hong Kong, UNAVAILABLE, HK",))
    new = Posting("1", "Engineer", locations=("Hong Kong, HK",))
    diff = diff_source(GH, known(old, p("2")), [new, p("3")], POLICY, baseline=False, refresh=True)
    assert kinds(diff) == [("new", "3")]  # what is new is still told
    assert (diff.seen, diff.updated) == ([new, p("3")], 2)
    emptied = diff_source(
        GH, known(old), [p("1", "Engineer")], POLICY, baseline=False, refresh=True
    )
    assert (emptied.changes, emptied.held, emptied.seen) == ([], {}, [p("1", "Engineer")])


def test_a_change_of_pay_alone_is_never_a_changed_alert() -> None:
    low = Pay("USD", 90000_00, 120000_00, Period.YEAR)
    high = Pay("USD", 100000_00, 140000_00, Period.YEAR)
    before = known(Posting("1", "Engineer", pay=low), Posting("2", "Analyst"))
    after = [Posting("1", "Engineer", pay=high), Posting("2", "Analyst", pay=low)]
    diff = diff_source(GH, before, after, POLICY, baseline=False)
    # Stored anew (the snapshot shows the pay the board shows now), never alerted.
    assert (diff.changes, diff.seen, diff.updated) == ([], after, 2)
    # Pay that disappears waits one poll, as any emptied field does, and still says nothing.
    held = diff_source(GH, known(*after), [Posting("1", "Engineer")], POLICY, baseline=False)
    assert (held.changes, held.held) == ([], {"1": 1})
    gone = diff_source(
        GH, {"1": Known(after[0], emptied=1)}, [Posting("1", "Engineer")], POLICY, baseline=False
    )
    assert (gone.changes, gone.seen) == ([], [Posting("1", "Engineer")])
    # A title change beside it is a change as ever, and carries the new pay.
    titled = diff_source(
        GH, before, [Posting("1", "Staff Engineer", pay=high)], POLICY, baseline=False
    )
    assert kinds(titled)[0] == ("changed", "1")
