"""Wiring: a config plus a data directory become a ready store, fetcher,
poller and notifier. Shared by every command that touches the network."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secondchance.config import Config, database_url

# Only for the annotations: `status`, `history` and the other commands that
# only read the database import this module too, and must not pay for HTTP,
# the poller or the notifier (imported where they are built, below).
if TYPE_CHECKING:
    import httpx

    from secondchance.daemon.poller import Poller
    from secondchance.delivery.notify import Notifier
    from secondchance.delivery.render import Message
    from secondchance.fetch.client import Fetcher
    from secondchance.storage.store import Store

log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database cannot be opened or migrated; the message says which."""


def open_store(config: Config | None, data_dir: Path) -> Store:
    from sqlalchemy.exc import SQLAlchemyError

    from secondchance import logs
    from secondchance.storage import migrate
    from secondchance.storage.store import Store, make_engine

    url = database_url(config, data_dir)
    if url.startswith("sqlite:///"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the data directory {folder}: {exc}") from exc
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot open the database {where}: {logs.first_line(exc)}") from exc
    return Store(engine)


def fast_transport(
    config: Config, proxy: httpx.Proxy | None = None
) -> httpx.AsyncBaseTransport | None:
    """aiohttp's C HTTP parser under the httpx API, when installed: the same
    requests for a fraction of the CPU (see benchmarks/README.md)."""
    import httpx

    try:
        from secondchance.fetch.aio import Transport
    except ImportError:
        return None
    limits = httpx.Limits(
        max_connections=config.settings.per_host * 16, max_keepalive_connections=32
    )
    return Transport(limits=limits, proxy=proxy)


def make_fetcher(config: Config) -> Fetcher:
    import httpx

    from secondchance.fetch.client import Fetcher

    def through(proxy: httpx.Proxy) -> httpx.AsyncBaseTransport:
        fast = fast_transport(config, proxy)
        return fast if fast is not None else httpx.AsyncHTTPTransport(proxy=proxy)

    s = config.settings
    fetcher = Fetcher(
        transport=fast_transport(config),
        proxy_transport=through,
        timeout=s.timeout,
        per_host=s.per_host,
        max_body=int(s.max_body_mb * 1024 * 1024),
        user_agent=s.user_agent,
        host_delay=s.per_host_delay,
        concurrency=s.concurrency,
    )
    from secondchance import logs

    # Libraries' own messages might quote a proxy URL whole.
    logs.keep_secrets(fetcher.proxies.passwords())
    for line in fetcher.proxies.describe():
        log.info("proxy: %s", line)
    return fetcher


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
        from secondchance.delivery.notify import Notifier, channels_of

        store = open_store(config, data_dir)
        fetcher = make_fetcher(config)
        poller = Poller(config, store, fetcher)
        notifier = Notifier(config, store, console=console, channels=channels_of(config))
        return cls(config, store, fetcher, poller, notifier)

    def update(self, config: Config) -> None:
        """Switch the running pieces to a reloaded watchlist (state is kept)."""
        from secondchance.delivery.notify import channels_of

        self.config = config
        self.poller.update(config)
        self.notifier.update(config, channels_of(config))
        s = config.settings
        self.fetcher.reconfigure(
            timeout=s.timeout,
            per_host=s.per_host,
            max_body=int(s.max_body_mb * 1024 * 1024),
            host_delay=s.per_host_delay,
        )

    def reject_edit(self, problems: Sequence[str], fingerprint: str) -> None:
        """One alert per invalid edit of the watchlist, to every channel."""
        from secondchance.core.models import ChangeKind
        from secondchance.storage.store import Store, now

        channels = [c.id for c in self.notifier.channels]
        with self.store.sessions.begin() as session:
            Store.queue_company_alert(
                session,
                key=f"config|{fingerprint}",
                company="secondchance",
                kind=ChangeKind.CONFIG_REJECTED.value,
                title="watchlist edit rejected",
                detail="\n".join(problems),
                extra={},
                channels=channels,
                at=now(),
            )

    def shrink_database_cache(self) -> None:
        """Hand SQLite's page cache back (up to 2 MB per connection), which an idle
        daemon would otherwise keep from its last poll for the whole interval.
        Blocking: run it on the store's thread, between polls."""
        engine = self.store.engine
        if engine.dialect.name != "sqlite":
            return
        # The DBAPI connection: SQLAlchemy's would begin a transaction, and on
        # SQLite every transaction here takes the write lock (BEGIN IMMEDIATE).
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA shrink_memory")
            cursor.close()
        finally:
            connection.close()  # back to the pool, open

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self.store.dispose()
