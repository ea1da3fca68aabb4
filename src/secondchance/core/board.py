"""One board between two polls: what the fetch brought back and what is kept of it.

``BoardResult`` is what fetching a board gave (fetch/board.py makes it), and, once
decided, what its poll came to (``outcome``); ``BoardState`` is the board's stored poll
state (storage/boards.py reads and writes it); core/decide.py turns the one and the
other into the next state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from secondchance.core.models import BoardSpec, Posting, SourceRef


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said about the last body, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


class Outcome(StrEnum):
    """What one poll of a board came to, as a summary counts it ("10 unchanged")."""

    # The first successful poll: the postings recorded, nothing alerted.
    BASELINE = "baseline"
    # Nothing about the postings was stored: the same body, or the same postings
    # (a removal or an emptied field waiting for the next poll's confirmation counts
    # as nothing yet).
    UNCHANGED = "unchanged"
    # A posting difference was stored: one added, reopened, closed, or any of its
    # fields updated (alerted or not: a filter, a silent field such as a date).
    CHANGED = "changed"
    # The board answered but shrank suspiciously: the snapshot is held (new postings
    # are still recorded), the board reported instead of its removals.
    HELD = "held"
    # The poll failed (the fetch, the body, a page cut short): the snapshot is untouched.
    FAILED = "failed"


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
    # False when paging stopped early (page cap, a server repeating pages) or a
    # posting could not be read: what is missing may just be unread, so nothing may
    # be closed from it.
    complete: bool = True
    # Why paging stopped early ("stopped after 50 pages"), for the poll's line.
    stopped: str | None = None
    # Postings left out because they could not be read, by reason ("no title": 2).
    skipped: dict[str, int] = field(default_factory=dict)
    # For an HTML page: whether it ended with </html> (None: not HTML, or not read).
    ends_html: bool | None = None
    # The version of how the board's kind reads a body (Source.reader).
    reader: int = 1
    seconds: float = 0.0
    # What the poll came to, once decided and stored (the poller sets it).
    outcome: Outcome | None = None


@dataclass(slots=True)
class BoardState:
    """One board's stored poll state: a row of ``sources``, field for column."""

    id: int
    company: str
    kind: str
    board: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    pages: int = 0
    baseline_done: bool = False
    attempts: int = 0
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_result: str | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    failing_alerted: bool = False
    collapse_streak: int = 0
    open_count: int = 0
    missing: int = 0
    page_validators: str | None = None
    # Whether the page ended with </html> when last read (None: not known, not HTML):
    # a page that did and no longer does was cut short.
    ended_html: bool | None = None
    # The Source.reader the snapshot's text was read with.
    reader: int = 1

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.company, self.kind, self.board)
