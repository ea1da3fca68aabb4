"""A proposal as watchlist TOML: what a dry run prints and what --write inserts.

Every imported string is escaped (``${`` written ``$${``): a role taken from a mail
must stay text, never become a reference to a secret in the environment. Entries that
cannot be written live (a company without a board, a rejection without a role or a
date, an application without an answer) are written commented out, under a line that
says why.
"""

from __future__ import annotations

from typing import Any

import tomlkit

from secondchance.config.environment import escape
from secondchance.importers.boards import board_value
from secondchance.importers.merge import Entry, Group, Proposal

APPLIED_HINT = "no answer yet: uncomment if they turned you down"


def _string(text: str) -> str:
    return tomlkit.string(escape(text)).as_string()


def _value(value: object) -> str:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update({k: escape(v) if isinstance(v, str) else v for k, v in value.items()})
        return table.as_string()
    return _string(str(value))


def commented(lines: list[str]) -> list[str]:
    return [f"# {line}" if line else "#" for line in lines]


def company_lines(group: Group) -> list[str]:
    lines = ["[[company]]", f"name = {_string(group.name)}"]
    if group.board is not None:
        lines.append(f"{group.board.kind} = {_value(board_value(group.board))}")
    return lines


def rejection_lines(entry: Entry) -> list[str]:
    found = entry.found
    lines = ["[[company.rejection]]"]
    if found.role and found.role.strip():
        lines.append(f"role = {_string(found.role.strip())}")
    if found.date:
        lines.append(f"date = {found.date.isoformat()}")
    for key, value in (("stage", found.stage), ("contact", found.contact), ("notes", entry.notes)):
        if value and value.strip():
            lines.append(f"{key} = {_string(value.strip())}")
    return lines


def entry_block(entry: Entry, live: bool, explain: bool = False) -> list[str]:
    """One rejection's lines: live when it can be, else commented out under why."""
    lines: list[str] = []
    if explain and entry.found.evidence:
        lines.append(f"# evidence: {' '.join(entry.found.evidence.split())}")
    if explain and entry.found.file:
        lines.append(f"# from: {entry.found.file}")
    body = rejection_lines(entry)
    if entry.found.status == "applied":
        when = entry.found.date.isoformat() if entry.found.date else "(date unknown)"
        return [*lines, f"# applied {when}, {APPLIED_HINT}", *commented(body)]
    if entry.missing:
        return [
            *lines,
            f"# missing: {' and '.join(entry.missing)}; add it, then uncomment",
            *commented(body),
        ]
    return lines + (body if live else commented(body))


def group_block(group: Group, explain: bool = False, applied: bool = True) -> list[str]:
    """A company's block: the [[company]] table (for a new one) and its entries."""
    lines: list[str] = []
    if group.existing is None:
        head = company_lines(group)
        if group.board is None:
            lines.append(
                "# missing: a board (`secondchance discover URL` finds it); add it, then "
                "uncomment this company"
            )
            head = commented(head)
        elif not group.live:
            lines.append(
                "# no rejection yet: uncomment this company with the application that "
                "turned you down"
            )
            head = commented(head)
        lines += head
    entries = group.rejections + (group.applied if applied else [])
    for entry in entries:
        lines.append("")
        lines += entry_block(entry, group.live, explain)
    return lines


def dry_run(proposal: Proposal, where: str | None) -> str:
    """The proposal as a dry run prints it: rejections grouped by company, new
    companies and additions marked, then the applications without an answer."""
    out: list[str] = []
    for group in (g for g in proposal.groups if g.rejections):
        out += ["", _mark(group, where)]
        if group.existing is not None:
            out += (
                commented(company_lines(group))
                if group.existing.index is None
                else [
                    "[[company]]",
                    f"name = {_string(group.existing.name)}",
                ]
            )
        out += group_block(group, explain=True, applied=False)
    applied = [g for g in proposal.groups if g.applied]
    if applied:
        out += ["", "# ── Applied, no answer yet: uncomment those that turned you down ──"]
        for group in applied:
            out += ["", f"# {_mark(group, where)[2:]}"]
            if group.existing is None or group.existing.index is None:
                out += commented(company_lines(group))
            for entry in group.applied:
                out += ["", *entry_block(entry, False, explain=True)]
    return "\n".join(out).lstrip("\n") + "\n" if out else ""


def _mark(group: Group, where: str | None) -> str:
    if group.existing is None:
        return f"# new company: {group.name}"
    if group.existing.index is None:
        return f"# added to {group.existing.name} (commented out in {where})"
    return f"# added to the existing company {group.existing.name} (in {where})"


def as_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def inline_rejection(entry: Entry) -> Any:
    """An entry as an inline table, for a company whose rejections are an array."""
    table = tomlkit.inline_table()
    found = entry.found
    table["role"] = escape((found.role or "").strip())
    table["date"] = found.date
    for key, value in (("stage", found.stage), ("contact", found.contact), ("notes", entry.notes)):
        if value and value.strip():
            table[key] = escape(value.strip())
    return table
