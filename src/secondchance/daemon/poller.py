"""One poll of one company: read its boards' state, fetch them, decide, store.

The I/O around core/decide.py: the boards are fetched concurrently on the event loop;
the read-decide-write runs in one transaction on the store's thread, so the snapshot
and the alerts it raises land together or not at all (an abandoned poll leaves no
half-written snapshot). Companies whose fetches finish while the database is busy are
written together, one transaction per batch (daemon/batches.py): a thousand-company
`once` makes tens of commits, not a thousand. Each board's poll is told in one line
(core/lines.py), written once its transaction has committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo

from sqlalchemy import Connection

from secondchance import metrics
from secondchance.core import drafts
from secondchance.core.board import BoardResult, BoardState, Outcome
from secondchance.core.classify import cooldown_drafts, cooldowns_over
from secondchance.core.decide import (
    BoardDecision,
    Rules,
    decide_board,
    is_quiet,
    needs_history,
    settle,
)
from secondchance.core.lines import Note, poll_line
from secondchance.core.models import Alert, Change, ChangeKind, SourceRef
from secondchance.core.watchlist import Company
from secondchance.daemon.batches import Batches
from secondchance.fetch.board import fetch_board
from secondchance.fetch.client import Fetcher
from secondchance.storage import boards, outbox, snapshot
from secondchance.storage.database import Store

log = logging.getLogger(__name__)

# Companies written per transaction at most: bounds the work a failed batch repeats
# one company at a time, and how long one transaction holds the lock.
MAX_BATCH = 64
# Companies whose boards' state is read per query, when their polls come due together.
MAX_READS = 500


@dataclass(frozen=True, slots=True)
class PollSettings:
    """What a poll needs of the watchlist."""

    rules: Rules
    # Base URLs of the boards' APIs ([settings.endpoints]).
    endpoints: Mapping[str, str]
    # Whose calendar day a cool-down ends on.
    tz: tzinfo
    # The delivery channels an alert of a kind (the second argument) about a company is
    # queued for (delivery/channels.py's route): none when every channel mutes it.
    channels: Callable[[Company, str], Sequence[str]]


@dataclass(slots=True)
class PollReport:
    """One company's poll: each board's result (``BoardResult.outcome`` says what its
    poll came to) and the alerts it queued."""

    company: str
    boards: list[BoardResult]
    alerts: list[Alert]

    @property
    def failed(self) -> list[BoardResult]:
        return [b for b in self.boards if b.error is not None]

    @property
    def outcomes(self) -> Counter[Outcome]:
        """How many boards came to each outcome (0 for one none came to)."""
        return Counter(b.outcome for b in self.boards if b.outcome is not None)


@dataclass(slots=True)
class _Fetched:
    """A company's fetched boards, on their way to the database thread."""

    company: Company
    boards: list[BoardResult]


@dataclass(slots=True)
class _Stored:
    """A company's poll as stored: the alerts queued, and each board's line."""

    alerts: list[Alert]
    lines: list[Note] = field(default_factory=list)


class Poller:
    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        settings: PollSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        # Boards' states read ahead by prefetch(), each used once.
        self._prior: dict[str, dict[SourceRef, BoardState]] = {}
        self.reads: Batches[str, dict[SourceRef, BoardState]] = Batches(
            store, self._read_batch, key=lambda name: name, size=MAX_READS, what="reading boards"
        )
        self.writes: Batches[_Fetched, _Stored] = Batches(
            store,
            self._write_batch,
            key=lambda item: item.company.name,
            size=MAX_BATCH,
            what="storing polls",
        )

    def update(self, settings: PollSettings) -> None:
        self.settings = settings

    async def prefetch(self, companies: Sequence[Company]) -> None:
        """Read every board's state in one query, for a poll of them all (`once`): a
        thousand companies need not make a thousand reads first."""
        states = await self.store.read(boards.read_all)
        self._prior = {company.name: {} for company in companies}
        for ref, state in states.items():
            self._prior.setdefault(ref.company, {})[ref] = state

    async def poll(self, company: Company) -> PollReport:
        prior = self._prior.pop(company.name, None)
        if prior is None:
            prior = await self.reads.submit(company.name)
        fetched = list(
            await asyncio.gather(
                *(
                    fetch_board(self.fetcher, spec, self.settings.endpoints, ref, prior.get(ref))
                    for spec in company.boards
                    for ref in [SourceRef(company.name, spec.kind, spec.key)]
                )
            )
        )
        stored = await self.writes.submit(_Fetched(company, fetched))
        # Committed: now the lines are true (a batch done again after a failure
        # would otherwise have told its polls twice).
        for level, line in stored.lines:
            log.log(level, "%s", line)
        self._measure(fetched, stored.alerts)
        for board in fetched:
            # Stored now: holding every board's postings until the end of a
            # thousand-board poll would make memory grow with the watchlist.
            board.postings = []
        return PollReport(company.name, fetched, stored.alerts)

    def _read_batch(self, names: list[str]) -> list[dict[SourceRef, BoardState]]:
        """On the database thread: the states of these companies' boards, in one query."""
        states = self.store.read_now(boards.read_companies, names)
        by_company: dict[str, dict[SourceRef, BoardState]] = {name: {} for name in names}
        for ref, state in states.items():
            by_company[ref.company][ref] = state
        return [by_company[name] for name in names]

    def _write_batch(self, batch: list[_Fetched]) -> list[_Stored]:
        """On the database thread: these companies' polls, decided and stored in one
        transaction."""
        return self.store.write_now(self._store_polls, batch)

    def _store_polls(self, connection: Connection, batch: list[_Fetched]) -> list[_Stored]:
        at = self.clock()
        rules = self.settings.rules
        states, created = boards.lock(
            connection,
            [item.company.name for item in batch],
            [board.ref for item in batch for board in item.boards],
        )
        # Read only what can change: a board seen for the first time has nothing
        # stored, and one that answered "unchanged" with nothing pending cannot change.
        polled = [(states[board.ref], board) for item in batch for board in item.boards]
        load = [s.id for s, board in polled if s.id not in created and not is_quiet(s, board)]
        known = snapshot.load_known(connection, load)
        results: list[_Stored] = []
        stored: list[BoardState] = []
        for item in batch:
            decisions = []
            for board in item.boards:
                state = states[board.ref]
                loaded = known.get(state.id, {}) if not is_quiet(state, board) else None
                decisions.append(decide_board(state, board, loaded, rules, at))
            results.append(self._store_company(connection, item.company, decisions, states, at))
            stored += [decision.state for decision in decisions]
        boards.write(connection, stored)
        return results

    def _store_company(
        self,
        connection: Connection,
        company: Company,
        decisions: list[BoardDecision],
        states: Mapping[SourceRef, BoardState],
        at: datetime,
    ) -> _Stored:
        polled = {decision.state.ref for decision in decisions if decision.known is not None}
        others = [s for s in states.values() if s.company == company.name and s.ref not in polled]
        history = {}
        if needs_history(decisions):
            # A repost is recognised across the company's boards, closed roles included.
            closed = snapshot.load_known(connection, [s.id for s in others], closed_only=True)
            history = {s.ref: closed[s.id] for s in others}
        events = settle(company, decisions, history, self.settings.rules)
        for decision in decisions:
            if decision.diff is not None and decision.known is not None:
                snapshot.write_diff(
                    connection, decision.state.id, decision.known, decision.diff, at
                )
        channels = self.settings.channels
        events = _with_dates(connection, events)
        queued = [
            drafts.of_change(state, change, channels(company, change.kind.value))
            for state, change in events
        ]
        today = at.astimezone(self.settings.tz).date()
        if cooldowns_over(company, today):
            ids = [s.id for s in states.values() if s.company == company.name]
            open_now = snapshot.open_postings(connection, ids)
            over = channels(company, ChangeKind.COOLDOWN_OVER.value)
            queued += cooldown_drafts(company, today, open_now, over)
        metrics.POSTINGS_OPEN.labels(company.name).set(sum(d.state.open_count for d in decisions))
        alerts = outbox.queue(connection, queued, at)
        by_board: dict[SourceRef, list[str]] = {}
        for alert in alerts:
            ref = SourceRef(alert.company, alert.source_kind, alert.source_board)
            by_board.setdefault(ref, []).append(alert.kind)
        stored = _Stored(alerts)
        for decision in decisions:
            board = decision.fetched
            board.outcome = decision.outcome
            board.error = decision.error  # a verdict on what was fetched (a page cut short)
            stored.lines.append(poll_line(decision, by_board.get(board.ref, ())))
        return stored

    @staticmethod
    def _measure(fetched: Sequence[BoardResult], alerts: Sequence[Alert]) -> None:
        for board in fetched:
            result = "failed" if board.error else "unchanged" if board.unchanged else "ok"
            metrics.POLLS.labels(board.ref.kind, result).inc()
            metrics.POLL_SECONDS.labels(board.ref.kind).observe(board.seconds)
            if board.error:
                metrics.FAILURES.labels(board.ref.kind).inc()
        for alert in alerts:
            metrics.ALERTS_QUEUED.labels(alert.kind).inc()


def _with_dates(
    connection: Connection, events: Sequence[tuple[BoardState, Change]]
) -> list[tuple[BoardState, Change]]:
    """The dates an alert's next step tells: when a closed posting was first seen
    (so how long it was open), since when a failing board has not answered
    normally."""
    closed = [
        (state.id, change.posting.id)
        for state, change in events
        if change.kind is ChangeKind.CLOSED and change.posting is not None
    ]
    seen = snapshot.first_seen(connection, closed)
    out = []
    for state, change in events:
        extra = dict(change.extra)
        if change.kind is ChangeKind.CLOSED and change.posting is not None:
            first = seen.get((state.id, change.posting.id))
            if first is not None:
                extra["first_seen"] = first.date().isoformat()
        elif change.kind is ChangeKind.SOURCE_FAILING and state.last_success_at is not None:
            extra["since"] = state.last_success_at.date().isoformat()
        out.append((state, replace(change, extra=extra) if extra != change.extra else change))
    return out
