"""Pure: what the diff found, seen through the user's history with the company.

A new or re-posted posting that is the role the user was turned down for
becomes ``role_back`` and passes every filter; a reopened posting that
matches a rejection carries its context; everything else must pass the company's
filter, and neighbouring roles get one line of company context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from secondchance.core.drafts import Draft, about_company
from secondchance.core.matching import best_match
from secondchance.core.models import Change, ChangeKind, Posting
from secondchance.core.watchlist import Company, Rejection

_ABOUT_POSTINGS = {
    ChangeKind.NEW,
    ChangeKind.REOPENED,
    ChangeKind.REPOSTED,
    ChangeKind.CHANGED,
    ChangeKind.CLOSED,
}
_MATCHED = {ChangeKind.NEW, ChangeKind.REOPENED, ChangeKind.REPOSTED}


def rejection_context(rejection: Rejection, score: float | None = None) -> dict[str, str]:
    context = {
        "rejected_role": rejection.role,
        "rejected_on": rejection.date.isoformat(),
        "context": rejection.summary(),
    }
    for key in ("stage", "contact", "notes"):
        value = getattr(rejection, key)
        if value:
            context[key] = value
    if score is not None:
        context["similarity"] = f"{score:.0f}"
    return context


def classify(changes: Sequence[Change], company: Company, threshold: float) -> list[Change]:
    roles = [r.role for r in company.rejections]
    latest = company.latest_rejection
    out: list[Change] = []
    for change in changes:
        posting = change.posting
        if posting is None or change.kind not in _ABOUT_POSTINGS:
            out.append(change)  # source health is always worth knowing
            continue
        match = best_match(posting.title, roles, threshold) if change.kind in _MATCHED else None
        if match is not None:
            index, score = match
            # A re-post of the rejected role is the role coming back; a reopened
            # posting keeps its kind and gains the context.
            kind = (
                ChangeKind.REOPENED if change.kind is ChangeKind.REOPENED else ChangeKind.ROLE_BACK
            )
            extra = rejection_context(company.rejections[index], score)
            out.append(replace(change, kind=kind, extra={**change.extra, **extra}))
            continue
        if not company.passes(posting):
            continue
        if latest is not None and change.kind in _MATCHED:
            change = replace(change, extra={**change.extra, "context": latest.summary()})
        out.append(change)
    return out


def cooldowns_over(company: Company, today: dt.date) -> list[Rejection]:
    """Rejections whose reapply cool-down has ended by ``today``."""
    return [
        r for r in company.rejections if r.cooldown_ends is not None and r.cooldown_ends <= today
    ]


def upcoming_cooldowns(
    companies: Sequence[Company], today: dt.date
) -> list[tuple[dt.date, Company, Rejection]]:
    """Every cool-down with its end date, soonest first (ended ones included)."""
    rows = [
        (r.cooldown_ends, c, r)
        for c in companies
        for r in c.rejections
        if r.cooldown_ends is not None
    ]
    return sorted(rows, key=lambda row: (row[0], row[1].name))


def cooldown_drafts(
    company: Company, today: dt.date, open_now: Sequence[Posting], channels: Sequence[str]
) -> list[Draft]:
    """One alert per rejection whose reapply cool-down has ended by ``today``, listing
    the open postings that pass the company's filter (the first 20, by title). Its
    key names the rejection, so it is queued once, whatever the day it is polled."""
    # In a set order: rows come back in whatever order the backend keeps them.
    wanted = sorted(
        (p for p in open_now if company.passes(p)), key=lambda p: (p.title.casefold(), p.id)
    )
    listing = "\n".join(f"{p.title} — {p.location}  {p.url or ''}".rstrip() for p in wanted[:20])
    drafts = []
    for rejection in cooldowns_over(company, today):
        extra = rejection_context(rejection)
        extra["open_postings"] = str(len(wanted))
        if listing:
            extra["listing"] = listing
        drafts.append(
            about_company(
                f"cooldown|{company.name}|{rejection.role}|{rejection.date.isoformat()}",
                company.name,
                ChangeKind.COOLDOWN_OVER.value,
                channels,
                title=rejection.role,
                detail=f"you may apply again since {rejection.cooldown_ends}",
                extra=extra,
            )
        )
    return drafts
