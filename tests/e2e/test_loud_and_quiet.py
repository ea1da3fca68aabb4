"""End to end: routing by kind through two real Apprise json:// receivers. Role backs
go to a loud channel, everything else to a quiet one, and ``closed`` and ``changed``
are muted: recorded (``once --json``, ``history``), never sent anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer, Receiver
from secondchance.core.models import ALERT_KINDS

pytestmark = pytest.mark.e2e

GH = "/v1/boards/acme/jobs"
MUTED = ("closed", "changed")


def board(*jobs: tuple[int, str]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": jid,
                "title": title,
                "absolute_url": f"https://acme.test/jobs/{jid}",
                "location": {"name": "New York"},
            }
            for jid, title in jobs
        ]
    }


@pytest.fixture
def loud() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.stop()


def quoted(kinds: Any) -> str:
    return ", ".join(f'"{kind}"' for kind in kinds)


def test_role_backs_go_to_the_loud_channel_the_rest_to_the_quiet_one_muted_to_none(
    tmp_path: Path, boards: BoardServer, receiver: Receiver, loud: Receiver
) -> None:
    quiet = receiver
    sent = [kind for kind in ALERT_KINDS if kind not in MUTED]
    config = tmp_path / "w.toml"
    config.write_text(
        f"""
[settings]
close_after = 1

[settings.endpoints]
greenhouse = "{boards.url}"

[notify]
kinds = [{quoted(sent)}]
urls = [
  {{ url = "{loud.url}", kinds = ["role_back"] }},
  {{ url = "{quiet.url}", kinds = [{quoted(k for k in sent if k != "role_back")}] }},
]

[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Paid Search Marketing"
date = 2026-03-01
contact = "Dana Lee (recruiter)"
""",
        encoding="utf-8",
    )

    def run(*args: str) -> list[dict[str, Any]]:
        command = [sys.executable, "-m", "secondchance", *args, "--json"]
        command += ["--config", str(config), "--data-dir", str(tmp_path / "data")]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "warning" not in done.stderr  # every kind sent has a channel
        return [json.loads(line) for line in done.stdout.splitlines()]

    boards.set(
        GH,
        board(
            (1, "Data Engineer"),
            (2, "Paid Search Marketing (R-2291)"),
            (3, "Office Manager"),
            (4, "Account Executive"),
        ),
    )
    assert run("once") == []
    boards.set(
        GH,
        board(
            (1, "Data Engineer (Platform)"),
            (4, "Account Executive"),
            (7, "Senior Paid Search Marketing Manager"),
            (8, "Platform Engineer"),
        ),
    )

    alerts = run("once")

    # Every alert is queued and listed, the muted ones too.
    assert sorted((a["kind"], a["posting_id"]) for a in alerts) == [
        ("changed", "1"),
        ("closed", "3"),
        ("new", "8"),
        ("role_back", "7"),
    ]
    (back,) = loud.wait_for(1)
    (rest,) = quiet.wait_for(1)
    assert "Senior Paid Search Marketing Manager" in back["message"]
    assert "Dana Lee (recruiter)" in back["message"]
    assert "Platform Engineer" not in back["message"]
    assert "Platform Engineer" in rest["message"]
    assert "Senior Paid Search Marketing Manager" not in rest["message"]
    # The muted reached neither: no "Data Engineer (Platform)" change, no closing.
    for message in (back, rest):
        assert "Data Engineer" not in message["title"] + message["message"]
        assert "Office Manager" not in message["title"] + message["message"]
    # Weighted by kind: a role back is a success on the lock screen, a new role info.
    assert back["type"] == "success"
    assert back["title"].startswith("⭐ Acme")
    assert rest["type"] == "info"
    # Nothing more arrives later: the muted alerts have no delivery to retry.
    assert run("once") == []
    assert len(loud.messages) == len(quiet.messages) == 1

    history = {(e["event"], e["text"]) for e in run("history", "Acme")}

    assert ("alert closed", "Office Manager [muted]") in history
    assert ("alert changed", "Data Engineer (Platform) [muted]") in history
    assert ("alert role_back", "Senior Paid Search Marketing Manager [sent]") in history
    assert ("alert new", "Platform Engineer [sent]") in history
