"""Pure rendering of queued alerts into messages that fit a channel.

Instant alerts make one message per company and Apprise notify type per batch (a
role back is a message of its own, with the weight of a success); a digest makes
one message per type for everything due, company by company, ranked so the second
chances come first. The title tells the story on a lock screen; the body starts
with the company's context line (the rejection) once, then one block per alert,
each with a next step. Board text is escaped for the channel's style
(delivery/markup.py). A message is split into parts between alerts, never inside
one, to fit the channel's length limit; many routine alerts at one company are
summarised after the first few ("and 40 more: secondchance jobs ..."), the second
chances never.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from secondchance.core.models import Alert
from secondchance.core.wording import plural
from secondchance.delivery.blocks import block, followup_note, shell_quote
from secondchance.delivery.markup import Style, bold, escape, newline

__all__ = ["KEPT", "TYPES", "Message", "block", "followup_note", "notify_type", "render"]

# The notify type of each kind (apprise.NotifyType values): the weight a phone gives it.
TYPES = {
    "role_back": "success",
    "cooldown_over": "success",
    "source_failing": "warning",
    "config_rejected": "warning",
}
_TYPE_ORDER = ("success", "warning", "info")
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
# Never summarised away: the reasons the product exists.
KEPT = frozenset({"role_back", "reopened", "reposted", "cooldown_over"})
# A company's routine alerts beyond this many in one message are summarised ...
SUMMARISE_AFTER = 12
# ... and this many of them shown.
SHOWN = 10


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    alert_ids: tuple[int, ...]
    notify_type: str = "info"


def notify_type(kind: str) -> str:
    return TYPES.get(kind, "info")


def _summary(alerts: Sequence[Alert]) -> str:
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    parts = [
        f"{count} {_NOUN.get(kind, kind)}"
        for kind, count in sorted(counts.items(), key=lambda kv: _RANK.get(kv[0], 99))
    ]
    return ", ".join(parts)


def _story(company: str, alerts: Sequence[Alert]) -> str:
    """A lock-screen title: what happened at the company, in words."""
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    kinds = sorted(counts, key=lambda k: _RANK.get(k, 99))
    top, n = kinds[0], counts[kinds[0]]
    if top == "role_back":
        head = (
            "the role you interviewed for is back"
            if n == 1
            else f"{n} roles you interviewed for are back"
        )
        rest = [k for k in kinds if k != top]
        return f"⭐ {company}: {head}" + (", and your cool-down is over" if rest else "")
    if top == "cooldown_over":
        return f"{company}: your cool-down is over, you can reapply"
    if top == "config_rejected":
        return "secondchance: watchlist edit rejected"
    if top == "source_failing":
        since = next((a.extra.get("since") for a in alerts if a.extra.get("since")), None)
        board = "board failing" if n == 1 else f"{n} boards failing"
        return f"{company}: {board}" + (f" since {since}" if since else "")
    if len(kinds) == 1 and n == 1:
        single = {
            "new": "a new role",
            "reopened": "a role reopened",
            "reposted": "a role was reposted",
            "changed": "a posting changed",
            "closed": "a role closed",
            "source_recovered": "the board is back",
        }.get(top)
        if single:
            return f"{company}: {single}"
    words = {
        "new": lambda c: f"{c} new " + ("role" if c == 1 else "roles"),
        "reopened": lambda c: f"{c} reopened",
        "reposted": lambda c: f"{c} reposted",
        "changed": lambda c: f"{c} changed",
        "closed": lambda c: f"{c} closed",
        "source_recovered": lambda c: "board back" if c == 1 else f"{c} boards back",
    }
    parts = [words[k](counts[k]) if k in words else f"{counts[k]} {k}" for k in kinds]
    return f"{company}: " + ", ".join(parts)


def _contexts(alerts: Iterable[Alert]) -> list[str]:
    """The rejection lines of these alerts, each once."""
    seen: list[str] = []
    for alert in alerts:
        context = alert.extra.get("context")
        if context and alert.kind != "cooldown_over" and context not in seen:
            seen.append(context)
    return seen


@dataclass(slots=True)
class _Item:
    lines: list[str]
    ids: tuple[int, ...]


def _item(text: str, ids: Iterable[int], style: Style) -> _Item:
    return _Item(text.split(newline(style)), tuple(ids))


def _summarised(
    company: str, ranked: Sequence[Alert], style: Style, followup: str | None, prefix: bool
) -> list[_Item]:
    """One item per alert; past SUMMARISE_AFTER routine ones, the first SHOWN and a
    line for the rest (whose ids ride with it: they are sent, and in history)."""
    routine = [a for a in ranked if a.kind not in KEPT]
    hidden: set[int] = set()
    if len(routine) > SUMMARISE_AFTER:
        hidden = {a.id for a in routine[SHOWN:]}
    items = [
        _item(block(a, style=style, company=prefix, followup=followup), [a.id], style)
        for a in ranked
        if a.id not in hidden
    ]
    if hidden:
        rest = [a for a in routine if a.id in hidden]
        line = (
            f"and {len(rest)} more ({_summary(rest)}): "
            f"secondchance jobs --company {shell_quote(company)}"
        )
        items.append(_Item([escape(line, style)], tuple(a.id for a in rest)))
    return items


def _fit(lines: list[str], budget: int, style: Style) -> list[str]:
    """An item over the budget, shortened on its own: whole lines dropped from its
    end (a line cut in two could leave markup open), the first one cut if it must."""
    joiner = newline(style)
    if len(joiner.join(lines)) <= budget:
        return lines
    more = escape("…", style)
    kept = list(lines)
    while len(kept) > 1 and len(joiner.join([*kept, more])) > budget:
        kept.pop()
    if len(joiner.join([*kept, more])) > budget:
        # One line longer than a whole message: only the title can be, and it is
        # capped, so this is a very small limit; plain text survives a cut.
        return [kept[0][: max(0, budget - 1)] + "…"]
    return [*kept, more]


def _pack(
    title: str, header: list[str], items: list[_Item], limit: int, style: Style, kind: str
) -> list[Message]:
    joiner = newline(style)
    gap = joiner * 2 if style != "html" else "<br>\n<br>\n"
    head = joiner.join(header)
    # Leave room for a "(part 2/3)" line and the header repeated in each part.
    budget = max(limit // 2, limit - 20 - (len(head) + len(gap) if head else 0))
    chunks: list[tuple[list[str], list[int]]] = [([], [])]
    for item in items:
        text = joiner.join(_fit(item.lines, budget, style))
        texts, ids = chunks[-1]
        used = sum(len(x) + len(gap) for x in texts)
        if texts and used + len(text) > budget:
            chunks.append(([], []))
            texts, ids = chunks[-1]
        texts.append(text)
        ids.extend(item.ids)
    total = len(chunks)
    messages = []
    for number, (texts, ids) in enumerate(chunks, start=1):
        body = gap.join(([head] if head else []) + texts)
        if total > 1:
            body += gap + escape(f"(part {number}/{total})", style)
        messages.append(Message(title=title, body=body, alert_ids=tuple(ids), notify_type=kind))
    return messages


def _ranked(alerts: Sequence[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (_RANK.get(a.kind, 99), a.company.casefold(), a.id))


def _by_type(alerts: Sequence[Alert]) -> list[tuple[str, list[Alert]]]:
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(notify_type(alert.kind), []).append(alert)
    return [(kind, groups[kind]) for kind in _TYPE_ORDER if kind in groups]


def render(
    alerts: Sequence[Alert],
    limit: int = 1000,
    *,
    digest: bool = False,
    style: Style = "text",
    followup: str | None = None,
    escaped_title: bool = False,
) -> list[Message]:
    """Messages of at most ``limit`` characters of body each. ``escaped_title``:
    the service shows the title as part of the body (Telegram, Discord), so it is
    escaped as the body is."""
    if not alerts:
        return []

    def titled(text: str) -> str:
        return escape(text, style) if escaped_title else escape(text, "text")

    messages: list[Message] = []
    if digest:
        for kind, group in _by_type(alerts):
            ranked = _ranked(group)
            companies: dict[str, list[Alert]] = {}
            for alert in ranked:
                companies.setdefault(alert.company, []).append(alert)
            star = "⭐ " if kind == "success" else ""
            count = plural(len(companies), "company", "companies")
            title = f"{star}secondchance digest: {_summary(ranked)} ({count})"
            items: list[_Item] = []
            for company, mine in companies.items():
                section = _summarised(company, mine, style, followup, prefix=False)
                first = [bold(escape(company, style), style)]
                first += [escape(c, style) for c in _contexts(mine)]
                section[0] = _Item(first + section[0].lines, section[0].ids)
                items += section
            messages += _pack(titled(title), [], items, limit, style, kind)
        return messages
    by_company: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_company.setdefault(alert.company, []).append(alert)
    for company, mine in by_company.items():
        for kind, group in _by_type(mine):
            ranked = _ranked(group)
            header = [escape(c, style) for c in _contexts(ranked)]
            items = _summarised(company, ranked, style, followup, prefix=False)
            messages += _pack(titled(_story(company, ranked)), header, items, limit, style, kind)
    return messages
