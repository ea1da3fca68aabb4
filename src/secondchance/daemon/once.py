"""One poll of the watchlist, then delivery: what `secondchance once` does."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from secondchance import logs
from secondchance.core.watchlist import Company
from secondchance.daemon.app import App
from secondchance.daemon.poller import PollReport

# Companies in flight at once: memory stays flat on a long watchlist (each holds its
# decoded boards until they are stored).
IN_FLIGHT = 16


@dataclass(slots=True)
class OnceReport:
    # Not in the repr: asyncio may show the result of the task that returned it.
    polls: list[PollReport] = field(default_factory=list, repr=False)
    # Why the polls could not be stored (a full disk, a database server down): each
    # poll's transaction was rolled back, and nothing was delivered.
    unstored: str | None = None
    # Alerts that could not be delivered yet; they stay queued.
    undelivered: int = 0


async def poll_once(app: App, companies: Sequence[Company]) -> OnceReport:
    """Poll these companies (the enabled ones), then deliver what is due, back-off
    or not."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    await app.poller.prefetch(app.config.companies)

    async def poll(company: Company) -> PollReport:
        async with gate:
            return await app.poller.poll(company)

    outcomes = await asyncio.gather(
        *(poll(c) for c in companies if c.enabled), return_exceptions=True
    )
    report = OnceReport()
    for outcome in outcomes:
        if isinstance(outcome, SQLAlchemyError):
            report.unstored = report.unstored or logs.first_line(outcome)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            report.polls.append(outcome)
    if report.unstored is None:
        report.undelivered = (await app.notifier.drain(ignore_backoff=True)).failed
    return report
