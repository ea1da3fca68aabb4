"""Pure rendering of queued alerts into messages that fit a channel.

One message per company per batch, split into several when it would exceed
the channel's length limit: an alert is never silently cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secondchance.models import Alert

_HEADLINES = {
    "new": "New",
    "reopened": "Reopened",
    "reposted": "Reposted",
    "changed": "Changed",
    "closed": "Closed",
    "source_failing": "Board failing",
    "source_recovered": "Board back",
}
# The order a reader wants: what is worth a second try first.
_RANK = {
    "reposted": 0,
    "reopened": 1,
    "new": 2,
    "changed": 3,
    "closed": 4,
    "source_failing": 5,
    "source_recovered": 6,
}
_PLURAL = {"new": "new", "changed": "changed", "source_failing": "failing"}


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    alert_ids: tuple[int, ...]


def block(alert: Alert) -> str:
    """The lines for one alert: what happened, the role, where, the link."""
    headline = _HEADLINES.get(alert.kind, alert.kind)
    if alert.kind in ("source_failing", "source_recovered"):
        lines = [f"{headline}: {alert.source_kind} {alert.source_board}"]
        if alert.detail:
            lines.append(f"  {alert.detail}")
        return "\n".join(lines)
    lines = [f"{headline}: {alert.title or '(untitled)'}"]
    if alert.kind == "reposted" and alert.previous_title:
        lines.append(f"  same role as the earlier posting “{alert.previous_title}”")
    elif alert.kind == "changed" and alert.previous_title and alert.previous_title != alert.title:
        lines.append(f"  was “{alert.previous_title}”")
    elif alert.kind == "reopened":
        lines.append("  closed earlier, open again")
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
        f"{count} {_PLURAL.get(kind, kind.replace('source_', 'board '))}"
        for kind, count in sorted(counts.items(), key=lambda kv: _RANK.get(kv[0], 99))
    ]
    return ", ".join(parts)


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def render(alerts: Sequence[Alert], limit: int = 1000) -> list[Message]:
    """Group alerts by company and pack them into messages of at most ``limit``
    characters of body each (a part marker is added when there are several).
    """
    by_company: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_company.setdefault(alert.company, []).append(alert)
    messages: list[Message] = []
    for company, group in by_company.items():
        group.sort(key=lambda a: (_RANK.get(a.kind, 99), a.id))
        title = f"{company}: {_summary(group)}"
        # Leave room for a "(part 2/3)" line.
        budget = max(limit // 2, limit - 20)
        chunks: list[tuple[list[str], list[int]]] = [([], [])]
        for alert in group:
            text = _fit(block(alert), budget)
            lines, ids = chunks[-1]
            used = sum(len(x) + 2 for x in lines)
            if lines and used + len(text) > budget:
                chunks.append(([], []))
                lines, ids = chunks[-1]
            lines.append(text)
            ids.append(alert.id)
        total = len(chunks)
        for number, (lines, ids) in enumerate(chunks, start=1):
            body = "\n\n".join(lines)
            if total > 1:
                body += f"\n\n(part {number}/{total})"
            messages.append(Message(title=title, body=body, alert_ids=tuple(ids)))
    return messages
