"""One poll of one company: fetch every board, diff, and store + queue alerts.

Fetching is concurrent and async; the read-diff-write runs in one database
transaction on the store's thread, so the snapshot and its alerts land together
or not at all (an abandoned poll leaves no half-written snapshot). Companies
whose fetches finish while the database is busy are written together, in one
transaction per batch: a thousand-company `once` makes tens of commits, not a
thousand.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
import orjson
from sqlalchemy.orm import Session

from secondchance import logs
from secondchance.config import Company, Config
from secondchance.core.classify import classify, cooldowns_over, rejection_context
from secondchance.core.diff import (
    Health,
    Known,
    Policy,
    SourceDiff,
    Status,
    after_collapse,
    after_failure,
    after_success,
    diff_source,
    find_reposts,
)
from secondchance.core.matching import best_match
from secondchance.core.models import Alert, Change, ChangeKind, Posting, SourceRef
from secondchance.daemon import metrics
from secondchance.delivery.notify import queue_channels
from secondchance.fetch.client import Fetcher, NotFound, Response, Validators
from secondchance.sources import SOURCES, BoardSpec, Request, SourceError
from secondchance.storage import boards as boardstate
from secondchance.storage import snapshot
from secondchance.storage.boards import BoardState
from secondchance.storage.store import Store, now

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BoardResult:
    """What fetching one board gave: postings, "unchanged", or an error."""

    spec: BoardSpec
    ref: SourceRef
    postings: list[Posting] = field(default_factory=list)
    unchanged: bool = False
    error: str | None = None
    not_found: bool = False
    validators: Validators | None = None
    body_hash: str | None = None
    pages: int = 0
    # A paged board's requests and validators (JSON), for the next poll's replay.
    pages_log: str | None = None
    # False when paging stopped early (page cap, a server repeating pages):
    # what is missing may just be unread, so nothing may be closed from it.
    complete: bool = True
    seconds: float = 0.0


@dataclass(slots=True)
class PollReport:
    company: str
    boards: list[BoardResult]
    alerts: list[Alert]

    @property
    def failed(self) -> list[BoardResult]:
        return [b for b in self.boards if b.error is not None]


def policy_of(config: Config) -> Policy:
    s = config.settings
    return Policy(
        close_after=s.close_after,
        collapse_accept_after=s.collapse_accept_after,
        announce_existing=s.announce_existing,
    )


async def fetch_board(
    fetcher: Fetcher,
    spec: BoardSpec,
    endpoints: Mapping[str, str],
    ref: SourceRef,
    prior: BoardState | None = None,
) -> BoardResult:
    """Fetch and parse every page of one board; never raises for board trouble."""
    source = SOURCES[spec.kind]
    started = time.monotonic()
    result = BoardResult(spec=spec, ref=ref)
    # A single-page board asks with its validators; a paged one replays its pages.
    conditional = prior is not None and prior.baseline_done and prior.pages == 1
    validators = Validators(prior.etag, prior.last_modified) if conditional and prior else None
    digest = hashlib.sha256()
    pages_log: list[dict[str, Any]] = []
    try:
        first = source.first_request(spec, endpoints)
        request: Request | None = first
        reuse: Response | None = None
        plan = replay_plan(prior, first)
        if plan is not None and prior is not None:
            changed, reuse = await _replay(fetcher, plan)
            if not changed:
                # Every page answered 304: the board is as it was.
                result.unchanged = True
                result.pages = prior.pages
                result.body_hash = prior.body_hash
                result.pages_log = prior.page_validators
                result.seconds = time.monotonic() - started
                return result
        seen_urls: set[str] = set()
        seen_ids: set[str] = set()
        while request is not None:
            if result.pages >= source.max_pages:
                log.warning(
                    "%s %s: stopped after %d pages; postings beyond them are not watched",
                    ref.company,
                    ref.label,
                    result.pages,
                )
                result.complete = False
                break
            seen_urls.add(request.url + repr(request.json_body))
            if reuse is not None:
                response, reuse = reuse, None
            else:
                response = await fetcher.fetch(request, validators if result.pages == 0 else None)
            if response.not_modified:
                result.unchanged = True
                result.validators = validators
                break
            # The digest of the wire bytes: an unchanged body is skipped before
            # it is even decompressed.
            digest.update(response.digest)
            pages_log.append(page_entry(request, response.validators))
            if result.pages == 0:
                result.validators = response.validators
                single = digest.copy().hexdigest()
                if conditional and prior is not None and single == prior.body_hash:
                    result.unchanged = True
                    result.body_hash = single
                    result.pages = 1
                    break
            page = source.parse(spec, request, response.body)
            result.pages += 1
            postings = page.postings
            ids = {p.id for p in postings}
            if any(len(i) > MAX_POSTING_ID or "\x00" in i for i in ids):
                postings = [_bounded(p) for p in postings]
                ids = {p.id for p in postings}
            if result.pages > 1 and ids and ids <= seen_ids:
                # A server that ignores or clamps the offset serves pages again.
                result.complete = False
                break
            seen_ids |= ids
            result.postings.extend(postings)
            request = page.next
            if request is not None and request.url + repr(request.json_body) in seen_urls:
                result.complete = False
                break
        if not result.unchanged:
            result.body_hash = digest.hexdigest()
            if result.pages > 1 and result.complete:
                if all(e["etag"] or e["last_modified"] for e in pages_log):
                    result.pages_log = orjson.dumps(pages_log).decode()
                if (
                    prior is not None
                    and prior.baseline_done
                    and prior.body_hash == result.body_hash
                ):
                    # Same bytes on every page (a server without validators): nothing
                    # to diff or store.
                    result.unchanged = True
                    result.postings = []
    except NotFound as exc:
        result.error = f"{spec.kind} board {spec.key!r} {exc}"
        result.not_found = True
    except SourceError as exc:
        result.error = str(exc) or type(exc).__name__
    except Exception as exc:  # a parser bug must fail one board, not the daemon
        log.exception("unexpected error polling %s %s", ref.company, ref.label)
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    return result


# postings.posting_id holds this many characters; a longer id (a careers page
# whose links carry kilobytes of tracking parameters) is stored as its hash, and
# so is one with a NUL in it, which PostgreSQL cannot store.
MAX_POSTING_ID = 1000


def _bounded(posting: Posting) -> Posting:
    if len(posting.id) <= MAX_POSTING_ID and "\x00" not in posting.id:
        return posting
    digest = hashlib.sha256(posting.id.encode()).hexdigest()
    return msgspec.structs.replace(posting, id=f"sha256:{digest}")


def page_entry(request: Request, validators: Validators) -> dict[str, Any]:
    """One page of a paged board as stored for the next poll's replay."""
    return {
        "url": request.url,
        "method": request.method,
        "json": request.json_body,
        "headers": [list(header) for header in request.headers],
        "expect": request.expect,
        "etag": validators.etag,
        "last_modified": validators.last_modified,
    }


def replay_plan(
    prior: BoardState | None, first: Request
) -> list[tuple[Request, Validators]] | None:
    """The requests and validators of a paged board's last complete fetch, if
    every page had validators and the board still starts where it did."""
    if prior is None or not prior.baseline_done or prior.pages < 2 or not prior.page_validators:
        return None
    try:
        entries = orjson.loads(prior.page_validators)
        plan = [
            (
                Request(
                    url=e["url"],
                    method=e["method"],
                    json_body=e["json"],
                    headers=tuple((str(k), str(v)) for k, v in e["headers"]),
                    expect=e["expect"],
                    page=index,
                ),
                Validators(e["etag"], e["last_modified"]),
            )
            for index, e in enumerate(entries)
        ]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None  # an unreadable log costs one full fetch, nothing else
    if not plan or any(not (v.etag or v.last_modified) for _, v in plan):
        return None
    start = plan[0][0]
    if (start.url, start.method, start.json_body) != (first.url, first.method, first.json_body):
        return None  # the endpoint or board moved (a watchlist edit)
    return plan


async def _replay(
    fetcher: Fetcher, plan: Sequence[tuple[Request, Validators]]
) -> tuple[bool, Response | None]:
    """Ask for every page with its validators: (changed, first page to reuse).

    If any page changed, the whole board is fetched again (a 304 page has no
    content to parse); a changed first page is handed back so it is not asked
    for twice."""
    for index, (request, validators) in enumerate(plan):
        response = await fetcher.fetch(request, validators)
        if not response.not_modified:
            return True, (response if index == 0 else None)
    return False, None


# Companies written per transaction at most: bounds the work a failed batch
# repeats one company at a time, and how long one transaction holds the lock.
MAX_BATCH = 64


@dataclass(slots=True)
class _Read:
    """A company waiting for its source rows to be read before its poll."""

    company: str
    rows: dict[SourceRef, BoardState] | None = None
    error: BaseException | None = None


@dataclass(slots=True)
class _Write:
    """A company's fetched boards waiting for the database thread."""

    company: Company
    boards: list[BoardResult]
    alerts: list[Alert] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


class Poller:
    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        channels: Callable[[Company], Sequence[str]] | None = None,
    ):
        self.config = config
        self.store = store
        self.fetcher = fetcher
        # Which delivery channels a company's alerts are queued for (tags).
        self.channels = channels or (lambda company: queue_channels(self.config, company))
        self.policy = policy_of(config)
        # Source rows read ahead by prefetch(), each used once.
        self._prior: dict[str, dict[SourceRef, BoardState]] = {}
        # Fetched companies not yet written; appended on the event loop, taken
        # on the database thread (deque appends and pops are atomic).
        self._writes: deque[_Write] = deque()
        # Companies waiting for their source rows, read together the same way.
        self._reads: deque[_Read] = deque()

    def update(self, config: Config) -> None:
        self.config = config
        self.policy = policy_of(config)

    async def prefetch(self) -> None:
        """Read every company's source rows in one query, for a poll of them all
        (`once`): a thousand companies need not make a thousand reads first."""
        rows = await self.store.call(self._read_all)
        self._prior = {company.name: {} for company in self.config.companies}
        for ref, row in rows.items():
            self._prior.setdefault(ref.company, {})[ref] = row

    async def poll(self, company: Company) -> PollReport:
        refs = [SourceRef(company.name, b.kind, b.key) for b in company.boards]
        prior = self._prior.pop(company.name, None)
        if prior is None:
            prior = await self._read(company.name)
        boards = await asyncio.gather(
            *(
                fetch_board(self.fetcher, spec, self.config.endpoints, ref, prior.get(ref))
                for spec, ref in zip(company.boards, refs, strict=True)
            )
        )
        write = _Write(company, list(boards))
        self._writes.append(write)
        await self.store.call(self._write_queued, write)
        if write.error is not None:
            raise write.error
        if not write.done:  # only if the batch it was in died of a BaseException
            raise RuntimeError(f"the poll of {company.name} was not stored")
        alerts = write.alerts
        self._measure(company, boards, alerts)
        for board in boards:
            # Stored now: holding every board's postings until the end of a
            # thousand-board poll would make memory grow with the watchlist.
            board.postings = []
        return PollReport(company.name, list(boards), alerts)

    def _measure(
        self, company: Company, boards: Sequence[BoardResult], alerts: Sequence[Alert]
    ) -> None:
        for board in boards:
            result = "failed" if board.error else "unchanged" if board.unchanged else "ok"
            metrics.POLLS.labels(board.ref.kind, result).inc()
            metrics.POLL_SECONDS.labels(board.ref.kind).observe(board.seconds)
            if board.error:
                metrics.FAILURES.labels(board.ref.kind).inc()
        for alert in alerts:
            metrics.ALERTS_QUEUED.labels(alert.kind).inc()

    async def _read(self, company: str) -> dict[SourceRef, BoardState]:
        read = _Read(company)
        self._reads.append(read)
        await self.store.call(self._read_queued, read)
        if read.error is not None:
            raise read.error
        if read.rows is None:  # only if its batch died of a BaseException
            raise RuntimeError(f"the source rows of {company} were not read")
        return read.rows

    def _read_queued(self, read: _Read) -> None:
        """On the database thread: read the rows of every company waiting, in
        one query, until ``read`` is served. When a daemon's polls come due
        together (a start, a wake from sleep, no jitter), a thousand reads, each a
        transaction, become a few."""
        while read.rows is None and read.error is None and self._reads:
            batch = [self._reads.popleft() for _ in range(min(len(self._reads), 500))]
            try:
                with self.store.engine.connect() as connection:
                    rows = boardstate.read_companies(connection, [r.company for r in batch])
            except Exception as exc:
                for item in batch:
                    item.error = exc
                return
            by_company: dict[str, dict[SourceRef, BoardState]] = {}
            for ref, row in rows.items():
                by_company.setdefault(ref.company, {})[ref] = row
            for item in batch:
                # Each poll its own mapping: one company may wait twice.
                item.rows = dict(by_company.get(item.company, {}))

    def _read_all(self) -> dict[SourceRef, BoardState]:
        with self.store.engine.connect() as connection:
            return boardstate.read_all(connection)

    # -- the one transaction -------------------------------------------------------

    def _write_queued(self, write: _Write) -> None:
        """On the database thread: write every queued company, in batches,
        until ``write`` is done (an earlier call may already have taken it)."""
        while not write.done and self._writes:
            batch: list[_Write] = []
            names: set[str] = set()
            # A company twice in one batch would be diffed twice against one read of
            # its snapshot; its second poll waits for the next batch.
            while self._writes and len(batch) < MAX_BATCH:
                if self._writes[0].company.name in names:
                    break
                batch.append(self._writes.popleft())
                names.add(batch[-1].company.name)
            self._write_batch(batch)

    def _write_batch(self, batch: list[_Write]) -> None:
        try:
            with self.store.sessions.begin() as session:
                results = self._apply_all(session, batch)
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error, batch[0].done = exc, True
                return
            # One company's trouble (a lock conflict, a constraint) must not fail
            # the others: each gets a transaction of its own.
            log.warning(
                "writing %d companies one at a time after their batch failed: %s",
                len(batch),
                f"{type(exc).__name__}: {logs.first_line(exc)}",
            )
            for item in batch:
                self._write_batch([item])
            return
        for item, alerts in zip(batch, results, strict=True):
            item.alerts, item.done = alerts, True

    def _apply_all(self, session: Session, batch: list[_Write]) -> list[list[Alert]]:
        at = now()
        rows = boardstate.lock(
            session,
            list(dict.fromkeys(item.company.name for item in batch)),
            [board.ref for item in batch for board in item.boards],
        )
        # Load only what can change: a board that answered "unchanged" with
        # nothing pending confirmation has nothing to diff, and a board seen for
        # the first time has nothing stored.
        polled = [board for item in batch for board in item.boards]
        load = [
            rows[b.ref].id
            for b in polled
            if not rows[b.ref].new and not self._quiet(b, rows[b.ref])
        ]
        loaded = snapshot.load_known(session, load)
        by_company: dict[str, dict[SourceRef, BoardState]] = {}
        for ref, row in rows.items():
            by_company.setdefault(ref.company, {})[ref] = row
        results = [
            self._apply(session, item.company, item.boards, by_company, loaded, at)
            for item in batch
        ]
        boardstate.write(session, [rows[b.ref] for b in polled])
        return results

    @staticmethod
    def _quiet(board: BoardResult, row: BoardState) -> bool:
        return (
            board.error is None
            and board.unchanged
            and row.baseline_done
            and row.missing == 0
            and row.collapse_streak == 0
        )

    def _apply(
        self,
        session: Session,
        company: Company,
        boards: list[BoardResult],
        by_company: Mapping[str, dict[SourceRef, BoardState]],
        loaded: Mapping[int, dict[str, Known]],
        at: datetime,
    ) -> list[Alert]:
        queued: list[Alert] = []
        rows = by_company[company.name]
        quiet = {b.ref for b in boards if self._quiet(b, rows[b.ref])}
        live = [rows[b.ref] for b in boards]
        known: dict[SourceRef, dict[str, Known]] = {
            row.ref: loaded.get(row.id, {}) for row in live if row.ref not in quiet
        }
        diffs: list[SourceDiff] = []
        baselines = {ref: not row.baseline_done for ref, row in rows.items()}
        events: list[tuple[BoardState, Change]] = []
        for board in boards:
            row = rows[board.ref]
            row.attempts += 1
            row.last_poll_at = at
            health = Health(row.consecutive_failures, row.failing_alerted)
            if board.error is not None:
                self._log_failure(row, board)
                health, change = after_failure(
                    health, board.ref, board.error, self.config.settings.failure_alert_after
                )
                row.last_result, row.last_error = "failed", board.error
                if change:
                    events.append((row, change))
            elif board.ref in quiet:
                health, change = after_success(health, board.ref)
                row.last_result, row.last_error = "unchanged", None
                row.last_success_at = at
                if change:
                    events.append((row, change))
            else:
                observed = board.postings
                if board.unchanged:
                    observed = [
                        k.posting
                        for k in known[board.ref].values()
                        if k.status is Status.OPEN and k.misses == 0
                    ]
                diff = diff_source(
                    board.ref,
                    known[board.ref],
                    observed,
                    self.policy,
                    baseline=not row.baseline_done,
                    collapse_streak=row.collapse_streak,
                    complete=board.complete,
                )
                diffs.append(diff)
                if diff.collapsed:
                    row.collapse_streak += 1
                    row.last_result = "suspect"
                    row.last_error = f"board shrank from {diff.previous_count} to {len(diff.seen)}"
                    # Forget validators: a 304 next time must not hide the shrink.
                    row.etag = row.last_modified = row.body_hash = None
                    row.page_validators = None
                    if diff.quiet:
                        change = None
                        log.info(
                            "%s %s: lists no postings (had %d); holding the snapshot for up "
                            "to %d polls before they count as gone",
                            company.name,
                            board.ref.label,
                            diff.previous_count,
                            self.policy.collapse_accept_after - 1,
                        )
                    else:
                        health, change = after_collapse(
                            health, board.ref, diff.previous_count, len(diff.seen)
                        )
                        log.warning(
                            "%s %s: board shrank from %d to %d postings; holding the snapshot",
                            company.name,
                            board.ref.label,
                            diff.previous_count,
                            len(diff.seen),
                        )
                else:
                    row.collapse_streak = 0
                    health, change = after_success(health, board.ref)
                    row.last_result = "unchanged" if board.unchanged else "ok"
                    row.last_error = None
                    if board.validators is not None:
                        row.etag = board.validators.etag
                        row.last_modified = board.validators.last_modified
                    row.body_hash = board.body_hash
                    row.pages = board.pages
                    row.page_validators = board.pages_log
                row.baseline_done = True
                row.last_success_at = at
                if change:
                    events.append((row, change))
            row.consecutive_failures = health.consecutive_failures
            row.failing_alerted = health.alerted

        if any(c.kind is ChangeKind.NEW for d in diffs for c in d.changes):
            # Reposts are looked for across the company, closed roles included.
            others = [row for row in rows.values() if row.ref not in known]
            closed = snapshot.load_known(session, [r.id for r in others], closed_only=True)
            history = {**{r.ref: closed[r.id] for r in others}, **known}
        else:
            history = known
        find_reposts(diffs, history, self._same_rejected_role(company))
        by_ref = {row.ref: row for row in rows.values()}
        threshold = self.config.settings.role_match
        for diff in diffs:
            row = by_ref[diff.source]
            snapshot.write_diff(session, row.id, known[diff.source], diff, at)
            row.open_count = diff.open_count
            row.missing = sum(1 for misses in diff.missed.values() if misses > 0)
            for change in classify(diff.changes, company, threshold):
                events.append((row, change))
            self._log_success(diff, boards, baseline=baselines.get(diff.source, False))
        channels = self.channels(company)
        queued.extend(Store.queue_many(session, events, channels, at))
        queued.extend(
            self._cooldowns(session, company, [r.id for r in rows.values()], channels, at)
        )
        metrics.POSTINGS_OPEN.labels(company.name).set(sum(rows[b.ref].open_count for b in boards))
        return queued

    def _same_rejected_role(self, company: Company) -> Callable[[str, str], bool] | None:
        """Two titles that both match the same rejected role are one role."""
        roles = [r.role for r in company.rejections]
        if not roles:
            return None
        threshold = self.config.settings.role_match

        def same(a: str, b: str) -> bool:
            first, second = best_match(a, roles, threshold), best_match(b, roles, threshold)
            return first is not None and second is not None and first[0] == second[0]

        return same

    def _cooldowns(
        self,
        session: Session,
        company: Company,
        source_ids: Sequence[int],
        channels: Sequence[str],
        at: datetime,
    ) -> list[Alert]:
        """One alert per rejection, on the day its reapply cool-down ends,
        listing what is open now that passes the company's filter."""
        today = at.astimezone(self.config.policy.tz).date()
        over = cooldowns_over(company, today)
        if not over:
            return []
        open_now = snapshot.open_postings(session, source_ids)
        # In a set order: rows come back in whatever order the backend keeps them.
        wanted = sorted(
            (p for p in open_now if company.passes(p)), key=lambda p: (p.title.casefold(), p.id)
        )
        listing = "\n".join(
            f"{p.title} — {p.location}  {p.url or ''}".rstrip() for p in wanted[:20]
        )
        queued = []
        for rejection in over:
            extra = rejection_context(rejection)
            extra["open_postings"] = str(len(wanted))
            if listing:
                extra["listing"] = listing
            alert = Store.queue_company_alert(
                session,
                key=f"cooldown|{company.name}|{rejection.role}|{rejection.date.isoformat()}",
                company=company.name,
                kind=ChangeKind.COOLDOWN_OVER.value,
                title=rejection.role,
                detail=f"you may apply again since {rejection.cooldown_ends}",
                extra=extra,
                channels=channels,
                at=at,
            )
            if alert is not None:
                queued.append(alert)
        return queued

    def _log_failure(self, row: BoardState, board: BoardResult) -> None:
        streak = row.consecutive_failures + 1
        if streak == 1 or row.last_error != board.error:
            log.warning("%s %s: poll failed: %s", row.company, board.ref.label, board.error)
        else:
            log.info(
                "%s %s: still failing (%d in a row): %s",
                row.company,
                board.ref.label,
                streak,
                board.error,
            )

    @staticmethod
    def _log_success(diff: SourceDiff, boards: Sequence[BoardResult], *, baseline: bool) -> None:
        board = next(b for b in boards if b.ref == diff.source)
        if baseline:
            log.info(
                "%s %s: first poll, %d open posting(s) recorded; alerts start from the next "
                "change (%.2fs)",
                diff.source.company,
                diff.source.label,
                len(diff.seen),
                board.seconds,
            )
            return
        counts: dict[str, int] = {}
        for change in diff.changes:
            counts[change.kind.value] = counts.get(change.kind.value, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in counts.items()) or "no changes"
        state = "unchanged" if board.unchanged else f"{len(diff.seen)} listed"
        log.info(
            "%s %s: %s, %d open, %s (%.2fs)",
            diff.source.company,
            diff.source.label,
            state,
            diff.open_count,
            summary,
            board.seconds,
        )
