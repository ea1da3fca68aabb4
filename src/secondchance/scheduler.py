"""The daemon: one APScheduler job per company, a delivery job, clean stops.

APScheduler 3's shutdown() cancels running coroutines, so on SIGTERM the
scheduler is paused first and in-flight polls get ``shutdown_timeout`` to
finish; a poll's database write is one transaction, so an abandoned poll
leaves the snapshot as it was.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from secondchance.app import App
from secondchance.config import Company
from secondchance.durations import format_duration

log = logging.getLogger(__name__)

DELIVERY_EVERY = 10.0
# Spread the first polls a little so a long watchlist does not start as a burst.
FIRST_POLL_STAGGER = 0.5
FIRST_POLL_SPREAD_MAX = 30.0


class Daemon:
    def __init__(self, app: App) -> None:
        self.app = app
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.inflight: set[asyncio.Task[None]] = set()
        self.stopping = asyncio.Event()

    async def poll_job(self, name: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)
        try:
            company = self.app.config.company(name)
            if company is None or self.stopping.is_set():
                return
            report = await self.app.poller.poll(company)
            if report.alerts:
                await self.app.notifier.drain()
        except asyncio.CancelledError:
            # Only stop() cancels polls; the job ends here so the scheduler does
            # not report a shutdown as a crash.
            log.info("poll of %s abandoned at shutdown", name)
        except Exception:
            log.exception("poll of %s failed unexpectedly", name)
        finally:
            if task is not None:
                self.inflight.discard(task)

    async def delivery_job(self) -> None:
        try:
            await self.app.notifier.drain()
        except Exception:
            log.exception("delivering alerts failed unexpectedly")

    def schedule(self, companies: tuple[Company, ...]) -> None:
        start = datetime.now(UTC)
        enabled = [c for c in companies if c.enabled]
        for index, company in enumerate(enabled):
            first = start + timedelta(
                seconds=min(index * FIRST_POLL_STAGGER, FIRST_POLL_SPREAD_MAX) + 1.0
            )
            self.scheduler.add_job(
                self.poll_job,
                IntervalTrigger(seconds=company.interval, jitter=company.jitter or None),
                args=[company.name],
                id=f"poll:{company.name}",
                name=f"poll {company.name}",
                next_run_time=first,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(company.interval / 2)),
                replace_existing=True,
            )
        self.scheduler.add_job(
            self.delivery_job,
            IntervalTrigger(seconds=DELIVERY_EVERY),
            id="deliver",
            name="deliver alerts",
            next_run_time=start + timedelta(seconds=DELIVERY_EVERY),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(DELIVERY_EVERY),
        )
        log.info(
            "watching %d compan%s, %d board(s); first polls now, then every %s",
            len(enabled),
            "y" if len(enabled) == 1 else "ies",
            sum(len(c.boards) for c in enabled),
            ", ".join(sorted({format_duration(c.interval) for c in enabled})) or "-",
        )

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        # After a restart, whatever is still pending goes out now, backoff or not.
        await self.app.notifier.drain(ignore_backoff=True)
        self.schedule(self.app.config.companies)
        self.scheduler.start()
        await self.stopping.wait()
        await self.stop()
        return 0

    async def stop(self) -> None:
        timeout = self.app.config.settings.shutdown_timeout
        log.info(
            "stopping: waiting up to %s for %d poll(s)",
            format_duration(timeout),
            len(self.inflight),
        )
        self.scheduler.pause()
        if self.inflight:
            _, pending = await asyncio.wait(set(self.inflight), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                log.warning(
                    "abandoned %d unfinished poll(s); their snapshot is untouched", len(pending)
                )
                await asyncio.wait(pending, timeout=1.0)
        self.scheduler.shutdown(wait=False)
        await self.app.aclose()
        log.info("stopped")
