"""The looking-back commands, in-process: ``history``, ``jobs``, ``cooldowns`` and
``notify-test``, against boards served on 127.0.0.1 and a real json:// receiver."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer, Receiver
from secondchance.cli import main

GH = "/v1/boards/acme/jobs"


def board(*jobs: tuple[int, str]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": job_id,
                "title": title,
                "absolute_url": f"https://acme.test/jobs/{job_id}",
                "location": {"name": "Berlin"},
            }
            for job_id, title in jobs
        ]
    }


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Watchlist:
    """A watchlist file and data directory; ``args`` goes after every command."""

    def __init__(self, tmp_path: Path, text: str) -> None:
        self.path = tmp_path / "watchlist.toml"
        self.path.write_text(text, encoding="utf-8")
        self.args = ["--config", str(self.path), "--data-dir", str(tmp_path / "data")]


ACME = """
[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Paid Search Marketing Manager"
date = 2026-03-01
stage = "final round"
reapply_after = "30d"
contact = "Dana Lee (recruiter)"

[company.filter]
include = ["engineer"]
"""


@pytest.fixture
def polled(tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]) -> Watchlist:
    """Three polls of Acme: a baseline, the rejected role coming back while
    "Data Engineer" disappears, and the poll that confirms it closed."""
    watchlist = Watchlist(
        tmp_path,
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n\n[notify]\ntimezone = "UTC"\n' + ACME,
    )
    polls = [
        board((1, "Backend Engineer"), (2, "Sales Manager"), (4, "Data Engineer")),
        board((1, "Backend Engineer"), (2, "Sales Manager"), (3, "Paid Search Marketing Manager")),
        board((1, "Backend Engineer"), (2, "Sales Manager"), (3, "Paid Search Marketing Manager")),
    ]
    for jobs in polls:
        boards.set(GH, jobs)
        code, _, err = run(capsys, "once", "--json", *watchlist.args)
        assert code == 0, err
    return watchlist


# --- history ------------------------------------------------------------------------------


def test_history_json_tells_the_whole_story(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "history", "Acme", "--json", *polled.args)

    assert code == 0
    events = [(e["event"], e["text"]) for e in json_lines(out)]
    assert events[:2] == [
        (
            "rejected",
            "Turned down 2026-03-01 for Paid Search Marketing Manager — final round"
            " · contact Dana Lee (recruiter)",
        ),
        ("cool-down ends", "Paid Search Marketing Manager"),
    ]
    assert set(events[2:]) == {
        ("seen", "Backend Engineer (greenhouse:acme)"),
        ("seen", "Sales Manager (greenhouse:acme)"),
        ("seen", "Data Engineer (greenhouse:acme)"),
        ("seen", "Paid Search Marketing Manager (greenhouse:acme)"),
        ("closed", "Data Engineer (greenhouse:acme)"),
        ("alert cooldown_over", "Paid Search Marketing Manager [sent]"),
        ("alert role_back", "Paid Search Marketing Manager [sent]"),
        ("alert closed", "Data Engineer [sent]"),
    }
    whens = [e["when"] for e in json_lines(out)]
    assert [w[:10] for w in whens[:2]] == ["2026-03-01", "2026-03-31"]
    assert whens == sorted(whens)


def test_history_table(
    polled: Watchlist, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("secondchance.cli.output.to_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")  # one table row per line

    code, out, _ = run(capsys, "history", "acme", *polled.args)

    assert code == 0
    assert "Acme: history" in out
    rows = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
    assert any(row.startswith("2026-03-01 rejected Turned down 2026-03-01") for row in rows)
    assert any(row.endswith("closed Data Engineer (greenhouse:acme)") for row in rows)
    assert any(row.endswith("alert role_back Paid Search Marketing Manager [sent]") for row in rows)


def test_history_of_an_unknown_company(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", "Initech", *polled.args)

    assert code == 2
    assert out == ""
    assert "no company named 'Initech' (known: Acme)" in err


def test_history_before_any_poll_says_there_is_no_database_and_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    watchlist = Watchlist(tmp_path, ACME)

    code, out, err = run(capsys, "history", "Acme", "--json", *watchlist.args)

    assert (code, out) == (1, "")
    assert err.startswith(f"secondchance: no database at {tmp_path / 'data'}")
    assert not (tmp_path / "data").exists()


def test_history_piped_is_one_tab_separated_line_per_event(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "history", "acme", *polled.args)

    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["when", "event", "what"]
    assert all(len(line) == 3 for line in lines)
    assert ["alert role_back", "Paid Search Marketing Manager [sent]"] in [x[1:] for x in lines]


# --- jobs ---------------------------------------------------------------------------------


def test_jobs_open_lists_only_open_postings_that_pass_the_filter(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "jobs", "--open", "--json", *polled.args)

    assert code == 0
    (job,) = json_lines(out)
    assert job["company"] == "Acme"
    assert job["source"] == {"kind": "greenhouse", "board": "acme"}
    assert (job["posting_id"], job["title"], job["status"]) == ("1", "Backend Engineer", "open")
    assert job["locations"] == ["Berlin"]
    assert job["url"] == "https://acme.test/jobs/1"


def test_jobs_without_open_includes_closed_postings(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "jobs", "--json", "--company", "acme", *polled.args)

    assert code == 0
    assert [(j["title"], j["status"]) for j in json_lines(out)] == [
        ("Backend Engineer", "open"),
        ("Data Engineer", "closed"),
    ]


def test_jobs_table_shows_titles_verbatim(
    tmp_path: Path,
    boards: BoardServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Square brackets are common in titles and must not be read as terminal markup.
    monkeypatch.setattr("secondchance.cli.output.to_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    watchlist = Watchlist(tmp_path, f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n' + ACME)
    boards.set(GH, board((1, "Backend Engineer [Remote]"), (2, "Data Engineer [/EMEA]")))
    assert run(capsys, "once", "--json", *watchlist.args)[0] == 0

    code, out, err = run(capsys, "jobs", *watchlist.args)

    assert code == 0, err
    assert "2 postings that pass your filters" in out
    assert "Backend Engineer [Remote]" in out
    assert "Data Engineer [/EMEA]" in out


def test_jobs_why_lists_the_hidden_postings_with_their_reasons(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "jobs", "--open", "--why", "--json", *polled.args)

    assert code == 0
    why = {job["title"]: job["why"] for job in json_lines(out)}
    assert set(why) == {"Backend Engineer", "Sales Manager", "Paid Search Marketing Manager"}
    assert why["Backend Engineer"]["shown"] and why["Backend Engineer"]["matched"] == "Engineer"
    assert why["Sales Manager"] == {
        "shown": False,
        "passes_filter": False,
        "rule": "include",
        "matched": None,
        "reason": "no include term in the title",
        "role_back": None,
        "similarity": why["Sales Manager"]["similarity"],
    }
    back = why["Paid Search Marketing Manager"]
    assert back["shown"] and not back["passes_filter"]
    assert back["role_back"] == "Paid Search Marketing Manager"
    assert back["similarity"] == {"Paid Search Marketing Manager": 100.0}


def test_jobs_why_piped_adds_shown_and_why_columns(
    polled: Watchlist, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "jobs", "--open", "--why", *polled.args)

    assert code == 0
    header, *rows = [line.split("\t") for line in out.splitlines()]
    assert header[-2:] == ["shown", "why"]
    by_title = {row[1]: row for row in rows}
    shown, why = by_title["Sales Manager"][-2:]
    assert shown == "no"
    assert re.fullmatch(
        r"no include term in the title · like the rejected Paid Search Marketing Manager \d+%",
        why,
    )


# --- cooldowns ----------------------------------------------------------------------------


def test_cooldowns_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(UTC).date()
    recent = today - timedelta(days=10)
    watchlist = Watchlist(
        tmp_path,
        f"""
[notify]
timezone = "UTC"

[[company]]
name = "Globex"
greenhouse = "globex"

[[company.rejection]]
role = "Data Analyst"
date = {recent.isoformat()}
reapply_after = "30d"

[[company.rejection]]
role = "No cool-down given"
date = {recent.isoformat()}
"""
        + ACME,
    )

    code, out, _ = run(capsys, "cooldowns", "--json", *watchlist.args)

    assert code == 0
    assert json_lines(out) == [
        {
            "company": "Acme",
            "role": "Paid Search Marketing Manager",
            "rejected_on": "2026-03-01",
            "cooldown_ends": "2026-03-31",
            "days_left": max(0, (date(2026, 3, 31) - today).days),
        },
        {
            "company": "Globex",
            "role": "Data Analyst",
            "rejected_on": recent.isoformat(),
            "cooldown_ends": (recent + timedelta(days=30)).isoformat(),
            "days_left": 20,
        },
    ]


def test_cooldowns_without_any(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    watchlist = Watchlist(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')

    code, out, _ = run(capsys, "cooldowns", *watchlist.args)

    assert code == 0
    assert "No cool-downs" in out


# --- notify-test --------------------------------------------------------------------------


def notify_watchlist(tmp_path: Path, *urls: str) -> Watchlist:
    quoted = ", ".join(f'"{url}"' for url in urls)
    return Watchlist(
        tmp_path,
        f'[notify]\nurls = [{quoted}]\n\n[[company]]\nname = "Acme"\ngreenhouse = "acme"\n',
    )


def test_notify_test_sends_one_message(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    watchlist = notify_watchlist(tmp_path, receiver.url)

    code, out, _ = run(capsys, "notify-test", *watchlist.args)

    assert code == 0
    assert out.splitlines() == ["notify.urls[0] (json): ok"]
    (message,) = receiver.wait_for(1)
    assert message["title"] == "secondchance: test"
    assert "Test alert: your notifications work" in message["message"]
    assert receiver.attempts == 1


def test_notify_test_reports_a_dead_receiver(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    watchlist = notify_watchlist(tmp_path, receiver.url)
    receiver.stop()

    code, out, _ = run(capsys, "notify-test", *watchlist.args)

    assert code == 1
    # The reason Apprise's plugin gave, on the same line.
    assert out == (
        "notify.urls[0] (json): FAILED: Apprise reported FAILURE: "
        "A Connection error occurred sending JSON notification to 127.0.0.1.\n"
    )
    assert str(receiver.port) not in out  # the URL may be the secret


def test_notify_test_masks_secrets_in_apprise_s_reason(
    tmp_path: Path,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A secret host name (from the environment) that Apprise repeats in its reason.
    monkeypatch.setenv("HOOK_HOST", "127.0.0.1")
    watchlist = notify_watchlist(tmp_path, f"json://${{HOOK_HOST}}:{receiver.port}/hook")
    receiver.stop()

    code, out, _ = run(capsys, "notify-test", *watchlist.args)

    assert code == 1
    assert "127.0.0.1" not in out
    assert out.endswith("A Connection error occurred sending JSON notification to ***.\n")


def test_notify_test_by_tag(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    # The untagged URL is a closed port: only the tagged one may be tried.
    watchlist = notify_watchlist(tmp_path, f"{receiver.url}?tag=phone", "json://127.0.0.1:1/x")

    code, out, _ = run(capsys, "notify-test", "--tag", "phone", *watchlist.args)

    assert code == 0
    assert out.splitlines() == ["notify.urls[0] (json): ok"]
    assert len(receiver.wait_for(1)) == 1


def test_notify_test_with_an_unknown_tag(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    watchlist = notify_watchlist(tmp_path, f"{receiver.url}?tag=phone")

    code, out, err = run(capsys, "notify-test", "--tag", "nope", *watchlist.args)

    assert code == 2
    assert out == ""
    assert "no [notify] url carries the tag 'nope'" in err
    assert receiver.attempts == 0


def test_notify_test_without_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    watchlist = Watchlist(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')

    code, _, err = run(capsys, "notify-test", *watchlist.args)

    assert code == 2
    assert "no [notify] urls configured" in err
