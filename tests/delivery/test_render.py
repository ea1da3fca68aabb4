"""render(): one message per company, a reader's order, and splitting that never
loses or overflows an alert."""

from __future__ import annotations

import re
from collections import Counter
from itertools import count
from typing import Any

import pytest

from secondchance.core.models import Alert
from secondchance.delivery.render import Message, block, render

_ids = count(1)


def alert(kind: str = "new", company: str = "Acme", **fields: Any) -> Alert:
    """An alert with sensible defaults; ``id`` is unique unless given."""
    number = fields.pop("id", None) or next(_ids)
    values: dict[str, Any] = {
        "id": number,
        "company": company,
        "kind": kind,
        "source_kind": "greenhouse",
        "source_board": company.lower(),
        "posting_id": f"p{number}",
        "title": f"Engineer {number}",
        "location": "Berlin",
        "url": f"https://boards.example.com/{company.lower()}/jobs/{number}",
        "previous_title": None,
        "detail": None,
    }
    values.update(fields)
    return Alert(**values)


def _only(messages: list[Message]) -> Message:
    assert len(messages) == 1
    return messages[0]


# --- grouping, order, summary ---------------------------------------------------------


def test_one_message_per_company() -> None:
    alerts = [
        alert("new", "Acme"),
        alert("new", "Globex"),
        alert("closed", "Acme"),
        alert("reopened", "Initech"),
        alert("changed", "Globex"),
    ]

    messages = render(alerts)

    assert [m.title.split(":")[0] for m in messages] == ["Acme", "Globex", "Initech"]
    by_company = {m.title.split(":")[0]: m for m in messages}
    assert set(by_company["Acme"].alert_ids) == {alerts[0].id, alerts[2].id}
    assert set(by_company["Globex"].alert_ids) == {alerts[1].id, alerts[4].id}
    assert by_company["Initech"].alert_ids == (alerts[3].id,)


def test_empty_batch_renders_nothing() -> None:
    assert render([]) == []


def test_order_puts_second_chances_first() -> None:
    alerts = [
        alert("closed", title="Role closed"),
        alert("changed", title="Role changed", previous_title="Old name"),
        alert("new", title="Role new"),
        alert("reopened", title="Role reopened"),
        alert("reposted", title="Role reposted", previous_title="Role before"),
    ]

    message = _only(render(alerts))

    # Reopened and reposted rank together, in the order they happened.
    order = ["reopened", "reposted", "new", "changed", "closed"]
    positions = [message.body.index(f"Role {kind}") for kind in order]
    assert positions == sorted(positions)
    by_kind = {a.kind: a.id for a in alerts}
    assert message.alert_ids == tuple(by_kind[kind] for kind in order)


def test_same_kind_is_ordered_by_id() -> None:
    late = alert("new", id=90, title="Later")
    early = alert("new", id=10, title="Earlier")

    message = _only(render([late, early]))

    assert message.alert_ids == (10, 90)
    assert message.body.index("Earlier") < message.body.index("Later")


def test_title_summarises_the_counts() -> None:
    alerts = [
        alert("closed"),
        alert("new"),
        alert("new"),
        alert("new"),
        alert("reposted", previous_title="x"),
        alert("reposted", previous_title="y"),
        alert("changed"),
    ]

    message = _only(render(alerts))

    assert message.title == "Acme: 2 reposted, 3 new roles, 1 changed, 1 closed"


def test_title_summary_for_board_events() -> None:
    alerts = [alert("source_failing", detail="HTTP 500"), alert("source_recovered")]

    failing, back = render(alerts)

    # A failing board is a warning, its recovery news: two messages.
    assert (failing.title, failing.notify_type) == ("Acme: board failing", "warning")
    assert (back.title, back.notify_type) == ("Acme: the board is back", "info")


# --- blocks ---------------------------------------------------------------------------


def test_new_block_has_title_location_and_url() -> None:
    item = alert("new", title="Staff Engineer", location="Remote · EU", url="https://x/1")

    assert block(item) == "New: Staff Engineer\n  Remote · EU\n  https://x/1"


def test_reposted_block_mentions_the_previous_title() -> None:
    item = alert("reposted", title="Senior Engineer", previous_title="Engineer II")

    text = block(item)

    assert text.startswith("Reposted: Senior Engineer")
    assert "Engineer II" in text
    assert "Engineer II" in _only(render([item])).body


def test_reopened_block_says_it_was_closed() -> None:
    text = block(alert("reopened", title="Data Analyst"))

    assert text.startswith("Reopened: Data Analyst")
    assert "open again" in text


def test_changed_block_shows_the_old_title_only_when_it_changed() -> None:
    renamed = block(alert("changed", title="Lead Designer", previous_title="Senior Designer"))
    same = block(alert("changed", title="Lead Designer", previous_title="Lead Designer"))

    assert "Senior Designer" in renamed
    assert "was" not in same


def test_closed_block_has_no_url() -> None:
    item = alert("closed", title="Backend Engineer", url="https://boards.example.com/closed/9")

    text = block(item)
    body = _only(render([item])).body

    assert text.startswith("Closed: Backend Engineer")
    assert "https://" not in text
    assert "https://" not in body


def test_untitled_posting() -> None:
    assert block(alert("new", title=None)).startswith("New: (untitled)")


def test_source_failing_shows_the_detail() -> None:
    item = alert(
        "source_failing",
        company="Globex",
        title=None,
        url=None,
        detail="not found (HTTP 404): check the board name",
    )

    text = block(item)
    body = _only(render([item])).body

    assert text.startswith("Board failing: greenhouse globex")
    assert "not found (HTTP 404): check the board name" in text
    assert "not found (HTTP 404)" in body


def test_source_recovered_without_detail() -> None:
    item = alert("source_recovered", company="Globex", detail=None)

    assert block(item) == "Board back: greenhouse globex"


# --- splitting ------------------------------------------------------------------------


def _many(n: int, company: str = "Acme") -> list[Alert]:
    kinds = ["new", "reopened", "reposted", "changed", "closed"]
    return [
        alert(
            kinds[i % len(kinds)],
            company,
            title=f"Software Engineer, Platform Team {i}",
            previous_title=f"Platform Engineer {i}",
            location="Berlin · Remote (EU)",
        )
        for i in range(n)
    ]


def test_long_batches_are_split_without_losing_an_alert() -> None:
    alerts = _many(30)

    messages = render(alerts, limit=500)

    assert len(messages) > 1
    for message in messages:
        assert len(message.body) <= 500
    seen = Counter(i for m in messages for i in m.alert_ids)
    assert sorted(seen) == sorted(a.id for a in alerts)
    assert set(seen.values()) == {1}


def test_split_messages_carry_part_markers() -> None:
    messages = render(_many(30), limit=500)

    total = len(messages)
    assert total > 1
    for number, message in enumerate(messages, start=1):
        assert message.body.endswith(f"(part {number}/{total})")
        assert message.title == messages[0].title
    markers = [re.findall(r"\(part \d+/\d+\)", m.body) for m in messages]
    assert all(len(found) == 1 for found in markers)


def test_each_alert_appears_in_the_message_that_lists_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("secondchance.delivery.render.SUMMARISE_AFTER", 1000)
    alerts = _many(30)
    titles = {a.id: a.title for a in alerts}

    messages = render(alerts, limit=500)
    listed = [alert_id for message in messages for alert_id in message.alert_ids]
    # Every alert is listed once, somewhere: the check below covers all of them.
    assert sorted(listed) == sorted(titles)
    for message in messages:
        for alert_id in message.alert_ids:
            assert f"{titles[alert_id]}\n" in message.body
        others = set(titles) - set(message.alert_ids)
        assert not any(f"{titles[other]}\n" in message.body for other in others)


def test_a_single_message_has_no_part_marker() -> None:
    message = _only(render(_many(3), limit=1000))

    assert "(part" not in message.body


def test_split_is_per_company() -> None:
    messages = render([*_many(20, "Acme"), *_many(2, "Globex")], limit=500)

    globex = [m for m in messages if m.title.startswith("Globex")]
    assert len(globex) == 1
    assert "(part" not in globex[0].body
    assert sum(m.title.startswith("Acme") for m in messages) > 1


def test_an_absurdly_long_title_is_cut_and_fits() -> None:
    item = alert("new", title="Principal Engineer " * 500)

    message = _only(render([item], limit=500))

    assert len(message.body) <= 500
    first = message.body.splitlines()[0]
    # Capped at about 300 characters; the full title stays in history.
    assert first.endswith("…") and len(first) <= 320
    assert message.body.startswith("New: Principal Engineer")
    assert message.alert_ids == (item.id,)


def test_a_long_title_among_others_still_fits() -> None:
    alerts = [*_many(8), alert("new", title="Head of Everything " * 300)]

    messages = render(alerts, limit=500)

    assert all(len(m.body) <= 500 for m in messages)
    assert sorted(i for m in messages for i in m.alert_ids) == sorted(a.id for a in alerts)


@pytest.mark.parametrize("limit", [67, 80, 160, 500, 1000])
def test_bodies_never_exceed_the_limit(limit: int) -> None:
    # 67 and 80 are real Apprise body_maxlen values; the limit is a hard cap.
    alerts = [*_many(12), alert("new", title="Very Long Title " * 40)]

    messages = render(alerts, limit=limit)

    assert all(len(m.body) <= limit for m in messages), [len(m.body) for m in messages]
    assert sorted(i for m in messages for i in m.alert_ids) == sorted(a.id for a in alerts)


# --- many alerts, and summaries ----------------------------------------------------------


def test_second_chances_are_never_summarised_away() -> None:
    kept = [alert(kind) for kind in ("reopened", "reposted") for _ in range(15)]
    routine = [alert("new") for _ in range(30)] + [alert("closed") for _ in range(5)]

    messages = render([*routine, *kept], limit=3500)

    body = "\n".join(m.body for m in messages)
    for item in kept:
        assert f": {item.title}\n" in body
    shown = [a for a in routine if f": {a.title}\n" in body]
    assert len(shown) == 10
    assert 'and 25 more (20 new, 5 closed): secondchance jobs --company "Acme"' in body
    # Every alert is in exactly one message's ids, summarised or not.
    ids = sorted(i for m in messages for i in m.alert_ids)
    assert ids == sorted(a.id for a in [*routine, *kept])


def test_a_few_routine_alerts_are_all_shown() -> None:
    alerts = [alert("new") for _ in range(12)]

    message = _only(render(alerts, limit=3500))

    assert "more" not in message.body
    assert message.body.count("New: ") == 12


@pytest.mark.parametrize("style", ["text", "markdown", "slack", "discord", "html"])
def test_parts_split_between_alerts_never_inside_one(style: Any) -> None:
    alerts = [alert("reopened", title=f"Role {n}", location="Berlin · Remote") for n in range(40)]

    messages = render(alerts, limit=400, style=style)

    assert len(messages) > 3
    for message in messages:
        assert len(message.body) <= 400
        for alert_id in message.alert_ids:
            item = next(a for a in alerts if a.id == alert_id)
            # The whole block: headline to link, in the same part.
            assert block(item, style=style) in message.body
