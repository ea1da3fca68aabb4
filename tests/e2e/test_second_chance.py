"""End to end: the role the user was turned down for is re-posted under a new
id and arrives as ``role_back``, with the rejection's contact, through a real
Apprise json:// receiver — even though the company's filter would hide it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer, Receiver

pytestmark = pytest.mark.e2e

GH = "/v1/boards/acme/jobs"


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


def test_rejected_role_reposted_arrives_as_role_back(
    tmp_path: Path, boards: BoardServer, receiver: Receiver
) -> None:
    config = tmp_path / "w.toml"
    config.write_text(
        f"""
[settings.endpoints]
greenhouse = "{boards.url}"

[notify]
urls = ["{receiver.url}"]

[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Paid Search Marketing"
date = 2026-03-01
stage = "final round"
reapply_after = "2 years"
contact = "Dana Lee (recruiter)"
notes = "Liked my campaign case study"

[company.filter]
include = ["engineer"]
""",
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "secondchance",
        "once",
        "--json",
        "--config",
        str(config),
        "--data-dir",
        str(tmp_path / "data"),
    ]

    def once() -> list[dict[str, Any]]:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()]

    boards.set(GH, board((1, "Data Engineer"), (2, "Paid Search Marketing (R-2291)")))
    assert once() == []
    # Taken down and re-posted as a new id with a seniority bump; plus two roles
    # of which only the one passing the filter is alerted.
    boards.set(
        GH,
        board(
            (1, "Data Engineer"),
            (7, "Senior Paid Search Marketing Manager"),
            (8, "Platform Engineer"),
            (9, "Office Manager"),
        ),
    )
    alerts = once()
    assert sorted((a["kind"], a["posting_id"]) for a in alerts) == [
        ("new", "8"),
        ("role_back", "7"),
    ]
    back = next(a for a in alerts if a["kind"] == "role_back")
    assert back["contact"] == "Dana Lee (recruiter)"
    assert back["rejected_on"] == "2026-03-01"
    assert back["stage"] == "final round"
    # A role back is a message of its own, weighted as a success on the phone.
    back_message, new_message = sorted(receiver.wait_for(2), key=lambda m: m["type"] != "success")
    assert back_message["title"] == "⭐ Acme: the role you interviewed for is back"
    assert back_message["type"] == "success"
    body = back_message["message"]
    assert body.startswith("Turned down 2026-03-01 for Paid Search Marketing — final round\n")
    assert (
        "The role you interviewed for is open again: Senior Paid Search Marketing Manager" in body
    )
    # The next step: whom to write to, and a note to copy.
    assert "Next: write to Dana Lee (recruiter):" in body
    assert "Hi Dana Lee, I saw that the Senior Paid Search Marketing Manager role at Acme" in body
    assert "Notes: Liked my campaign case study" in body
    assert "Platform Engineer" not in body
    assert new_message["title"] == "Acme: a new role"
    assert new_message["type"] == "info"
    # The context line once, in the header; not under the item.
    assert new_message["message"].count("Turned down 2026-03-01") == 1
    assert "New: Platform Engineer" in new_message["message"]
    assert "Office Manager" not in new_message["message"]
