"""A proposal written into the watchlist's text, the rest of the file untouched: new
companies at the end, additions to an existing company at the end of its table (after
its last key or sub-table, before the comments that belong to what follows)."""

from __future__ import annotations

import dataclasses
import re

import tomlkit
from tomlkit.items import Array

from secondchance.importers.known import Known
from secondchance.importers.merge import Group, Proposal
from secondchance.importers.render import group_block, inline_rejection

# A table header that ends a [[company]]: another company, or a table of its own.
_HEADER = re.compile(r"^\s*\[")
_OWN = re.compile(r"^\s*\[\[?\s*company\s*\.")


class LayoutError(ValueError):
    """The watchlist is written in a way the import cannot add to by itself."""


def apply(text: str, proposal: Proposal, known: Known) -> str:
    lines = text.splitlines()
    document = tomlkit.parse(text) if text.strip() else None
    inserts: list[tuple[int, list[str]]] = []
    inline: list[tuple[int, Group]] = []
    appended: list[str] = []
    for group in proposal.groups:
        existing = group.existing
        if existing is None or existing.index is None:
            appended += ["", *group_block(group)]
            continue
        if not known.headers or document is None:
            raise LayoutError(
                f"cannot add to {existing.name!r}: its [[company]] is not a table of its own"
            )
        rejections = document["company"][existing.index].get("rejection")
        if isinstance(rejections, Array):
            # `rejection = [{...}]`: a [[company.rejection]] would extend a fixed array.
            live = [e for e in group.rejections if not e.missing]
            inline.append((existing.index, dataclasses.replace(group, rejections=live)))
            group = dataclasses.replace(
                group, rejections=[e for e in group.rejections if e.missing]
            )
        block = group_block(group)
        if group.entries():
            inserts.append((_end_of(lines, known.headers[existing.index]), block))
    for at, block in sorted(inserts, key=lambda insert: insert[0], reverse=True):
        lines[at:at] = block
    new = "\n".join(lines) + "\n" if lines else ""
    if appended:
        separator = "" if not new or new.endswith("\n\n") else "\n"
        new += separator + "\n".join(appended).lstrip("\n") + "\n"
    if inline:
        edited = tomlkit.parse(new)
        for index, group in inline:
            array = edited["company"][index]["rejection"]
            for entry in group.rejections:
                array.append(inline_rejection(entry))
        new = tomlkit.dumps(edited)
    return new


def _end_of(lines: list[str], header: int) -> int:
    end = next(
        (
            i
            for i in range(header + 1, len(lines))
            if _HEADER.match(lines[i]) and not _OWN.match(lines[i])
        ),
        len(lines),
    )
    last = header
    for i in range(header + 1, end):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            last = i
    return last + 1
