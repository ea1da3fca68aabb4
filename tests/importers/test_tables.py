"""Reading applications from tables: the LinkedIn export (zip or CSV) and trackers'
CSV files in the encodings, delimiters and date formats spreadsheets write."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from secondchance.importers.found import Board, Found, Problem
from secondchance.importers.tables import (
    MappingError,
    is_rejected,
    parse_date,
    read_csv,
    read_linkedin,
    read_table_file,
)

LINKEDIN = (
    "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,Job Url,"
    "Resume Name,Question And Answers\n"
    '"11/20/24, 8:15 AM",me@example.com,,Acme Inc.,Data Engineer,'
    "https://www.linkedin.com/jobs/view/123,cv.pdf,\n"
    '"1/5/25, 11:02 PM",me@example.com,,Globex,"Analyst, Growth",'
    'https://boards.greenhouse.io/globex/jobs/42,cv.pdf,"Q: Visa? A: ""no"""\n'
)


def finds(items: list[Found | Problem]) -> list[Found]:
    return [i for i in items if isinstance(i, Found)]


def test_the_linkedin_zip_yields_every_application(tmp_path: Path) -> None:
    path = tmp_path / "Basic_LinkedInDataExport_12-01-2024.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Jobs/Job Applications.csv", LINKEDIN)
        archive.writestr(
            "Jobs/Job Applications_1.csv",
            LINKEDIN.splitlines()[0] + '\n"2/1/25, 9:00 AM",,,Initech,Tester,,,\n',
        )
        archive.writestr("Connections.csv", "First Name,Company\nSam,Acme\n")
    found = list(read_linkedin(path))
    assert all(isinstance(f, Found) for f in found)
    assert [(f.company, f.role, f.date, f.status) for f in finds(found)] == [
        ("Acme Inc.", "Data Engineer", dt.date(2024, 11, 20), "applied"),
        ("Globex", "Analyst, Growth", dt.date(2025, 1, 5), "applied"),
        ("Initech", "Tester", dt.date(2025, 2, 1), "applied"),
    ]
    acme, globex, initech = finds(found)
    assert acme.board is None and acme.url == "https://www.linkedin.com/jobs/view/123"
    assert globex.board == Board("greenhouse", "globex")
    assert acme.file == f"{path}:Jobs/Job Applications.csv:2"
    assert initech.file == f"{path}:Jobs/Job Applications_1.csv:2"


def test_the_linkedin_csv_alone(tmp_path: Path) -> None:
    path = tmp_path / "Job Applications.csv"
    path.write_text(LINKEDIN, encoding="utf-8")
    assert [f.company for f in finds(list(read_linkedin(path)))] == ["Acme Inc.", "Globex"]


def test_a_zip_without_applications_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Connections.csv", "x\n")
    (problem,) = read_linkedin(path)
    assert isinstance(problem, Problem) and problem.fatal
    assert "Job Applications.csv" in problem.reason


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("11/20/24, 8:15 AM", dt.date(2024, 11, 20)),
        ("2024-11-20", dt.date(2024, 11, 20)),
        ("2024-11-20T08:15:00Z", dt.date(2024, 11, 20)),
        ("11/20/2024", dt.date(2024, 11, 20)),
        ("1/2/2024", dt.date(2024, 1, 2)),  # US: January 2
        ("25/11/2024", dt.date(2024, 11, 25)),  # no 25th month: day first
        ("20.11.2024", dt.date(2024, 11, 20)),
        ("Nov 20, 2024", dt.date(2024, 11, 20)),
        ("20 November 2024", dt.date(2024, 11, 20)),
        ("soon", None),
        ("", None),
    ],
)
def test_dates_as_trackers_write_them(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "status",
    [
        "Rejected",
        "REJECTED",
        "declined",
        "Not selected",
        "no offer",
        "Turned down",
        "Abgelehnt",
        "Absage",
        "Refusé",
        "refuse",
        "Rechazado",
        "Afgewezen",
        "Closed - rejected",
    ],
)
def test_statuses_that_say_no(status: str) -> None:
    assert is_rejected(status)


@pytest.mark.parametrize("status", ["Applied", "Interview", "Offer", "phone screen", "", None])
def test_statuses_that_say_nothing_yet(status: str | None) -> None:
    assert not is_rejected(status)


def test_a_tracker_csv_with_a_semicolon_a_bom_and_its_own_column_names(tmp_path: Path) -> None:
    path = tmp_path / "tracker.csv"
    text = (
        "Employer;Position;Applied on;Stage;Outcome;Link\n"
        "Acme GmbH;Datenanalyst;20.11.2024;Final round;Abgelehnt;https://jobs.lever.co/acme/1\n"
        "Globex;Designer;21.11.2024;Phone screen;;\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    acme, globex = finds(list(read_table_file(path)))
    assert (acme.company, acme.role, acme.status, acme.stage) == (
        "Acme GmbH",
        "Datenanalyst",
        "rejected",
        "Final round",
    )
    assert acme.board == Board("lever", "acme")
    assert acme.file == f"{path}:2"
    assert (globex.status, globex.stage, globex.date) == (
        "applied",
        "Phone screen",
        dt.date(2024, 11, 21),
    )


def test_windows_1252_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "tracker.tsv"
    path.write_bytes(
        "Company\tTitle\tStatus\nSoci\u00e9t\u00e9\tD\u00e9veloppeur\tRefus\u00e9\n".encode(
            "cp1252"
        )
    )
    (found,) = finds(list(read_table_file(path)))
    assert (found.company, found.role, found.status) == (
        "Soci\u00e9t\u00e9",
        "D\u00e9veloppeur",
        "rejected",
    )


def test_map_names_columns_the_aliases_do_not_know() -> None:
    text = "Firma,Stelle,Wann\nAcme,Analyst,2024-11-20\n"
    (found,) = finds(
        list(read_csv(text, "t.csv", {"company": "Firma", "role": "stelle", "date": "Wann"}))
    )
    assert (found.company, found.role, found.date) == ("Acme", "Analyst", dt.date(2024, 11, 20))
    with pytest.raises(MappingError, match="no column 'Nope'"):
        list(read_csv(text, "t.csv", {"role": "Nope"}))


def test_rows_it_cannot_read_are_skipped_with_a_line_that_quotes_nothing() -> None:
    text = (
        "Company,Role,Date\nAcme,Analyst,2024-11-20\n"
        ",Secret Role,2024-11-20\nGlobex,Secret Role,someday\n"
    )
    items = list(read_csv(text, "t.csv"))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [str(p) for p in problems] == [
        "t.csv:3: no company in this row; skipped",
        "t.csv:4: a date it cannot read; skipped",
    ]
    assert not any(p.fatal for p in problems)
    assert len(finds(items)) == 1


def test_a_csv_without_a_company_column_is_a_problem() -> None:
    (problem,) = read_csv("Role,Date\nAnalyst,2024-11-20\n", "t.csv")
    assert isinstance(problem, Problem) and problem.fatal and "--map company=" in problem.reason
