"""Include / exclude / location filters on plain postings."""

from __future__ import annotations

import re

import pytest

from secondchance.core.filters import CompiledFilter, Filter, compile_filter, merge
from secondchance.core.models import Posting, Remote


def posting(
    title: str,
    *locations: str,
    department: str | None = None,
    remote: Remote = Remote.UNKNOWN,
) -> Posting:
    return Posting(
        id="1", title=title, locations=tuple(locations), department=department, remote=remote
    )


def passes(f: Filter, p: Posting) -> bool:
    return compile_filter(f).passes(p)


@pytest.mark.parametrize(
    ("include", "title", "department", "expected"),
    [
        # Word boundaries: "intern" is not "International" or "internal".
        (("intern",), "Software Engineer - Intern - 2024", None, True),
        (("intern",), "International Tax Manager", None, False),
        (("intern",), "Data Analytics Intern, Global Risk and Internal Audit", None, True),
        (("intern",), "Internal Auditor", None, False),
        (("intern",), "Interns Coordinator", None, False),
        # Phrases match inside longer titles, case-insensitively.
        (("search",), "Paid Search Marketing Manager", None, True),
        (("paid search",), "Senior PAID SEARCH Marketing Manager", None, True),
        (("paid search",), "Paid  Search Marketing", None, True),
        (("search marketing",), "Search Engine Marketing Lead", None, False),
        # Symbols at the edges of a term still get boundaries.
        (("c++",), "Senior Software Engineer (C++)", None, True),
        (("c++",), "Senior Software Engineer (C)", None, False),
        ((".net",), "Full-Stack Developer (.NET/C# + React/Vue)", None, True),
        # The department is searched too, but a phrase cannot straddle both.
        (("marketing",), "Growth Lead", "Marketing", True),
        (("lead marketing",), "Growth Lead", "Marketing", False),
        # Any include term is enough.
        (("designer", "analyst"), "Senior Data Analyst", None, True),
        (("designer", "analyst"), "Data Engineer", None, False),
        # Regex terms are searched, case-insensitively.
        (("re:^senior\\b",), "Senior Data Analyst", None, True),
        (("re:^senior\\b",), "Data Analyst, Senior", None, False),
        (("re:data (analyst|scientist)",), "Staff DATA SCIENTIST", None, True),
        (("re:eng",), "Engineering Manager", None, True),
        # Empty include means everything.
        ((), "Anything At All", None, True),
        (None, "Anything At All", None, True),
    ],
)
def test_include_terms(
    include: tuple[str, ...] | None, title: str, department: str | None, expected: bool
) -> None:
    assert passes(Filter(include=include), posting(title, department=department)) is expected


@pytest.mark.parametrize(
    ("f", "title", "department", "expected"),
    [
        (Filter(exclude=("intern",)), "Marketing Intern", None, False),
        (Filter(exclude=("intern",)), "International Marketing Manager", None, True),
        (Filter(exclude=("sales",)), "Account Executive", "Sales", False),
        (Filter(exclude=("re:\\b(vp|director)\\b",)), "Director, Sales Operations", None, False),
        (Filter(exclude=("re:\\b(vp|director)\\b",)), "Directory Services Engineer", None, True),
        # Exclude wins over include.
        (Filter(include=("engineer",), exclude=("manager",)), "Engineering Manager", None, False),
        (Filter(include=("engineer",), exclude=("manager",)), "Data Engineer", None, True),
        (Filter(include=("engineer",), exclude=("manager",)), "Product Manager", None, False),
        (Filter(exclude=()), "Marketing Intern", None, True),
    ],
)
def test_exclude_terms(f: Filter, title: str, department: str | None, expected: bool) -> None:
    assert passes(f, posting(title, department=department)) is expected


BERLIN_OR_REMOTE = Filter(locations=("Berlin", "remote"))


@pytest.mark.parametrize(
    ("f", "p", "expected"),
    [
        (BERLIN_OR_REMOTE, posting("x", "Berlin, Germany"), True),
        (BERLIN_OR_REMOTE, posting("x", "Munich", "BERLIN"), True),
        (BERLIN_OR_REMOTE, posting("x", "Munich"), False),
        (BERLIN_OR_REMOTE, posting("x", "Berlingen, Switzerland"), False),
        (BERLIN_OR_REMOTE, posting("x", "Remote - USA"), True),
        # The remote flag counts even when no location says "Remote".
        (BERLIN_OR_REMOTE, posting("x", "Munich", remote=Remote.YES), True),
        (BERLIN_OR_REMOTE, posting("x", "Munich", remote=Remote.HYBRID), False),
        (Filter(locations=("Hybrid",)), posting("x", "Munich", remote=Remote.HYBRID), True),
        (Filter(locations=("hybrid",)), posting("x", "Munich", remote=Remote.YES), False),
        (Filter(locations=(" REMOTE ",)), posting("x", remote=Remote.YES), True),
        (Filter(locations=("remote",)), posting("x", "Munich", remote=Remote.NO), False),
        # Unknown location must not hide a posting.
        (BERLIN_OR_REMOTE, posting("x"), True),
        (Filter(locations=("remote",)), posting("x"), True),
        # A known arrangement without a place is judged on the arrangement.
        (Filter(locations=("remote",)), posting("x", remote=Remote.NO), False),
        (Filter(locations=("Berlin",)), posting("x", remote=Remote.YES), False),
        # Multi-word and code terms keep word boundaries.
        (Filter(locations=("New York",)), posting("x", "New York City, NY"), True),
        (Filter(locations=("US",)), posting("x", "Remote - USA"), False),
        (Filter(locations=("US",)), posting("x", "Remote - US"), True),
        (Filter(locations=("re:^(london|dublin)",)), posting("x", "Dublin, Ireland"), True),
        (Filter(locations=("re:^(london|dublin)",)), posting("x", "New London, CT"), False),
        # No location terms: any location.
        (Filter(locations=()), posting("x", "Tokyo"), True),
        (Filter(), posting("x", "Tokyo", remote=Remote.NO), True),
    ],
)
def test_location_terms(f: Filter, p: Posting, expected: bool) -> None:
    assert passes(f, p) is expected


def test_all_three_keys_must_pass() -> None:
    f = Filter(include=("engineer",), exclude=("intern",), locations=("Berlin",))
    assert passes(f, posting("Data Engineer", "Berlin"))
    assert not passes(f, posting("Data Engineer", "Paris"))
    assert not passes(f, posting("Data Engineer Intern", "Berlin"))
    assert not passes(f, posting("Data Analyst", "Berlin"))


def test_empty_filter_passes_everything() -> None:
    assert compile_filter(Filter()) == CompiledFilter()
    assert CompiledFilter().passes(posting("Anything", "Anywhere", remote=Remote.NO))


@pytest.mark.parametrize(
    ("f", "message"),
    [
        (Filter(include=("re:(unclosed",)), "include: invalid regular expression '(unclosed'"),
        (Filter(exclude=("ok", "re:[a-")), "exclude: invalid regular expression '[a-'"),
        (Filter(locations=("re:*",)), "locations: invalid regular expression '*'"),
        (Filter(include=("re:",)), "include: empty regular expression"),
        (Filter(include=("   ",)), "include: empty filter term"),
    ],
)
def test_bad_terms_are_reported(f: Filter, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        compile_filter(f)


GLOBAL = Filter(include=("engineer", "analyst"), exclude=("intern",), locations=("Berlin",))


@pytest.mark.parametrize(
    ("base", "override", "expected"),
    [
        # Company sets exclude only: global include and locations are kept.
        (
            GLOBAL,
            Filter(exclude=("manager",)),
            Filter(include=("engineer", "analyst"), exclude=("manager",), locations=("Berlin",)),
        ),
        # A key the company sets replaces, not extends, the global one.
        (
            GLOBAL,
            Filter(include=("designer",), locations=("remote",)),
            Filter(include=("designer",), exclude=("intern",), locations=("remote",)),
        ),
        # An explicit empty tuple clears the global key.
        (
            GLOBAL,
            Filter(locations=()),
            Filter(include=("engineer", "analyst"), exclude=("intern",), locations=()),
        ),
        (GLOBAL, Filter(), GLOBAL),
        (GLOBAL, None, GLOBAL),
        (None, GLOBAL, GLOBAL),
        (None, None, Filter()),
    ],
)
def test_merge_key_by_key(base: Filter | None, override: Filter | None, expected: Filter) -> None:
    assert merge(base, override) == expected


def test_merged_filter_behaviour() -> None:
    f = compile_filter(merge(GLOBAL, Filter(exclude=("manager",))))
    assert f.passes(posting("Data Engineer", "Berlin"))
    assert f.passes(posting("Data Engineer Intern", "Berlin"))  # global exclude replaced
    assert not f.passes(posting("Engineering Manager", "Berlin"))
    assert not f.passes(posting("Product Designer", "Berlin"))  # global include kept
    assert not f.passes(posting("Data Engineer", "Paris"))  # global locations kept


def test_filters_are_plain_frozen_data() -> None:
    f = Filter(include=("a",))
    with pytest.raises(AttributeError):
        f.include = ("b",)  # type: ignore[misc]
