"""Mail files → a stream of RawMail, one message at a time in constant memory.

An mbox file, a Maildir (``cur/``, ``new/``, ``tmp/``), a folder of ``.eml`` files
(searched recursively), or one ``.eml`` file. ``mailbox`` is not used: it creates a
mailbox that does not exist, and its mbox builds a table of contents of the whole file
first; the mbox here is read line by line and split on its ``From `` lines. Problems
name the file and the failure, never the mail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from secondchance.importers.found import Problem, RawMail

MAX_MESSAGE = 25 * 1024 * 1024
# Lines are read at most this long, so a file without newlines costs no more memory.
_LINE = 64 * 1024
# An mbox separator: "From sender date", with a time in the date (a body line that
# begins with "From " but was not quoted to ">From " rarely has one).
_SEPARATOR = re.compile(rb"^From \S+.*\b\d{1,2}:\d{2}")
_QUOTED_FROM = re.compile(rb"^>+From ")


def read(source: str, *, cap: int = MAX_MESSAGE) -> Iterator[RawMail | Problem]:
    """Every message of a source; a Problem when the source cannot be read (fatal) or
    one message cannot (not fatal)."""
    path = Path(source)
    try:
        if not path.exists():
            yield Problem(source, "no such file or directory")
            return
        if path.is_dir():
            if (path / "cur").is_dir() and (path / "new").is_dir():
                yield from _maildir(path, cap)
            else:
                yield from _folder(path, cap)
            return
        with path.open("rb") as handle:
            head = handle.read(5)
        if head == b"From ":
            yield from _mbox(path, cap)
        else:
            yield from _message(path, cap, fatal=True)
    except PermissionError:
        yield Problem(source, "permission denied")
    except OSError as exc:
        yield Problem(source, f"cannot be read ({exc.strerror or type(exc).__name__})")


def _message(path: Path, cap: int, *, fatal: bool) -> Iterator[RawMail | Problem]:
    try:
        if path.stat().st_size > cap:
            yield Problem(str(path), f"larger than {cap // (1024 * 1024)} MB, skipped", fatal)
            return
        yield RawMail(str(path), path.read_bytes())
    except PermissionError:
        yield Problem(str(path), "permission denied", fatal=fatal)
    except OSError as exc:
        yield Problem(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})", fatal)


def _listing(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _maildir(path: Path, cap: int) -> Iterator[RawMail | Problem]:
    for sub in ("new", "cur"):
        for entry in _listing(path / sub):
            if entry.is_file():
                yield from _message(entry, cap, fatal=False)


def _folder(path: Path, cap: int) -> Iterator[RawMail | Problem]:
    def walk_error(exc: OSError) -> None:
        raise exc

    for root, dirs, names in os.walk(path, onerror=walk_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.lower().endswith(".eml") and not name.startswith("."):
                yield from _message(Path(root) / name, cap, fatal=False)


def _mbox(path: Path, cap: int) -> Iterator[RawMail | Problem]:
    """The messages of an mbox, ``PATH#N`` each; one over the cap is skipped."""
    index = -1
    lines: list[bytes] = []
    size = 0
    over = False
    line_start = True

    def finish() -> RawMail | Problem:
        ref = f"{path}#{index}"
        if over:
            return Problem(ref, f"larger than {cap // (1024 * 1024)} MB, skipped", fatal=False)
        return RawMail(ref, b"".join(lines))

    with path.open("rb") as handle:
        while line := handle.readline(_LINE):
            starts = line_start and line.startswith(b"From ") and _SEPARATOR.match(line)
            line_start = line.endswith(b"\n")
            if starts or index < 0:
                if index >= 0:
                    yield finish()
                index += 1
                lines, size, over = [], 0, False
                if starts:
                    continue
            if over:
                continue
            if line_start and _QUOTED_FROM.match(line):
                line = line[1:]
            size += len(line)
            if size > cap:
                over, lines = True, []
                continue
            lines.append(line)
    if index >= 0:
        yield finish()
