"""One alert as the lines a reader gets: what happened, the role, where, the pay,
the link and the next step, board text escaped for the channel's style
(delivery/markup.py). Pure; render.py groups the blocks into messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from secondchance.core.followup import fill, greeting_name, month
from secondchance.core.models import Alert
from secondchance.core.wording import plural
from secondchance.delivery.markup import Style, bold, cap, escape, link, newline

_HEADLINES = {
    "role_back": "The role you interviewed for is open again",
    "new": "New",
    "reopened": "Reopened",
    "reposted": "Reposted",
    "changed": "Changed",
    "closed": "Closed",
    "cooldown_over": "Your cool-down is over: you can reapply",
    "source_failing": "Board failing",
    "source_recovered": "Board back",
    "config_rejected": "Watchlist edit rejected; the previous watchlist keeps running",
}
# Longest board text other than a title an alert shows (a location, a detail).
_FIELD_CAP = 300


class _Writer:
    """Lines in one style: board text escaped, our words marked up."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.lines: list[str] = []

    def text(self, plain: str, *, indent: bool = True, strong: bool = False) -> None:
        escaped = escape(plain, self.style)
        self.lines.append(
            ("  " if indent else "") + (bold(escaped, self.style) if strong else escaped)
        )

    def raw(self, markup: str | None, *, indent: bool = True) -> None:
        if markup:
            self.lines.append(("  " if indent else "") + markup)


def _title(alert: Alert) -> str:
    return cap(alert.title or "(untitled)")


def _field(value: str | None) -> str:
    return cap(value or "", _FIELD_CAP)


def shell_quote(value: str) -> str:
    """``value`` in double quotes, as a shell reads it back."""
    return '"' + "".join("\\" + c if c in '"\\$`' else c for c in value) + '"'


def followup_note(alert: Alert, template: str | None = None) -> str:
    extra = alert.extra
    return fill(
        template,
        {
            "contact": greeting_name(extra.get("contact")),
            "company": alert.company,
            "role": _title(alert),
            "rejected_role": extra.get("rejected_role", "the role"),
            "date": month(extra.get("rejected_on")),
        },
    )


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*$")


def _listing(text: str) -> Iterable[tuple[str, str | None]]:
    """The cool-down's stored listing: "title — location  url" lines."""
    for line in text.splitlines():
        head, _, tail = line.rpartition("  ")
        if head and _SCHEME.match(tail):
            # Any scheme: only http(s) is linked, and the rest is not shown at all.
            yield head, tail
        else:
            yield line, None


def block(
    alert: Alert,
    *,
    style: Style = "text",
    company: bool = False,
    context: bool = False,
    followup: str | None = None,
) -> str:
    """The lines for one alert: what happened, the role, where, the pay, the link and
    the next step. ``context``: with its rejection line (the message's header
    carries it otherwise)."""
    out = _Writer(style)
    headline = _HEADLINES.get(alert.kind, alert.kind)
    prefix = f"{alert.company} · " if company else ""
    extra = alert.extra
    if alert.kind == "config_rejected":
        out.text(headline, indent=False, strong=True)
        for line in (alert.detail or "").splitlines():
            out.text(_field(line))
        out.text("Next: fix the watchlist; secondchance check lists each problem")
        return newline(style).join(out.lines)
    if alert.kind in ("source_failing", "source_recovered"):
        out.text(
            f"{prefix}{headline}: {alert.source_kind} {alert.source_board}",
            indent=False,
            strong=True,
        )
        if alert.detail:
            out.text(_field(alert.detail))
        if alert.kind == "source_failing":
            since = extra.get("since") or (
                alert.created_at.date().isoformat() if alert.created_at else None
            )
            if since:
                out.text(f"Failing since {since}")
            out.text(f"To look: secondchance peek --company {shell_quote(alert.company)}")
        return newline(style).join(out.lines)
    title = _title(alert)
    if alert.kind == "role_back":
        out.raw("⭐ " + bold(escape(f"{prefix}{headline}: {title}", style), style), indent=False)
    elif alert.kind == "cooldown_over":
        out.text(f"{prefix}{headline} ({title})", indent=False, strong=True)
    else:
        out.text(f"{prefix}{headline}: {title}", indent=False, strong=True)
    if context and extra.get("context"):
        out.text(_field(extra["context"]))
    if alert.kind in ("reposted", "role_back") and alert.previous_title:
        out.text(f"same role as the earlier posting “{cap(alert.previous_title)}”")
    elif alert.kind == "changed" and alert.previous_title and alert.previous_title != alert.title:
        out.text(f"was “{cap(alert.previous_title)}”")
    elif alert.kind == "reopened":
        out.text("closed earlier, open again")
    elif alert.kind == "closed" and extra.get("first_seen"):
        out.text(_open_for(extra["first_seen"], alert))
    if alert.kind == "cooldown_over":
        if extra.get("rejected_on"):
            out.text(f"Turned down {extra['rejected_on']}; {_field(alert.detail)}".rstrip("; "))
        elif alert.detail:
            out.text(_field(alert.detail))
        count = extra.get("open_postings", "0")
        matching = "open posting matches" if count == "1" else "open postings match"
        out.text(f"{count} {matching} your filter" + (":" if count != "0" else ""))
        for line, url in _listing(extra.get("listing", "")):
            target = link(url, style, "open") if url else None
            item = escape(f"• {_field(line)}", style)
            if target:
                item += ("  " if style == "text" else " · ") + target
            out.raw(item)
    if alert.location:
        out.text(_field(alert.location))
    if extra.get("pay"):
        out.text(f"Pay: {_field(extra['pay'])}")
    if alert.kind != "closed":
        out.raw(link(alert.url, style))
    if alert.kind == "role_back":
        contact = extra.get("contact")
        out.text(f"Next: write to {_field(contact)}:" if contact else "Next: apply, with a note:")
        out.text(followup_note(alert, followup))
    elif contact := extra.get("contact"):
        out.text(f"Contact: {_field(contact)}")
    if extra.get("notes"):
        out.text(f"Notes: {_field(extra['notes'])}")
    return newline(style).join(out.lines)


def _open_for(first_seen: str, alert: Alert) -> str:
    day = first_seen[:10]
    if alert.created_at is None:
        return f"first seen {day}"
    try:
        days = (alert.created_at.date() - date.fromisoformat(day)).days
    except ValueError:
        return f"first seen {first_seen}"
    return f"first seen {day}, open " + (plural(days, "day") if days > 0 else "less than a day")
