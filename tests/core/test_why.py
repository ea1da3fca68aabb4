"""`--why` on plain values: the verdict agrees with the filter the poll applies, names
the rule and the words that decided, and a role back overrides the filter."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from secondchance.core.filters import Filter, compile_filter
from secondchance.core.models import Posting, Remote
from secondchance.core.watchlist import Company, Rejection
from secondchance.core.why import explain

FILTER = Filter(
    include=("marketing", "re:analy[sz]t"), exclude=("intern",), locations=("Berlin", "remote")
)


def posting(
    title: str, *locations: str, remote: Remote = Remote.UNKNOWN, department: str | None = None
) -> Posting:
    return Posting(id="1", title=title, locations=locations, remote=remote, department=department)


def company(f: Filter | None = FILTER, *roles: str) -> Company:
    return Company(
        name="Acme",
        boards=(),
        interval=1800.0,
        jitter=0.0,
        rejections=tuple(Rejection(role=r, date=dt.date(2026, 3, 1)) for r in roles),
        filter=f or Filter(),
        matcher=compile_filter(f) if f is not None else None,
    )


@pytest.mark.parametrize(
    ("p", "passes", "rule", "matched", "reason"),
    [
        (
            posting("Marketing Lead", "Berlin"),
            True,
            "locations",
            "Berlin",
            "include matched 'Marketing'; location matched 'Berlin'",
        ),
        (
            posting("Data Analyst", "Paris", remote=Remote.YES),
            True,
            "locations",
            "yes",
            "include matched 'Analyst'; the board flags it yes",
        ),
        (
            posting("Marketing Intern", "Berlin"),
            False,
            "exclude",
            "Intern",
            "exclude matched 'Intern'",
        ),
        (
            posting("Backend Engineer", "Berlin"),
            False,
            "include",
            None,
            "no include term in the title",
        ),
        (
            posting("Marketing Lead", "Paris", "Lyon"),
            False,
            "locations",
            None,
            "no locations term matches 'Paris; Lyon'",
        ),
        (
            posting("Marketing Lead"),
            True,
            "locations",
            None,
            "include matched 'Marketing'; no location given, so let through",
        ),
        (
            posting("Engineer", department="Growth Marketing"),
            True,
            "locations",
            None,
            "include matched 'Marketing'; no location given, so let through",
        ),
    ],
)
def test_the_verdict_names_the_rule_and_the_words(
    p: Posting, passes: bool, rule: str, matched: str | None, reason: str
) -> None:
    verdict = compile_filter(FILTER).explain(p)
    assert (verdict.passes, verdict.rule, verdict.matched, verdict.reason) == (
        passes,
        rule,
        matched,
        reason,
    )


def test_explain_always_agrees_with_passes() -> None:
    titles = ["Marketing Intern", "Data Analyst", "Analyser", "Engineer", "Growth marketing", ""]
    places = [(), ("Berlin",), ("Paris",), ("Berlin", "Paris"), ("Remote - EU",)]
    filters = [
        Filter(),
        FILTER,
        Filter(include=("engineer",)),
        Filter(exclude=("data",)),
        Filter(locations=("hybrid",)),
        Filter(locations=("Paris",), exclude=("re:^$",)),
    ]
    checked = 0
    for f, title, where, remote, dept in itertools.product(
        filters, titles, places, list(Remote), (None, "Marketing", "Engineering")
    ):
        matcher = compile_filter(f)
        p = posting(title or "x", *where, remote=remote, department=dept)
        assert matcher.explain(p).passes == matcher.passes(p), (f, p)
        checked += 1
    assert checked == 6 * 6 * 5 * len(Remote) * 3


def test_a_role_back_is_shown_whatever_the_filter_says() -> None:
    why = explain(
        company(FILTER, "Paid Search Marketing Manager"),
        posting("Senior Paid Search Marketing Manager (m/w/d)", "Paris"),
        85.0,
    )
    assert not why.verdict.passes  # Paris is not among the locations
    assert why.shown and why.role_back == "Paid Search Marketing Manager"
    assert (
        why.reason
        == "the role you were turned down for (Paid Search Marketing Manager): always shown"
    )
    ((role, score),) = why.roles
    assert role == "Paid Search Marketing Manager" and score >= 85
    assert why.as_json()["similarity"] == {"Paid Search Marketing Manager": round(score, 1)}


def test_each_rejected_role_gets_its_similarity_and_the_best_is_the_role_back() -> None:
    why = explain(
        company(None, "Data Engineer", "Data Analyst", "Chef"), posting("Senior Data Analyst"), 85.0
    )
    scores = dict(why.roles)
    assert list(scores) == ["Data Engineer", "Data Analyst", "Chef"]
    assert scores["Data Analyst"] > scores["Data Engineer"] > scores["Chef"]
    assert why.role_back == "Data Analyst"
    assert why.verdict.reason == "no filter: every posting"


def test_no_role_back_below_the_threshold() -> None:
    why = explain(company(None, "Data Analyst"), posting("Data Engineer"), 85.0)
    assert why.role_back is None and why.shown
    assert why.as_json()["role_back"] is None
