"""Which stored posting an imported application was for (pure): the import's
"applied" and the dashboard's "I applied" are one record, a mark in the database.

An application is matched within the postings the snapshot holds for its company: by
the posting's link when the application has one that a posting carries, else by the
role's title, first as the same title (``core.text.normalise_title``, what reposts are
told by), then as the same role once requisition ids, places and levels are set aside
(``core.matching.normalise_role``, what a role back is told by). Only an unambiguous
match counts: at the first step that finds anything, the open postings are preferred
to the closed ones, and more than one left is no match (the dashboard can mark the
right one). By a title, a posting the board says it published after the application
was made, or one closed before, is not the one (a role posted again years later is
another posting). A LinkedIn "Job Url" points at LinkedIn, never at a board, so a
link that no posting carries falls back to the title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from secondchance.core.matching import normalise_role
from secondchance.core.text import normalise_title

if TYPE_CHECKING:
    from secondchance.importers.merge import Application
    from secondchance.storage.queries import StoredPosting

By = Literal["link", "title", "role"]
_SLACK = dt.timedelta(days=1)
# Query parameters that say where a click came from, never which posting it is.
_TRACKING = frozenset({"gh_src", "ref", "source", "src", "trk", "lever-source", "lever-origin"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """What an application came to: the posting it was for, or none (``alike``: how
    many postings were equally alike when that made it ambiguous)."""

    application: Application
    posting: StoredPosting | None = None
    by: By | None = None
    alike: int = 0

    @property
    def ambiguous(self) -> bool:
        return self.posting is None and self.alike > 1


def link_key(url: str | None) -> str | None:
    """A posting link as compared: scheme, ``www.``, case of the host, a trailing slash,
    the fragment and tracking parameters aside; None for anything but http(s)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    )
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def _only(found: list[StoredPosting]) -> tuple[StoredPosting | None, int]:
    """The one posting among ``found``, open ones preferred; else how many are alike."""
    opened = [p for p in found if p.status == "open"] or found
    unique = {(p.source, p.posting.id): p for p in opened}
    if len(unique) == 1:
        return next(iter(unique.values())), 1
    return None, len(unique)


def _could_be(item: StoredPosting, applied: dt.date | None) -> bool:
    """Whether the application of that day can have been for this posting: not one the
    board says it published later, nor one already closed before (a day's slack for
    time zones)."""
    if applied is None:
        return True
    posted = item.posting.posted_at
    if posted is not None and posted.date() > applied + _SLACK:
        return False
    return item.closed_at is None or item.closed_at.date() + _SLACK >= applied


class Keyed:
    """A company's postings by the three keys an application is matched on, each
    computed once: a company may have thousands of postings stored, an import
    hundreds of applications."""

    def __init__(self, postings: Iterable[StoredPosting]) -> None:
        self.by: dict[By, dict[str, list[StoredPosting]]] = {"link": {}, "title": {}, "role": {}}
        for item in postings:
            title = item.posting.title
            keys: tuple[tuple[By, str | None], ...] = (
                ("link", link_key(item.posting.url)),
                ("title", normalise_title(title)),
                ("role", normalise_role(title)),
            )
            for by, key in keys:
                if key:
                    self.by[by].setdefault(key, []).append(item)


def match(application: Application, postings: Sequence[StoredPosting] | Keyed) -> Verdict:
    """The posting of the company's snapshot ``application`` was for, if one is."""
    keyed = postings if isinstance(postings, Keyed) else Keyed(postings)
    found = application.found
    role = (found.role or "").strip()
    wanted: tuple[tuple[By, str | None], ...] = (
        ("link", link_key(found.url)),
        ("title", normalise_title(role) if role else None),
        ("role", normalise_role(role) if role else None),
    )
    for by, key in wanted:
        alike = keyed.by[by].get(key) if key else None
        if alike and by != "link":  # a link names the posting; a title, maybe a later one
            alike = [p for p in alike if _could_be(p, found.date)]
        if not alike:
            continue
        posting, count = _only(alike)
        if posting is None:
            return Verdict(application, alike=count)
        return Verdict(application, posting, by, 1)
    return Verdict(application)


def match_all(
    applications: Iterable[Application], postings: Mapping[str, Sequence[StoredPosting]]
) -> list[Verdict]:
    """Each application's verdict against its company's postings (``postings`` by the
    company's name as the watchlist gives it). A posting two applications found goes
    to the earlier one (applying twice to one posting is one mark); the later one
    comes out matched to nothing."""
    ordered = sorted(applications, key=lambda a: (a.found.date or dt.date.max, a.company))
    keyed = {company: Keyed(items) for company, items in postings.items()}
    verdicts: list[Verdict] = []
    taken: set[object] = set()
    for application in ordered:
        verdict = match(application, keyed.get(application.company) or Keyed(()))
        if verdict.posting is not None:
            key = (verdict.posting.source, verdict.posting.posting.id)
            if key in taken:
                verdict = Verdict(application)
            taken.add(key)
        verdicts.append(verdict)
    return verdicts


def marked_at(date: dt.date | None, tz: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """When the mark says the user applied: the start of the application's day in the
    watchlist's time zone, never later than ``now``; ``now`` when the date is unknown."""
    if date is None:
        return now
    return min(dt.datetime.combine(date, dt.time(), tzinfo=tz).astimezone(dt.UTC), now)
