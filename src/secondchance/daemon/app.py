"""Wiring: a watchlist and a data directory become a ready store, fetcher, poller and
notifier, each given the part of the watchlist it uses. Shared by `once` and `run`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from secondchance.config import Config, database_url
from secondchance.storage.database import Store, open_existing, open_store

# Only for the annotations: HTTP, the poller and the notifier are imported where they
# are built, so that what imports this module for the store pays for none of them.
if TYPE_CHECKING:
    from sqlalchemy import Connection

    from secondchance.daemon.poller import Poller, PollSettings
    from secondchance.delivery.channels import Channel
    from secondchance.delivery.notify import Notifier
    from secondchance.delivery.render import Message
    from secondchance.fetch.client import Fetcher

log = logging.getLogger(__name__)


def store_for(config: Config | None, data_dir: Path) -> Store:
    """The watchlist's database (``[settings] database``, else SQLite in ``data_dir``)."""
    return open_store(database_url(config.settings.database if config else None, data_dir))


def existing_store(
    config: Config | None, data_dir: Path, *, writable: bool = False, live: bool = False
) -> Store:
    """The watchlist's database as it is, for the commands that only look at it."""
    return open_existing(
        database_url(config.settings.database if config else None, data_dir),
        writable=writable,
        live=live,
    )


def poll_settings(config: Config, routes: Sequence[Channel]) -> PollSettings:
    """What the Poller needs of the watchlist; alerts are queued for ``routes``."""
    from secondchance.daemon.poller import PollSettings
    from secondchance.delivery.channels import route

    return PollSettings(
        rules=config.rules,
        endpoints=config.endpoints,
        tz=config.policy.tz,
        channels=lambda company, kind: route(routes, company, kind),
    )


def channels(config: Config) -> list[Channel]:
    """The delivery channels: computed once per watchlist, for queuing and for sending."""
    from secondchance.delivery.channels import channels_of

    return channels_of(config.targets, console=config.console_alerts, sent=config.sent_kinds)


@dataclass
class App:
    config: Config
    store: Store
    fetcher: Fetcher
    poller: Poller
    notifier: Notifier

    @classmethod
    def open(
        cls,
        config: Config,
        data_dir: Path,
        *,
        console: Callable[[Message], None] | None,
    ) -> App:
        from secondchance.daemon.poller import Poller
        from secondchance.delivery.notify import Notifier
        from secondchance.fetch.transports import for_settings

        store = store_for(config, data_dir)
        fetcher = for_settings(config.settings)
        routes = channels(config)
        poller = Poller(store, fetcher, poll_settings(config, routes))
        notifier = Notifier(store, config.notify, config.policy, routes, console=console)
        return cls(config, store, fetcher, poller, notifier)

    def update(self, config: Config) -> None:
        """Switch the running pieces to a reloaded watchlist (state is kept)."""
        from secondchance.fetch.transports import reconfigure

        self.config = config
        routes = channels(config)
        self.poller.update(poll_settings(config, routes))
        self.notifier.update(config.notify, config.policy, routes)
        reconfigure(self.fetcher, config.settings)

    async def loaded(self, *, start: bool) -> None:
        """Record that the watchlist was loaded (at start, or a reload taken) where
        the dashboard reads it: it may run in another process (`secondchance web`).
        A database that takes no write loses only this record."""
        from sqlalchemy.exc import SQLAlchemyError

        from secondchance import logs
        from secondchance.storage import heartbeat

        try:
            await self.store.write(heartbeat.record_load, datetime.now(UTC), start=start)
        except SQLAlchemyError as exc:
            log.warning("could not record the watchlist's load: %s", logs.first_line(exc))

    async def reject_edit(self, problems: Sequence[str], fingerprint: str) -> None:
        """One alert per invalid edit of the watchlist, to every channel that takes
        the kind (the running watchlist's routing: the edit was not taken), and the
        rejection recorded for the dashboard, in one transaction."""
        from secondchance import logs
        from secondchance.core.drafts import about_company
        from secondchance.core.models import ChangeKind
        from secondchance.delivery.channels import route
        from secondchance.storage import heartbeat, outbox

        kind = ChangeKind.CONFIG_REJECTED.value
        # Masked as the log lines are, for the channels and the dashboard alike: a
        # problem may quote a value of the edit.
        masked = [logs.redact(problem) for problem in problems]
        draft = about_company(
            f"config|{fingerprint}",
            "secondchance",
            kind,
            route(self.notifier.channels, None, kind),
            title="watchlist edit rejected",
            detail="\n".join(masked),
        )

        def store(connection: Connection, at: datetime) -> None:
            outbox.queue(connection, [draft], at)
            heartbeat.record_rejected(connection, at, masked)

        await self.store.write(store, datetime.now(UTC))

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self.store.dispose()
