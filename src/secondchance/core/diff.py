"""Pure change detection: a board's snapshot and one observation → changes.

No I/O and no clock: the store hands in what it knows, applies what comes
out, and the rules (baseline, confirmation of removals and of emptied fields,
collapse, reopen, repost) live here where they are tested with plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import msgspec

from secondchance.core.models import Change, ChangeKind, Posting, Remote, SourceRef
from secondchance.core.text import normalise_title


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Known(msgspec.Struct, frozen=True, gc=False):
    """A posting as the snapshot remembers it (a Struct, as Posting is: one is
    built per stored posting a poll reads)."""

    posting: Posting
    status: Status = Status.OPEN
    # Consecutive successful polls it was missing from (0 = seen last time).
    misses: int = 0
    # Consecutive successful polls that listed it with a field emptied, the stored
    # values kept meanwhile (0 = listed as stored).
    emptied: int = 0


@dataclass(frozen=True, slots=True)
class Policy:
    close_after: int = 2
    # A drop to under half (or to zero) of a board this big is a suspected breakage.
    collapse_min_previous: int = 4
    collapse_ratio: float = 0.5
    # ... unless it persists for this many polls in a row, then it is believed.
    collapse_accept_after: int = 6
    announce_existing: bool = False
    # A field that empties (a location, a department) is stored, and alerted, once
    # this many successful polls in a row have listed it empty: a glitch of one poll
    # (a page cut short, an API hiccup) must not make a pair of `changed` alerts.
    empty_after: int = 2


@dataclass(slots=True)
class SourceDiff:
    """What to write back for one board, and the alerts it produced."""

    source: SourceRef
    changes: list[Change] = field(default_factory=list)
    # Postings present in this observation (stored open, misses reset), a field
    # emptied but not yet confirmed as it was stored (see ``held``).
    seen: list[Posting] = field(default_factory=list)
    # Postings listed with a field emptied, not yet confirmed: id → polls so far.
    held: dict[str, int] = field(default_factory=dict)
    # Open postings missing this time: id → new miss count.
    missed: dict[str, int] = field(default_factory=dict)
    # Ids to mark closed now (confirmed removals, superseded by a repost).
    closed: list[str] = field(default_factory=list)
    # The snapshot is held: the board shrank suspiciously (see is_collapse) ...
    collapsed: bool = False
    # ... or, quietly (no source alert), a small board listed nothing.
    quiet: bool = False
    complete: bool = True
    previous_count: int = 0
    # Postings stored anew: added, reopened, or with a field that differs.
    updated: int = 0

    @property
    def open_count(self) -> int:
        return len(self.seen) + len(self.missed)


def _dedupe(postings: Iterable[Posting]) -> list[Posting]:
    seen: dict[str, Posting] = {}
    for posting in postings:
        seen.setdefault(posting.id, posting)
    return list(seen.values())


def is_collapse(previous: int, current: int, policy: Policy) -> bool:
    if previous < policy.collapse_min_previous:
        return False
    return current == 0 or current < previous * policy.collapse_ratio


def is_emptied(previous: int, current: int, policy: Policy) -> bool:
    """A board too small for is_collapse that lists nothing at all.

    An API answering an empty list for a while is a common hiccup, and believing
    it closes the board's roles and then "reopens" them: a false second chance.
    A small board emptying for real (its one role filled) is common too, so this
    is held without a source alert, and believed after collapse_accept_after polls.
    """
    return current == 0 < previous < policy.collapse_min_previous


_OPTIONAL = ("url", "department", "employment_type", "posted_at", "updated_at", "pay")


def _emptied(old: Posting, new: Posting) -> Posting | None:
    """``new`` with the fields it emptied (that ``old`` had) as ``old`` had them; None
    when it emptied none."""
    kept: dict[str, object] = {}
    if old.locations and not new.locations:
        kept["locations"] = old.locations
    if old.remote is not Remote.UNKNOWN and new.remote is Remote.UNKNOWN:
        kept["remote"] = old.remote
    for name in _OPTIONAL:
        before = getattr(old, name)
        if before is not None and getattr(new, name) is None:
            kept[name] = before
    return msgspec.structs.replace(new, **kept) if kept else None


def _differs(old: Posting, new: Posting) -> bool:
    if old.title == new.title and old.locations == new.locations:
        return False  # the common case, without normalising anything
    if normalise_title(old.title) != normalise_title(new.title):
        return True
    return sorted(loc.casefold() for loc in old.locations) != sorted(
        loc.casefold() for loc in new.locations
    )


def diff_source(
    source: SourceRef,
    known: Mapping[str, Known],
    observed: Sequence[Posting],
    policy: Policy,
    *,
    baseline: bool,
    collapse_streak: int = 0,
    complete: bool = True,
    refresh: bool = False,
) -> SourceDiff:
    """Compare one successful observation of a board with its snapshot.

    ``baseline`` is True for the board's first successful poll: everything is
    recorded silently. ``collapse_streak`` counts the collapsed polls just
    before this one, so a shrink that persists is eventually believed.
    ``complete`` is False when the fetch could not read every page: postings
    missing from it are then held, never counted as missing. ``refresh``: the
    board was read by a new version of its kind's reader, so a field that reads
    differently is the reading's doing: stored as it is, without `changed`.
    """
    postings = _dedupe(observed)
    # Compared with what the last successful poll listed: postings already missing
    # from it do not count, or a shrink, once believed, would be suspected (and
    # reported) all over again on the next poll instead of confirmed.
    previous_open = sum(1 for k in known.values() if k.status is Status.OPEN and not k.misses)
    result = SourceDiff(
        source=source, seen=postings, previous_count=previous_open, complete=complete
    )

    if baseline:
        if policy.announce_existing:
            result.changes = [Change(ChangeKind.NEW, source, p) for p in postings]
        return result

    if collapse_streak + 1 < policy.collapse_accept_after:
        loud = is_collapse(previous_open, len(postings), policy)
        result.quiet = not loud and is_emptied(previous_open, len(postings), policy)
        result.collapsed = loud or result.quiet
    present = {p.id for p in postings}
    kept: dict[int, Posting] = {}  # index in seen → the posting as held
    for index, posting in enumerate(postings):
        before = known.get(posting.id)
        if before is None:
            result.changes.append(Change(ChangeKind.NEW, source, posting))
            result.updated += 1
        elif before.status is Status.CLOSED:
            result.changes.append(Change(ChangeKind.REOPENED, source, posting, before.posting))
            result.updated += 1
        elif before.posting != posting:
            held = None if refresh else _emptied(before.posting, posting)
            if held is not None and before.emptied + 1 < policy.empty_after:
                result.held[posting.id] = before.emptied + 1
                posting = kept[index] = held
            if not refresh and _differs(before.posting, posting):
                result.changes.append(Change(ChangeKind.CHANGED, source, posting, before.posting))
            if posting != before.posting:
                result.updated += 1
    if kept:
        result.seen = [kept.get(index, posting) for index, posting in enumerate(postings)]

    for posting_id, before in known.items():
        if before.status is not Status.OPEN or posting_id in present:
            continue
        if result.collapsed or not complete:
            # Hold the snapshot: a broken page must not read as mass removal.
            result.missed[posting_id] = before.misses
            continue
        misses = before.misses + 1
        if misses >= policy.close_after:
            result.closed.append(posting_id)
            result.changes.append(Change(ChangeKind.CLOSED, source, before.posting))
        else:
            result.missed[posting_id] = misses
    return result


def find_reposts(
    diffs: Sequence[SourceDiff],
    known: Mapping[SourceRef, Mapping[str, Known]],
    same_role: Callable[[str, str], bool] | None = None,
) -> None:
    """Turn ``new`` into ``reposted`` where the company had the same role.

    A new id whose normalised title equals that of a posting closed earlier
    (anywhere at the company), or of one that went missing in this very poll
    (a recruiter's take-down-and-repost), is the same role back. ``same_role``
    widens "equal" for the roles the user was rejected for, whose re-posts
    often change the title ("Senior ..."). The posting it replaces, if still
    open, is closed silently: its story continues in the new id. Mutates
    ``diffs`` in place.
    """
    closed_by_title: dict[str, Posting] = {}
    vanished: dict[str, tuple[SourceDiff, Posting]] = {}
    for postings in known.values():
        for item in postings.values():
            if item.status is Status.CLOSED:
                closed_by_title.setdefault(normalise_title(item.posting.title), item.posting)
    for diff in diffs:
        if diff.collapsed or not diff.complete:
            continue
        board = known.get(diff.source, {})
        gone_now = [*diff.closed, *(pid for pid, m in diff.missed.items() if m == 1)]
        for posting_id in gone_now:
            before = board.get(posting_id)
            if before is not None:
                vanished.setdefault(normalise_title(before.posting.title), (diff, before.posting))

    for diff in diffs:
        for index, change in enumerate(diff.changes):
            if change.kind is not ChangeKind.NEW or change.posting is None:
                continue
            title = normalise_title(change.posting.title)
            if title not in vanished and same_role is not None:
                new_title = change.posting.title
                title = next(
                    (key for key, (_, old) in vanished.items() if same_role(new_title, old.title)),
                    next(
                        (
                            key
                            for key, old in closed_by_title.items()
                            if same_role(new_title, old.title)
                        ),
                        title,
                    ),
                )
            if title in vanished:
                owner, previous = vanished.pop(title)
                if previous.id in owner.missed:
                    del owner.missed[previous.id]
                    owner.closed.append(previous.id)
                # Its own "closed" alert would only repeat what "reposted" says.
                owner.changes = [
                    c
                    for c in owner.changes
                    if not (c.kind is ChangeKind.CLOSED and c.posting is previous)
                ]
            elif title in closed_by_title:
                previous = closed_by_title.pop(title)
            else:
                continue
            diff.changes[index] = Change(ChangeKind.REPOSTED, diff.source, change.posting, previous)
