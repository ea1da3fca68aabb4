"""End to end over every source kind: the real CLI polls boards of each kind
served from 127.0.0.1 (through [settings.endpoints], including the URL
templates of hosts that carry the company), twice, and reports exactly the
postings added in between."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, BoardServer

pytestmark = pytest.mark.e2e


def fixture(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


def jsonld_page(*ids: str) -> str:
    blocks = "".join(
        '<script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "JobPosting",
                "title": f"Page Role {i}",
                "identifier": {"@type": "PropertyValue", "value": i},
                "url": f"/jobs/{i}",
                "jobLocation": {"@type": "Place", "address": {"addressLocality": "Oslo"}},
            }
        )
        + "</script>"
        for i in ids
    )
    return f"<html><head>{blocks}</head><body>Jobs</body></html>"


def serve(boards: BoardServer, extra: bool) -> None:
    ashby = fixture("ashby/ramp-posting-api-4-workplaceType.json")
    workday = fixture("workday/gdit-cxs-jobs-search-page.json")
    workday["total"] = len(workday["jobPostings"])
    recruitee = fixture("recruitee/aikidosecurity-api-offers.json")
    if extra:
        ashby["jobs"].append(dict(ashby["jobs"][0], id="ashby-new", title="Ashby New Role"))
        workday["jobPostings"].append(
            dict(workday["jobPostings"][0], externalPath="/job/X/New_R1", title="Workday New")
        )
        workday["total"] += 1
        recruitee["offers"].append(dict(recruitee["offers"][0], id=999, title="Recruitee New"))
    boards.set("/posting-api/job-board/acme", ashby)
    boards.set("/wd/acme/wday/cxs/acme/External/jobs", workday)
    boards.set("/rc/acme/api/offers/", recruitee)
    ids = ("1", "2", "3") if extra else ("1", "2")
    boards.set("/careers", jsonld_page(*ids), content_type="text/html")


def test_every_kind_through_the_cli(tmp_path: Path, boards: BoardServer) -> None:
    config = tmp_path / "w.toml"
    config.write_text(
        f"""
[settings.endpoints]
ashby = "{boards.url}"
workday = "{boards.url}/wd/{{tenant}}"
recruitee = "{boards.url}/rc/{{company}}/"

[[company]]
name = "Acme"
ashby = "acme"
workday = {{ tenant = "acme", wd = 5, site = "External" }}
recruitee = "acme"
jsonld = "{boards.url}/careers"
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
    serve(boards, extra=False)
    first = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (first.returncode, first.stdout) == (0, ""), first.stderr
    serve(boards, extra=True)
    second = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    alerts = [json.loads(line) for line in second.stdout.splitlines()]
    assert sorted((a["kind"], a["source"]["kind"], a["title"]) for a in alerts) == [
        ("new", "ashby", "Ashby New Role"),
        ("new", "jsonld", "Page Role 3"),
        ("new", "recruitee", "Recruitee New"),
        ("new", "workday", "Workday New"),
    ]
    page = next(a for a in alerts if a["source"]["kind"] == "jsonld")
    assert page["url"] == f"{boards.url}/jobs/3"
    assert page["location"] == "Oslo"
    # Workday is asked with a POST carrying the paging body.
    posts = [r for r in boards.requests if r[0] == "POST"]
    assert posts and all(r[1] == "/wd/acme/wday/cxs/acme/External/jobs" for r in posts)
