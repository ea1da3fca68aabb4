"""Two daemons on one database never send the same alert twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from conftest import Receiver
from secondchance.config import load
from secondchance.core import drafts
from secondchance.core.models import Change, ChangeKind, Posting, SourceRef
from secondchance.daemon.app import channels, store_for
from secondchance.delivery.channels import route
from secondchance.delivery.notify import Notifier
from secondchance.storage import boards, outbox


async def test_two_notifiers_on_one_database_send_each_alert_once(
    tmp_path: Path, database: str, receiver: Receiver
) -> None:
    path = tmp_path / "w.toml"
    path.write_text(
        f"""
[settings]
database = "{database}"
[notify]
urls = ["{receiver.url}"]
[[company]]
name = "Acme"
greenhouse = "acme"
[[company]]
name = "Globex"
greenhouse = "globex"
""",
        encoding="utf-8",
    )
    config = load(path)
    first, second = store_for(config, tmp_path), store_for(config, tmp_path)
    try:
        for company in config.companies:
            ref = SourceRef(company.name, "greenhouse", company.name.lower())
            states, _ = first.write_now(boards.lock, [company.name], [ref])
            board = states[ref]
            routed = route(channels(config), company, ChangeKind.NEW.value)
            for number in range(5):
                change = Change(
                    ChangeKind.NEW, ref, Posting(f"{number}", f"{company.name} role {number}")
                )
                board.attempts += 1
                draft = drafts.of_change(board, change, routed)
                first.write_now(outbox.queue, [draft], datetime.now(UTC))
        daemons = [
            Notifier(store, config.notify, config.policy, channels(config))
            for store in (first, second)
        ]
        reports = await asyncio.gather(*(d.drain() for d in daemons))
        assert sum(r.sent for r in reports) == 10
        assert sum(r.failed for r in reports) == 0
        messages = receiver.wait_for(2)
        bodies = [m["message"] for m in messages]
        for company in ("Acme", "Globex"):
            for number in range(5):
                assert sum(f"{company} role {number}" in b for b in bodies) == 1
        # Nothing is left for either daemon.
        assert [r.sent for r in await asyncio.gather(*(d.drain() for d in daemons))] == [0, 0]
    finally:
        first.dispose()
        second.dispose()
