"""Golden renderings: every kind of alert, instant and as a digest, in each style, as
a reader gets it. A change of wording shows up here as a diff to review; regenerate
the files with ``SECONDCHANCE_REGENERATE_GOLDEN=1 pytest tests/delivery/test_golden.py``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from secondchance.core.models import Alert
from secondchance.delivery.markup import STYLES, Style
from secondchance.delivery.render import render

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("SECONDCHANCE_REGENERATE_GOLDEN") == "1"
AT = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
CONTEXT = "Turned down 2026-03-01 for Paid Search Marketing — final round"


def _alert(number: int, kind: str, **fields: Any) -> Alert:
    values: dict[str, Any] = {
        "id": number,
        "company": "Acme & Co",
        "kind": kind,
        "source_kind": "greenhouse",
        "source_board": "acme",
        "posting_id": str(number),
        "title": f"Engineer <{number}> [team](x)",
        "location": "Berlin · Remote (EU)",
        "url": f"https://boards.example.com/acme/jobs/{number}?a=1&b=2",
        "previous_title": None,
        "detail": None,
        "extra": {},
        "created_at": AT,
    }
    values.update(fields)
    return Alert(**values)


def every_kind() -> list[Alert]:
    rejection = {
        "rejected_role": "Paid Search Marketing",
        "rejected_on": "2026-03-01",
        "stage": "final round",
        "context": CONTEXT,
    }
    return [
        _alert(
            1,
            "role_back",
            title="Senior Paid Search Marketing Manager",
            previous_title="Paid Search Marketing (R-2291)",
            extra={
                **rejection,
                "contact": "Dana Lee (recruiter)",
                "notes": "Liked my *campaign* case study",
                "pay": "USD 90,000–120,000 a year",
            },
        ),
        _alert(2, "new", extra={"context": CONTEXT, "pay": "EUR 70,000–85,000 a year"}),
        _alert(3, "reopened", extra={"context": CONTEXT}),
        _alert(4, "reposted", previous_title="Engineer II"),
        _alert(5, "changed", previous_title="Engineer (old title)"),
        _alert(6, "closed", extra={"first_seen": "2026-01-05"}),
        _alert(
            7,
            "cooldown_over",
            source_kind="company",
            source_board="",
            posting_id=None,
            title="Paid Search Marketing",
            location=None,
            url=None,
            detail="you may apply again since 2026-03-15",
            extra={
                **rejection,
                "open_postings": "2",
                "listing": "Data Analyst — Berlin  https://acme.test/jobs/1\n"
                "Growth <Marketer> — Remote  javascript:alert(1)",
            },
        ),
        _alert(
            8,
            "source_failing",
            posting_id=None,
            title=None,
            location=None,
            url=None,
            detail="3 polls in a row failed: HTTP 503",
            extra={"since": "2026-03-18"},
        ),
        _alert(
            9,
            "source_recovered",
            posting_id=None,
            title=None,
            location=None,
            url=None,
            detail="the board answers normally again",
        ),
        _alert(
            10,
            "config_rejected",
            company="secondchance",
            source_kind="company",
            source_board="",
            posting_id=None,
            title="watchlist edit rejected",
            location=None,
            url=None,
            detail="watchlist.toml:3: company[0].name: required",
        ),
    ]


def rendering(style: Style) -> str:
    alerts = every_kind()
    out = []
    for digest in (False, True):
        out.append(f"######## {'digest' if digest else 'instant'}")
        for message in render(alerts, 3500, digest=digest, style=style):
            out.append(f"=== [{message.notify_type}] {message.title}")
            out.append(message.body)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("style", STYLES)
def test_golden_rendering(style: Style) -> None:
    path = GOLDEN / f"{style}.txt"
    text = rendering(style)
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text
