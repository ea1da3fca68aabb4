"""The daemon: one APScheduler job per company, a delivery job, reloads, clean stops.

APScheduler 3's shutdown() cancels running coroutines, so on SIGTERM the
scheduler is paused first and in-flight polls get ``shutdown_timeout`` to
finish; a poll's database write is one transaction, so an abandoned poll
leaves the snapshot as it was. The watchlist is the source of truth: jobs are
rebuilt from it at start and on every accepted reload (SIGHUP or an edit).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from secondchance import logs, metrics
from secondchance.config import Company, Config, ConfigError, load
from secondchance.core.durations import format_duration
from secondchance.core.wording import plural
from secondchance.daemon import allocator, sdnotify
from secondchance.daemon.app import App
from secondchance.daemon.asks import carry_out
from secondchance.storage import heartbeat

log = logging.getLogger(__name__)

DELIVERY_EVERY = 10.0
# A stat-sized read of the watchlist: often enough that an edit (by hand or from the
# dashboard) shows within a couple of seconds.
WATCH_EVERY = 2.0
# How often the daemon looks for what the dashboard asked (poll now, retry now).
ASKS_EVERY = 2.0
# The heartbeat is written every delivery cycle; this much silence is unhealthy.
HEALTHY_WITHIN = 120.0
# Spread the first polls a little so a long watchlist does not start as a burst.
FIRST_POLL_STAGGER = 0.5
FIRST_POLL_SPREAD_MAX = 30.0


def _fingerprint(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class _SkipNotice(logging.Filter):
    """Drops APScheduler's WARNING for a turn skipped because the job is still
    running: Daemon._skipped says it in the user's words, at INFO (a slow site or
    a host's Retry-After can make a poll outlast its interval; it is not an error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith('Execution of job "%s" skipped')


_SKIP_NOTICE = _SkipNotice()


class Server(Protocol):
    """What the daemon serves on ``[server] listen`` (/healthz, /metrics, the pages):
    built by the command line (cli/poll.py), since daemon/ never imports web/."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def reloaded(self, config: Config) -> None: ...


class Daemon:
    def __init__(self, app: App, serve: Callable[[Daemon], Server] | None = None) -> None:
        """``serve`` builds the server for this daemon (it reads ``healthy()``), or
        None: nothing is served."""
        self.app = app
        self.serve = serve
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
        logging.getLogger("apscheduler.scheduler").addFilter(_SKIP_NOTICE)
        self.inflight: set[asyncio.Task[None]] = set()
        self.stopping = asyncio.Event()
        self.last_beat: float | None = None
        self.beat_error: str | None = None
        self.loaded = _fingerprint(app.config.path)
        self._reload_lock = asyncio.Lock()
        self._drainer: asyncio.Task[None] | None = None
        self._drain_due = False
        self._polled_since_trim = False
        self.server: Server | None = None
        # Why polls cannot be stored, while they cannot (logged once).
        self.storage_error: str | None = None

    # -- jobs -----------------------------------------------------------------------

    def _skipped(self, event: JobSubmissionEvent) -> None:
        company = event.job_id.removeprefix("poll:")
        if company != event.job_id:
            log.info("%s: still polling from its last turn; this turn is skipped", company)
        else:
            log.info("%s: still running from its last turn; this turn is skipped", event.job_id)

    async def poll_job(self, name: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)
        try:
            company = self.app.config.company(name)
            if company is None or not company.enabled or self.stopping.is_set():
                return
            self._polled_since_trim = True
            report = await self.app.poller.poll(company)
            self._storage_back(f"{name} polled")
            if report.alerts:
                self.deliver_soon()
        except asyncio.CancelledError:
            # Only stop() cancels polls; the job ends here so the scheduler does
            # not report a shutdown as a crash.
            log.info("poll of %s abandoned at shutdown", name)
        except SQLAlchemyError as exc:
            self._storage_trouble(f"{name}: the poll could not be stored, so nothing changed", exc)
        except Exception:
            log.exception("poll of %s failed unexpectedly", name)
        finally:
            if task is not None:
                self.inflight.discard(task)

    def _storage_trouble(self, what: str, exc: SQLAlchemyError) -> None:
        """A full disk, a read-only file, a database server that is down: the
        transaction was rolled back, so nothing is lost or half-done. Said once,
        without a traceback, not once per company per cycle."""
        reason = logs.first_line(exc)
        if reason == self.storage_error:
            log.debug("%s: %s", what, reason)
            return
        self.storage_error = reason
        log.error("%s; tried again each time, said again if the reason changes: %s", what, reason)

    def _storage_back(self, how: str) -> None:
        # Only a stored poll proves it: a drain with nothing to send only reads.
        if self.storage_error is not None:
            log.info("the database takes writes again (%s)", how)
            self.storage_error = None

    def deliver_soon(self) -> None:
        """Send new alerts now. Polls that finish together share one drain: a
        thousand boards polled at once must not each re-read the outbox."""
        self._drain_due = True
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain_while_due())

    async def _drain_while_due(self) -> None:
        while self._drain_due:
            self._drain_due = False
            await self._drain()

    async def _drain(self) -> None:
        try:
            await self.app.notifier.drain()
        except SQLAlchemyError as exc:
            self._storage_trouble("delivery: the outbox could not be read or updated", exc)
        except Exception:
            log.exception("delivering alerts failed unexpectedly")

    async def delivery_job(self) -> None:
        try:
            await self._drain()
        except asyncio.CancelledError:
            # Only stop() cancels a running job (a notifier that hangs at shutdown):
            # the job ends here, so the scheduler does not report a crash with a
            # traceback. What was not marked sent stays queued for the next start.
            log.info("delivery interrupted at shutdown; unsent alerts stay queued")
            return
        await self.beat()

    async def asks_job(self) -> None:
        try:
            await carry_out(self.app.store, self.scheduler, self.app.notifier)
        except SQLAlchemyError as exc:
            self._storage_trouble("the dashboard's asks could not be carried out", exc)

    async def watch_job(self) -> None:
        """Notice an edited watchlist without waiting for SIGHUP."""
        if _fingerprint(self.app.config.path) not in (self.loaded, None):
            await self.reload()

    async def beat(self) -> None:
        """The heartbeat `secondchance health` and the watchdog look at."""
        try:
            await self.app.store.write(heartbeat.beat, datetime.now(UTC))
        except Exception as exc:  # the database is down or read-only: say so
            error = f"cannot write the heartbeat: {logs.first_line(exc)}"
            # Once, not every 10 s: health and the status page keep saying it.
            if error != self.beat_error:
                log.error("%s", error)
            self.beat_error = error
            return
        if self.beat_error is not None:
            log.info("the heartbeat is written again")
        self.beat_error = None
        self.last_beat = time.time()
        # Between polls only, and once per burst of them: a full gc pass is not
        # free, and an idle daemon has nothing new to give back.
        if not self.inflight and self._polled_since_trim:
            self._polled_since_trim = False
            with contextlib.suppress(Exception):  # only memory is at stake
                await self.app.store.call(self.app.store.shrink_cache)
            allocator.return_memory()
        metrics.LAST_CYCLE.set(self.last_beat)
        sdnotify.watchdog()

    def healthy(self) -> tuple[bool, str]:
        if self.beat_error:
            return False, self.beat_error
        if self.last_beat is None:
            return False, "starting"
        age = time.time() - self.last_beat
        if age > HEALTHY_WITHIN:
            return False, f"no heartbeat for {format_duration(age)}"
        return True, f"heartbeat {format_duration(age)} ago"

    # -- scheduling -----------------------------------------------------------------

    def _add_poll(self, company: Company, first: datetime | None) -> None:
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

    def schedule(self, companies: tuple[Company, ...]) -> None:
        start = datetime.now(UTC)
        enabled = [c for c in companies if c.enabled]
        for index, company in enumerate(enabled):
            delay = min(index * FIRST_POLL_STAGGER, FIRST_POLL_SPREAD_MAX) + 1.0
            self._add_poll(company, start + timedelta(seconds=delay))
        for job_id, job, every in (
            ("deliver", self.delivery_job, DELIVERY_EVERY),
            ("watch", self.watch_job, WATCH_EVERY),
            ("asks", self.asks_job, ASKS_EVERY),
        ):
            self.scheduler.add_job(
                job,
                IntervalTrigger(seconds=every),
                id=job_id,
                next_run_time=start + timedelta(seconds=every),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(every),
            )
        self._announce(enabled)

    def _announce(self, enabled: list[Company]) -> None:
        if not enabled:
            message = (
                "nothing to watch: the watchlist has no enabled [[company]] (add one, e.g. "
                "with `secondchance discover URL --add NAME`; the daemon notices the edit)"
            )
            log.info("%s", message)  # the watchlist's own warning said why, at start
            sdnotify.status(message)
            return
        fastest = min(c.interval for c in enabled)
        slowest = max(c.interval for c in enabled)
        every = format_duration(fastest)
        if slowest != fastest:
            every += f" to {format_duration(slowest)}, by company"
        boards = sum(len(c.boards) for c in enabled)
        message = (
            f"watching {len(enabled)} compan{'y' if len(enabled) == 1 else 'ies'}, "
            f"{boards} board{'' if boards == 1 else 's'}, every {every}"
        )
        log.info("%s", message)
        sdnotify.status(message)

    async def reload(self) -> bool:
        """Apply an edited watchlist; keep the running one if the edit is invalid."""
        async with self._reload_lock:
            path = self.app.config.path
            fingerprint = _fingerprint(path)
            try:
                config = await asyncio.to_thread(load, path)
            except ConfigError as exc:
                self.loaded = fingerprint  # report each bad edit once
                for problem in exc.problems:
                    log.error("watchlist edit rejected: %s", problem)
                await self.app.reject_edit(exc.problems, fingerprint or "unreadable")
                await self.app.notifier.drain()
                return False
            self.loaded = fingerprint
            for warning in config.warnings:
                log.warning("watchlist: %s", warning)
            self._apply(config)
            await self.app.loaded(start=False)
            return True

    def _apply(self, config: Config) -> None:
        old = self.app.config
        if config.settings.database != old.settings.database:
            log.warning("settings.database changed: restart secondchance to use the new one")
        logs.setup_secrets(config.secrets)
        self.app.update(config)
        if self.server is not None:
            self.server.reloaded(config)
        before = {c.name: c for c in old.companies if c.enabled}
        after = {c.name: c for c in config.companies if c.enabled}
        start = datetime.now(UTC)
        for name in before.keys() - after.keys():
            self.scheduler.remove_job(f"poll:{name}")
            log.info("stopped watching %s", name)
        for index, name in enumerate(sorted(after.keys() - before.keys())):
            self._add_poll(after[name], start + timedelta(seconds=1 + index * FIRST_POLL_STAGGER))
            log.info("now watching %s", name)
        for name in before.keys() & after.keys():
            was, now = before[name], after[name]
            if (was.interval, was.jitter) != (now.interval, now.jitter):
                self.scheduler.reschedule_job(
                    f"poll:{name}",
                    trigger=IntervalTrigger(seconds=now.interval, jitter=now.jitter or None),
                )
                log.info("%s: now every %s", name, format_duration(now.interval))
        self._announce(list(after.values()))

    # -- life cycle -----------------------------------------------------------------

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(self.reload()))
        if self.serve is not None:
            self.server = self.serve(self)
            try:
                await self.server.start()
            except BaseException:
                # The port is taken, say: the command line says so in one line.
                await self.app.aclose()
                raise
        # After a restart, whatever is still pending goes out now, backoff or not.
        await self.app.notifier.drain(ignore_backoff=True)
        await self.beat()
        await self.app.loaded(start=True)
        self.schedule(self.app.config.companies)
        self.scheduler.start()
        sdnotify.ready()
        await self.stopping.wait()
        await self.stop()
        return 0

    async def stop(self) -> None:
        sdnotify.stopping()
        timeout = self.app.config.settings.shutdown_timeout
        log.info(
            "stopping: waiting up to %s for %s",
            format_duration(timeout),
            plural(len(self.inflight), "poll"),
        )
        self.scheduler.pause()
        deadline = asyncio.get_running_loop().time() + timeout
        if self.inflight:
            _, pending = await asyncio.wait(set(self.inflight), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                log.warning(
                    "abandoned %s; their snapshot is untouched",
                    plural(len(pending), "unfinished poll"),
                )
                await asyncio.wait(pending, timeout=1.0)
        self.scheduler.shutdown(wait=False)
        if self._drainer is not None and not self._drainer.done():
            # The finished polls' alerts go out within what is left of the shutdown
            # time; anything unsent stays queued and goes out at the next start.
            left = max(0.5, deadline - asyncio.get_running_loop().time())
            _, late = await asyncio.wait({self._drainer}, timeout=left)
            for task in late:
                task.cancel()
                await asyncio.wait({task}, timeout=1.0)
        if self.server is not None:
            await self.server.close()
        await self.app.aclose()
        log.info("stopped")
