"""One board between two polls: what the fetch brought back and what is kept of it.

``BoardResult`` is what fetching a board gave (fetch/board.py makes it);
``BoardState`` is the board's stored poll state (storage/boards.py reads and writes
it); core/decide.py turns the one and the other into the next state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from secondchance.core.models import BoardSpec, Posting, SourceRef


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said about the last body, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


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
    # False when paging stopped early (page cap, a server repeating pages): what is
    # missing may just be unread, so nothing may be closed from it.
    complete: bool = True
    seconds: float = 0.0


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

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.company, self.kind, self.board)
