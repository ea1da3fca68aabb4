"""Pure rendering of queued alerts into messages that fit a channel.

Instant alerts make one message per company per batch; a digest makes one
message for everything due, ranked so the second chances come first. Either
is split into parts when it would exceed the channel's length limit: an
alert is never silently cut off. Markdown only where the service renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secondchance.core.models import Alert

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
# The order a reader wants: what is worth a second try first.
_RANK = {
    "role_back": 0,
    "reopened": 1,
    "reposted": 1,
    "cooldown_over": 2,
    "new": 3,
    "changed": 4,
    "closed": 5,
    "source_failing": 6,
    "source_recovered": 7,
    "config_rejected": 8,
}
_NOUN = {
    "role_back": "role back",
    "cooldown_over": "cool-down over",
    "source_failing": "board failing",
    "source_recovered": "board back",
    "config_rejected": "watchlist edit rejected",
}


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    alert_ids: tuple[int, ...]


def _bold(text: str, markdown: bool) -> str:
    return f"**{text}**" if markdown else text


def block(alert: Alert, *, markdown: bool = False, company: bool = False) -> str:
    """The lines for one alert: what happened, the role, the history, where, the link."""
    headline = _HEADLINES.get(alert.kind, alert.kind)
    prefix = f"{alert.company} · " if company else ""
    extra = alert.extra
    if alert.kind == "config_rejected":
        lines = [_bold(headline, markdown)]
        lines.extend(f"  {line}" for line in (alert.detail or "").splitlines())
        return "\n".join(lines)
    if alert.kind in ("source_failing", "source_recovered"):
        lines = [_bold(f"{prefix}{headline}: {alert.source_kind} {alert.source_board}", markdown)]
        if alert.detail:
            lines.append(f"  {alert.detail}")
        return "\n".join(lines)
    if alert.kind == "role_back":
        lines = [f"⭐ {_bold(f'{prefix}{headline}: {alert.title}', markdown)}"]
    elif alert.kind == "cooldown_over":
        lines = [_bold(f"{prefix}{headline} ({alert.title})", markdown)]
        if alert.detail:
            lines.append(f"  {alert.detail}")
    else:
        lines = [_bold(f"{prefix}{headline}: {alert.title or '(untitled)'}", markdown)]
    if alert.kind in ("reposted", "role_back") and alert.previous_title:
        lines.append(f"  same role as the earlier posting “{alert.previous_title}”")
    elif alert.kind == "changed" and alert.previous_title and alert.previous_title != alert.title:
        lines.append(f"  was “{alert.previous_title}”")
    elif alert.kind == "reopened":
        lines.append("  closed earlier, open again")
    if extra.get("context"):
        lines.append(f"  {extra['context']}")
    if extra.get("contact"):
        lines.append(f"  Contact: {extra['contact']}")
    if extra.get("notes"):
        lines.append(f"  Notes: {extra['notes']}")
    if alert.kind == "cooldown_over":
        count = extra.get("open_postings", "0")
        matching = "open posting matches" if count == "1" else "open postings match"
        lines.append(f"  {count} {matching} your filter" + (":" if count != "0" else ""))
        lines.extend(f"  • {line}" for line in extra.get("listing", "").splitlines())
    if alert.location:
        lines.append(f"  {alert.location}")
    if alert.url and alert.kind != "closed":
        lines.append(f"  {alert.url}")
    return "\n".join(lines)


def _summary(alerts: Sequence[Alert]) -> str:
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    parts = [
        f"{count} {_NOUN.get(kind, kind)}"
        for kind, count in sorted(counts.items(), key=lambda kv: _RANK.get(kv[0], 99))
    ]
    return ", ".join(parts)


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def _pack(title: str, blocks: list[tuple[str, int]], limit: int) -> list[Message]:
    # Leave room for a "(part 2/3)" line.
    budget = max(limit // 2, limit - 20)
    chunks: list[tuple[list[str], list[int]]] = [([], [])]
    for text, alert_id in blocks:
        text = _fit(text, budget)
        lines, ids = chunks[-1]
        used = sum(len(x) + 2 for x in lines)
        if lines and used + len(text) > budget:
            chunks.append(([], []))
            lines, ids = chunks[-1]
        lines.append(text)
        ids.append(alert_id)
    total = len(chunks)
    messages = []
    for number, (lines, ids) in enumerate(chunks, start=1):
        body = "\n\n".join(lines)
        if total > 1:
            body += f"\n\n(part {number}/{total})"
        messages.append(Message(title=title, body=body, alert_ids=tuple(ids)))
    return messages


def _ranked(alerts: Sequence[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (_RANK.get(a.kind, 99), a.company.casefold(), a.id))


def render(
    alerts: Sequence[Alert], limit: int = 1000, *, digest: bool = False, markdown: bool = False
) -> list[Message]:
    """Messages of at most ``limit`` characters of body each."""
    if not alerts:
        return []
    if digest:
        ranked = _ranked(alerts)
        companies = len({a.company for a in ranked})
        title = f"secondchance digest: {_summary(ranked)} ({companies} compan" + (
            "y)" if companies == 1 else "ies)"
        )
        blocks = [(block(a, markdown=markdown, company=True), a.id) for a in ranked]
        return _pack(title, blocks, limit)
    by_company: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_company.setdefault(alert.company, []).append(alert)
    messages: list[Message] = []
    for company, group in by_company.items():
        ranked = _ranked(group)
        title = f"{company}: {_summary(ranked)}"
        messages += _pack(title, [(block(a, markdown=markdown), a.id) for a in ranked], limit)
    return messages
