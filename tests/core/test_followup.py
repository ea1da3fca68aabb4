"""The follow-up note of a role back: its placeholders, the name it greets, the
default when no template is written."""

from __future__ import annotations

import pytest

from secondchance.core.followup import DEFAULT_FOLLOWUP, fill, greeting_name, month, problems

VALUES = {
    "contact": "Dana",
    "company": "Acme",
    "role": "Senior Analyst",
    "rejected_role": "Analyst",
    "date": "March 2026",
}


def test_default_is_brief_and_uses_every_placeholder() -> None:
    assert problems(DEFAULT_FOLLOWUP) == []
    note = fill(None, VALUES)
    assert note.startswith("Hi Dana, I saw that the Senior Analyst role at Acme is open again.")
    assert "Analyst in March 2026" in note
    assert len(note) < 300


def test_a_users_template_is_filled() -> None:
    assert (
        fill("{company}: {role} ({date}) {{ok}}", VALUES)
        == "Acme: Senior Analyst (March 2026) {ok}"
    )


def test_a_broken_template_falls_back_to_the_default() -> None:
    assert fill("{nope}", VALUES) == fill(None, VALUES)


@pytest.mark.parametrize(
    ("contact", "name"),
    [
        ("Dana Lee (recruiter)", "Dana Lee"),
        ("Dana Lee <dana@acme.test>", "Dana Lee"),
        ("Dana", "Dana"),
        (None, "there"),
        ("", "there"),
        ("(recruiter)", "there"),
    ],
)
def test_greeting_name(contact: str | None, name: str) -> None:
    assert greeting_name(contact) == name


def test_month() -> None:
    assert month("2026-03-01") == "March 2026"
    assert month("sometime") == "sometime"
    assert month(None) == "the past"
