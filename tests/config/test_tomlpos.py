"""locate(): from a key path (company, 2, greenhouse) back to the line to look at."""

from __future__ import annotations

import tomllib

import pytest

from secondchance.config.tomlpos import locate, nesting_line

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


def test_an_element_of_a_multiline_array_points_at_its_own_line() -> None:
    assert locate(WATCHLIST, ("notify", "urls", 0)) == line_of('"json://localhost:8080/a"')
    assert locate(WATCHLIST, ("notify", "urls", 1)) == line_of('"json://localhost:8080/b"')
    assert locate(WATCHLIST, ("notify", "urls")) == line_of("urls = [")


def test_an_element_of_a_one_line_array_points_at_the_line() -> None:
    assert locate(WATCHLIST, ("company", 1, "filter", "include", 0)) == line_of(
        'include = ["engineer"]'
    )


ELEMENTS = """\
[[company]]
name = "Acme"
greenhouse = [ "a",   # a comment, with a ] and a ,
  "b", "c",
  'd'
]
rejection = [
  { role = "x", date = 2026-01-01 },

  # between the elements
  { role = "y", date = "last spring", notes = '''
a ] , [ { inside a string
''' },
  { role = "z", tags = [
      "deep"] },
]
lever = [[1, 2], [
  3,
  4]]
after = 1
"""


@pytest.mark.parametrize(
    ("loc", "fragment"),
    [
        (("company", 0, "greenhouse", 0), 'greenhouse = [ "a"'),
        (("company", 0, "greenhouse", 1), '"b", "c"'),
        (("company", 0, "greenhouse", 2), '"b", "c"'),
        (("company", 0, "greenhouse", 3), "'d'"),
        (("company", 0, "rejection", 0, "date"), 'role = "x"'),
        (("company", 0, "rejection", 1, "date"), 'role = "y"'),
        (("company", 0, "rejection", 2), 'role = "z"'),
        (("company", 0, "rejection", 2, "tags", 0), '"deep"'),
        (("company", 0, "lever", 0, 1), "lever = [[1, 2]"),
        (("company", 0, "lever", 1, 1), "  4]]"),
        (("company", 0, "after"), "after = 1"),
    ],
)
def test_elements_over_several_lines(loc: tuple[str | int, ...], fragment: str) -> None:
    parsed = tomllib.loads(ELEMENTS)
    assert parsed["company"][0]["rejection"][1]["notes"].startswith("a ] , [")

    assert locate(ELEMENTS, loc) == line_of(fragment, ELEMENTS)


def test_a_dotted_key_is_found_by_its_prefix() -> None:
    text = "[settings]\nendpoints.greenhouse = 'x'\n"

    assert locate(text, ("settings", "endpoints", "lever")) == 2


def test_an_array_of_tables_is_found_by_its_name() -> None:
    text = "# top\n\n[[company]]\nname = 'a'\n"

    assert locate(text, ("company",)) == 3


def test_a_header_written_twice_is_located_at_its_first() -> None:
    text = "[[settings]]\n[[settings]]\n"

    assert locate(text, ("settings",)) == 1


def test_deep_paths_cost_nothing_much() -> None:
    # A dotted key of 3,000 parts: tomllib reads it without recursing; so does this.
    text = "a" + ".b" * 3000 + " = 1\n"

    assert locate(text, ("a", *["b"] * 3000)) == 1


@pytest.mark.parametrize(
    ("text", "depth", "line"),
    [
        ("x = " + "[" * 50 + "]" * 50 + "\n", 20, 1),
        ("a = 1\nx = [\n" + "[\n" * 30 + "]" * 31 + "\n", 20, 22),
        ("x = " + "{a=" * 30 + "1" + "}" * 30 + "\n", 20, 1),
        ('x = "' + "[" * 50 + '"\n', 20, None),  # inside a string
        ("x = " + "[" * 20 + "]" * 20 + "\n", 20, None),
        ("x = " + "[" * 3000, 20, 1),  # unclosed, as tomllib may meet it
    ],
)
def test_nesting_line(text: str, depth: int, line: int | None) -> None:
    assert nesting_line(text, depth) == line


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
