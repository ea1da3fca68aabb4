"""What an import writes: complete entries live, the rest commented out under why,
the file's own text untouched, nothing twice, and nothing at all unless the whole
watchlist still passes the check and nobody changed the file meanwhile."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tomllib
from pathlib import Path

import pytest

from secondchance import config
from secondchance.importers.apply import apply
from secondchance.importers.edit import Original, replace_validated
from secondchance.importers.found import Board, Found
from secondchance.importers.known import read_known
from secondchance.importers.merge import pair, plan
from secondchance.importers.render import dry_run

D = dt.date(2024, 11, 20)

WATCHLIST = """\
# my watchlist
[settings]
interval = "30m"

[[company]]
name = "Acme"   # the first one
lever = "acme"

[[company.rejection]]
role = "Analyst"
date = 2024-01-02

[company.filter]
include = ["data"]

# Globex: the one with the inline rejections
[[company]]
name = "Globex"
greenhouse = "globex"
rejection = [{ role = "X", date = 2024-01-01 }]

[notify]
urls = []
"""

FOUND = [
    Found("ACME Inc.", "Data Engineer", D, stage="onsite", contact="Sam"),
    Found("Acme", None, D),  # no role: commented out
    Found("Acme", "Platform Engineer", D, status="applied"),
    Found("globex", "Designer", D),
    Found("Initech", "Backend Dev", D, board=Board("greenhouse", "initech")),
    Found("Initrode", "Tester", D),  # no board: the whole company commented out
    Found("Umbrella", "Chemist", D, board=Board("workday", "umbrella/wd5/External")),
]


def write(path: Path, found: list[Found]) -> None:
    original = Original.read(path)
    known = read_known(original.text)
    replace_validated(path, apply(original.text, plan(found, known), known), original)


def test_write_keeps_the_file_and_adds_live_and_commented_entries(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    path.chmod(0o640)
    write(path, FOUND)
    text = path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # Every line of the file is still there, in its order (Globex's array grew).
    lines = iter(text.splitlines())
    kept = WATCHLIST.replace('rejection = [{ role = "X", date = 2024-01-01 }]\n', "")
    assert all(line in lines for line in kept.splitlines())
    loaded = config.load(path)
    acme, globex, initech, umbrella = loaded.companies
    # The rejection without a role answered Acme's only application: it took its role.
    assert [r.role for r in acme.rejections] == ["Analyst", "Data Engineer", "Platform Engineer"]
    assert acme.rejections[2].notes == "applied 2024-11-20"
    assert (acme.rejections[1].stage, acme.rejections[1].contact) == ("onsite", "Sam")
    assert [r.role for r in globex.rejections] == ["X", "Designer"]
    assert initech.name == "Initech" and [r.role for r in initech.rejections] == ["Backend Dev"]
    assert umbrella.boards[0].kind == "workday"
    assert "# missing: a board" in text and '# name = "Initrode"' in text
    # The additions to Acme sit in Acme's table, before the comment about Globex.
    assert text.index('role = "Data Engineer"') < text.index("# Globex: the one")


def test_importing_the_same_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    write(path, FOUND)
    first = path.read_text(encoding="utf-8")
    known = read_known(first)
    proposal = plan(FOUND, known)
    assert proposal.empty and proposal.already == len(pair(FOUND))
    assert dry_run(proposal, str(path)) == ""


def test_a_new_watchlist_from_nothing(tmp_path: Path) -> None:
    text = apply("", plan(FOUND), read_known(""))
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    names = [c.name for c in config.load(path).companies]
    assert names == ["Initech", "Umbrella"]  # Acme, globex, Initrode: no board
    assert '# name = "globex"' in text and '# name = "Initrode"' in text


def test_incomplete_rejections_and_open_applications_are_commented_out(tmp_path: Path) -> None:
    found = [
        Found("Acme", None, D),
        Found("Acme", "Analyst", None),
        Found("Acme", "Designer", dt.date(2024, 10, 1), status="applied"),
        # Two open applications: which one the rejection without a role answers is unknown.
        Found("Acme", "Writer", dt.date(2024, 10, 1), status="applied"),
        Found("Acme", "Tester", D, board=Board("lever", "acme")),
    ]
    text = apply("", plan(found), read_known(""))
    assert (
        "# missing: the role; add it, then uncomment\n# [[company.rejection]]\n"
        "# date = 2024-11-20\n"
    ) in text
    assert "# missing: the date; add it, then uncomment\n# [[company.rejection]]\n" in text
    assert (
        "# applied 2024-10-01, no answer yet: uncomment if they turned you down\n"
        '# [[company.rejection]]\n# role = "Designer"\n# date = 2024-10-01\n'
    ) in text
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    (acme,) = config.load(path).companies
    assert [r.role for r in acme.rejections] == ["Tester"]
    # Uncommented, the open application is a rejection like any other.
    path.write_text(
        text.replace(
            '# [[company.rejection]]\n# role = "Designer"\n# date',
            '[[company.rejection]]\nrole = "Designer"\ndate',
        ),
        encoding="utf-8",
    )
    assert [r.role for r in config.load(path).companies[0].rejections] == ["Tester", "Designer"]


def test_a_result_that_fails_check_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.toml"
    broken = WATCHLIST + '\n[[company]]\nname = "Hooli"\ngreenhouse = "${HOOLI_TOKEN}"\n'
    path.write_text(broken, encoding="utf-8")
    os.environ.pop("HOOLI_TOKEN", None)
    with pytest.raises(config.ConfigError) as failed:
        write(path, FOUND)
    assert any("HOOLI_TOKEN is not set" in p for p in failed.value.problems)
    assert path.read_text(encoding="utf-8") == broken
    assert [p.name for p in tmp_path.iterdir()] == ["watchlist.toml"]  # no temporary left


def test_a_file_changed_since_it_was_read_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    original = Original.read(path)
    known = read_known(original.text)
    text = apply(original.text, plan(FOUND, known), known)
    edited = WATCHLIST.replace('interval = "30m"', 'interval = "1h"')
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(config.ConfigError, match="changed while it was being edited"):
        replace_validated(path, text, original)
    assert path.read_text(encoding="utf-8") == edited


def test_a_hostile_role_stays_literal_through_write_check_and_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.test/SECRET")
    hostile = "Engineer ${SLACK_WEBHOOK_URL} $${X} ${NOT-A-REF $"
    path = tmp_path / "watchlist.toml"
    path.write_text("", encoding="utf-8")
    found = [Found("Acme ${HOME}", hostile, D, contact="${USER}", board=Board("lever", "acme"))]
    write(path, found)
    loaded = config.load(path)
    (company,) = loaded.companies
    assert company.name == "Acme ${HOME}"
    assert company.rejections[0].role == hostile
    assert company.rejections[0].contact == "${USER}"
    assert "SECRET" not in path.read_text(encoding="utf-8")
    assert not any("SECRET" in s for s in loaded.secrets)
    # And the file read back is known: the same import adds nothing.
    assert plan(found, read_known(path.read_text(encoding="utf-8"))).empty


def test_commented_entries_are_known_after_an_edit(tmp_path: Path) -> None:
    text = apply("", plan(FOUND), read_known(""))
    # The user moved things around and added a blank line: still known.
    known = read_known(text.replace("\n\n", "\n\n\n"))
    assert plan(FOUND, known).empty
    assert tomllib.loads(text)  # valid TOML with every commented block


def test_rejections_without_a_role_or_a_board_are_not_added_again(tmp_path: Path) -> None:
    """A rejection mail that names no role, from a company without a board, is written
    commented out; the next import must find it there and add nothing."""
    found = [
        Found("Bergmann Software", None, D, stage="interview", contact="Katrin Vogel"),
        Found("Acme", None, D, board=Board("lever", "acme")),
        Found("Acme", "Tester", D, board=Board("lever", "acme")),
    ]
    path = tmp_path / "watchlist.toml"
    path.write_text(apply("", plan(found), read_known("")), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert "# missing: the role; add it, then uncomment" in text
    proposal = plan(found, read_known(text))
    assert proposal.empty and proposal.already == len(pair(found))
    assert apply(text, proposal, read_known(text)) == text
