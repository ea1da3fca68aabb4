"""What an import finds, whatever it read: a proposed rejection (or an application
without an answer yet), where it came from, and the problems met on the way.

Every reader (a tracker's CSV, the LinkedIn export, mail files, an IMAP folder) yields
these values; importers/merge.py turns them into watchlist entries. The mail itself is
never kept: only what is shown to the user for a decision (the proposal and the one
sentence that made it a rejection).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["rejected", "applied"]


@dataclass(frozen=True, slots=True)
class Board:
    """A board as the watchlist writes it: its kind and that kind's value
    (Workday: ``tenant/wdN/site``, e.g. ``acme/wd5/External``)."""

    kind: str
    token: str


@dataclass(frozen=True, slots=True)
class Found:
    """One proposal: a rejection, or an application with no decision yet."""

    company: str
    role: str | None
    date: dt.date | None
    status: Status = "rejected"
    stage: str | None = None
    contact: str | None = None
    board: Board | None = None
    # The sentence that made it a rejection, for the user to judge.
    evidence: str | None = None
    message_id: str | None = None
    # Where it was read: a file, ``PATH#N`` (the N-th message of an mbox, from 0),
    # ``imaps://…/INBOX;UID=N``, or ``FILE:LINE`` for a CSV row.
    file: str | None = None
    # The posting's link where the source gives one (LinkedIn's Job Url).
    url: str | None = None
    # The company's own web address where the source reveals it (a mail's sender
    # domain): where `--discover` looks for the careers page. Never a link in a mail.
    site: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "role": self.role,
            "date": self.date.isoformat() if self.date else None,
            "status": self.status,
            "stage": self.stage,
            "contact": self.contact,
            "board": {"kind": self.board.kind, "token": self.board.token} if self.board else None,
            "evidence": self.evidence,
            "message_id": self.message_id,
            "file": self.file,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """A source, or one message of it, that could not be read: one line for the user,
    never quoting the mail (no subject, sender or body)."""

    where: str
    reason: str
    # Fatal: the whole source failed (exit 1); otherwise one message was skipped.
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RawMail:
    """One message as a mail source hands it over: where it is, and its bytes."""

    ref: str
    data: bytes
