"""The commands that only look (status, jobs, history, health; cooldowns reads no
database at all) never create, migrate or write a database: a mistyped --data-dir
must not start an empty history, and a newer CLI must not upgrade the schema under
a running older daemon."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from secondchance.cli import main
from secondchance.storage.migrate import HEAD

UPGRADE = Path(__file__).parents[1] / "fixtures" / "upgrade"
WATCHLIST = """
[[company]]
name = "Acme"
greenhouse = "acme"
"""
LOOKING = [["status"], ["jobs"], ["history", "Acme"], ["health"]]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST)
    return path


@pytest.mark.parametrize("argv", LOOKING, ids=lambda a: a[0])
def test_a_missing_data_directory_is_said_and_not_created(
    argv: list[str], watchlist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "dta"
    code = main([*argv, "--config", str(watchlist), "--data-dir", str(typo)])
    out, err = capsys.readouterr()
    assert code == 1
    said = out if argv[0] == "health" else err
    assert f"no database at {typo / 'secondchance.db'}: has the daemon run with this data" in said
    assert not typo.exists()


@pytest.mark.parametrize("argv", LOOKING, ids=lambda a: a[0])
def test_a_database_path_under_a_missing_folder_is_not_created(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "sc.db"
    path = tmp_path / "w.toml"
    path.write_text(f'[settings]\ndatabase = "sqlite:///{missing}"\n{WATCHLIST}')
    assert main([*argv, "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"no database at {missing}" in out + err
    assert not missing.parent.exists()


def _release_database(tmp_path: Path, revision: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "secondchance.db"
    shutil.copy(UPGRADE / "release.sqlite", database)
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()
    return data


@pytest.mark.parametrize(
    ("revision", "said"),
    [
        (
            "0003",
            "its schema is from an older secondchance (0003; this one reads {HEAD}): "
            "the daemon upgrades it when it next starts",
        ),
        ("0099", "its schema (0099) is from a newer secondchance than this one ({HEAD})"),
    ],
)
@pytest.mark.parametrize("argv", [["status"], ["jobs"], ["history", "Acme"]], ids=lambda a: a[0])
def test_a_database_of_another_version_is_read_as_it_is_or_not_at_all(
    argv: list[str],
    revision: str,
    said: str,
    watchlist: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _release_database(tmp_path, revision)
    before = _files(data)
    assert main([*argv, "--config", str(watchlist), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"secondchance: cannot read the database at {data / 'secondchance.db'}: "
        + said.format(HEAD=HEAD)
        + "\n"
    )
    assert _files(data) == before  # not upgraded, nothing beside it


def test_a_file_that_is_not_a_secondchance_database(
    watchlist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "secondchance.db") as connection:
        connection.execute("CREATE TABLE other (x)")
    connection.close()
    assert main(["status", "--config", str(watchlist), "--data-dir", str(data)]) == 1
    assert capsys.readouterr().err.endswith(": it holds no secondchance tables\n")


def test_reading_a_current_database_writes_nothing_beside_it(
    watchlist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert main(["once", "--config", str(empty), "--data-dir", str(data)]) == 0
    before = _files(data)
    assert set(before) == {"secondchance.db"}  # the daemon closed it: no -wal, no -shm
    for argv in (["status"], ["jobs"], ["history", "Acme"]):
        assert main([*argv, "--config", str(watchlist), "--data-dir", str(data)]) == 0, argv
    assert _files(data) == before
    capsys.readouterr()
