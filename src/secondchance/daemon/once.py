"""One poll of the watchlist, then delivery: what `secondchance once` does."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from secondchance import logs
from secondchance.core.board import Outcome
from secondchance.core.watchlist import Company
from secondchance.core.wording import plural
from secondchance.daemon.app import App
from secondchance.daemon.poller import PollReport

# Companies in flight at once: memory stays flat on a long watchlist (each holds its
# decoded boards until they are stored).
IN_FLIGHT = 16
# The order a summary counts the outcomes in.
_ORDER = (Outcome.UNCHANGED, Outcome.CHANGED, Outcome.BASELINE, Outcome.HELD, Outcome.FAILED)


@dataclass(slots=True)
class OnceReport:
    # Not in the repr: asyncio may show the result of the task that returned it.
    polls: list[PollReport] = field(default_factory=list, repr=False)
    # Why the polls could not be stored (a full disk, a database server down): each
    # poll's transaction was rolled back, and nothing was delivered.
    unstored: str | None = None
    # Alerts that could not be delivered yet; they stay queued.
    undelivered: int = 0
    # Deliveries made (an alert sent to two channels is two), earlier ones' included.
    sent: int = 0

    def summary(self) -> str:
        """One line for the end of `once`: "12 boards: 10 unchanged, 1 changed, 1 failed
        · 3 alerts queued, 3 sent"."""
        outcomes: Counter[Outcome] = Counter()
        for poll in self.polls:
            outcomes += poll.outcomes
        boards = sum(len(poll.boards) for poll in self.polls)
        counted = [f"{outcomes[o]} {o.value}" for o in _ORDER if outcomes[o]]
        line = f"{plural(boards, 'board')}" + (f": {', '.join(counted)}" if counted else "")
        if self.unstored is not None:  # every poll rolled back: there is nothing to count
            return f"the poll could not be stored, so nothing changed: {self.unstored}"
        queued = sum(len(poll.alerts) for poll in self.polls)
        line += f" · {plural(queued, 'alert')} queued, {self.sent} sent"
        if self.undelivered:
            line += f", {self.undelivered} not delivered yet (kept for the next try)"
        return line


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
        drained = await app.notifier.drain(ignore_backoff=True)
        report.undelivered, report.sent = drained.failed, drained.sent
    return report
