"""What the watchlist now reads more strictly, or more kindly: values from the
environment, a SQLite path, names with spaces, warnings in the file's order, the
deepest nesting allowed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from watchlists import minimal, only_problem, write

from secondchance.config import database_url, load
from secondchance.config.document import MAX_DEPTH


def test_values_from_the_environment_are_read_as_their_keys_want(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tables are read strictly, but "${NAME}" always gives a string: those are converted.
    monkeypatch.setenv("SC_HOSTS", "6")
    monkeypatch.setenv("SC_ANNOUNCE", "true")
    monkeypatch.setenv("SC_MATCH", "90")
    monkeypatch.setenv("SC_ENABLED", "false")
    path = write(
        tmp_path,
        """
        [settings]
        per_host = "${SC_HOSTS}"
        announce_existing = "${SC_ANNOUNCE}"
        role_match = "${SC_MATCH}"
        interval = "${SC_INTERVAL:-2h}"

        [notify]
        console = "${SC_CONSOLE:-true}"

        [[company]]
        name = "Acme"
        greenhouse = "acme"
        enabled = "${SC_ENABLED}"
        """,
    )

    config = load(path)

    assert config.settings.per_host == 6
    assert config.settings.announce_existing is True
    assert config.settings.role_match == 90.0
    assert config.settings.interval == 7200.0
    assert config.notify.console is True
    assert config.companies[0].enabled is False


def test_the_same_value_written_as_a_string_is_a_mistake(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[settings]\nper_host = "6"\n'))

    assert only_problem(path).endswith("settings.per_host: expected a whole number, got a string")


def test_an_empty_database_from_the_environment_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SC_DATABASE", raising=False)
    config = load(write(tmp_path, minimal('[settings]\ndatabase = "${SC_DATABASE:-}"\n')))

    data = tmp_path / "data"
    assert database_url(config.settings.database, data) == f"sqlite:///{data / 'secondchance.db'}"


def test_an_empty_notification_url_from_the_environment_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SC_HOOK", raising=False)
    path = write(tmp_path, minimal('[notify]\nurls = ["${SC_HOOK:-}", "json://127.0.0.1:9/a"]\n'))

    assert [t.url for t in load(path).targets] == ["json://127.0.0.1:9/a"]


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        ("jobs.db", "sqlite:///{data}/jobs.db"),
        ("/srv/secondchance/jobs.db", "sqlite:////srv/secondchance/jobs.db"),
        ("sqlite:////srv/jobs.db", "sqlite:////srv/jobs.db"),
        ("postgresql+psycopg://jobs@db/jobs", "postgresql+psycopg://jobs@db/jobs"),
    ],
)
def test_a_database_path_is_a_sqlite_file(tmp_path: Path, database: str, expected: str) -> None:
    # Handed to SQLAlchemy as written, a path stopped `once` with "Could not parse".
    config = load(write(tmp_path, minimal(f'[settings]\ndatabase = "{database}"\n')))

    data = tmp_path / "data"
    assert database_url(config.settings.database, data) == expected.format(data=data)
    assert not data.exists()  # checking creates nothing


def test_a_name_with_spaces_around_it_is_kept_and_found_without_them(tmp_path: Path) -> None:
    config = load(write(tmp_path, '[[company]]\nname = " Acme Corp "\ngreenhouse = "acme"\n'))

    # Kept as written: the database already knows the company by that name.
    assert config.companies[0].name == " Acme Corp "
    assert config.company("acme corp") is config.companies[0]
    assert config.company("  ACME CORP") is config.companies[0]


def test_warnings_come_in_the_file_s_order_each_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [settings]
        interval = "20s"
        jitter = "0s"

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company.rejection]]
        role = "Analyst"
        date = 2026-06-02

        [[company]]
        name = "Globex "
        greenhouse = "acme"
        """,
    )

    warnings = load(path, today=dt.date(2026, 6, 1)).warnings

    under_a_minute = "20s is under a minute: fine for a local test board, but it hammers a real one"
    assert warnings == (
        # Both companies take the interval of [settings]: one warning, where it is written.
        f"{path}:2: settings.interval: {under_a_minute}",
        f"{path}:11: company[0].rejection[0].date: 2026-06-02 is in the future "
        "(today is 2026-06-01)",
        f"{path}:14: company[1].name: 'Globex ' has spaces around it, which are kept: the "
        "database knows the company by its name as written",
        f"{path}:15: company[1].greenhouse: the same greenhouse board as company[0] ('Acme'): "
        "it is polled twice, and each of its alerts comes twice",
    )
    assert load(path, today=dt.date(2026, 6, 2)).warnings == (warnings[0], *warnings[2:])


def test_the_deepest_nesting_allowed_loads_and_one_more_does_not(tmp_path: Path) -> None:
    # [settings.endpoints] greenhouse = [[...["x"]...]]: two tables, then the arrays.
    def nested(arrays: int) -> str:
        return minimal(f'[settings.endpoints]\ngreenhouse = {"[" * arrays}"x"{"]" * arrays}\n')

    deepest = write(tmp_path, nested(MAX_DEPTH - 2))
    assert only_problem(deepest) == (
        f"{deepest}:2: settings.endpoints.greenhouse: expected an http(s) base URL such as "
        '"http://127.0.0.1:8080"'
    )

    too_deep = write(tmp_path, nested(MAX_DEPTH - 1))
    assert only_problem(too_deep) == (
        f"{too_deep}:2: settings.endpoints.greenhouse[0]…: nested too deeply "
        f"(more than {MAX_DEPTH} levels of arrays and tables)"
    )
