"""The newest part of a thread (pure): a reply's quoted history cut off, a forwarded
message taken out of its wrapping, with the sender it names.

A rejection is read where it was written: in the reply, above "On … wrote:" (and its
German, French, Spanish and Dutch forms, Outlook's "-----Original Message-----" and
"From:" block, lines quoted with ">"); in a forward, below "---------- Forwarded
message ---------" (the forwarder's own note is not the company's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FORWARD = re.compile(
    r"(?im)^[ \t]*(?:-{3,}[ \t]*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|"
    r"Mensaje reenviado|Doorgestuurd bericht)[ \t]*-*|Begin forwarded message:)[ \t]*$"
)
_QUOTE_START = re.compile(
    r"(?im)^[ \t]*(?:"
    r"-{3,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|"
    r"Oorspronkelijk bericht)[ \t]*-{3,}"
    r"|On\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bwrote:"
    r"|Am\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bschrieb\b[^\n]{0,100}:"
    r"|Le\b[^\n]{0,300}(?:\n[^\n]{0,200})?\ba écrit[ \t]*:"
    r"|El\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bescribió[ \t]*:"
    r"|Op\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bschreef\b[^\n]{0,100}:"
    r"|_{10,}[ \t]*\n[ \t]*(?:From|Von|De|Van):"
    r")[ \t]*$"
)
_HEADER_LINE = re.compile(
    r"^[ \t]*(From|Von|De|Van|Date|Datum|Sent|Gesendet|Envoyé|Enviado|"
    r"Verzonden|Subject|Betreff|Objet|Asunto|Onderwerp|To|An|À|Para|Aan|"
    r"Cc)[ \t]*:[ \t]*(.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Thread:
    text: str
    # The sender and date named in a forwarded message's header block.
    sender: str | None = None
    date: str | None = None


def newest(body: str) -> Thread:
    body = body.replace("\r\n", "\n")
    forward = _FORWARD.search(body)
    if forward:
        sender, date, text = _forwarded(body[forward.end() :])
        return Thread(_cut(text), sender, date)
    return Thread(_cut(body))


def _forwarded(rest: str) -> tuple[str | None, str | None, str]:
    """The forwarded header block's sender and date, and the forwarded body."""
    lines = rest.lstrip("\n").split("\n")
    sender = date = None
    index = 0
    while index < len(lines):
        match = _HEADER_LINE.match(lines[index])
        if not match:
            break
        if match.group(1).lower() in ("from", "von", "de", "van") and sender is None:
            sender = match.group(2).strip() or None
        elif match.group(1).lower() in ("date", "datum", "sent", "gesendet") and date is None:
            date = match.group(2).strip() or None
        index += 1
    return sender, date, "\n".join(lines[index:])


def _cut(text: str) -> str:
    match = _QUOTE_START.search(text)
    if match:
        text = text[: match.start()]
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
