"""msgspec's wording, and errors.translate's rewording of it.

``translate`` reads msgspec's English ValidationError messages with regexes, so it
holds only for the releases that word them as it expects. These tests give msgspec
(the installed one) each kind of bad value ``reader.read_table`` meets, and pin the
exact text msgspec writes: a release that rewords any of them fails here, not in
front of someone editing a watchlist. pyproject.toml admits the releases measured to
word them so (every one from 0.18.0 to 0.23.0 did).
"""

from __future__ import annotations

import datetime as dt
import enum
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import pytest
from packaging.requirements import Requirement
from watchlists import problems_of, write

from secondchance.config.errors import Loc, key_path, translate
from secondchance.core import limits

ROOT = Path(__file__).parents[2]


class Color(enum.Enum):
    RED = "red"


class Link(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: str


class Inner(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    role: str
    date: dt.date


class Sample(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One key for each constraint the watchlist's tables (config/tables.py) use."""

    count: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    ratio: Annotated[float, msgspec.Meta(gt=0, lt=10)] = 1.0
    share: Annotated[float, msgspec.Meta(ge=0.5)] = 1.0
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=5)] = "x"
    tags: Annotated[list[str], msgspec.Meta(min_length=1, max_length=2)] = msgspec.field(
        default_factory=lambda: ["a"]
    )
    flag: bool = False
    label: str | None = None
    day: dt.date = dt.date(2026, 3, 1)
    mode: Literal["instant", "digest"] = "instant"
    color: Color = Color.RED
    links: list[str | Link] = msgspec.field(default_factory=list)
    inner: list[Inner] = msgspec.field(default_factory=list)
    one: Inner | None = None


def msgspec_message(model: type[msgspec.Struct], raw: object) -> str:
    """The message msgspec gives for ``raw``, read as reader.read_table reads a table."""
    with pytest.raises(msgspec.ValidationError) as info:
        msgspec.convert(raw, model, strict=False)
    return str(info.value)


GOOD_INNER = {"role": "Analyst", "date": "2026-03-01"}

# (raw value, msgspec's exact message, translate's key path, translate's message)
CASES: list[Any] = [
    # Keys
    pytest.param(
        {"typo": 1},
        "Object contains unknown field `typo`",
        ("typo",),
        "unknown key",
        id="unknown-key",
    ),
    pytest.param(
        {"links": [{"url": "x", "tagz": []}]},
        "Object contains unknown field `tagz` - at `$.links[0]`",
        ("links", 0, "tagz"),
        "unknown key",
        id="unknown-key-in-a-list-of-tables",
    ),
    pytest.param(
        {"inner": [GOOD_INNER, {"date": "2026-03-01"}]},
        "Object missing required field `role` - at `$.inner[1]`",
        ("inner", 1, "role"),
        "required key is missing",
        id="missing-key-in-a-list-of-tables",
    ),
    # Types, plain and unions
    pytest.param(
        {"count": "lots"},
        "Expected `int`, got `str` - at `$.count`",
        ("count",),
        "expected a whole number, got a string",
        id="int-got-str",
    ),
    pytest.param(
        {"name": 42},
        "Expected `str`, got `int` - at `$.name`",
        ("name",),
        "expected a string, got a whole number",
        id="str-got-int",
    ),
    pytest.param(
        {"ratio": "x"},
        "Expected `float`, got `str` - at `$.ratio`",
        ("ratio",),
        "expected a number, got a string",
        id="float-got-str",
    ),
    pytest.param(
        {"flag": "yes"},
        "Expected `bool`, got `str` - at `$.flag`",
        ("flag",),
        "expected true or false, got a string",
        id="bool-got-str",
    ),
    pytest.param(
        {"tags": "a"},
        "Expected `array`, got `str` - at `$.tags`",
        ("tags",),
        "expected a list, got a string",
        id="list-got-str",
    ),
    pytest.param(
        {"label": 3},
        "Expected `str | null`, got `int` - at `$.label`",
        ("label",),
        "expected a string, got a whole number",
        id="optional-got-int",
    ),
    pytest.param(
        {"one": [1]},
        "Expected `object | null`, got `array` - at `$.one`",
        ("one",),
        "expected a table, got a list",
        id="optional-table-got-list",
    ),
    pytest.param(
        {"links": ["x", 3]},
        "Expected `str | object`, got `int` - at `$.links[1]`",
        ("links", 1),
        "expected a string or a table, got a whole number",
        id="union-in-a-list-got-int",
    ),
    pytest.param(
        {"tags": ["a", 3]},
        "Expected `str`, got `int` - at `$.tags[1]`",
        ("tags", 1),
        "expected a string, got a whole number",
        id="list-item",
    ),
    pytest.param(
        {"one": {"role": 1, "date": "2026-03-01"}},
        "Expected `str`, got `int` - at `$.one.role`",
        ("one", "role"),
        "expected a string, got a whole number",
        id="key-of-a-table-in-a-table",
    ),
    pytest.param(
        [1],
        "Expected `object`, got `array`",
        (),
        "expected a table, got a list",
        id="not-a-table-at-the-top",
    ),
    # Numeric bounds
    pytest.param(
        {"count": 0},
        "Expected `int` >= 1 - at `$.count`",
        ("count",),
        "must be greater than or equal to 1",
        id="int-ge",
    ),
    pytest.param(
        {"count": 100},
        "Expected `int` <= 64 - at `$.count`",
        ("count",),
        "must be less than or equal to 64",
        id="int-le",
    ),
    pytest.param(
        {"ratio": 0},
        "Expected `float` > 0.0 - at `$.ratio`",
        ("ratio",),
        "must be greater than 0",
        id="float-gt",
    ),
    pytest.param(
        {"ratio": 10},
        "Expected `float` < 10.0 - at `$.ratio`",
        ("ratio",),
        "must be less than 10",
        id="float-lt",
    ),
    pytest.param(
        {"share": 0.25},
        "Expected `float` >= 0.5 - at `$.share`",
        ("share",),
        "must be greater than or equal to 0.5",
        id="float-ge-fraction",
    ),
    # Length bounds
    pytest.param(
        {"name": ""},
        "Expected `str` of length >= 1 - at `$.name`",
        ("name",),
        "must have at least 1 character",
        id="str-min-length",
    ),
    pytest.param(
        {"name": "toolong"},
        "Expected `str` of length <= 5 - at `$.name`",
        ("name",),
        "must have at most 5 characters",
        id="str-max-length",
    ),
    pytest.param(
        {"tags": []},
        "Expected `array` of length >= 1 - at `$.tags`",
        ("tags",),
        "must have at least 1 item",
        id="list-min-length",
    ),
    pytest.param(
        {"tags": ["a", "b", "c"]},
        "Expected `array` of length <= 2 - at `$.tags`",
        ("tags",),
        "must have at most 2 items",
        id="list-max-length",
    ),
    # Dates and choices
    pytest.param(
        {"day": "last spring"},
        "Invalid RFC3339 encoded date - at `$.day`",
        ("day",),
        "expected a date such as 2026-03-01",
        id="date",
    ),
    pytest.param(
        {"inner": [GOOD_INNER, {"role": "Engineer", "date": "2026-13-01"}]},
        "Invalid RFC3339 encoded date - at `$.inner[1].date`",
        ("inner", 1, "date"),
        "expected a date such as 2026-03-01",
        id="date-in-a-list-of-tables",
    ),
    pytest.param(
        {"mode": "hourly"},
        "Invalid enum value 'hourly' - at `$.mode`",
        ("mode",),
        "invalid value 'hourly'",
        id="literal",
    ),
    pytest.param(
        {"color": "blue"},
        "Invalid enum value 'blue' - at `$.color`",
        ("color",),
        "invalid value 'blue'",
        id="enum",
    ),
]


@pytest.mark.parametrize(("raw", "text", "loc", "message"), CASES)
def test_msgspec_words_the_error_as_translate_expects(
    raw: object, text: str, loc: Loc, message: str
) -> None:
    assert msgspec_message(Sample, raw) == text


@pytest.mark.parametrize(("raw", "text", "loc", "message"), CASES)
def test_translate_rewords_it_for_the_watchlist(
    raw: object, text: str, loc: Loc, message: str
) -> None:
    assert translate(text) == (loc, message)


def test_a_missing_required_key_at_the_top() -> None:
    text = msgspec_message(Inner, {"date": "2026-03-01"})

    assert text == "Object missing required field `role`"
    assert translate(text) == (("role",), "required key is missing")


def test_an_unknown_wording_is_passed_on_without_backticks() -> None:
    # What translate has no rule for reaches the person editing as msgspec wrote it.
    assert translate("Expected `str` matching regex '^a' - at `$.company[2].name`") == (
        ("company", 2, "name"),
        "expected str matching regex '^a'",
    )


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("company", 2, "greenhouse"), "company[2].greenhouse"),
        (("notify", "urls", 0, "tags"), "notify.urls[0].tags"),
        (("settings",), "settings"),
        ((), "(top level)"),
    ],
)
def test_key_path(loc: Loc, text: str) -> None:
    assert key_path(loc) == text


def test_the_installed_msgspec_is_in_the_range_pyproject_admits() -> None:
    # The range is the one the wording above was measured for; it is bounded above
    # because a later release may reword its errors.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [Requirement(line) for line in pyproject["project"]["dependencies"]]
    (msgspec_range,) = [r.specifier for r in requirements if r.name == "msgspec"]

    assert version("msgspec") in msgspec_range
    assert any(spec.operator == "<" for spec in msgspec_range), str(msgspec_range)


# --- end to end: what load() reports -------------------------------------------------------

BAD = """
[settings]
interval = 0
timeout = 0
per_host = 100
concurrency = "lots"
announce_existing = "yes"
typo = 1

[notify]
urls = ["json://127.0.0.1:9/x", 3, { url = "json://127.0.0.1:9/y", tagz = [] }, { tags = [] }]
mode = "hourly"
digest_at = []

[filter]
include = "engineer"

[[company]]
name = ""
greenhouse = "acme"

[[company]]
name = "{long_name}"
greenhouse = "globex"

[[company.rejection]]
role = "Analyst"
date = "last spring"

[[company.rejection]]
date = 2026-01-01
stage = 3
"""


def test_every_kind_of_mistake_becomes_its_exact_problem_line(tmp_path: Path) -> None:
    long_name = "G" * (limits.COMPANY + 1)
    path = write(tmp_path, BAD.replace("{long_name}", long_name))

    assert problems_of(path) == [
        f"{path}:2: settings.interval: must be greater than or equal to 1",
        f"{path}:3: settings.timeout: must be greater than 0",
        f"{path}:4: settings.per_host: must be less than or equal to 64",
        f"{path}:5: settings.concurrency: expected a whole number, got a string",
        f"{path}:6: settings.announce_existing: expected true or false, got a string",
        f"{path}:7: settings.typo: unknown key",
        f"{path}:10: notify.urls[1]: expected a string or a table, got a whole number",
        f"{path}:10: notify.urls[2].tagz: unknown key",
        f"{path}:10: notify.urls[3].url: required key is missing",
        f"{path}:11: notify.mode: invalid value 'hourly': expected 'instant' or 'digest'",
        f"{path}:12: notify.digest_at: must have at least 1 item",
        f"{path}:15: filter.include: expected a list, got a string",
        f"{path}:18: company[0].name: must have at least 1 character",
        f"{path}:22: company[1].name: must have at most {limits.COMPANY} characters",
        f"{path}:27: company[1].rejection[0].date: expected a date such as 2026-03-01",
        f"{path}:29: company[1].rejection[1].role: required key is missing",
        f"{path}:31: company[1].rejection[1].stage: expected a string, got a whole number",
    ]
