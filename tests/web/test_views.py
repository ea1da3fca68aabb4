"""The pages' pure view models: links, text, countdowns, health, delivery states."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, time, timedelta

import pytest

from secondchance.config.timing import DeliveryPolicy
from secondchance.core.board import BoardState
from secondchance.core.models import Alert
from secondchance.core.watchlist import Rejection
from secondchance.storage.dashboard import DeliveryRow
from secondchance.web import views

NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://acme.test/jobs/1", "https://acme.test/jobs/1"),
        ("http://acme.test/", "http://acme.test/"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("vbscript:msgbox", None),
        ("//acme.test/jobs", None),
        ("/jobs/1", None),
        ("https://", None),
        # Encoded, as in alerts: nothing in a link can break out of its attribute.
        ("https://acme.test/a b", "https://acme.test/a%20b"),
        ('https://acme.test/"><x', "https://acme.test/%22%3E%3Cx"),
        ("https://acme.test/\u0085x", "https://acme.test/%C2%85x"),
        ("https://acme.test/" + "a" * 2000, None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(url: str | None, link: str | None) -> None:
    assert views.href(url) == link


def test_text_drops_bidi_controls_and_caps_long_titles() -> None:
    assert views.text("Engineer \u202egpj.exe") == "Engineer gpj.exe"
    shown = views.text("A" * 100_000)
    assert len(shown) == views.CAP and shown.endswith("…")
    assert views.text(None) == ""


def test_cooldown_counts_down_then_says_since_when() -> None:
    rejection = Rejection("PM", dt.date(2026, 3, 1), reapply_after="60d")
    assert views.cooldown(rejection, dt.date(2026, 4, 25)) == (
        "cool-down ends in 5 days (2026-04-30)"
    )
    assert views.cooldown(rejection, dt.date(2026, 5, 2)) == (
        "cool-down over since 2026-04-30: you can reapply"
    )
    assert views.cooldown(Rejection("PM", dt.date(2026, 3, 1)), dt.date(2026, 5, 2)) is None


def test_a_failing_board_says_since_when_and_why() -> None:
    state = BoardState(
        1,
        "Acme",
        "greenhouse",
        "acme",
        last_poll_at=NOW - timedelta(minutes=5),
        last_success_at=datetime(2026, 4, 9, 8, 30, tzinfo=UTC),
        last_error="server error (HTTP 503)",
        consecutive_failures=3,
    )
    shown = views.health(state, NOW, UTC)
    assert shown.failing == (
        "failing since 2026-04-09 08:30 (3 polls in a row): server error (HTTP 503)"
    )
    assert shown.last_poll == "5m ago"
    assert views.health(BoardState(2, "Acme", "lever", "acme"), NOW, UTC).failing is None


def _alert(kind: str = "new", created: datetime = NOW) -> Alert:
    return Alert(
        1, "Acme", kind, "greenhouse", "acme", "1", "PM", None, None, None, None, {}, created
    )


def test_a_delivery_says_why_it_waits() -> None:
    instant = DeliveryPolicy()
    digest = DeliveryPolicy(mode="digest", digest_at=(time(18, 0),))
    quiet = DeliveryPolicy(quiet=(time(11, 0), time(14, 0)))
    later = NOW + timedelta(minutes=10)

    def state(
        status: str,
        attempts: int,
        next_attempt_at: datetime | None,
        last_error: str | None,
        sent_at: datetime | None,
        alert: Alert,
        policy: DeliveryPolicy,
        now: datetime,
    ) -> tuple[str, str]:
        row = DeliveryRow(1, "url:x", status, attempts, next_attempt_at, last_error, sent_at, alert)
        return views.delivery_state(row, policy, now)

    assert state("sent", 1, None, None, NOW, _alert(), instant, NOW) == (
        "sent",
        "sent 2026-04-10 12:00",
    )
    assert state("pending", 0, None, None, None, _alert(), digest, NOW) == (
        "pending",
        "waits for the digest at 2026-04-10 18:00",
    )
    assert state("pending", 0, None, None, None, _alert(), quiet, NOW) == (
        "pending",
        "quiet hours until 2026-04-10 14:00",
    )
    assert state("pending", 0, None, None, None, _alert(), instant, NOW)[1] == (
        "due: sent on the daemon's next round"
    )
    assert state("pending", 2, later, "HTTP 500", None, _alert(), instant, NOW) == (
        "failed",
        "failed 2 times: HTTP 500; tried again after 2026-04-10 12:10",
    )


def test_the_query_string_keeps_the_filters_and_changes_the_page() -> None:
    params = {"q": "a&b", "tag": "", "page": "2"}
    assert views.query_string(params, page=3) == "?q=a%26b&page=3"
    assert views.query_string(params, page=None) == "?q=a%26b"


def test_secrets_are_masked() -> None:
    assert views.masked("json://host/abc123token", {"abc123token", ""}) == "json://host/••••••"
