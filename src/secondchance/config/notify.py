"""The [notify] table's checks: each URL a valid Apprise URL with its routing tags and
kinds, every tag a company routes to carried by some URL, every kind named a known
one, the delivery timing readable; and the warning for a kind that goes nowhere."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from secondchance.config.errors import Errors, Loc
from secondchance.config.model import Target, sent_kinds
from secondchance.config.tables import Notify, NotifyUrl
from secondchance.config.timing import (
    DeliveryPolicy,
    parse_clock,
    parse_quiet_hours,
    parse_timezone,
)
from secondchance.core import followup
from secondchance.core.models import ALERT_KINDS


def targets(notify: Notify, errors: Errors, from_env: Collection[Loc] = ()) -> list[Target]:
    """Notification URLs with their routing tags (``?tag=a,b`` or ``tags = [...]``);
    ``from_env`` holds the key paths whose value a ``${NAME}`` gave."""
    targets: list[Target] = []
    seen: dict[str, int] = {}
    reported = {where for where, _ in errors}
    check_kinds(notify.kinds or (), ("notify", "kinds"), errors)
    for index, entry in enumerate(notify.urls):
        url, tags = (entry.url, set(entry.tags)) if isinstance(entry, NotifyUrl) else (entry, set())
        loc: Loc = ("notify", "urls", index)
        written: Loc = (*loc, "url") if isinstance(entry, NotifyUrl) else loc
        kinds = entry.kinds if isinstance(entry, NotifyUrl) else None
        check_kinds(kinds or (), (*loc, "kinds"), errors)
        if written in reported:
            continue  # an unset ${ENV}
        if not url.strip():
            # "${HOOK:-}" leaves a URL out on purpose; a written "" is a slip.
            if written not in from_env:
                errors.append((written, "empty: give an Apprise URL, or remove it"))
            continue
        if _asks_kinds(url):
            # Apprise would ignore it, and the URL would take every kind: say so instead.
            errors.append(
                (
                    written,
                    "?kinds= in a URL is not read: write the URL as a table, "
                    '{ url = "...", kinds = ["role_back"] }',
                )
            )
            continue
        url, found = _split_tags(url)
        tags |= found
        if not _valid_apprise_url(url):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            errors.append(
                (loc, f"not a valid Apprise URL (scheme {scheme!r}; see the Apprise wiki)")
            )
            continue
        if url in seen:
            # One channel per URL: its alerts would be queued for it twice, which the
            # outbox refuses (the first alert's write failed, every poll after it too).
            errors.append(
                (
                    loc,
                    f"the same URL as notify.urls[{seen[url]}] (tags aside): write it once, "
                    "with all its tags (?tag=a,b)",
                )
            )
            continue
        seen[url] = index
        targets.append(
            Target(url=url, tags=frozenset(tags), kinds=None if kinds is None else frozenset(kinds))
        )
    return targets


def check_kinds(kinds: Sequence[str], loc: Loc, errors: Errors) -> None:
    """Each of ``kinds`` an alert kind: a misspelt one would mute or route nothing."""
    for index, kind in enumerate(kinds):
        if kind not in ALERT_KINDS:
            errors.append(((*loc, index), f"unknown alert kind (known: {', '.join(ALERT_KINDS)})"))


def _asks_kinds(url: str) -> bool:
    # Not "kind": Apprise's Reddit URLs take ?kind=self|link.
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return any(key == "kinds" for key, _ in query)


def _split_tags(url: str) -> tuple[str, set[str]]:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    tags = {t.strip() for k, v in query if k in ("tag", "tags") for t in v.split(",") if t.strip()}
    if not tags:
        return url, set()
    rest = urlencode([(k, v) for k, v in query if k not in ("tag", "tags")])
    return urlunsplit(parts._replace(query=rest)), tags


def _valid_apprise_url(url: str) -> bool:
    import apprise

    # Apprise logs the rejected URL itself, which may hold a token.
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    return bool(apprise.Apprise().add(url))


def delivery_policy(notify: Notify, errors: Errors) -> DeliveryPolicy:
    slots = []
    for index, text in enumerate(notify.digest_at):
        try:
            slots.append(parse_clock(text))
        except ValueError as exc:
            errors.append((("notify", "digest_at", index), str(exc)))
    quiet = None
    if notify.quiet_hours is not None:
        try:
            quiet = parse_quiet_hours(notify.quiet_hours)
        except ValueError as exc:
            errors.append((("notify", "quiet_hours"), str(exc)))
    try:
        tz = parse_timezone(notify.timezone)
    except ValueError as exc:
        errors.append((("notify", "timezone"), str(exc)))
        tz = parse_timezone(None)
    check_kinds(notify.urgent, ("notify", "urgent"), errors)
    check_followup(notify, errors)
    return DeliveryPolicy(
        mode=notify.mode,
        digest_at=tuple(slots) or DeliveryPolicy().digest_at,
        quiet=quiet,
        tz=tz,
        urgent=frozenset(notify.urgent),
    )


def check_followup(notify: Notify, errors: Errors) -> None:
    """A follow-up template with a placeholder no alert fills would fail when the
    role comes back, the worst moment: an error now."""
    if notify.followup is None:
        return
    if not notify.followup.strip():
        errors.append((("notify", "followup"), "empty: write a note, or remove it for the default"))
    for problem in followup.problems(notify.followup):
        errors.append((("notify", "followup"), problem))


def check_tags(tags: Sequence[str], loc: Loc, targets: Sequence[Target], errors: Errors) -> None:
    """A tag no URL carries would send alerts nowhere (Apprise answers
    NOMATCH): a configuration error, not a silent drop."""
    known = set().union(*(t.tags for t in targets)) if targets else set()
    for tag in sorted(set(tags) - known):
        hint = ", ".join(sorted(known)) or "none: add ?tag=... to a URL"
        errors.append((loc, f"tag {tag!r} matches no [notify] url (tags in use: {hint})"))


def kind_cautions(notify: Notify, targets: Sequence[Target]) -> Errors:
    """The warnings of routing by kind: a kind sent to no channel, a URL's or an urgent
    kind that [notify] kinds mutes, a URL that takes no kind. Each alert is still
    recorded."""
    found: Errors = []
    sent = sent_kinds(notify)
    if not sent:
        found.append(
            (("notify", "kinds"), "empty: every alert is muted (recorded for history, never sent)")
        )
    # As Config.console_alerts: the terminal by default only when there is no URL.
    console = notify.console if notify.console is not None else not targets
    taken = set(sent) if console else set()
    for target in targets:
        taken |= sent if target.kinds is None else target.kinds
    nowhere = [kind for kind in ALERT_KINDS if kind in sent and kind not in taken]
    if nowhere and sent:
        it, they = ("it", "it") if len(nowhere) == 1 else ("them", "they")
        where: Loc = ("notify", "kinds") if notify.kinds is not None else ("notify", "urls")
        found.append(
            (
                where,
                f"{', '.join(nowhere)}: no URL takes {it} and the terminal is off, so "
                f"{they} would be recorded and never sent: add {it} to a URL's kinds, or "
                f"leave {it} out of [notify] kinds to mute {it} on purpose",
            )
        )
    for index, kind in enumerate(notify.urgent):
        if kind not in sent and sent:
            found.append(
                (("notify", "urgent", index), f"{kind} is muted by [notify] kinds: never sent")
            )
    for index, entry in enumerate(notify.urls):
        if not isinstance(entry, NotifyUrl) or entry.kinds is None:
            continue
        loc: Loc = ("notify", "urls", index, "kinds")
        if not entry.kinds:
            found.append((loc, "empty: this URL gets no alert (leave kinds out for every kind)"))
        for number, kind in enumerate(entry.kinds):
            if kind not in sent:
                found.append(
                    ((*loc, number), f"{kind} is muted by [notify] kinds: this URL never gets it")
                )
    return found
