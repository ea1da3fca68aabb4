"""The battery: broken watchlists through the real command line, `secondchance check`.

Each broken watchlist must give exactly its line(s) on stderr (file, line, key path,
message) and exit 2, never a traceback and never an "OK"; each doubtful one must load,
exit 0 and carry its warning in ``Config.warnings``. A few run as real processes, to
prove there is no traceback at the process level either.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from secondchance.cli import main
from secondchance.config import load

COMPANY = '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n'
TOO_DEEP = "nested too deeply (more than 16 levels of arrays and tables)"
URL_HELP = "expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
TODAY = dt.date.today()


@dataclass(frozen=True)
class Bad:
    """A watchlist (text, or bytes as written) and the problem lines ``check`` must
    print, ``{p}`` standing for the file's path."""

    content: str | bytes
    lines: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


def bad(content: str | bytes, *lines: str, env: dict[str, str] | None = None) -> Bad:
    return Bad(content, lines, env or {})


BROKEN: dict[str, Bad] = {
    # --- 1. Nesting: tomllib's recursion, and the walks after it ------------------------
    "arrays-3000-deep": bad(
        "x = " + "[" * 3000 + "]" * 3000 + "\n" + COMPANY,
        f"{{p}}:1: not valid TOML: {TOO_DEEP}",
    ),
    "inline-tables-3000-deep": bad(
        "[settings]\nendpoints = " + "{b=" * 3000 + "1" + "}" * 3000 + "\n" + COMPANY,
        f"{{p}}:2: not valid TOML: {TOO_DEEP}",
    ),
    "arrays-3000-deep-one-per-line": bad(
        COMPANY + "tags = [\n" + "[\n" * 2999 + "]\n" * 3000,
        # The 17th bracket opens on the 17th line of the array.
        f"{{p}}:{3 + 17}: not valid TOML: {TOO_DEEP}",
    ),
    "arrays-40-deep-which-tomllib-reads": bad(
        COMPANY + "\n[filter]\ninclude = " + "[" * 40 + '"x"' + "]" * 40 + "\n",
        f"{{p}}:6: filter.include[0][0]…: {TOO_DEEP}",
    ),
    "dotted-key-3000-parts": bad(
        "a" + ".b" * 3000 + " = 1\n" + COMPANY,
        f"{{p}}:1: a.b.b.b…: {TOO_DEEP}",
    ),
    "table-header-100-parts": bad(
        COMPANY + "[x" + ".y" * 100 + "]\n",
        f"{{p}}:4: x.y.y.y…: {TOO_DEEP}",
    ),
    "integer-of-5000-digits": bad(
        COMPANY + "interval = 1" + "0" * 5000 + "\n",
        "{p}:4: not valid TOML: a number of more than 4300 digits",
    ),
    # --- 2. Durations: bounded, in the words they were written in ----------------------
    "interval-99999999999d": bad(
        '[settings]\ninterval = "99999999999d"\n' + COMPANY,
        '{p}:2: settings.interval: "99999999999d" is too long (at most 365d)',
    ),
    "interval-inf": bad(
        "[settings]\ninterval = inf\n" + COMPANY,
        "{p}:2: settings.interval: inf seconds is too long (at most 365d)",
    ),
    "interval-nan": bad(
        "[settings]\ninterval = nan\n" + COMPANY,
        '{p}:2: settings.interval: expected a duration such as "30m" or "1h"',
    ),
    "interval-integer-beyond-a-float": bad(
        "[settings]\ninterval = 1" + "0" * 400 + "\n" + COMPANY,
        "{p}:2: settings.interval: 100000000000000000000000000000000000000… is too long "
        "(at most 365d)",
    ),
    "company-interval-of-a-thousand-digits": bad(
        COMPANY + 'interval = "' + "9" * 1000 + 's"\n',
        '{p}:4: company[0].interval: "99999999999999999999999999999999999999… is too long '
        "(at most 365d)",
    ),
    "company-jitter-2y": bad(
        COMPANY + 'jitter = "2y"\n',
        '{p}:4: company[0].jitter: "2y" is too long (at most 365d)',
    ),
    "fetch-timeout-2h": bad(
        '[settings]\ntimeout = "2h"\n' + COMPANY,
        '{p}:2: settings.timeout: "2h" is too long (at most 1h)',
    ),
    "per-host-delay-a-day": bad(
        '[settings]\nper_host_delay = "1d"\n' + COMPANY,
        '{p}:2: settings.per_host_delay: "1d" is too long (at most 1h)',
    ),
    "shutdown-timeout-inf": bad(
        "[settings]\nshutdown_timeout = inf\n" + COMPANY,
        "{p}:2: settings.shutdown_timeout: inf seconds is too long (at most 1h)",
    ),
    "retry-max-a-month": bad(
        '[notify]\nretry_max = "30d"\n' + COMPANY,
        '{p}:2: notify.retry_max: "30d" is too long (at most 7d)',
    ),
    "delivery-timeout-2h": bad(
        '[notify]\ntimeout = "2h"\n' + COMPANY,
        '{p}:2: notify.timeout: "2h" is too long (at most 1h)',
    ),
    "cool-down-of-99999999-years": bad(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 2026-01-05\n'
        'reapply_after = "99999999 years"\n',
        '{p}:7: company[0].rejection[0].reapply_after: "99999999 years" is too long '
        "(at most 3650d)",
    ),
    "cool-down-ending-after-9999": bad(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 9999-06-01\n'
        'reapply_after = "1 year"\n',
        "{p}:7: company[0].rejection[0].reapply_after: the cool-down would end after the year 9999",
    ),
    "max-body-inf": bad(
        "[settings]\nmax_body_mb = inf\n" + COMPANY,
        "{p}:2: settings.max_body_mb: must be less than or equal to 1024",
    ),
    "max-body-beyond-a-float": bad(
        "[settings]\nmax_body_mb = 1" + "0" * 400 + "\n" + COMPANY,
        "{p}:2: settings.max_body_mb: the number is too large",
    ),
    # --- 4. The database -----------------------------------------------------------------
    "database-notadb": bad(
        '[settings]\ndatabase = "notadb://x"\n' + COMPANY,
        "{p}:2: settings.database: unsupported database 'notadb': use sqlite or postgresql",
    ),
    "database-postgres-spelling": bad(
        '[settings]\ndatabase = "postgres://jobs@db/jobs"\n' + COMPANY,
        "{p}:2: settings.database: unsupported database 'postgres': use sqlite or postgresql "
        "(PostgreSQL is spelled postgresql+psycopg://)",
    ),
    "database-asyncio-driver": bad(
        '[settings]\ndatabase = "postgresql+asyncpg://jobs@db/jobs"\n' + COMPANY,
        "{p}:2: settings.database: postgresql+asyncpg is an asyncio driver "
        "(use postgresql+psycopg2, postgresql+psycopg, postgresql+pg8000)",
    ),
    "database-port-not-a-number": bad(
        '[settings]\ndatabase = "postgresql+psycopg://jobs:${SC_BAD_PW}@db:fivefour/jobs"\n'
        + COMPANY,
        f"{{p}}:2: settings.database: not a database URL ({URL_HELP})",
        env={"SC_BAD_PW": "s3cret-pw"},
    ),
    "database-empty": bad(
        '[settings]\ndatabase = ""\n' + COMPANY,
        "{p}:2: settings.database: empty (leave it out for SQLite in the data directory)",
    ),
    # --- 5. Bytes, lines and words --------------------------------------------------------
    "byte-order-mark-and-a-mistake-on-line-2": bad(
        b'\xef\xbb\xbf[settings]\ninterval = "soon"\n' + COMPANY.encode(),
        '{p}:2: settings.interval: cannot read \'soon\' as a duration (try "30m", "1h30m", "90s")',
    ),
    "latin-1-byte-on-line-4": bad(
        COMPANY.encode() + b'# caf\xe9 Berlin\n[settings]\ninterval = "1h"\n',
        "{p}:4: not UTF-8 (byte 0xe9 at column 6): save the file as UTF-8",
    ),
    "latin-1-byte-after-utf-8-on-its-line": bad(
        COMPANY.encode() + "# Zürich, ".encode() + b"M\xfcnchen\n",
        # Columns in characters: "ü" is two bytes but one column.
        "{p}:4: not UTF-8 (byte 0xfc at column 12): save the file as UTF-8",
    ),
    "bad-url-in-a-multiline-array": bad(
        '[notify]\nurls = [\n  "json://127.0.0.1:9/a",\n  "nope://x",\n]\n' + COMPANY,
        "{p}:4: notify.urls[1]: not a valid Apprise URL (scheme 'nope'; see the Apprise wiki)",
    ),
    "bad-regex-in-a-multiline-filter": bad(
        '[filter]\ninclude = [\n  "engineer",\n  "re:(",\n]\n' + COMPANY,
        "{p}:4: filter.include[1]: invalid regular expression '(' in filter term 're:(': "
        "missing ), unterminated subpattern at position 0",
    ),
    "blank-filter-term-said-once": bad(
        COMPANY + '[company.filter]\nexclude = ["intern", "  "]\n',
        "{p}:5: company[0].filter.exclude[1]: empty filter term '  '",
    ),
    "bad-date-in-a-multiline-list-of-rejections": bad(
        COMPANY + "rejection = [\n"
        '  { role = "Analyst", date = 2026-01-05 },\n'
        '  { role = "Engineer", date = "last spring" },\n'
        "]\n",
        "{p}:6: company[0].rejection[1].date: expected a date such as 2026-03-01",
    ),
    "company-without-a-board-said-once": bad(
        COMPANY + '[[company]]\nname = "Globex"\ninterval = "1h"\n',
        "{p}:4: company[1]: 'Globex' has no board: add one of greenhouse, lever, ashby, "
        "workable, recruitee, smartrecruiters, workday, personio, bamboohr, teamtailor, "
        "jsonld, careers",
    ),
    "quiet-hours-said-once": bad(
        '[notify]\nquiet_hours = "07:00-07:00"\n' + COMPANY,
        '{p}:2: notify.quiet_hours: "07:00-07:00": start and end at the same time',
    ),
    "lever-region-said-once": bad(
        '[[company]]\nname = "Acme"\nlever = "acme"\nlever_region = "asia"\n',
        '{p}:4: company[0].lever_region: must be "us" or "eu" (got \'asia\')',
    ),
    # --- 6. Company names -------------------------------------------------------------------
    "same-name-but-case-and-spaces": bad(
        COMPANY + '[[company]]\nname = "ACME "\nlever = "acme"\n',
        "{p}:5: company[1].name: also the name of company[0] (names are compared without case "
        "or surrounding spaces)",
    ),
    "blank-name": bad(
        '[[company]]\nname = "   "\ngreenhouse = "acme"\n',
        "{p}:2: company[0].name: is blank",
    ),
    "name-with-a-line-break": bad(
        '[[company]]\nname = "Acme\\nInc"\ngreenhouse = "acme"\n',
        "{p}:2: company[0].name: must not contain control characters (line breaks, tabs)",
    ),
    "name-with-a-nul": bad(
        '[[company]]\nname = "Ac\\u0000me"\ngreenhouse = "acme"\n',
        "{p}:2: company[0].name: contains a NUL character (\\u0000), which cannot be stored",
    ),
    # --- 7. Types msgspec took loosely, and types it worded in Python ----------------------
    "enabled-1": bad(
        COMPANY + "enabled = 1\n",
        "{p}:4: company[0].enabled: expected true or false, got a whole number",
    ),
    "per-host-quoted": bad(
        '[settings]\nper_host = "4"\n' + COMPANY,
        "{p}:2: settings.per_host: expected a whole number, got a string",
    ),
    "announce-existing-quoted": bad(
        '[settings]\nannounce_existing = "true"\n' + COMPANY,
        "{p}:2: settings.announce_existing: expected true or false, got a string",
    ),
    "concurrency-written-as-a-float": bad(
        "[settings]\nconcurrency = 8.0\n" + COMPANY,
        "{p}:2: settings.concurrency: expected a whole number, got a number",
    ),
    "console-quoted": bad(
        '[notify]\nconsole = "false"\n' + COMPANY,
        "{p}:2: notify.console: expected true or false, got a string",
    ),
    "endpoint-not-a-string-said-once": bad(
        "[settings]\nendpoints = { greenhouse = 1 }\n" + COMPANY,
        "{p}:2: settings.endpoints.greenhouse: expected an http(s) base URL such as "
        '"http://127.0.0.1:8080"',
    ),
    "rejection-date-a-number": bad(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 2026\n',
        "{p}:6: company[0].rejection[0].date: expected a date such as 2026-03-01, "
        "got a whole number",
    ),
    "rejection-date-with-a-time": bad(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 2026-01-05T10:00:00\n',
        "{p}:6: company[0].rejection[0].date: expected a date such as 2026-03-01, "
        "got a date and time",
    ),
    "rejection-date-a-time-of-day": bad(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 10:00:00\n',
        "{p}:6: company[0].rejection[0].date: expected a date such as 2026-03-01, "
        "got a time of day",
    ),
    "rejection-blank-role": bad(
        COMPANY + '[[company.rejection]]\nrole = " "\ndate = 2026-01-05\n',
        "{p}:5: company[0].rejection[0].role: is blank",
    ),
    "nul-in-rejection-notes": bad(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 2026-01-05\n'
        'notes = "a\\u0000b"\n',
        "{p}:7: company[0].rejection[0].notes: contains a NUL character (\\u0000), "
        "which cannot be stored",
    ),
    "user-agent-with-a-line-break": bad(
        '[settings]\nuser_agent = "me\\r\\nX-Evil: 1"\n' + COMPANY,
        "{p}:2: settings.user_agent: must not contain control characters (line breaks, tabs)",
    ),
    "one-url-twice-with-different-tags": bad(
        '[notify]\nurls = [\n  "json://127.0.0.1:9/hook?tag=phone",\n'
        '  "json://127.0.0.1:9/hook?tag=work",\n]\n' + COMPANY,
        "{p}:4: notify.urls[1]: the same URL as notify.urls[0] (tags aside): write it once, "
        "with all its tags (?tag=a,b)",
    ),
    "not-an-env-reference": bad(
        '[settings]\ndatabase = "${DB-URL}"\n' + COMPANY,
        "{p}:2: settings.database: '${{' starts no ${{NAME}} or ${{NAME:-default}} reference "
        "(a NAME is letters, digits and _, and ends with }})",
    ),
    "blank-user-agent": bad(
        '[settings]\nuser_agent = " "\n' + COMPANY,
        "{p}:2: settings.user_agent: is blank (leave it out for the default)",
    ),
    "empty-notification-url": bad(
        '[notify]\nurls = ["json://127.0.0.1:9/a", ""]\n' + COMPANY,
        "{p}:2: notify.urls[1]: empty: give an Apprise URL, or remove it",
    ),
    "empty-notification-url-in-a-table": bad(
        '[notify]\nurls = [{ url = "", tags = ["phone"] }]\n' + COMPANY,
        "{p}:2: notify.urls[0].url: empty: give an Apprise URL, or remove it",
    ),
    "settings-as-an-array-of-tables": bad(
        '[[settings]]\ninterval = "1h"\n' + COMPANY,
        "{p}:1: settings: expected a table",
    ),
    "several-mistakes-in-the-file-s-order": bad(
        '[settings]\ninterval = "99999999999d"\nper_host = "4"\n'
        '[notify]\nurls = [\n  "nope://x",\n]\n' + COMPANY + "enabled = 1\n",
        '{p}:2: settings.interval: "99999999999d" is too long (at most 365d)',
        "{p}:3: settings.per_host: expected a whole number, got a string",
        "{p}:6: notify.urls[0]: not a valid Apprise URL (scheme 'nope'; see the Apprise wiki)",
        "{p}:11: company[0].enabled: expected true or false, got a whole number",
    ),
}


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "watchlist.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--config", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_watchlist_is_its_lines_and_exit_2(
    case: Bad, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    path = write(tmp_path, case.content)

    code, out, err = check(path, capsys)

    assert err.splitlines() == [f"secondchance: {line.format(p=path)}" for line in case.lines]
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    for value in case.env.values():
        assert value not in err  # ${ENV} values are secrets


def test_a_missing_postgresql_driver_says_which_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # psycopg is installed here (the [postgres] extra): it is made to look absent.
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    path = write(tmp_path, '[settings]\ndatabase = "postgresql+psycopg://jobs@db/jobs"\n' + COMPANY)

    code, _, err = check(path, capsys)

    assert code == 2
    assert err.splitlines() == [
        f"secondchance: {path}:2: settings.database: the PostgreSQL driver psycopg is not "
        "installed: install secondchance[postgres]"
    ]


def test_sqlalchemy_s_default_postgresql_driver_is_not_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert importlib.util.find_spec("psycopg2") is None, "psycopg2 is not a dependency"
    path = write(tmp_path, '[settings]\ndatabase = "postgresql://jobs@db/jobs"\n' + COMPANY)

    code, _, err = check(path, capsys)

    assert code == 2
    assert err.splitlines() == [
        f"secondchance: {path}:2: settings.database: postgresql:// (SQLAlchemy's default) "
        "needs the driver psycopg2, which is not installed: write postgresql+psycopg:// and "
        "install secondchance[postgres]"
    ]


# --- Warnings: the watchlist loads, `check` exits 0 -----------------------------------------


@dataclass(frozen=True)
class Doubtful:
    content: str
    warnings: tuple[str, ...]


WARNED: dict[str, Doubtful] = {
    "interval-under-a-minute": Doubtful(
        '[settings]\ninterval = "30s"\njitter = "0s"\n' + COMPANY,
        (
            "{p}:2: settings.interval: 30s is under a minute: fine for a local test board, "
            "but it hammers a real one",
        ),
    ),
    "company-interval-under-a-minute": Doubtful(
        COMPANY + 'interval = "5s"\njitter = 0\n',
        (
            "{p}:4: company[0].interval: 5s is under a minute: fine for a local test board, "
            "but it hammers a real one",
        ),
    ),
    "same-board-under-two-companies": Doubtful(
        COMPANY + '[[company]]\nname = "Acme Labs"\ngreenhouse = "acme"\n',
        (
            "{p}:6: company[1].greenhouse: the same greenhouse board as company[0] ('Acme'): "
            "it is polled twice, and each of its alerts comes twice",
        ),
    ),
    "same-board-in-a-multiline-list": Doubtful(
        COMPANY + '[[company]]\nname = "Globex"\ngreenhouse = [\n  "globex",\n  "acme",\n]\n',
        (
            "{p}:8: company[1].greenhouse[1]: the same greenhouse board as company[0] "
            "('Acme'): it is polled twice, and each of its alerts comes twice",
        ),
    ),
    "no-company": Doubtful(
        '[settings]\ninterval = "1h"\n',
        ("{p}: company: no [[company]]: nothing will be polled",),
    ),
    "every-company-disabled": Doubtful(
        "# paused\n" + COMPANY + "enabled = false\n",
        ("{p}:2: company: every company has enabled = false: nothing will be polled",),
    ),
    "rejection-in-the-future": Doubtful(
        COMPANY + '[[company.rejection]]\nrole = "Analyst"\ndate = 2999-01-05\n',
        (f"{{p}}:6: company[0].rejection[0].date: 2999-01-05 is in the future (today is {TODAY})",),
    ),
    "jitter-longer-than-half-the-interval": Doubtful(
        COMPANY + 'interval = "10m"\njitter = "20m"\n',
        (
            "{p}:5: company[0].jitter: 20m is more than half the interval (10m): it is cut to "
            "half the interval, 5m",
        ),
    ),
    "interval-shorter-than-the-global-jitter": Doubtful(
        '[settings]\njitter = "10m"\n' + COMPANY + 'interval = "5m"\n',
        (
            "{p}:6: company[0].interval: 5m is less than twice the jitter of [settings] (10m): "
            "it is cut to half the interval, 2m30s",
        ),
    ),
    "name-with-spaces-around-it": Doubtful(
        '[[company]]\nname = " Acme "\ngreenhouse = "acme"\n',
        (
            "{p}:2: company[0].name: ' Acme ' has spaces around it, which are kept: the "
            "database knows the company by its name as written",
        ),
    ),
    "min-pay-on-boards-without-pay": Doubtful(
        '[filter]\nmin_pay = { amount = 90000, currency = "USD" }\n\n'
        '[[company]]\nname = "Acme"\nworkable = "acme"\n\n'
        '[[company]]\nname = "Globex"\nlever = "globex"\n',
        (
            "{p}:2: filter.min_pay: 'Acme' has only boards that publish no pay (workable): "
            "min_pay never applies",
        ),
    ),
    "pay-required-on-boards-without-pay": Doubtful(
        '[[company]]\nname = "Acme"\nworkable = "acme"\n[company.filter]\npay_required = true\n',
        (
            "{p}:5: company[0].filter.pay_required: 'Acme' has only boards that publish no "
            "pay (workable): every posting but the role you were turned down for is hidden",
        ),
    ),
    "retry-min-longer-than-retry-max": Doubtful(
        '[notify]\nretry_min = "1h"\nretry_max = "10m"\n' + COMPANY,
        ("{p}:2: notify.retry_min: 1h is longer than retry_max (10m): every retry waits 10m",),
    ),
}


@pytest.mark.parametrize("case", WARNED.values(), ids=WARNED.keys())
def test_a_doubtful_watchlist_loads_with_its_warning(
    case: Doubtful, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, case.content)

    code, out, err = check(path, capsys)

    assert code == 0
    assert "OK" in out
    assert "Traceback" not in out + err
    # Printing them is the command line's: whatever it prints is a warning line.
    assert all(line.startswith("secondchance: warning: ") for line in err.splitlines())
    assert load(path).warnings == tuple(line.format(p=path) for line in case.warnings)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xef\xbb\xbf" + COMPANY.encode(), id="byte-order-mark"),
        pytest.param(
            (COMPANY + 'interval = "30m"\njitter = "10m"\n').encode(), id="jitter-within-bounds"
        ),
        pytest.param(
            (
                COMPANY + '[[company]]\nname = "Old Acme"\ngreenhouse = "acme"\nenabled = false\n'
            ).encode(),
            id="same-board-under-a-disabled-company",
        ),
        pytest.param(
            (
                '[settings]\ndatabase = "jobs.db"\nuser_agent = "me (+mailto:me@example.com)"\n'
                + COMPANY
            ).encode(),
            id="database-a-plain-path",
        ),
    ],
)
def test_a_sound_watchlist_has_no_warning(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, content)

    assert check(path, capsys)[0] == 0
    assert load(path).warnings == ()


# --- As a real process ------------------------------------------------------------------------

PROCESS = [
    "arrays-3000-deep",
    "integer-of-5000-digits",
    "interval-99999999999d",
    "database-notadb",
    "latin-1-byte-on-line-4",
]


@pytest.mark.parametrize("name", PROCESS)
def test_no_traceback_from_the_process(name: str, tmp_path: Path) -> None:
    case = BROKEN[name]
    path = write(tmp_path, case.content)
    env: dict[str, Any] = {**os.environ, **case.env}

    done = subprocess.run(
        [sys.executable, "-m", "secondchance", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"secondchance: {line.format(p=path)}" for line in case.lines
    ]
    assert "Traceback" not in done.stdout + done.stderr
