"""Logging setup: one line per event, secrets masked on every handler.

The masking works on the final formatted line, so a secret cannot slip in
through an argument, an exception message or a third-party logger.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit


def secret_fragments(values: Iterable[str]) -> set[str]:
    """The secrets themselves plus the token-like parts of secret URLs.

    Libraries may log a URL's password or a path token without the rest of
    the URL, so those parts are masked too.
    """
    out: set[str] = set()
    for value in values:
        if len(value) >= 4:
            out.add(value)
        if "://" in value:
            parts = urlsplit(value)
            if parts.password:
                out.add(parts.password)
            for piece in re.split(r"[/:@?&=#,]", value.split("://", 1)[1]):
                if len(piece) >= 10:
                    out.add(piece)
    return out


class Redactor(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Secrets from outside the watchlist (a proxy's password): a reload keeps them.
        self._lasting: set[str] = set()
        self._current: set[str] = set()
        self.update(secrets)

    def keep(self, secrets: Iterable[str]) -> None:
        self._lasting.update(secrets)
        self.update(self._current)

    def update(self, secrets: Iterable[str]) -> None:
        self._current = set(secrets)
        fragments = sorted(secret_fragments(self._current | self._lasting), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, fragments))) if fragments else None

    def redact(self, text: str) -> str:
        return self._pattern.sub("***", text) if self._pattern is not None else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = self._pattern.sub("***", message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


_REDACTOR = Redactor()


def redact(text: str) -> str:
    """``text`` with every known secret masked, as in a log line: for what is printed
    rather than logged (`notify-test`'s report)."""
    return _REDACTOR.redact(text)


def setup_secrets(secrets: Iterable[str]) -> None:
    """Mask a reloaded watchlist's secrets from now on."""
    _REDACTOR.update(secrets)


def first_line(exc: BaseException) -> str:
    """An exception in one line for a log: SQLAlchemy's text goes on with the
    statement, its parameters (the user's data) and a link, none of which the
    reader needs."""
    return (str(exc).splitlines() or [""])[0] or type(exc).__name__


def keep_secrets(secrets: Iterable[str]) -> None:
    """Mask these for the rest of the process, whatever the watchlist says."""
    _REDACTOR.keep(secrets)


class StandardError(logging.StreamHandler[Any]):
    """Writes each line to ``sys.stderr`` as it is at that moment, not as it was at
    set-up (a stream replaced since, as tests and redirections do, may be closed), and
    says nothing when standard error itself is gone (`2>&-`, a reader that quit): a
    log line has nowhere to go, and a traceback about it would have nowhere either."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass  # always sys.stderr

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], OSError | ValueError):
            return
        super().handleError(record)


def setup(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = ()) -> Redactor:
    _REDACTOR.update(secrets)
    handler = StandardError()
    handler.addFilter(_REDACTOR)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%d %H:%M:%S")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Their INFO lines carry full request URLs and scheduler chatter.
    for noisy in ("httpx", "httpcore", "apscheduler", "apprise", "alembic", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return _REDACTOR
