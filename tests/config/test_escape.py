"""`$${` in the watchlist is a literal `${`: how imported text (a role read from a
mail) is written so that it can never name an environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from secondchance.config import ConfigError, load
from secondchance.config.environment import escape, unescape


def _load(tmp_path: Path, role: str) -> tuple[str, frozenset[str]]:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f'[[company]]\nname = "Acme"\nlever = "acme"\n'
        f"[[company.rejection]]\nrole = '{role}'\ndate = 2024-11-20\n",
        encoding="utf-8",
    )
    config = load(path)
    return config.companies[0].rejections[0].role, config.secrets


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("$${SLACK_WEBHOOK_URL}", "${SLACK_WEBHOOK_URL}"),
        ("a $${NOT-A-REF b", "a ${NOT-A-REF b"),  # no reference: no error either
        ("$$${SLACK_WEBHOOK_URL}", "$${SLACK_WEBHOOK_URL}"),
        ("$$$${SLACK_WEBHOOK_URL}", "$$${SLACK_WEBHOOK_URL}"),
        ("cost $$5", "cost $$5"),  # "$$" alone is no escape
    ],
)
def test_an_escaped_reference_is_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, read: str
) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.test/SECRET")
    role, secrets = _load(tmp_path, written)
    assert role == read
    assert not any("SECRET" in s for s in secrets)
    assert read not in secrets  # text, not a secret to mask


def test_an_escape_beside_a_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAM", "data")
    role, secrets = _load(tmp_path, "$${TEAM} is ${TEAM}")
    assert role == "${TEAM} is data"
    assert "data" in secrets


def test_an_unescaped_stray_dollar_brace_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="starts no"):
        _load(tmp_path, "${NOT-A-REF")


@pytest.mark.parametrize(
    "text", ["${X}", "$${X}", "$", "$$", "${", "a$${b${c}$", "${X:-y}", "plain", ""]
)
def test_escape_round_trips(tmp_path: Path, text: str) -> None:
    assert unescape(escape(text)) == text
    role, _ = _load(tmp_path, escape("r" + text))
    assert role == "r" + text
