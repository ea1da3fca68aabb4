"""One mail's bytes → what the classifier and the extractor read (pure).

The stdlib ``email`` parser with the modern policy, and a fallback at every step a real
mailbox breaks: a header the policy cannot parse is decoded by hand, a charset Python
does not know (or that does not fit the bytes) falls back to UTF-8, cp1252 and latin-1,
a part that cannot be decoded at all is skipped. HTML becomes text with selectolax,
scripts and styles dropped; links are gathered from the HTML and the text (they are
never fetched). Nothing here keeps or logs the mail.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from selectolax.lexbor import LexborHTMLParser

from secondchance.importers.mail.thread import Thread, newest

_PARSER = BytesParser(policy=policy.default)
# A file is taken for mail when it has at least this many of these headers.
_MAIL_HEADERS = ("from", "to", "date", "subject", "message-id", "received", "return-path")
_URL = re.compile(r"""https?://[^\s"'<>()\[\]]+""")
_BLOCK_END = re.compile(r"(?i)(</(?:p|div|li|tr|h[1-6]|table|ul|ol)\s*>)|(<br\s*/?>)")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Mail:
    """What is read of one message; never stored, never logged."""

    subject: str
    sender_name: str
    sender_address: str
    date: dt.date | None
    message_id: str | None
    text: str  # the newest part of the thread, or the forwarded message
    links: tuple[str, ...]
    bulk: bool  # a mailing (List-Unsubscribe, Precedence: bulk or list)


def parse(data: bytes) -> Mail | None:
    """The message, or None when the bytes are not mail at all."""
    if b"\x00" in data[:4096]:
        return None
    message = _PARSER.parsebytes(data)
    raw = {key.lower(): str(value) for key, value in reversed(list(message.raw_items()))}
    if sum(1 for name in _MAIL_HEADERS if name in raw) < 2:
        return None
    plain, html, links = _bodies(message)
    body = plain if plain.strip() else html
    thread = newest(body)
    name, address = _sender(message, raw, thread)
    precedence = (raw.get("precedence") or "").strip().lower()
    return Mail(
        subject=_header(message, raw, "subject") or "",
        sender_name=name,
        sender_address=address,
        # A forwarded rejection is dated by the message forwarded, not the forward.
        date=_date(thread.date) or _date(_header(message, raw, "date")),
        message_id=_message_id(raw.get("message-id")),
        text=thread.text,
        links=tuple(dict.fromkeys(links)),
        bulk="list-unsubscribe" in raw or precedence in ("bulk", "list", "junk"),
    )


def _header(message: Message, raw: dict[str, str], name: str) -> str | None:
    """The header decoded (RFC 2047): by ``email.header`` first (the policy's header
    objects cost more than the rest of a message's parse), by the policy where that
    leaves an encoded word, and as it stands where both fail."""
    value = raw.get(name)
    if value is None:
        return None
    try:
        decoded = _oneline(str(make_header(decode_header(value))))
    except Exception:
        decoded = None
    if decoded is not None and "=?" not in decoded:
        return decoded
    try:
        parsed = message.get(name)
        return _oneline(str(parsed)) if parsed is not None else decoded
    except Exception:  # the policy's parser fails on some broken headers
        return decoded if decoded is not None else _oneline(value)


def _oneline(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def _sender(message: Message, raw: dict[str, str], thread: Thread) -> tuple[str, str]:
    value = thread.sender or _header(message, raw, "from") or ""
    try:
        pairs = getaddresses([value])
    except Exception:
        pairs = []
    name, address = pairs[0] if pairs else ("", "")
    return _oneline(name).strip("'\""), address.strip().lower()


def _date(value: str | None) -> dt.date | None:
    """The Date header's own calendar date: not converted to UTC."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    # Gmail's forwarded header: "Mon, Nov 11, 2024 at 10:00 AM".
    for shape in ("%a, %b %d, %Y at %I:%M %p", "%a, %b %d, %Y at %H:%M", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value.strip()[:40], shape).date()
        except ValueError:
            continue
    return None


def _message_id(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip() or None


def _bodies(message: Message) -> tuple[str, str, list[str]]:
    """(plain text, HTML as text, links) of the message's text parts."""
    plain: list[str] = []
    html: list[str] = []
    links: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            kind = part.get_content_type()
            if kind not in ("text/plain", "text/html"):
                continue
            if part.get_content_disposition() == "attachment":
                continue
            text = decode_text(part.get_payload(decode=True), part.get_content_charset())
        except Exception:  # an undecodable part is skipped, the rest still read
            continue
        if kind == "text/html":
            as_text, hrefs = html_to_text(text)
            html.append(as_text)
            links += hrefs
        else:
            plain.append(text)
        links += _URL.findall(text)
    return "\n\n".join(plain), "\n\n".join(html), [u.rstrip(".,;:!?") for u in links]


def decode_text(payload: object, charset: str | None) -> str:
    """Bytes in their declared charset, else UTF-8, cp1252, latin-1: never fails."""
    if isinstance(payload, str):
        return payload
    if not isinstance(payload, bytes):
        return ""
    for name in (charset, "utf-8", "cp1252"):
        if not name:
            continue
        try:
            codecs.lookup(name)
            return payload.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Text of an HTML body, one line per block, and the links it carries; quoted
    replies (blockquote) dropped."""
    markup = _BLOCK_END.sub(
        lambda m: f"\n{m.group(0)}" if m.group(1) else f"{m.group(0)}\n",
        _WHITESPACE.sub(" ", markup),
    )
    tree = LexborHTMLParser(markup)
    links = [node.attributes.get("href") or "" for node in tree.css("a[href]")]
    tree.strip_tags(["script", "style", "head", "title", "blockquote", "noscript"])
    root = tree.body or tree.root
    text = root.text(deep=True, separator="") if root is not None else ""
    lines = [line.strip() for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line), [u for u in links if u.startswith("http")]
