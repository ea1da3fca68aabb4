"""A proposal written into the watchlist's text, the rest of the file untouched: new
companies at the end, additions to an existing company at the end of its table (after
its last key or sub-table, before the comments that belong to what follows)."""

from __future__ import annotations

import dataclasses
import re

import tomlkit
from tomlkit.items import Array

from secondchance.importers.found import Found
from secondchance.importers.known import Known, read_known
from secondchance.importers.merge import Entry, Group, Proposal, plan
from secondchance.importers.render import group_block, inline_rejection

# A table header that ends a [[company]]: another company, or a table of its own.
_HEADER = re.compile(r"^\s*\[")
_OWN = re.compile(r"^\s*\[\[?\s*company\s*\.")


class LayoutError(ValueError):
    """The watchlist is written in a way the import cannot add to by itself."""


def apply(text: str, proposal: Proposal, known: Known) -> str:
    headers = known.headers
    inline = [g for g in proposal.groups if _inline(g, text)]
    if inline:
        # `rejection = [{...}]`: a [[company.rejection]] would extend a fixed array, so
        # the complete ones join the array (tomlkit edits that line, and only that).
        document = tomlkit.parse(text)
        for group in inline:
            assert group.existing is not None and group.existing.index is not None
            array = document["company"][group.existing.index]["rejection"]
            for entry in group.rejections:
                if not entry.missing:
                    array.append(inline_rejection(entry))
        text = tomlkit.dumps(document)
        headers = read_known(text).headers
    lines = text.splitlines()
    inserts: list[tuple[int, list[str]]] = []
    appended: list[str] = []
    for group in proposal.groups:
        existing = group.existing
        if existing is None or existing.index is None:
            appended += ["", *group_block(group)]
            continue
        if not headers:
            raise LayoutError(
                f"cannot add to {existing.name!r}: its [[company]] is not a table of its own"
            )
        if group in inline:
            group = dataclasses.replace(
                group, rejections=[e for e in group.rejections if e.missing]
            )
        if group.entries():
            inserts.append((_end_of(lines, headers[existing.index]), group_block(group)))
    for at, block in sorted(inserts, key=lambda insert: insert[0], reverse=True):
        lines[at:at] = block
    new = "\n".join(lines) + "\n" if lines else ""
    if appended:
        separator = "" if not new or new.endswith("\n\n") else "\n"
        new += separator + "\n".join(appended).lstrip("\n") + "\n"
    return new


def _inline(group: Group, text: str) -> bool:
    existing = group.existing
    if existing is None or existing.index is None or not group.rejections:
        return False
    company = tomlkit.parse(text)["company"][existing.index]
    return isinstance(company.get("rejection"), Array)


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


def with_rejection(text: str, found: Found, notes: str | None = None) -> str | None:
    """``text`` with the rejection ``found`` added to its company, as `import --write`
    adds one; None when the watchlist records it already. LayoutError when the
    company is not a live [[company]] of ``text``, or the rejection lacks its role or
    date (it would only be written commented out)."""
    entry = Entry(found, notes)
    if entry.missing:
        raise LayoutError(f"a rejection needs {' and '.join(entry.missing)}")
    known = read_known(text)
    proposal = plan([found], known)
    if proposal.empty:
        return None
    group = proposal.groups[0]
    if group.existing is None or group.existing.index is None:
        raise LayoutError(f"{found.company!r} is not a [[company]] of the watchlist")
    group.rejections = [entry]
    group.applied = []
    return apply(text, proposal, known)
