"""`secondchance import` end to end: real files in, a dry run, JSON lines, --write
(twice), a new watchlist, and one clear line for each mistake."""

from __future__ import annotations

import datetime as dt
import io
import json
import stat
import subprocess
import sys
import types
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from secondchance.cli import main
from secondchance.config import load
from secondchance.importers.found import Board, Found, Problem

TRACKER = (
    "Company,Position,Status,Date Applied,Link\n"
    "ACME Inc.,Data Engineer,Rejected,2024-11-02,https://boards.greenhouse.io/acme/jobs/1\n"
    "Globex,Analyst ${SLACK_WEBHOOK_URL},Interview,11/20/24,\n"
    "Initech,Backend Dev,Declined,20.11.2024,https://jobs.lever.co/initech/2\n"
)
LINKEDIN = (
    "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,Job Url,"
    "Resume Name,Question And Answers\n"
    '"11/20/24, 8:15 AM",me@example.com,,Acme,Data Engineer,'
    "https://boards.greenhouse.io/acme/jobs/1,cv.pdf,\n"
    '"11/21/24, 9:00 AM",me@example.com,,Hooli,Designer,,cv.pdf,\n'
)
WATCHLIST = '# mine\n[[company]]\nname = "Initech LLC"\nlever = "initech"\n'


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.test/SECRET")
    (tmp_path / "tracker.csv").write_text(TRACKER, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("Jobs/Job Applications.csv", LINKEDIN)
    (tmp_path / "watchlist.toml").write_text(WATCHLIST, encoding="utf-8")
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_dry_run_prints_toml_by_company_and_writes_nothing(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = files / "watchlist.toml"
    code, out, err = run(
        ["import", "csv", str(files / "tracker.csv"), "--config", str(config)], capsys
    )
    assert code == 0
    assert config.read_text(encoding="utf-8") == WATCHLIST
    assert '# new company: ACME Inc.\n[[company]]\nname = "ACME Inc."\ngreenhouse = "acme"' in out
    assert "# added to the existing company Initech LLC" in out
    assert "# ── Applied, no answer yet" in out
    assert 'role = "Analyst $${SLACK_WEBHOOK_URL}"' in out and "SECRET" not in out + err
    assert "2 rejections and 1 application without an answer to add" in err


def test_json_lines_one_per_proposed_entry(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "import",
            "linkedin",
            str(files / "export.zip"),
            "--json",
            "--config",
            str(files / "none.toml"),
        ],
        capsys,
    )
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["company"], r["status"], r["date"]) for r in records] == [
        ("Acme", "applied", "2024-11-20"),
        ("Hooli", "applied", "2024-11-21"),
    ]
    assert records[0]["board"] == {"kind": "greenhouse", "token": "acme"}
    assert records[0]["file"].endswith("export.zip:Jobs/Job Applications.csv:2")
    assert not (files / "none.toml").exists()  # a dry run needs no watchlist, makes none


def test_write_twice_changes_nothing_the_second_time(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = files / "watchlist.toml"
    argv = ["import", "csv", str(files / "tracker.csv"), "--config", str(config), "--write"]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    first = config.read_text(encoding="utf-8")
    assert first.startswith(WATCHLIST)
    loaded = load(config)
    assert [c.name for c in loaded.companies] == ["Initech LLC", "ACME Inc."]
    assert [r.role for r in loaded.companies[0].rejections] == ["Backend Dev"]
    code, _, err = run(argv, capsys)
    assert code == 0
    assert config.read_text(encoding="utf-8") == first
    assert "3 already in" in err and "unchanged" in err
    assert run(["check", "--config", str(config)], capsys)[0] == 0


def test_write_creates_a_missing_watchlist_as_init_does(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = files / "new" / "folder" / "watchlist.toml"
    argv = ["import", "linkedin", str(files / "export.zip"), "--config", str(config), "--write"]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# Written by `secondchance init`")
    assert "# applied 2024-11-20, no answer yet: uncomment if they turned you down" in text
    # Applications alone watch nothing: Acme's board is offered, commented out.
    assert "# no rejection yet: uncomment this company" in text
    assert '# greenhouse = "acme"' in text
    assert load(config).companies == ()
    assert run(argv, capsys)[0] == 0
    assert config.read_text(encoding="utf-8") == text


def test_a_write_that_would_fail_check_writes_nothing(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = files / "watchlist.toml"
    broken = WATCHLIST + 'interval = "0s"\n'
    config.write_text(broken, encoding="utf-8")
    code, _, err = run(
        ["import", "csv", str(files / "tracker.csv"), "--config", str(config), "--write"], capsys
    )
    assert code == 2
    assert "interval" in err and "Traceback" not in err
    assert config.read_text(encoding="utf-8") == broken


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "csv", "missing.csv"], "missing.csv: no such file or folder"),
        (["import", "csv", "{tracker}", "--since", "yesterday"], "--since yesterday: not a date"),
        (["import", "csv", "{tracker}", "--map", "role=Nope"], "has no column 'Nope'"),
        (["import", "csv", "{tracker}", "--map", "salary=Pay"], "unknown field"),
        (["import", "csv", "{tracker}", "--map", "role"], "expected FIELD=COLUMN"),
        (
            ["import", "linkedin", "{tracker}", "--applications", "{tracker}"],
            "goes with `import mail`",
        ),
        (["import", "mail", "http://mail.example/INBOX"], "only imaps://"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    files: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    argv = [a.replace("{tracker}", str(files / "tracker.csv")) for a in argv]
    code, out, err = run([*argv, "--config", str(files / "watchlist.toml")], capsys)
    assert code == 2
    assert err.count("\n") == 1 and message in err, err
    assert out == ""


def test_since_keeps_what_is_dated_on_or_after(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import", "csv", str(files / "tracker.csv"), "--since", "2024-11-20", "--json"]
    code, out, _ = run([*argv, "--config", str(files / "x.toml")], capsys)
    assert code == 0
    assert [json.loads(line)["company"] for line in out.splitlines()] == ["Initech", "Globex"]


def fake_mail(found: Sequence[Found | Problem]) -> types.ModuleType:
    module = types.ModuleType("secondchance.importers.mail")

    def scan(
        sources: Sequence[str], *, since: dt.date | None = None, progress: object = None
    ) -> Iterator[Found | Problem]:
        yield from found

    module.scan = scan  # type: ignore[attr-defined]
    return module


def test_mail_with_applications_pairs_each_rejection_with_its_application(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mail = Found(
        "ACME",
        "Data Engineer",
        dt.date(2024, 12, 1),
        evidence="We have decided to move forward with other candidates.",
        file=f"{files}/mbox#3",
    )
    monkeypatch.setitem(sys.modules, "secondchance.importers.mail", fake_mail([mail]))
    argv = ["import", "mail", str(files), "--applications", str(files / "export.zip")]
    code, out, err = run([*argv, "--config", str(files / "x.toml")], capsys)
    assert code == 0, err
    assert "# evidence: We have decided to move forward with other candidates." in out
    assert 'notes = "applied 2024-11-20: https://boards.greenhouse.io/acme/jobs/1"' in out
    assert 'greenhouse = "acme"' in out  # the board from the application's link
    assert "# applied 2024-11-21, no answer yet" in out  # Hooli: still open


def test_a_source_that_failed_exits_1_after_the_rest(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = [
        Problem(f"{files}/broken.mbox", "not an mbox"),
        Found("Acme", "Analyst", dt.date(2024, 12, 1), board=Board("lever", "acme")),
    ]
    monkeypatch.setitem(sys.modules, "secondchance.importers.mail", fake_mail(found))
    code, out, err = run(["import", "mail", str(files), "--config", str(files / "x.toml")], capsys)
    assert code == 1
    assert f"secondchance: {files}/broken.mbox: not an mbox" in err
    assert 'role = "Analyst"' in out


def test_output_to_a_closed_pipe_ends_quietly(files: Path) -> None:
    rows = "".join(f"Company {n},Role {n},Rejected,2024-11-02,\n" for n in range(3000))
    (files / "big.csv").write_text("Company,Role,Status,Date\n" + rows, encoding="utf-8")
    program = (
        "import sys; from secondchance.cli import main; "
        f"sys.exit(main(['import', 'csv', {str(files / 'big.csv')!r}, "
        f"'--config', {str(files / 'x.toml')!r}]))"
    )
    done = subprocess.run(
        f'{sys.executable} -c "{program}" | head -c 10',
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == "# new comp"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_discover_looks_up_the_board_behind_a_job_link(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from secondchance.importers import discover as finder

    asked: list[str] = []

    async def fake(target: str, *, fetcher: object, **_: object) -> finder.Discovery:
        asked.append(target)
        found = (finder.Candidate("lever", "hooli", "embed script", postings=3),)
        return finder.Discovery(target, found, fetched=True, note=None)

    monkeypatch.setattr(finder, "discover", fake)
    tracker = files / "hooli.csv"
    tracker.write_text(
        "Company,Role,Status,Date,Link\n"
        "Hooli,Designer,Rejected,2024-11-20,https://hooli.example/careers/designer\n"
        "Nolink,Designer,Rejected,2024-11-20,\n",
        encoding="utf-8",
    )
    argv = ["import", "csv", str(tracker), "--discover", "--config", str(files / "x.toml")]
    code, out, err = run(argv, capsys)
    assert code == 0
    assert asked == ["https://hooli.example/careers/designer"]
    assert '[[company]]\nname = "Hooli"\nlever = "hooli"' in out
    assert "found the board of 1 of 2 companies without one (1 with nothing to look at)" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from secondchance.cli.imports import _progress

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with _progress() as progress:
        assert progress is None
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _progress() as progress:
        assert progress is not None
        progress(1200, 3)
    assert "1200 messages read" in terminal.getvalue()
    assert "3 found" in terminal.getvalue()


def test_map_reads_the_columns_of_a_tracker_given_as_applications(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "secondchance.importers.mail", fake_mail([]))
    tracker = files / "mine.csv"
    tracker.write_text("Firma;Stelle;Datum\nAcme;Analyst;20.11.2024\n", encoding="utf-8")
    argv = ["import", "mail", str(files), "--applications", str(tracker), "--json"]
    argv += ["--map", "company=Firma", "--map", "role=Stelle", "--map", "date=Datum"]
    code, out, err = run([*argv, "--config", str(files / "x.toml")], capsys)
    assert code == 0, err
    record = json.loads(out)
    assert (record["company"], record["role"], record["date"]) == ("Acme", "Analyst", "2024-11-20")
    code, _, err = run(["import", "linkedin", str(tracker), "--map", "company=Firma"], capsys)
    assert code == 2 and "--map goes with" in err


def test_discover_looks_on_the_careers_pages_of_the_senders_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rejection mail with no board link: `--discover` tries the company's own site
    (its /careers, its /jobs, its home page) and takes the first board it finds there,
    verified against the watchlist's endpoints, as the daemon would poll it."""
    from conftest import BoardServer

    jobs = (
        Path(__file__).resolve().parent.parent
        / "fixtures/greenhouse/anthropic-jobs-content-true-4.json"
    ).read_bytes()
    boards = BoardServer()
    try:
        boards.set(
            "/bluefin/jobs",
            '<a href="https://boards.greenhouse.io/bluefin">Open roles</a>',
            content_type="text/html",
        )
        boards.set("/v1/boards/bluefin/jobs", jobs)
        rejection = Found(
            company="Bluefin",
            role="Product Designer",
            date=dt.date(2024, 11, 12),
            evidence="We wanted to let you know that the position has been filled.",
            file="inbox.mbox#1",
            site=f"{boards.url}/bluefin",
        )
        monkeypatch.setitem(sys.modules, "secondchance.importers.mail", fake_mail([rejection]))
        watchlist = tmp_path / "watchlist.toml"
        watchlist.write_text(
            f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n', encoding="utf-8"
        )
        inbox = tmp_path / "inbox.mbox"
        inbox.write_bytes(b"")  # read by the fake scan: the path must exist
        argv = ["import", "mail", str(inbox), "--discover", "--config", str(watchlist)]
        code, out, err = run(argv, capsys)
        asked = [path.split("?")[0] for method, path, _ in boards.requests]
    finally:
        boards.close()
    assert code == 0, err
    assert asked == ["/bluefin/careers", "/bluefin/jobs", "/v1/boards/bluefin/jobs"]
    assert '[[company]]\nname = "Bluefin"\ngreenhouse = "bluefin"' in out
    assert "found the board of 1 of 1 company without one (0 with nothing to look at)" in err


def test_a_failed_source_means_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Real mail files: one rejection read, one source that is not mail at all. The
    proposal is still shown, the failure said in one line, exit 1, and no file made."""
    good = tmp_path / "rejection.eml"
    good.write_bytes(
        b"From: Acme Hiring Team <no-reply@greenhouse.io>\nTo: me@example.org\n"
        b"Subject: Your application to Acme\nDate: Tue, 12 Nov 2024 09:30:00 +0100\n"
        b"Message-ID: <1@acme.example>\n\nThank you for applying for the Data Engineer "
        b"position. Unfortunately, we have decided to move forward with other candidates."
        b"\nhttps://boards.greenhouse.io/acme/jobs/1\n"
    )
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    watchlist = tmp_path / "new.toml"
    argv = ["import", "mail", str(good), str(junk), "--write", "--config", str(watchlist)]
    code, out, err = run(argv, capsys)
    assert code == 1, err
    assert 'role = "Data Engineer"' in out
    assert f"secondchance: {junk}: " in err
    assert "a source failed, so nothing is written" in err
    assert not watchlist.exists()
    # Without the broken source the same command writes.
    code, _, err = run(["import", "mail", str(good), "--write", "--config", str(watchlist)], capsys)
    assert code == 0, err
    assert [c.name for c in load(watchlist).companies] == ["Acme"]
