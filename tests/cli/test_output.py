"""cli/output.py: tab-separated lines for a pipe; in a terminal a table that fits, the
free text folded around whole URLs, or one block per record."""

from __future__ import annotations

import pytest

from secondchance.cli.output import Table, emit, layout, tsv

URL = "https://boards.greenhouse.io/acme/jobs/4012345678?gh_src=careers"


def _table() -> Table:
    table = Table("jobs", ("company", "title", "url"), whole=frozenset({"company", "url"}))
    table.add("Acme", "Senior Paid Search Marketing Manager, Europe and the Middle East", URL)
    table.add("Initech", "Data\tAnalyst\nBerlin", "")
    return table


def test_tsv_is_a_header_and_one_line_per_record_whatever_the_values() -> None:
    assert tsv(_table()).splitlines() == [
        "company\ttitle\turl",
        f"Acme\tSenior Paid Search Marketing Manager, Europe and the Middle East\t{URL}",
        "Initech\tData Analyst Berlin\t",
    ]


def test_the_layout_follows_the_width() -> None:
    table = _table()
    natural = 7 + 64 + len(URL) + 3 * 3 + 1
    assert layout(table, natural) == "table"
    assert layout(table, natural - 1) == "fold"
    assert layout(table, 7 + 12 + len(URL) + 10) == "fold"
    assert layout(table, 7 + 11 + len(URL) + 10) == "blocks"
    assert layout(table, 40) == "blocks"


@pytest.mark.parametrize("width", [40, 100, 200])
def test_a_terminal_never_gets_a_url_cut(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("secondchance.cli.output.to_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(width))
    emit(_table())
    out = capsys.readouterr().out
    assert URL in out, out
    assert "Initech" in out
    if width == 100:  # folded: the title wraps inside its column, the URL stays whole
        assert (
            "│" in out
            and "Senior Paid Search Marketing Manager, Europe and the Middle East" not in out
        )
    assert all(len(line) <= width for line in out.splitlines() if "│" in line and URL not in line)


def test_an_empty_table_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    emit(Table("x", ("a",)), empty="Nothing yet.")
    assert capsys.readouterr().out == "Nothing yet.\n"
