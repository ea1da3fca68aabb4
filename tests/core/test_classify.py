"""classify(): the diff's changes seen through the user's history with a company.

The rejected role coming back is ``role_back`` and beats every filter; a reopened
rejected role keeps its kind but gains the rejection; everything else about a
posting must pass the company's filter, and wanted postings get one line of context.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from secondchance.core.classify import classify, cooldowns_over, upcoming_cooldowns
from secondchance.core.filters import Filter, compile_filter
from secondchance.core.matching import DEFAULT_THRESHOLD
from secondchance.core.models import Change, ChangeKind, Posting, SourceRef
from secondchance.core.watchlist import Company, Rejection

SOURCE = SourceRef("Acme", "greenhouse", "acme")
DAY = 86400.0

PAID_SEARCH = Rejection(
    role="Paid Search Marketing Manager",
    date=dt.date(2026, 3, 1),
    stage="final round",
    contact="Dana Lee (recruiter)",
    notes="Liked my campaign case study",
)
DATA_ANALYST = Rejection(role="Data Analyst", date=dt.date(2025, 11, 20))


def company(
    *rejections: Rejection,
    name: str = "Acme",
    include: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] | None = None,
) -> Company:
    wanted = Filter(include=include, exclude=exclude)
    return Company(
        name=name,
        boards=(),
        interval=1800.0,
        jitter=0.0,
        rejections=rejections,
        filter=wanted,
        matcher=compile_filter(wanted),
    )


def change(kind: ChangeKind, title: str, posting_id: str = "1", **fields: Any) -> Change:
    return Change(kind=kind, source=SOURCE, posting=Posting(id=posting_id, title=title), **fields)


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


# --- the rejected role comes back ------------------------------------------------------


def test_new_posting_of_the_rejected_role_is_role_back() -> None:
    found = only(
        classify(
            [change(ChangeKind.NEW, "Senior Paid Search Marketing Manager")],
            company(PAID_SEARCH),
            DEFAULT_THRESHOLD,
        )
    )

    assert found.kind is ChangeKind.ROLE_BACK
    assert found.posting is not None
    assert found.posting.title == "Senior Paid Search Marketing Manager"
    assert found.extra == {
        "rejected_role": "Paid Search Marketing Manager",
        "rejected_on": "2026-03-01",
        "stage": "final round",
        "contact": "Dana Lee (recruiter)",
        "notes": "Liked my campaign case study",
        "similarity": "100",
        "context": "Turned down 2026-03-01 for Paid Search Marketing Manager — final round",
    }


def test_reposted_rejected_role_is_role_back_and_keeps_what_it_replaced() -> None:
    previous = Posting(id="7", title="Paid Search Marketing Manager")
    repost = change(ChangeKind.REPOSTED, "Paid Search Marketing Manager (m/f/d)", previous=previous)

    found = only(classify([repost], company(PAID_SEARCH), DEFAULT_THRESHOLD))

    assert found.kind is ChangeKind.ROLE_BACK
    assert found.previous == previous
    assert found.extra["rejected_role"] == "Paid Search Marketing Manager"


def test_role_back_passes_a_filter_that_excludes_it() -> None:
    picky = company(PAID_SEARCH, include=("engineer",), exclude=("marketing",))
    changes = [
        change(ChangeKind.NEW, "Paid Search Marketing Manager", "1"),
        change(ChangeKind.NEW, "Brand Marketing Lead", "2"),
    ]

    found = only(classify(changes, picky, DEFAULT_THRESHOLD))

    assert found.kind is ChangeKind.ROLE_BACK
    assert found.posting is not None and found.posting.id == "1"


def test_reopened_rejected_role_keeps_its_kind_and_gains_the_rejection() -> None:
    found = only(
        classify(
            [change(ChangeKind.REOPENED, "Paid Search Marketing Manager")],
            company(PAID_SEARCH, DATA_ANALYST, include=("engineer",)),
            DEFAULT_THRESHOLD,
        )
    )

    assert found.kind is ChangeKind.REOPENED
    assert found.extra["rejected_role"] == "Paid Search Marketing Manager"
    assert found.extra["contact"] == "Dana Lee (recruiter)"
    assert found.extra["context"] == (
        "Turned down 2026-03-01 for Paid Search Marketing Manager — final round"
    )


def test_the_best_matching_rejection_is_the_one_reported() -> None:
    found = only(
        classify(
            [change(ChangeKind.NEW, "Data Analyst - Remote US")],
            company(PAID_SEARCH, DATA_ANALYST),
            DEFAULT_THRESHOLD,
        )
    )

    assert found.kind is ChangeKind.ROLE_BACK
    assert found.extra["rejected_role"] == "Data Analyst"
    assert found.extra["context"] == "Turned down 2025-11-20 for Data Analyst"
    # No stage, contact or notes were written: no empty keys either.
    assert {"stage", "contact", "notes"}.isdisjoint(found.extra)


def test_existing_extra_is_kept_when_the_rejection_is_added() -> None:
    found = only(
        classify(
            [change(ChangeKind.NEW, "Paid Search Marketing Manager", extra={"note": "from diff"})],
            company(PAID_SEARCH),
            DEFAULT_THRESHOLD,
        )
    )

    assert found.extra["note"] == "from diff"
    assert found.extra["rejected_role"] == "Paid Search Marketing Manager"


def test_threshold_decides_how_alike_a_title_must_be() -> None:
    shorthand = Rejection(role="Paid Search Marketing", date=dt.date(2026, 3, 1))
    title = "Senior Paid Search Marketing Manager"  # one extra word: scores about 86

    lenient = only(classify([change(ChangeKind.NEW, title)], company(shorthand), 85.0))
    strict = only(classify([change(ChangeKind.NEW, title)], company(shorthand), 95.0))

    assert lenient.kind is ChangeKind.ROLE_BACK
    assert lenient.extra["similarity"] == "86"
    assert strict.kind is ChangeKind.NEW
    assert "rejected_role" not in strict.extra


@pytest.mark.parametrize("kind", [ChangeKind.CHANGED, ChangeKind.CLOSED])
def test_changed_and_closed_are_never_role_back(kind: ChangeKind) -> None:
    found = only(
        classify(
            [change(kind, "Paid Search Marketing Manager")], company(PAID_SEARCH), DEFAULT_THRESHOLD
        )
    )

    assert found.kind is kind
    assert found.extra == {}


# --- everything else must pass the filter -----------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        ChangeKind.NEW,
        ChangeKind.REOPENED,
        ChangeKind.REPOSTED,
        ChangeKind.CHANGED,
        ChangeKind.CLOSED,
    ],
)
def test_posting_changes_outside_the_filter_are_dropped(kind: ChangeKind) -> None:
    picky = company(PAID_SEARCH, include=("engineer",))

    kept = classify(
        [change(kind, "Backend Engineer", "1"), change(kind, "Office Manager", "2")],
        picky,
        DEFAULT_THRESHOLD,
    )

    assert [(c.kind, c.posting.id if c.posting else None) for c in kept] == [(kind, "1")]


@pytest.mark.parametrize("kind", [ChangeKind.NEW, ChangeKind.REOPENED, ChangeKind.REPOSTED])
def test_wanted_postings_carry_the_latest_rejection_as_context(kind: ChangeKind) -> None:
    # DATA_ANALYST (2025-11-20) is listed last but PAID_SEARCH (2026-03-01) is newer.
    found = only(
        classify(
            [change(kind, "Backend Engineer")],
            company(PAID_SEARCH, DATA_ANALYST),
            DEFAULT_THRESHOLD,
        )
    )

    assert found.kind is kind
    assert found.extra == {
        "context": "Turned down 2026-03-01 for Paid Search Marketing Manager — final round"
    }


@pytest.mark.parametrize("kind", [ChangeKind.CHANGED, ChangeKind.CLOSED])
def test_changed_and_closed_get_no_context(kind: ChangeKind) -> None:
    found = only(
        classify([change(kind, "Backend Engineer")], company(PAID_SEARCH), DEFAULT_THRESHOLD)
    )

    assert found.extra == {}


def test_without_rejections_nothing_is_added() -> None:
    changes = [change(ChangeKind.NEW, "Paid Search Marketing Manager")]

    assert classify(changes, company(), DEFAULT_THRESHOLD) == changes


@pytest.mark.parametrize("kind", [ChangeKind.SOURCE_FAILING, ChangeKind.SOURCE_RECOVERED])
def test_source_events_always_pass(kind: ChangeKind) -> None:
    event = Change(kind=kind, source=SOURCE, detail="HTTP 500 three times in a row")
    nothing_wanted = company(PAID_SEARCH, include=("nothing matches this",))

    assert classify([event], nothing_wanted, DEFAULT_THRESHOLD) == [event]


def test_order_of_changes_is_kept() -> None:
    changes = [
        change(ChangeKind.CLOSED, "Backend Engineer", "1"),
        Change(kind=ChangeKind.SOURCE_RECOVERED, source=SOURCE),
        change(ChangeKind.NEW, "Paid Search Marketing Manager", "2"),
        change(ChangeKind.NEW, "Frontend Engineer", "3"),
    ]

    kinds = [c.kind for c in classify(changes, company(PAID_SEARCH), DEFAULT_THRESHOLD)]

    assert kinds == [
        ChangeKind.CLOSED,
        ChangeKind.SOURCE_RECOVERED,
        ChangeKind.ROLE_BACK,
        ChangeKind.NEW,
    ]


# --- rejections and cool-downs ------------------------------------------------------------


def test_rejection_summary() -> None:
    assert PAID_SEARCH.summary() == (
        "Turned down 2026-03-01 for Paid Search Marketing Manager — final round"
    )
    assert DATA_ANALYST.summary() == "Turned down 2025-11-20 for Data Analyst"


def test_cooldown_ends_after_reapply_after() -> None:
    rejection = Rejection(role="X", date=dt.date(2026, 3, 1), reapply_after=90 * DAY)

    assert rejection.cooldown_ends == dt.date(2026, 5, 30)
    assert DATA_ANALYST.cooldown_ends is None


def test_latest_rejection() -> None:
    assert company(DATA_ANALYST, PAID_SEARCH).latest_rejection == PAID_SEARCH
    assert company().latest_rejection is None


def test_cooldowns_over_includes_the_last_day() -> None:
    ends_today = Rejection(role="A", date=dt.date(2026, 1, 1), reapply_after=30 * DAY)
    ends_tomorrow = Rejection(role="B", date=dt.date(2026, 1, 2), reapply_after=30 * DAY)
    ended_long_ago = Rejection(role="C", date=dt.date(2024, 1, 1), reapply_after=30 * DAY)
    no_cooldown = Rejection(role="D", date=dt.date(2020, 1, 1))
    acme = company(ends_today, ends_tomorrow, ended_long_ago, no_cooldown)

    assert cooldowns_over(acme, dt.date(2026, 1, 31)) == [ends_today, ended_long_ago]
    assert cooldowns_over(acme, dt.date(2026, 1, 30)) == [ended_long_ago]
    assert cooldowns_over(acme, dt.date(2026, 2, 1)) == [ends_today, ends_tomorrow, ended_long_ago]


def test_upcoming_cooldowns_soonest_first_across_companies() -> None:
    late = Rejection(role="Late", date=dt.date(2026, 6, 1), reapply_after=60 * DAY)
    soon = Rejection(role="Soon", date=dt.date(2026, 1, 1), reapply_after=30 * DAY)
    same_day = Rejection(role="Same day", date=dt.date(2026, 1, 1), reapply_after=30 * DAY)
    over = Rejection(role="Over", date=dt.date(2025, 1, 1), reapply_after=30 * DAY)
    globex = company(late, soon, DATA_ANALYST, name="Globex")
    acme = company(same_day, over, name="Acme")

    rows = upcoming_cooldowns([globex, acme], dt.date(2026, 1, 15))

    assert [(ends, c.name, r.role) for ends, c, r in rows] == [
        (dt.date(2025, 1, 31), "Acme", "Over"),
        (dt.date(2026, 1, 31), "Acme", "Same day"),
        (dt.date(2026, 1, 31), "Globex", "Soon"),
        (dt.date(2026, 7, 31), "Globex", "Late"),
    ]
