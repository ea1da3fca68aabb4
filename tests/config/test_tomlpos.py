"""locate(): from a key path (company, 2, greenhouse) back to the line to look at."""

from __future__ import annotations

import tomllib

import pytest

from secondchance.config.tomlpos import locate

WATCHLIST = '''\
# My second chances
[settings]
interval = "30m"
max_body_mb = 5   # small boards only

[notify]
urls = [
  "json://localhost:8080/a",
  "json://localhost:8080/b",
]

[[company]]
name = "Acme"
greenhouse = "acme"

[[company]]
name = "Globex"
lever = "globex"
lever_region = "eu"

[company.filter]
include = ["engineer"]
exclude = ["intern"]

[[company]]
name = "Initech"
notes = """
name = "not a key"
greenhouse = "also not a key"
[[company]]
"""
careers = { url = "https://initech.example.com/jobs", item = ".job" }
ashby = "initech"

[[company]]
name = "Umbrella"
'''


def line_of(fragment: str, text: str = WATCHLIST) -> int:
    """1-based line of the only line containing ``fragment``."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(found) == 1, (fragment, found)
    return found[0]


def header_of(name: str) -> int:
    """The ``[[company]]`` line opening the company called ``name``."""
    line = line_of(f'name = "{name}"') - 1
    assert WATCHLIST.splitlines()[line - 1] == "[[company]]"
    return line


def test_the_sample_is_valid_toml() -> None:
    data = tomllib.loads(WATCHLIST)

    assert [c["name"] for c in data["company"]] == ["Acme", "Globex", "Initech", "Umbrella"]
    assert data["company"][1]["filter"]["include"] == ["engineer"]
    assert "name = " in data["company"][2]["notes"]


def test_key_in_settings() -> None:
    assert locate(WATCHLIST, ("settings", "interval")) == line_of('interval = "30m"')
    assert locate(WATCHLIST, ("settings", "max_body_mb")) == line_of("max_body_mb = 5")


def test_table_itself() -> None:
    assert locate(WATCHLIST, ("settings",)) == line_of("[settings]")


def test_key_in_the_third_company() -> None:
    assert locate(WATCHLIST, ("company", 2, "ashby")) == line_of('ashby = "initech"')
    assert locate(WATCHLIST, ("company", 2, "name")) == line_of('name = "Initech"')


def test_index_may_be_given_as_a_string() -> None:
    assert locate(WATCHLIST, ("company", "1", "lever")) == line_of('lever = "globex"')


def test_each_company_is_told_apart() -> None:
    assert locate(WATCHLIST, ("company", 0, "name")) == line_of('name = "Acme"')
    assert locate(WATCHLIST, ("company", 1, "name")) == line_of('name = "Globex"')
    assert locate(WATCHLIST, ("company", 3, "name")) == line_of('name = "Umbrella"')


def test_inline_table_key_points_at_the_inline_table() -> None:
    expected = line_of("careers = {")

    assert locate(WATCHLIST, ("company", 2, "careers", "url")) == expected
    assert locate(WATCHLIST, ("company", 2, "careers", "item")) == expected
    assert locate(WATCHLIST, ("company", 2, "careers")) == expected


def test_sub_table_belongs_to_the_company_above_it() -> None:
    assert locate(WATCHLIST, ("company", 1, "filter", "include")) == line_of(
        'include = ["engineer"]'
    )
    assert locate(WATCHLIST, ("company", 1, "filter", "exclude")) == line_of('exclude = ["intern"]')
    assert locate(WATCHLIST, ("company", 1, "filter")) == line_of("[company.filter]")


def test_keys_after_a_sub_table_are_in_the_sub_table() -> None:
    # lever_region is before [company.filter]; "include" of company 0 does not exist,
    # so the best answer is company 0's header.
    assert locate(WATCHLIST, ("company", 1, "lever_region")) == line_of('lever_region = "eu"')
    assert locate(WATCHLIST, ("company", 0, "filter", "include")) == header_of("Acme")


def test_missing_key_points_at_the_company_header() -> None:
    assert locate(WATCHLIST, ("company", 0, "lever")) == header_of("Acme")
    assert locate(WATCHLIST, ("company", 3, "greenhouse")) == header_of("Umbrella")
    assert locate(WATCHLIST, ("company", 3)) == header_of("Umbrella")


def test_array_element_points_at_the_array() -> None:
    assert locate(WATCHLIST, ("notify", "urls", 1)) == line_of("urls = [")
    assert locate(WATCHLIST, ("notify", "urls", 0)) == line_of("urls = [")


def test_keys_inside_a_multiline_string_are_not_matched() -> None:
    # The notes string holds 'name = ...', 'greenhouse = ...' and even '[[company]]'.
    assert locate(WATCHLIST, ("company", 2, "name")) == line_of('name = "Initech"')
    assert locate(WATCHLIST, ("company", 2, "greenhouse")) == header_of("Initech")
    assert locate(WATCHLIST, ("company", 2, "notes")) == line_of('notes = """')
    # The fake header inside the string did not shift the count.
    assert locate(WATCHLIST, ("company", 3, "name")) == line_of('name = "Umbrella"')


def test_multiline_literal_string() -> None:
    text = "[settings]\nbanner = '''\ninterval = 1\n'''\ninterval = \"1h\"\n"
    assert tomllib.loads(text)["settings"]["interval"] == "1h"

    assert locate(text, ("settings", "interval")) == 5


def test_single_line_triple_quoted_string_does_not_swallow_the_rest() -> None:
    text = '[settings]\nbanner = """hello"""\ninterval = "1h"\n'

    assert locate(text, ("settings", "interval")) == 3


@pytest.mark.parametrize(
    ("text", "loc", "line"),
    [
        ('a = 1\n"quoted key" = 2\n', ("quoted key",), 2),
        ("[settings]\nendpoints.greenhouse = 'x'\n", ("settings", "endpoints", "greenhouse"), 2),
        ("[settings.endpoints]\nlever = 'x'\n", ("settings", "endpoints", "lever"), 2),
        ("[ settings ]  # comment\nx = 1\n", ("settings", "x"), 2),
    ],
)
def test_key_spellings(text: str, loc: tuple[str, ...], line: int) -> None:
    tomllib.loads(text)

    assert locate(text, loc) == line


def test_unknown_path_is_none() -> None:
    assert locate(WATCHLIST, ("nowhere", "at_all")) is None
    assert locate("", ("settings",)) is None
