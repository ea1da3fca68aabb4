"""Pay through the commands: a real Ashby capture served on 127.0.0.1, read by `once`,
shown by `peek`, `jobs` and `history`, judged by min_pay, and never an alert by itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer
from secondchance.cli import main

ASHBY = "/posting-api/job-board/ramp"
CAPTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ashby"
RAMP = json.loads((CAPTURE / "ramp-posting-api-4-workplaceType.json").read_bytes())
CONSULTANT = "03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc"  # USD 151,000–231,000 a year
DIRECTOR = "0907ae2a-5334-4d64-9a76-cc9428224546"  # USD 191,000–291,000 a year
EXECUTIVE = "1515fe6d-1d8e-475b-a5ee-cefe43e78cb7"  # no pay published


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def watchlist(tmp_path: Path, boards: BoardServer, pay: str) -> list[str]:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f'[settings.endpoints]\nashby = "{boards.url}"\n\n[notify]\ntimezone = "UTC"\n\n'
        f'[filter]\n{pay}\n\n[[company]]\nname = "Ramp"\nashby = "ramp"\n',
        encoding="utf-8",
    )
    return ["--config", str(path), "--data-dir", str(tmp_path / "data")]


def with_salary(job_id: str, low: int, high: int) -> dict[str, Any]:
    body = json.loads(json.dumps(RAMP))
    for job in body["jobs"]:
        if job["id"] == job_id:
            for component in job["compensation"]["summaryComponents"]:
                if component["compensationType"] == "Salary":
                    component.update(minValue=low, maxValue=high)
    return body


def test_pay_in_peek_jobs_history_and_alerts(
    tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = watchlist(
        tmp_path, boards, 'min_pay = { amount = 200000, currency = "USD", period = "year" }'
    )
    boards.set(ASHBY, RAMP)

    code, out, err = run(capsys, "peek", "--company", "Ramp", "--why", "--json", *args)
    assert code == 0, err
    peeked = {p["posting_id"]: p for p in lines(out)}
    assert peeked[CONSULTANT]["pay"] == {
        "min": 151000,
        "max": 231000,
        "currency": "USD",
        "period": "year",
    }
    assert peeked[EXECUTIVE]["pay"] is None
    assert peeked[EXECUTIVE]["why"]["reason"].endswith("; no pay published, so let through")
    assert peeked[CONSULTANT]["why"]["shown"]
    assert "reaches min_pay USD 200,000 a year" in peeked[CONSULTANT]["why"]["reason"]

    # A baseline, then a poll where a salary moved: stored, shown, not alerted.
    assert run(capsys, "once", "--json", *args)[0] == 0
    boards.set(ASHBY, with_salary(CONSULTANT, 150000, 190000))
    code, out, err = run(capsys, "once", "--json", *args)
    assert (code, lines(out)) == (0, []), err

    code, out, _ = run(capsys, "jobs", "--why", "--json", *args)
    jobs = {j["posting_id"]: j for j in lines(out)}
    assert jobs[CONSULTANT]["pay"]["max"] == 190000
    assert not jobs[CONSULTANT]["why"]["shown"]
    assert jobs[CONSULTANT]["why"]["rule"] == "pay"
    assert jobs[CONSULTANT]["why"]["reason"] == (
        "pay USD 150,000–190,000 a year is under min_pay USD 200,000 a year"
    )
    code, out, _ = run(capsys, "jobs", *args)
    header, *rows = [line.split("\t") for line in out.splitlines()]
    assert header == ["company", "title", "location", "pay", "status", "since", "url"]
    pays = {row[1]: row[3] for row in rows}
    # The filter hides the consultant now; the director and the unpaid role remain.
    assert pays == {
        "Director, Performance Marketing": "USD 191,000–291,000 a year",
        "Account Executive": "",
        "Engagement Manager": "",
    }

    code, out, _ = run(capsys, "history", "Ramp", *args)
    seen = [row for row in out.splitlines() if "\tseen\t" in row]
    assert any(row.endswith("(ashby:ramp) · USD 191,000–291,000 a year") for row in seen)

    code, out, _ = run(capsys, "history", "Ramp", "--json", *args)
    seen = {e["text"].split(" (")[0]: e["pay"] for e in lines(out) if e["event"] == "seen"}
    assert seen["Account Executive"] is None
    assert seen["Director, Performance Marketing"] == {
        "min": 191000,
        "max": 291000,
        "currency": "USD",
        "period": "year",
    }

    # A new posting with pay: its alert carries the pay as one line.
    body = with_salary(DIRECTOR, 191000, 291000)
    fresh = json.loads(json.dumps(next(j for j in body["jobs"] if j["id"] == DIRECTOR)))
    fresh.update(id="new-1", title="Head of Growth")
    body["jobs"].append(fresh)
    boards.set(ASHBY, body)
    code, out, _ = run(capsys, "once", "--json", *args)
    (alert,) = lines(out)
    assert (alert["kind"], alert["title"]) == ("new", "Head of Growth")
    assert alert["pay"] == "USD 191,000–291,000 a year"


def test_pay_required_hides_postings_without_pay(
    tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = watchlist(tmp_path, boards, "pay_required = true")
    boards.set(ASHBY, RAMP)
    code, out, _ = run(capsys, "peek", "--company", "Ramp", *args)
    assert code == 0
    assert out.splitlines()[0].split("\t") == ["id", "title", "location", "remote", "pay", "url"]
    code, out, _ = run(capsys, "peek", "--company", "Ramp", "--why", "--json", *args)
    told = {p["title"]: p["why"]["shown"] for p in lines(out)}
    assert told == {
        "Technical Consultant, Mid-Market": True,
        "Account Executive": False,
        "Director, Performance Marketing": True,
        "Engagement Manager": False,
    }
    assert re.search("pay_required", out)
