"""Rejections found in mail: ``scan`` reads every message of the sources given and
yields a Found for each rejection, a Problem for what could not be read.

files.py (or imap.py for ``imaps://``) hands over each message's bytes; message.py
parses them; classify.py decides; extract.py reads the fields. The mail itself is never
kept or logged: a Found carries only the proposal and the sentence that made it a
rejection, a Problem only where and why.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator, Sequence

from secondchance.importers.found import Found, Problem, RawMail
from secondchance.importers.mail import files, people
from secondchance.importers.mail.classify import judge
from secondchance.importers.mail.extract import extract
from secondchance.importers.mail.message import parse

PROGRESS_EVERY = 100
UNKNOWN_COMPANY = "(unknown company)"

__all__ = ["scan", "verdict"]


def scan(
    sources: Sequence[str],
    *,
    since: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Found | Problem]:
    read = found = 0
    for source in sources:
        for item in _stream(source, since):
            if isinstance(item, Problem):
                yield item
                continue
            read += 1
            # A single file given as the source is the whole source: if it is not
            # mail, the source failed.
            result = verdict(item, since=since, whole_source=item.ref == source)
            if result is not None:
                found += isinstance(result, Found)
                yield result
            if progress is not None and read % PROGRESS_EVERY == 0:
                progress(read, found)
    if progress is not None:
        progress(read, found)


def _stream(source: str, since: dt.date | None) -> Iterator[RawMail | Problem]:
    if source.startswith("imaps://"):
        # Only an IMAP source needs the network modules; imported by name so that this
        # module stands without them.
        try:
            imap = importlib.import_module("secondchance.importers.mail.imap")
        except ModuleNotFoundError:
            yield Problem(source, "IMAP is not available in this installation")
            return
        yield from imap.messages(source, since=since)
    elif source.startswith("imap://"):
        yield Problem(source, "only imaps:// (IMAP over TLS) is read")
    else:
        yield from files.read(source)


def verdict(
    raw: RawMail, *, since: dt.date | None = None, whole_source: bool = False
) -> Found | Problem | None:
    """One message: a Found when it is a rejection, None when it is not (or is older
    than ``since``), a Problem when it cannot be read."""
    try:
        mail = parse(raw.data)
        if mail is None:
            return Problem(raw.ref, "not an e-mail message", fatal=whole_source)
        if since is not None and mail.date is not None and mail.date < since:
            return None
        judged = judge(mail.subject, mail.text, mail.sender_address, bulk=mail.bulk)
        if not judged.rejection:
            return None
        fields = extract(mail)
    except Exception:  # whatever a message does, one message is skipped, never quoted
        return Problem(raw.ref, "could not be read as mail, skipped", fatal=False)
    return Found(
        company=fields.company or UNKNOWN_COMPANY,
        role=fields.role,
        date=mail.date,
        status="rejected",
        stage=fields.stage,
        contact=fields.contact,
        board=fields.board,
        evidence=judged.evidence,
        message_id=mail.message_id,
        file=raw.ref,
        site=people.site(mail.sender_address),
    )
