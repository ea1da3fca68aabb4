"""Values that flow through a poll: postings in, changes out.

Everything here is a frozen value: sources build them, the pure steps (diff,
render) transform them, and only store.py turns them into rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from secondchance.core.pay import Pay


class Remote(StrEnum):
    """Where the work happens, as far as the board says."""

    YES = "yes"
    NO = "no"
    HYBRID = "hybrid"
    UNKNOWN = "unknown"


class Posting(msgspec.Struct, frozen=True, gc=False):
    """One job posting, normalised so that no step after parsing looks at
    source-specific fields.

    ``id`` is the ATS's own identity for the posting (stringified), scoped by
    the source and board it came from. ``title`` is whitespace-normalised.
    Datetimes are timezone-aware UTC when given.

    A msgspec Struct rather than a frozen dataclass: a poll builds and compares
    a hundred thousand of these, and the dataclass's __init__ alone cost 2 µs
    each (0.1 µs here). Immutable and hashable all the same; it holds no other
    objects that could form a cycle, hence gc=False.
    """

    id: str
    title: str
    url: str | None = None
    locations: tuple[str, ...] = ()
    remote: Remote = Remote.UNKNOWN
    department: str | None = None
    employment_type: str | None = None
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    # What the board publishes of the pay (core/pay.py); never a reason to alert.
    pay: Pay | None = None

    @property
    def location(self) -> str:
        """All locations on one line, for alerts and tables."""
        return " · ".join(self.locations)


class ChangeKind(StrEnum):
    """What happened, as the user reads it in an alert."""

    NEW = "new"
    CLOSED = "closed"
    REOPENED = "reopened"
    REPOSTED = "reposted"
    CHANGED = "changed"
    SOURCE_FAILING = "source_failing"
    SOURCE_RECOVERED = "source_recovered"
    # A new posting that is the role the user was turned down for.
    ROLE_BACK = "role_back"
    # The company's reapply cool-down after a rejection has ended.
    COOLDOWN_OVER = "cooldown_over"
    # An edited watchlist was invalid; the running one stays.
    CONFIG_REJECTED = "config_rejected"


# Every kind an alert may have, as the watchlist names them ([notify] kinds, urgent, a
# URL's kinds): a kind added to ChangeKind is known to the watchlist at once.
ALERT_KINDS: tuple[str, ...] = tuple(kind.value for kind in ChangeKind)


@dataclass(frozen=True, slots=True)
class BoardSpec:
    """One board as written in the watchlist, validated by its source.

    ``key`` is the board's stable identity within its kind (a token, a site
    name, a page URL): it scopes posting ids in the database, so it must not
    change when cosmetic options (selectors, region spelling) do.
    ``options`` carries the kind-specific settings.
    """

    kind: str
    key: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One board of one company: the unit that is fetched, diffed and stored."""

    company: str
    kind: str
    board: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.board}"


@dataclass(frozen=True, slots=True)
class Change:
    """One alert-worthy event found by the diff (or by failure tracking).

    ``posting`` is the posting the change is about (for ``closed``, the last
    version seen); source events carry no posting but a ``detail``.
    ``previous`` holds what a ``reposted`` or ``changed`` posting replaced.
    """

    kind: ChangeKind
    source: SourceRef
    posting: Posting | None = None
    previous: Posting | None = None
    detail: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert as written to the outbox: what renderers and ``--json`` see."""

    id: int
    company: str
    kind: str
    source_kind: str
    source_board: str
    posting_id: str | None
    title: str | None
    location: str | None
    url: str | None
    previous_title: str | None
    detail: str | None
    # Second-chance context: the matching rejection (role, date, stage,
    # contact, notes, similarity) or the company's latest one ("context").
    extra: Mapping[str, str] = field(default_factory=dict)
    created_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "company": self.company,
            "source": {"kind": self.source_kind, "board": self.source_board},
            "posting_id": self.posting_id,
            "kind": self.kind,
            "title": self.title,
            "location": self.location,
            "url": self.url,
            "previous_title": self.previous_title,
            "detail": self.detail,
        }
        data.update(self.extra)
        return data
