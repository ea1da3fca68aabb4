"""What the watchlist says about a company, as the rules read it: its boards, the
rejections that bring it there, its filter and where its alerts go.

Plain frozen values; config/ reads them from the TOML and checks them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from secondchance.core.durations import add_to_date
from secondchance.core.filters import CompiledFilter, Filter
from secondchance.core.models import BoardSpec, Posting


@dataclass(frozen=True, slots=True)
class Rejection:
    """One time the company turned the user down."""

    role: str
    date: dt.date
    stage: str | None = None
    # Kept as written: months and years are calendar months and years.
    reapply_after: str | float | None = None
    contact: str | None = None
    notes: str | None = None

    @property
    def cooldown_ends(self) -> dt.date | None:
        if self.reapply_after is None:
            return None
        return add_to_date(self.date, self.reapply_after)

    def summary(self) -> str:
        """One line of context: "Turned down 2026-03-01 for X — final round"."""
        line = f"Turned down {self.date.isoformat()} for {self.role}"
        return f"{line} — {self.stage}" if self.stage else line


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    boards: tuple[BoardSpec, ...]
    interval: float
    jitter: float
    enabled: bool = True
    rejections: tuple[Rejection, ...] = ()
    filter: Filter = field(default_factory=Filter)
    matcher: CompiledFilter | None = None
    # Apprise tags this company's alerts are routed to (empty: every URL).
    tags: frozenset[str] = frozenset()

    def passes(self, posting: Posting) -> bool:
        return self.matcher is None or self.matcher.passes(posting)

    @property
    def latest_rejection(self) -> Rejection | None:
        return max(self.rejections, key=lambda r: r.date, default=None)
