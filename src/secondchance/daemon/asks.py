"""The daemon's side of the dashboard's asks (storage/asks.py): ``secondchance web``
may run in another process, so "poll now" and "retry now" come through the database,
looked at every ``ASKS_EVERY`` seconds."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from secondchance.delivery.notify import Notifier
from secondchance.storage import asks
from secondchance.storage.database import Store

log = logging.getLogger(__name__)


async def carry_out(store: Store, scheduler: AsyncIOScheduler, notifier: Notifier) -> None:
    """Take what is asked and do it: a company's poll job is run now (the scheduler's
    own job, so it never runs twice at once), the waiting deliveries are tried now,
    back-off or not. SQLAlchemyError when the database cannot be read or written."""
    if not await store.read(asks.waiting):
        return  # the usual case: a read, no write lock
    taken = await store.write(asks.take, datetime.now(UTC))
    for name in taken.polls:
        job = scheduler.get_job(f"poll:{name}")
        if job is None:
            log.info("%s: asked to poll it now, but it is not watched (disabled?)", name)
            continue
        log.info("%s: polling now, as asked on the dashboard", name)
        job.modify(next_run_time=datetime.now(UTC))
    if taken.retry:
        log.info("trying every waiting delivery now, as asked on the dashboard")
        await notifier.drain(ignore_backoff=True)
