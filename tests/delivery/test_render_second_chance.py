"""Rendering second chances: the role_back and cooldown_over blocks, digests
across companies, Markdown only where asked, and digests split to fit the body
limit of each real Apprise service without losing or repeating an alert."""

from __future__ import annotations

from collections import Counter
from itertools import count
from pathlib import Path
from typing import Any

import apprise
import pytest

from secondchance.config import load
from secondchance.core.models import Alert
from secondchance.daemon.app import channels
from secondchance.delivery.channels import MAX_MESSAGE
from secondchance.delivery.render import Message, block, render

_ids = count(1000)

CONTEXT = "Turned down 2026-03-01 for Paid Search Marketing Manager — final round"


def alert(kind: str = "new", company: str = "Acme", **fields: Any) -> Alert:
    number = fields.pop("id", None) or next(_ids)
    values: dict[str, Any] = {
        "id": number,
        "company": company,
        "kind": kind,
        "source_kind": "greenhouse",
        "source_board": company.lower(),
        "posting_id": str(number),
        "title": f"Engineer {number}",
        "location": "Berlin",
        "url": f"https://boards.example.com/{company.lower()}/jobs/{number}",
        "previous_title": None,
        "detail": None,
    }
    values.update(fields)
    return Alert(**values)


def role_back(company: str = "Acme", **fields: Any) -> Alert:
    values: dict[str, Any] = {
        "title": "Senior Paid Search Marketing Manager",
        "extra": {
            "rejected_role": "Paid Search Marketing Manager",
            "rejected_on": "2026-03-01",
            "stage": "final round",
            "contact": "Dana Lee (recruiter)",
            "notes": "Liked my campaign case study",
            "similarity": "100",
            "context": CONTEXT,
        },
    }
    values.update(fields)
    return alert("role_back", company, **values)


def cooldown_over(company: str = "Acme", listing: str = "", **fields: Any) -> Alert:
    extra = {"context": "Turned down 2025-10-15 for Data Analyst", "open_postings": "0"}
    if listing:
        extra |= {"open_postings": str(len(listing.splitlines())), "listing": listing}
    values: dict[str, Any] = {
        "source_kind": "company",
        "source_board": "",
        "posting_id": None,
        "title": "Data Analyst",
        "location": None,
        "url": None,
        "detail": "you may apply again since 2026-04-13",
        "extra": extra,
    }
    values.update(fields)
    return alert("cooldown_over", company, **values)


def only(messages: list[Message]) -> Message:
    assert len(messages) == 1, messages
    return messages[0]


# --- blocks -----------------------------------------------------------------------------


def test_role_back_block() -> None:
    back = role_back(previous_title="Paid Search Marketing Manager", location="New York")

    text = block(back)

    assert text.splitlines() == [
        "⭐ The role you interviewed for is open again: Senior Paid Search Marketing Manager",
        "  same role as the earlier posting “Paid Search Marketing Manager”",
        "  New York",
        f"  {back.url}",
        "  Next: write to Dana Lee (recruiter):",
        "  Hi Dana Lee, I saw that the Senior Paid Search Marketing Manager role at Acme is "
        "open again. I enjoyed interviewing for Paid Search Marketing Manager in March 2026 "
        "and I am still very keen. Would you be open to a short chat, or to passing my name "
        "to the hiring team? Thank you either way.",
        "  Notes: Liked my campaign case study",
    ]


def test_role_back_block_with_its_context_line() -> None:
    lines = block(role_back(), context=True).splitlines()

    assert lines[1] == f"  {CONTEXT}"


def test_role_back_follow_up_from_the_users_template() -> None:
    template = "Dear {contact}: {role} at {company} ({rejected_role}, {date})"

    lines = block(role_back(), followup=template).splitlines()

    assert (
        "  Dear Dana Lee: Senior Paid Search Marketing Manager at Acme "
        "(Paid Search Marketing Manager, March 2026)"
    ) in lines


def test_role_back_block_without_contact_or_notes() -> None:
    bare = role_back(extra={"rejected_role": "Paid Search Marketing Manager", "context": CONTEXT})

    lines = block(bare).splitlines()

    assert lines[0].startswith("⭐ The role you interviewed for is open again: ")
    assert "  Next: apply, with a note:" in lines
    assert any(line.startswith("  Hi there, ") for line in lines)
    assert not any("Contact:" in line or "Notes:" in line for line in lines)


def test_new_posting_leaves_the_context_to_the_header() -> None:
    new = alert("new", title="Backend Engineer", extra={"context": CONTEXT})

    message = only(render([new, alert("new", extra={"context": CONTEXT})]))

    assert block(new).splitlines()[0] == "New: Backend Engineer"
    assert CONTEXT not in block(new)
    # Once, in the header of the company's message, not under every item.
    assert message.body.startswith(f"{CONTEXT}\n\nNew: ")
    assert message.body.count(CONTEXT) == 1


def test_reopened_rejected_role_shows_the_contact() -> None:
    text = block(
        alert(
            "reopened",
            title="Paid Search Marketing Manager",
            extra={"context": CONTEXT, "contact": "Dana Lee (recruiter)"},
        )
    )

    assert text.splitlines() == [
        "Reopened: Paid Search Marketing Manager",
        "  closed earlier, open again",
        "  Berlin",
        "  https://boards.example.com/acme/jobs/" + text.rsplit("/", 1)[1].split("\n")[0],
        "  Contact: Dana Lee (recruiter)",
    ]


def test_cooldown_over_block_lists_what_is_open() -> None:
    listing = (
        "Data Analyst — Berlin  https://acme.test/jobs/1\n"
        "Analytics Engineer — Remote  https://acme.test/jobs/2"
    )
    over = cooldown_over(listing=listing)
    over = alert(
        "cooldown_over",
        **{k: getattr(over, k) for k in ("source_kind", "source_board", "posting_id", "title")},
        location=None,
        url=None,
        detail=over.detail,
        extra={**over.extra, "rejected_on": "2025-10-15"},
    )

    text = block(over)

    assert text.splitlines() == [
        "Your cool-down is over: you can reapply (Data Analyst)",
        "  Turned down 2025-10-15; you may apply again since 2026-04-13",
        "  2 open postings match your filter:",
        "  • Data Analyst — Berlin  https://acme.test/jobs/1",
        "  • Analytics Engineer — Remote  https://acme.test/jobs/2",
    ]
    assert "[open](<https://acme.test/jobs/2>)" in block(over, style="markdown")


def test_cooldown_over_block_with_nothing_open() -> None:
    lines = block(cooldown_over()).splitlines()

    assert lines[-1] == "  0 open postings match your filter"
    assert not any(line.startswith("  •") for line in lines)


def test_closed_block_says_how_long_it_was_open() -> None:
    from datetime import UTC, datetime

    closed = alert(
        "closed",
        extra={"first_seen": "2026-01-10"},
        created_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
    )

    assert block(closed).splitlines()[1] == "  first seen 2026-01-10, open 50 days"


def test_source_failing_says_since_when_and_how_to_look() -> None:
    failing = alert(
        "source_failing", "Acme & Sons", detail="HTTP 500", extra={"since": "2026-02-01"}
    )

    message = only(render([failing]))

    assert message.title == "Acme & Sons: board failing since 2026-02-01"
    assert message.notify_type == "warning"
    assert message.body.splitlines()[-2:] == [
        "  Failing since 2026-02-01",
        '  To look: secondchance peek --company "Acme & Sons"',
    ]


def test_pay_is_shown_when_known() -> None:
    new = alert("new", extra={"pay": "USD 90,000–120,000 a year"})

    assert "  Pay: USD 90,000–120,000 a year" in block(new).splitlines()


# --- Markdown -----------------------------------------------------------------------------


def test_bold_only_with_markdown() -> None:
    alerts = [
        role_back(),
        cooldown_over(),
        alert("new"),
        alert("source_failing", detail="HTTP 500"),
    ]

    plain = render(alerts, digest=True)
    marked = render(alerts, digest=True, style="markdown")

    assert all("**" not in m.body for m in plain)
    body = "\n".join(m.body for m in marked)
    assert "⭐ **The role you interviewed for is open again: " in body
    assert "**Your cool\\-down is over: you can reapply \\(Data Analyst\\)**" in body
    assert "**Board failing: greenhouse acme**" in body
    # Only headlines and company names are bold, never the context lines.
    assert "\nTurned down 2026\\-03\\-01 for Paid Search Marketing Manager — final round\n" in body


def test_instant_markdown_role_back_headline() -> None:
    message = only(render([role_back()], style="markdown"))

    assert message.title == "⭐ Acme: the role you interviewed for is back"
    assert message.notify_type == "success"
    assert message.body.splitlines()[2] == (
        "⭐ **The role you interviewed for is open again: Senior Paid Search Marketing Manager**"
    )


# --- digests ----------------------------------------------------------------------------


def test_digest_is_one_message_per_type_company_by_company() -> None:
    alerts = [
        alert("source_failing", "Initech", detail="HTTP 500"),
        alert("closed", "Globex"),
        alert("changed", "Acme", previous_title="Engineer"),
        alert("new", "Globex"),
        cooldown_over("Initech"),
        alert("reposted", "Globex", previous_title="Old title"),
        alert("reopened", "Acme"),
        role_back("Globex"),
        alert("source_recovered", "Acme"),
    ]
    by_kind = {a.kind: a.id for a in alerts}

    success, warning, info = render(alerts, limit=MAX_MESSAGE, digest=True)

    assert (success.notify_type, warning.notify_type, info.notify_type) == (
        "success",
        "warning",
        "info",
    )
    assert success.title == "⭐ secondchance digest: 1 role back, 1 cool-down over (2 companies)"
    assert warning.title == "secondchance digest: 1 board failing (1 company)"
    assert info.title == (
        "secondchance digest: 1 reopened, 1 reposted, 1 new, 1 changed, 1 closed, "
        "1 board back (2 companies)"
    )
    assert success.alert_ids == (by_kind["role_back"], by_kind["cooldown_over"])
    assert warning.alert_ids == (by_kind["source_failing"],)
    # Companies in the order of their best news, each one's alerts ranked.
    assert info.alert_ids == (
        by_kind["reopened"],  # Acme
        by_kind["changed"],
        by_kind["source_recovered"],
        by_kind["reposted"],  # Globex
        by_kind["new"],
        by_kind["closed"],
    )
    sections = [part.splitlines()[0] for part in info.body.split("\n\n")]
    assert sections == [
        "Acme",
        f"Changed: Engineer {by_kind['changed']}",
        "Board back: greenhouse acme",
        "Globex",
        f"New: Engineer {by_kind['new']}",
        f"Closed: Engineer {by_kind['closed']}",
    ]


def test_digest_of_one_company() -> None:
    message = only(render([alert("new"), alert("new")], digest=True))

    assert message.title == "secondchance digest: 2 new (1 company)"


def test_instant_is_one_message_per_company_and_type_second_chances_first() -> None:
    alerts = [alert("new", "Acme"), role_back("Acme"), alert("new", "Globex")]

    messages = render(alerts)

    assert [(m.title, m.notify_type) for m in messages] == [
        ("⭐ Acme: the role you interviewed for is back", "success"),
        ("Acme: a new role", "info"),
        ("Globex: a new role", "info"),
    ]
    assert [m.alert_ids for m in messages] == [(alerts[1].id,), (alerts[0].id,), (alerts[2].id,)]
    assert "Acme · " not in messages[0].body


def test_nothing_to_render() -> None:
    assert render([], digest=True) == []


# --- splitting at each service's limit --------------------------------------------------

SERVICES = [
    "pover://user@token",
    # Apprise 2 wants a real-looking bot token ("tgram://bottoken/chatid" is refused).
    "tgram://123456789:abcdefg_hijklmnop/12315544",
    "discord://webhook_id/webhook_token",
    "ntfy://topic",
    "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
    "json://localhost",
]


def sixty_alerts() -> list[Alert]:
    companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli"]
    kinds = ["role_back", "reopened", "reposted", "cooldown_over", "new", "changed", "closed"]
    listing = "\n".join(
        f"Data Analyst {n} — Berlin · Remote  https://jobs.example.com/postings/{n}"
        for n in range(4)
    )
    alerts: list[Alert] = []
    for n in range(60):
        company = companies[n % len(companies)]
        kind = kinds[n % len(kinds)] if n < 56 else ("source_failing", "source_recovered")[n % 2]
        if kind == "role_back":
            alerts.append(role_back(company, previous_title="Paid Search Marketing Manager"))
        elif kind == "cooldown_over":
            alerts.append(cooldown_over(company, listing=listing))
        elif kind.startswith("source_"):
            alerts.append(
                alert(
                    kind,
                    company,
                    posting_id=None,
                    title=None,
                    location=None,
                    url=None,
                    detail="HTTP 503 from the board three times",
                )
            )
        else:
            alerts.append(
                alert(
                    kind,
                    company,
                    title=f"Senior Backend Engineer, Payments Platform ({n})",
                    location="Berlin · Munich · Remote (EU)",
                    previous_title="Backend Engineer" if kind in ("changed", "reposted") else None,
                    extra={"context": CONTEXT},
                )
            )
    return alerts


@pytest.mark.parametrize("url", SERVICES)
def test_digest_fits_each_service_and_keeps_every_alert(url: str) -> None:
    plugin = apprise.Apprise.instantiate(url)
    assert plugin is not None, url
    limit = min(int(plugin.body_maxlen), MAX_MESSAGE)
    alerts = sixty_alerts()

    messages = render(alerts, limit, digest=True)

    assert all(len(m.body) <= limit for m in messages)
    ids = Counter(i for m in messages for i in m.alert_ids)
    assert ids == Counter(a.id for a in alerts)  # each exactly once
    # Nothing was cut: every alert's headline and link are in its message.
    for message in messages:
        for alert_id in message.alert_ids:
            sent = next(a for a in alerts if a.id == alert_id)
            assert (sent.title or "") in message.body
            if sent.kind != "closed":  # a closed posting's link leads nowhere
                assert (sent.url or "") in message.body
    by_title: dict[str, list[Message]] = {}
    for message in messages:
        by_title.setdefault(message.title, []).append(message)
    for parts in by_title.values():
        if len(parts) > 1:
            for number, message in enumerate(parts, start=1):
                assert message.body.endswith(f"(part {number}/{len(parts)})")
    if plugin.title_maxlen:
        assert all(len(m.title) <= plugin.title_maxlen for m in messages)
    else:
        # Apprise puts the title into the body of title-less services.
        assert all(len(m.title) + 2 + len(m.body) <= plugin.body_maxlen for m in messages)


def test_pushover_needs_several_parts_in_rank_order() -> None:
    limit = apprise.Apprise.instantiate("pover://user@token").body_maxlen
    alerts = sixty_alerts()

    messages = render(alerts, limit, digest=True)

    assert limit == 1024
    assert len(messages) > 3
    # One digest per notify type, the second chances first.
    assert messages[0].notify_type == "success"
    assert len({m.title for m in messages}) == 3
    sent = [next(a for a in alerts if a.id == i) for m in messages for i in m.alert_ids]
    assert sent[0].kind == "role_back"
    # Company by company, each one's second chances first.
    for company in {a.company for a in sent}:
        kinds = [a.kind for a in sent if a.company == company]
        assert kinds[: kinds.count("role_back")] == ["role_back"] * kinds.count("role_back")


def test_an_oversized_alert_is_shortened_visibly_not_dropped() -> None:
    listing = "\n".join(f"Role {n} — Berlin  https://jobs.example.com/{n}" for n in range(200))
    huge = cooldown_over(listing=listing)

    message = only(render([huge], 1024, digest=True))

    assert len(message.body) <= 1024
    assert message.alert_ids == (huge.id,)
    assert message.body.endswith("…")


# --- what the channels tell render ---------------------------------------------------------


def _config_with(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "watchlist.toml"
    quoted = ", ".join(f'"{u}"' for u in urls)
    path.write_text(
        f'[notify]\nurls = [{quoted}]\n\n[[company]]\nname = "Acme"\ngreenhouse = "acme"\n',
        encoding="utf-8",
    )
    return path


def test_channel_limits_are_the_service_limits_capped(tmp_path: Path) -> None:
    config = load(_config_with(tmp_path, *SERVICES))

    limits = [c.limit for c in channels(config)]

    assert limits == [1024, MAX_MESSAGE, 2000, MAX_MESSAGE, MAX_MESSAGE, MAX_MESSAGE]


def test_markdown_only_for_services_that_render_it(tmp_path: Path) -> None:
    slack = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general"
    config = load(_config_with(tmp_path, slack, "ntfy://topic", "json://localhost"))

    markdown = [channel.style != "text" for channel in channels(config)]

    # Slack's own format is Markdown; ntfy and a JSON webhook show text as-is.
    assert markdown == [True, False, False]


def test_each_service_gets_its_style(tmp_path: Path) -> None:
    urls = [
        "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
        "discord://webhook_id/webhook_token",
        "tgram://123456789:abcdefg_hijklmnop/12315544",
        "mailto://user:secret@example.com",
        "ntfy://topic",
        "json://localhost",
        "pover://user@token",
    ]
    config = load(_config_with(tmp_path, *urls))

    styles = [(c.style, c.escaped_title) for c in channels(config)]

    assert styles == [
        ("slack", False),  # the title is a plain-text header, escaped by Apprise
        ("discord", True),  # the title is written into the content
        ("html", True),  # Telegram has no title: Apprise puts it in the body
        ("html", False),  # the e-mail subject is plain text
        ("text", False),
        ("text", False),
        ("text", False),
    ]
