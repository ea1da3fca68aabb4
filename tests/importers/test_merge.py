"""The import's merge: names and roles compared loosely, rejections paired with the
applications they answer, and nothing the watchlist records proposed again (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from secondchance.importers.found import Board, Found
from secondchance.importers.known import read_known
from secondchance.importers.merge import pair, plan
from secondchance.importers.names import company_key, role_key

D = dt.date(2024, 11, 20)


def rejected(company: str, role: str | None = "Data Engineer", **kw: object) -> Found:
    return Found(company=company, role=role, date=kw.pop("date", D), **kw)  # type: ignore[arg-type]


def applied(company: str, role: str | None = "Data Engineer", **kw: object) -> Found:
    return Found(company=company, role=role, date=kw.pop("date", D), status="applied", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name",
    [
        "Acme",
        "ACME",
        " acme ",
        "Acme, Inc.",
        "Acme Inc",
        "Acme LLC",
        "Acme Ltd.",
        "Acme GmbH",
        "Acme AG",
        "Acme S.A.",
        "Acme SAS",
        "Acme B.V.",
        "Acme NV",
        "Acme plc",
        "Acme Corp.",
        "Acme Co",
        "Acme SE",
        "Acme GmbH & Co. KG",
        "A.C.M.E.",
    ],
)
def test_legal_forms_case_spaces_and_punctuation_name_one_company(name: str) -> None:
    assert company_key(name) == "acme"


def test_names_that_differ_stay_apart() -> None:
    assert company_key("Acme Robotics") != company_key("Acme")
    assert company_key("Co") == "co"  # a name that is only a legal form keeps it
    assert company_key("Société Générale") == company_key("societe generale SA")


def test_roles_compare_without_case_or_spacing() -> None:
    assert role_key("  Data   ENGINEER ") == role_key("data engineer")


def test_a_rejection_takes_the_date_and_link_of_the_application_it_answers() -> None:
    application = applied(
        "Acme Inc.",
        "Senior Data Engineer (Remote)",
        date=dt.date(2024, 10, 1),
        url="https://boards.greenhouse.io/acme/jobs/1",
        board=Board("greenhouse", "acme"),
    )
    rejection = rejected("ACME", "Senior Data Engineer", evidence="we went with others")
    other = applied("Acme", "Office Manager")
    entries = pair([application, other, rejection])
    assert len(entries) == 2
    merged = entries[0]
    assert merged.found.status == "rejected"
    assert merged.found.board == Board("greenhouse", "acme")
    assert merged.found.date == D
    assert merged.notes == "applied 2024-10-01: https://boards.greenhouse.io/acme/jobs/1"
    assert entries[1].found == other


def test_a_rejection_without_a_role_takes_the_only_application_there() -> None:
    entries = pair([applied("Acme", "Data Engineer"), rejected("Acme", None)])
    assert [e.found.role for e in entries] == ["Data Engineer"]
    # Two applications there: which one it answers is unknown.
    entries = pair([applied("Acme", "A"), applied("Acme", "B"), rejected("Acme", None)])
    assert [e.found.role for e in entries] == [None, "A", "B"]


WATCHLIST = """
[[company]]
name = "Acme GmbH"
lever = "acme"

[[company.rejection]]
role = "Data  engineer"
date = 2024-11-20

[[company]]
name = "Globex"
greenhouse = "globex"
"""


def test_existing_companies_match_by_name_or_board_and_recorded_rejections_stay_out() -> None:
    known = read_known(WATCHLIST)
    proposal = plan(
        [
            rejected("ACME Inc."),  # recorded already (role spelled otherwise)
            rejected("Acme", "Analyst"),
            rejected("Globex Corporation Worldwide", board=Board("greenhouse", "globex")),
            rejected("Initech", board=Board("lever", "initech")),
        ],
        known,
    )
    assert proposal.already == 1
    names = [(g.name, g.existing.name if g.existing else None) for g in proposal.groups]
    assert names == [
        ("ACME Inc.", "Acme GmbH"),
        ("Globex Corporation Worldwide", "Globex"),
        ("Initech", None),
    ]
    assert [e.found.role for e in proposal.groups[0].rejections] == ["Analyst"]


def test_one_import_repeated_in_itself_proposes_each_rejection_once() -> None:
    proposal = plan([rejected("Acme"), rejected("ACME, Inc.", "data engineer"), rejected("Acme")])
    assert len(proposal.entries()) == 1


def test_an_application_answered_in_the_same_import_or_already_rejected_is_not_offered() -> None:
    known = read_known(WATCHLIST)
    proposal = plan(
        [applied("Acme", "Data Engineer", date=dt.date(2024, 9, 1)), applied("Acme", "Analyst")],
        known,
    )
    assert [e.found.role for e in proposal.entries()] == ["Analyst"]
    proposal = plan([applied("Globex", "Analyst"), rejected("Globex", "Analyst", date=None)])
    assert [(e.found.status, e.found.role) for e in proposal.entries()] == [("rejected", "Analyst")]


def test_incomplete_entries_say_what_they_miss() -> None:
    proposal = plan([rejected("Acme", None, date=None)])
    (entry,) = proposal.entries()
    assert entry.missing == ["the role", "the date"]
    assert not proposal.groups[0].live  # a new company without a board


def test_imported_text_loses_control_characters_and_line_breaks() -> None:
    found = rejected("Acme\nInc.\x1b[31m", "Data\tEngineer\u200b", evidence="no\x07 thanks")
    (entry,) = plan([found]).entries()
    assert entry.found.company == "Acme Inc.[31m"
    assert entry.found.role == "Data Engineer"
    assert entry.found.evidence == "no thanks"
