"""The pages' pure view models: links, text, countdowns, health, delivery states."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, time, timedelta

import pytest

from secondchance.config.model import name_key
from secondchance.config.timing import DeliveryPolicy
from secondchance.core.board import BoardState
from secondchance.core.models import Alert, Posting, Remote, SourceRef
from secondchance.core.pay import Pay
from secondchance.core.watchlist import Rejection
from secondchance.storage.dashboard import DeliveryRow
from secondchance.storage.queries import StoredPosting
from secondchance.web import narrowing, views

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


def _reference_narrowed(found: list[StoredPosting], q: dict[str, str]) -> list[StoredPosting]:
    """The jobs page's narrowing and sorting written plainly, one test per posting:
    what views.narrowed, written for 100,000 postings, must agree with."""
    search, location = q.get("q", "").strip(), q.get("location", "").strip().casefold()
    remote, only = q.get("remote", ""), q.get("company", "").strip()
    out = [
        item
        for item in found
        if (not only or name_key(only) == name_key(item.company))
        and (
            not search
            or views.matches(
                search, item.posting.title, item.company, item.posting.department or ""
            )
        )
        and (not location or any(location in loc.casefold() for loc in item.posting.locations))
        and (not remote or item.posting.remote.value == remote)
    ]
    sort = q.get("sort", "date")
    if sort == "company":
        out.sort(key=lambda i: (i.company.casefold(), i.posting.title.casefold()))
    elif sort == "pay":
        out.sort(key=lambda i: views.pay_sort_key(i.posting.pay), reverse=True)
    else:
        out.sort(key=lambda i: i.first_seen, reverse=True)
    return out


def test_narrowing_the_jobs_finds_and_orders_as_one_test_per_posting() -> None:
    at = datetime(2026, 11, 2, tzinfo=UTC)
    titles = ["Straße Engineer", "data ENGINEER", "Engineer", "Analyst", "engineer", "Cook"]
    companies = ["Acme", "acme", "Globex", "ACME", "Initech"]
    places = [("Berlin", "Remote"), ("Paris",), (), ("Berlin\nMitte",), ("New York",)]
    found = []
    for n in range(60):
        company = companies[n % len(companies)]
        posting = Posting(
            id=str(n),
            title=titles[n % len(titles)],
            locations=places[n % len(places)],
            remote=list(Remote)[n % len(Remote)],
            department="Engineering" if n % 4 == 0 else None,
            pay=Pay("EUR", 100 * (n % 7), 100 * (n % 7), "year") if n % 3 else None,
        )
        ref = SourceRef(company, "greenhouse", company.lower())
        found.append(
            StoredPosting(company, ref, posting, "open", at + timedelta(hours=n % 9), at, None)
        )
    queries = [
        {},
        {"q": "engineer"},
        {"q": "STRASSE"},
        {"q": "eng acme"},
        {"q": "r e", "sort": "company"},
        {"company": "ACME", "sort": "pay"},
        {"location": "berlin", "remote": "remote"},
        {"location": "lin mit"},
        {"location": "n\nm"},
        {"q": "engineer", "location": "paris", "sort": "company"},
        {"q": "  ", "sort": "pay"},
    ]
    for q in queries:
        expected = _reference_narrowed(found, q)
        assert narrowing.narrowed(found, q) == expected, q
        texts = [narrowing.search_text(item) for item in found]
        assert narrowing.narrowed(found, q, texts) == expected, q
