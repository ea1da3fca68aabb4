"""One IMAP folder, read without changing it: the messages as `RawMail`, one at a time.

The folder is opened with EXAMINE (imaplib's ``select(readonly=True)``), so the server
itself refuses any change, and each message is fetched with ``BODY.PEEK[]``, which does
not set ``\\Seen`` even on a folder opened for writing. Nothing here sends STORE,
EXPUNGE, COPY or MOVE. TLS only, with the certificate verified; the password comes
from ``$SECONDCHANCE_IMAP_PASSWORD`` or a prompt on a terminal, never from the URL, and
is masked in every log line from the moment it is read.
"""

from __future__ import annotations

import base64
import datetime as dt
import getpass
import imaplib
import logging
import os
import re
import socket
import ssl
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, unquote, urlsplit

from secondchance import logs
from secondchance.importers.found import Problem, RawMail

log = logging.getLogger(__name__)

T = TypeVar("T")

PASSWORD_ENV = "SECONDCHANCE_IMAP_PASSWORD"
CA_ENV = "SECONDCHANCE_IMAP_CA"
IMAPS_PORT = 993
# Seconds for the connection and for each reply: a server that stops answering ends the
# source with one line rather than hanging the import. Tests shorten it.
TIMEOUT = 30.0
# A rejection is a short letter; a message over this is an attachment, not one of them.
SIZE_CAP = 25 * 1024 * 1024
# One FETCH holds at most this many messages or bytes: imaplib keeps a whole reply in
# memory, so the batch is what bounds it.
BATCH_MESSAGES = 100
BATCH_BYTES = 8 * 1024 * 1024

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


@dataclass(frozen=True, slots=True)
class Folder:
    """What an ``imaps://`` URL names: whose folder, on which server."""

    user: str
    host: str
    port: int | None
    name: str

    @property
    def url(self) -> str:
        """The folder's URL as shown to the user (it never holds a password)."""
        port = f":{self.port}" if self.port is not None else ""
        host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6
        return f"imaps://{quote(self.user, safe='')}@{host}{port}/{quote(self.name)}"

    def ref(self, uid: int) -> str:
        """One message of the folder, RFC 5092 style."""
        return f"{self.url};UID={uid}"


def messages(url: str, *, since: dt.date | None = None) -> Iterator[RawMail | Problem]:
    """Every message of the folder at ``url`` (those that arrived on or after ``since``),
    streamed, the folder left exactly as it was. A failure of the whole source is a fatal
    `Problem`, a message over the size cap a non-fatal one."""
    folder = parse_url(url)
    if isinstance(folder, Problem):
        yield folder
        return
    secret = password(folder)
    if isinstance(secret, Problem):
        yield secret
        return
    try:
        yield from _read(folder, secret, since)
    except _Failed as failed:
        yield Problem(folder.url, _masked(failed.reason, secret))


def parse_url(url: str) -> Folder | Problem:
    """The folder an ``imaps://user@host[:port]/FOLDER`` URL names, or why it cannot be
    read; a password in it is refused (and not repeated)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return Problem(_shown(url), f"not an IMAP folder URL ({exc})")
    where = _shown(url)
    if parts.scheme == "imap":
        return Problem(where, "TLS only: use imaps:// (imap:// would send the password in clear)")
    if parts.scheme != "imaps":
        return Problem(where, "not an IMAP folder URL: imaps://USER@HOST/FOLDER")
    if parts.password is not None:
        return Problem(
            where,
            f"no password in the URL: give it in ${PASSWORD_ENV} (or at the prompt on a terminal)",
        )
    if not parts.username or not parts.hostname:
        return Problem(where, "the URL needs a user and a server: imaps://USER@HOST/FOLDER")
    if parts.query or parts.fragment or ";" in parts.path:
        return Problem(where, "name a folder, nothing more: imaps://USER@HOST/FOLDER")
    name = unquote(parts.path.lstrip("/")) or "INBOX"
    return Folder(unquote(parts.username), parts.hostname, port, name)


def password(folder: Folder) -> str | Problem:
    """The password from ``$SECONDCHANCE_IMAP_PASSWORD``, else asked on the terminal
    (not echoed); masked in the logs from here on."""
    secret = os.environ.get(PASSWORD_ENV, "")
    if not secret:
        if sys.stdin is None or not sys.stdin.isatty():
            return Problem(
                folder.url,
                f"no password: set ${PASSWORD_ENV} (or run on a terminal to be asked for it)",
            )
        try:
            secret = getpass.getpass(f"IMAP password for {folder.user}@{folder.host}: ")
        except EOFError:
            secret = ""
        if not secret:
            return Problem(folder.url, "no password given")
    logs.keep_secrets([secret])
    return secret


class _Failed(Exception):
    """The source cannot go on: ``reason`` is the one line for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read(folder: Folder, secret: str, since: dt.date | None) -> Iterator[RawMail | Problem]:
    timeout = float(TIMEOUT)
    connection = _connect(folder, timeout)
    clean = False
    try:
        _login(connection, folder, secret, timeout)
        cannot_open = f"cannot open the folder {folder.name!r}"
        typ, data = _ask(
            lambda: connection.select(quoted_mailbox(folder.name), readonly=True),
            timeout,
            cannot_open,
        )
        if typ != "OK":
            raise _Failed(f"{cannot_open}: {_server_text(data)}")
        criteria = ("SINCE", imap_date(since)) if since is not None else ("ALL",)
        refused = "the server refused the search"
        typ, data = _ask(lambda: connection.uid("SEARCH", *criteria), timeout, refused)
        if typ != "OK":
            raise _Failed(f"{refused}: {_server_text(data)}")
        found = b" ".join(d for d in data if isinstance(d, bytes)).split()
        uids = [int(uid) for uid in found if uid.isdigit()]
        log.info("imap: %d messages to read in %s", len(uids), folder.url)
        for start in range(0, len(uids), BATCH_MESSAGES):
            batch = uids[start : start + BATCH_MESSAGES]
            sizes = _sizes(connection, batch, timeout)
            wanted: list[int] = []
            for uid in batch:
                size = sizes.get(uid)
                if size is None:
                    continue  # expunged by another client since the search
                if size > SIZE_CAP:
                    yield Problem(
                        folder.ref(uid),
                        f"skipped: {_megabytes(size)}, over the {_megabytes(SIZE_CAP)} cap",
                        fatal=False,
                    )
                    continue
                wanted.append(uid)
            for group in _groups(wanted, sizes):
                for uid, body in _bodies(connection, group, timeout):
                    yield RawMail(folder.ref(uid), body)
        clean = True
    finally:
        _close(connection, clean)


def _connect(folder: Folder, timeout: float) -> imaplib.IMAP4_SSL:
    context = ssl.create_default_context()
    ca = os.environ.get(CA_ENV)
    if ca:
        try:
            context.load_verify_locations(cafile=ca)
        except (OSError, ssl.SSLError) as exc:
            raise _Failed(f"cannot read the CA file in ${CA_ENV} ({ca}): {_oneline(exc)}") from None
    port = folder.port if folder.port is not None else IMAPS_PORT
    try:
        return imaplib.IMAP4_SSL(folder.host, port, ssl_context=context, timeout=timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise _Failed(_connection_failure(exc, folder, port, timeout)) from None


def _login(connection: imaplib.IMAP4_SSL, folder: Folder, secret: str, timeout: float) -> None:
    if (folder.user + secret).isascii():
        _ask(lambda: connection.login(_quoted(folder.user), secret), timeout, "login failed")
    else:
        # imaplib's LOGIN is ASCII only; SASL PLAIN carries UTF-8.
        token = b"\0" + folder.user.encode() + b"\0" + secret.encode()
        _ask(
            lambda: connection.authenticate("PLAIN", lambda _challenge: token),
            timeout,
            "login failed",
        )


def _sizes(connection: imaplib.IMAP4_SSL, uids: Sequence[int], timeout: float) -> dict[int, int]:
    refused = "the server refused to list the messages"
    typ, data = _ask(
        lambda: connection.uid("FETCH", _set(uids), "(UID RFC822.SIZE)"), timeout, refused
    )
    if typ != "OK":
        raise _Failed(f"{refused}: {_server_text(data)}")
    sizes: dict[int, int] = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _groups(uids: Sequence[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """The UIDs in runs that keep one FETCH reply within `BATCH_BYTES`."""
    group: list[int] = []
    total = 0
    for uid in uids:
        if group and total + sizes[uid] > BATCH_BYTES:
            yield group
            group, total = [], 0
        group.append(uid)
        total += sizes[uid]
    if group:
        yield group


def _bodies(
    connection: imaplib.IMAP4_SSL, uids: Sequence[int], timeout: float
) -> Iterator[tuple[int, bytes]]:
    refused = "the server refused to hand the messages over"
    typ, data = _ask(
        lambda: connection.uid("FETCH", _set(uids), "(UID BODY.PEEK[])"), timeout, refused
    )
    if typ != "OK":
        raise _Failed(f"{refused}: {_server_text(data)}")
    # A message's UID may come before its literal or after it (`BODY[] {n} … UID 7)`).
    body: bytes | None = None
    for item in data:
        if isinstance(item, tuple):
            head, body = item[0], item[1]
            found = _UID.search(head)
            if found:
                yield int(found.group(1)), body
                body = None
        elif isinstance(item, bytes) and body is not None:
            found = _UID.search(item)
            if found:
                yield int(found.group(1)), body
            body = None


def _ask(call: Callable[[], T], timeout: float, refused: str) -> T:
    """One command; a timeout, a dropped connection or a refusal is the end of the
    source, said in one line (``refused`` begins the line of a refusal)."""
    try:
        return call()
    except TimeoutError:
        raise _Failed(f"the server stopped answering (no reply in {timeout:g} s)") from None
    except imaplib.IMAP4.abort as exc:
        raise _Failed(f"the connection was lost: {_server_text(exc.args)}") from None
    except imaplib.IMAP4.error as exc:
        raise _Failed(f"{refused}: {_server_text(exc.args)}") from None
    except OSError as exc:
        raise _Failed(f"the connection failed: {_oneline(exc)}") from None


def _close(connection: imaplib.IMAP4_SSL, polite: bool) -> None:
    """A LOGOUT after a clean read; otherwise just the socket closed, since a server
    that stopped answering would hold LOGOUT for a whole timeout too."""
    try:
        if polite:
            connection.logout()
        else:
            connection.shutdown()
    except (OSError, imaplib.IMAP4.error):
        pass


def _connection_failure(exc: BaseException, folder: Folder, port: int, timeout: float) -> str:
    address = f"{folder.host}:{port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = exc.verify_message or _oneline(exc)
        return (
            f"the server's TLS certificate does not verify: {why} "
            f"(a self-hosted server's CA can be given in ${CA_ENV})"
        )
    if isinstance(exc, TimeoutError):
        return f"the server stopped answering (no reply from {address} in {timeout:g} s)"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {address}"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the server {folder.host}: {exc.strerror or _oneline(exc)}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {address} failed: {exc.reason or _oneline(exc)}"
    if isinstance(exc, imaplib.IMAP4.error):
        return f"{address} does not answer as an IMAP server: {_oneline(exc)}"
    return f"cannot connect to {address}: {_oneline(exc)}"


def imap_date(day: dt.date) -> str:
    """A date as IMAP SEARCH takes it (``6-Dec-2026``), whatever the locale."""
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


def quoted_mailbox(name: str) -> str:
    """A folder name as a quoted IMAP string, non-ASCII in modified UTF-7 (RFC 3501 5.1.3)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            packed = base64.b64encode("".join(run).encode("utf-16-be")).decode()
            out.append("&" + packed.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return _quoted("".join(out))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _set(uids: Sequence[int]) -> str:
    return ",".join(map(str, uids))


def _server_text(data: object) -> str:
    """The server's short reason, in one line of text."""
    items = data if isinstance(data, list | tuple) else [data]
    pieces = [
        item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        for item in items
        if item is not None
    ]
    return _oneline(" ".join(pieces)) or "no reason given"


def _oneline(value: object) -> str:
    text = str(value)
    return " ".join(text.split())[:200]


def _masked(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _shown(url: str) -> str:
    """A URL as it may be repeated: without a password the user put in it."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}@{host}{slash}{path}"
