"""From what an import found to what the watchlist should gain (pure).

Rejections are paired with the applications they answer (same company, alike role),
repeated findings are merged, each is grouped under its company (an existing one when
the name or a board matches), and whatever the watchlist already records is left out:
importing the same thing twice proposes nothing the second time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from secondchance.core.matching import DEFAULT_THRESHOLD, similarity
from secondchance.core.text import clean, clean_or_none
from secondchance.importers.boards import board_value
from secondchance.importers.edit import has_board
from secondchance.importers.found import Board, Found
from secondchance.importers.known import Known, KnownCompany
from secondchance.importers.names import company_key, role_key


@dataclass(frozen=True)
class Entry:
    """One proposed [[company.rejection]]: a rejection, or an application without an
    answer (``found.status == "applied"``), which is only ever offered commented out."""

    found: Found
    notes: str | None = None

    @property
    def missing(self) -> list[str]:
        """What keeps it from being written live."""
        gaps = [] if self.found.role and self.found.role.strip() else ["the role"]
        return gaps + ([] if self.found.date else ["the date"])

    @property
    def key(self) -> tuple[str, dt.date | None]:
        return role_key(self.found.role), self.found.date


@dataclass
class Group:
    """The entries for one company: a new one, or one the watchlist has."""

    name: str
    board: Board | None
    existing: KnownCompany | None = None
    rejections: list[Entry] = field(default_factory=list)
    applied: list[Entry] = field(default_factory=list)

    @property
    def live(self) -> bool:
        """Whether its entries can be written live: a new company needs a board, and a
        rejection to watch it for (applications alone leave it commented out)."""
        if self.existing is not None:
            return self.existing.index is not None
        return self.board is not None and self.complete

    @property
    def complete(self) -> bool:
        return any(not e.missing for e in self.rejections)

    def entries(self) -> list[Entry]:
        return self.rejections + self.applied


@dataclass(frozen=True, slots=True)
class Application:
    """An application without an answer, under a company the watchlist watches (or
    will once the proposal is written): what an import marks applied in the database."""

    company: str  # as the watchlist names it
    found: Found


@dataclass
class Proposal:
    groups: list[Group]
    already: int = 0  # found, and already in the watchlist
    # Every application without an answer under a watched company, those the watchlist
    # already records commented out included: a posting found for one is marked applied
    # whenever the database has it, not only the first time the application is read.
    applications: list[Application] = field(default_factory=list)

    def entries(self) -> list[Entry]:
        return [e for g in self.groups for e in g.entries()]

    @property
    def empty(self) -> bool:
        return not self.entries()


def pair(found: Iterable[Found], threshold: float = DEFAULT_THRESHOLD) -> list[Entry]:
    """Every finding as an entry, each rejection merged with the application it
    answers (same company, a role alike at ``threshold``, or the company's only
    application when the rejection names no role)."""
    items = [_cleaned(f) for f in found]
    applications = [f for f in items if f.status == "applied"]
    by_company: dict[object, list[Found]] = {}
    for application in applications:
        by_company.setdefault(company_key(application.company), []).append(application)
        if application.board is not None:
            by_company.setdefault(application.board, []).append(application)
    answered: set[int] = set()
    entries: list[Entry] = []
    for rejection in (f for f in items if f.status != "applied"):
        same = by_company.get(company_key(rejection.company), []) + (
            by_company.get(rejection.board, []) if rejection.board else []
        )
        open_ = list({id(a): a for a in same if id(a) not in answered}.values())
        answer = _answered(rejection, open_, threshold)
        if answer is None:
            entries.append(Entry(rejection))
            continue
        answered.add(id(answer))
        entries.append(_merged(rejection, answer))
    return entries + [Entry(a) for a in applications if id(a) not in answered]


def _cleaned(found: Found) -> Found:
    """Text from a mail or a row is data: on one line, without control or invisible
    characters (a name with a line break would fail the check; an escape sequence in
    a comment would reach the terminal)."""
    return dataclasses.replace(
        found,
        company=clean(found.company),
        role=clean_or_none(found.role),
        stage=clean_or_none(found.stage),
        contact=clean_or_none(found.contact),
        evidence=clean_or_none(found.evidence),
        file=clean_or_none(found.file),
        url=clean_or_none(found.url),
    )


def _answered(rejection: Found, same: list[Found], threshold: float) -> Found | None:
    if not rejection.role:
        return same[0] if len(same) == 1 else None
    scored = [(similarity(rejection.role, a.role), a) for a in same if a.role]
    scored = [(score, a) for score, a in scored if score >= threshold]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _merged(rejection: Found, application: Found) -> Entry:
    found = dataclasses.replace(
        rejection,
        role=rejection.role or application.role,
        date=rejection.date or application.date,
        board=rejection.board or application.board,
        url=rejection.url or application.url,
    )
    applied = f"applied {application.date.isoformat()}" if application.date else "applied"
    notes = f"{applied}: {application.url}" if application.url else applied
    return Entry(found, notes)


def plan(
    found: Iterable[Found], known: Known | None = None, threshold: float = DEFAULT_THRESHOLD
) -> Proposal:
    """What the watchlist (``known``; None: there is none yet) should gain."""
    known = known or Known()
    groups: list[Group] = []
    index: dict[object, Group] = {}  # company keys and boards to their group
    seen: set[tuple[str, int, str, dt.date | None]] = set()
    for entry in pair(found, threshold):
        group = _group_of(entry.found, groups, index)
        if group.board is None and entry.found.board is not None:
            group.board = entry.found.board
        key = (entry.found.status, id(group), *entry.key)
        if key in seen:
            continue
        seen.add(key)
        (group.applied if entry.found.status == "applied" else group.rejections).append(entry)
    already = 0
    # What the import found for each group, before what the watchlist records is left out.
    every = {id(group): list(group.applied) for group in groups}
    denied = {id(group): {role_key(e.found.role) for e in group.rejections} for group in groups}
    for group in groups:
        group.existing = _existing(group, known)
        if group.existing is None:
            continue
        before = len(group.entries())
        recorded = group.existing.recorded
        group.rejections = [e for e in group.rejections if e.key not in recorded]
        group.applied = [
            e
            for e in group.applied
            if e.key not in recorded and e.key[0] not in group.existing.rejected_roles
        ]
        already += before - len(group.entries())
    # An application answered by a rejection found in the same import is no longer open.
    applications: list[Application] = []
    for group in groups:
        turned_down = {role_key(e.found.role) for e in group.rejections}
        group.applied = [e for e in group.applied if e.key[0] not in turned_down]
        name = _watched(group)
        if name is None:
            continue
        rejected = denied[id(group)] | (group.existing.rejected_roles if group.existing else set())
        applications += [
            Application(name, e.found)
            for e in every[id(group)]
            if not _answered_role(e.found.role, rejected, threshold)
        ]
    return Proposal([g for g in groups if g.entries()], already, applications)


def _watched(group: Group) -> str | None:
    """The name the watchlist gives the group's company when it is watched (live), or
    will be once the proposal is written; None for one commented out."""
    if group.existing is not None:
        return group.existing.name if group.existing.index is not None else None
    return group.name if group.live else None


def _answered_role(role: str | None, rejected: set[str], threshold: float) -> bool:
    """Whether a rejection already answers an application for ``role``: the same role,
    or one alike (a posting of a role turned down must never be marked applied: its
    reopening is what the watch is for)."""
    key = role_key(role)
    alike = (similarity(key, other) >= threshold for other in rejected if other)
    return key in rejected or any(alike)


def _group_of(found: Found, groups: list[Group], index: dict[object, Group]) -> Group:
    key = company_key(found.company)
    group = index.get(key) or (index.get(found.board) if found.board else None)
    if group is None:
        group = Group(found.company.strip(), None)
        groups.append(group)
    index.setdefault(key, group)
    if found.board is not None:
        index.setdefault(found.board, group)
    return group


def _existing(group: Group, known: Known) -> KnownCompany | None:
    key = company_key(group.name)
    live = [c for c in known.companies if c.index is not None]
    for company in live:
        if company.key == key:
            return company
    if group.board is not None:
        value = board_value(group.board)
        for company in live:
            if has_board(company.table, group.board.kind, value):
                return company
    if group.board is None or not group.complete:
        # Commented out by an earlier import, and still not to be written live.
        return next((c for c in known.companies if c.index is None and c.key == key), None)
    return None
