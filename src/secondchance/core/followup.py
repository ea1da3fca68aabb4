"""The follow-up note a role back suggests: a template the user may rewrite in
``[notify] followup``, its placeholders checked when the watchlist is read. Pure."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from string import Formatter

PLACEHOLDERS = ("contact", "company", "role", "rejected_role", "date")

# Gracious and brief: a second chance is won by keeping the relationship warm,
# not by arguing the first decision.
DEFAULT_FOLLOWUP = (
    "Hi {contact}, I saw that the {role} role at {company} is open again. "
    "I enjoyed interviewing for {rejected_role} in {date} and I am still very keen. "
    "Would you be open to a short chat, or to passing my name to the hiring team? "
    "Thank you either way."
)


def problems(template: str) -> list[str]:
    """What is wrong with a template (empty when it is usable)."""
    try:
        fields = list(Formatter().parse(template))
    except ValueError as exc:
        return [f"not a valid template ({exc}); write a literal brace as {{{{ or }}}}"]
    out = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            out.append(f"unknown placeholder {shown} (known: {', '.join(PLACEHOLDERS)})")
        elif spec or conversion:
            out.append(f"placeholder {{{name}}} takes no format or conversion")
    return out


# "Dana Lee (recruiter)", "Dana Lee <dana@acme.com>": a note greets the name.
_ASIDE = re.compile(r"\s*(\(.*\)|<.*>|\[.*\])\s*$")


def greeting_name(contact: str | None) -> str:
    name = _ASIDE.sub("", contact or "").strip()
    return name or "there"


def month(date: str | None) -> str:
    """ "2026-03-01" → "March 2026" (as given when it is no date)."""
    try:
        return dt.date.fromisoformat(date or "").strftime("%B %Y")
    except ValueError:
        return date or "the past"


def fill(template: str | None, values: Mapping[str, str]) -> str:
    """The note, from ``template`` (the default when None). A template that fails
    anyway (checked ones do not) falls back to the default."""
    wanted = {name: values.get(name, "") for name in PLACEHOLDERS}
    if template is not None and not problems(template):
        return template.format(**wanted)
    return DEFAULT_FOLLOWUP.format(**wanted)
