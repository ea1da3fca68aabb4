"""At DEBUG, every HTTP exchange is one line: method, URL (secrets masked by the logs
filter, as every line is), status, bytes, time; redirects and failures too."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from conftest import BoardServer
from secondchance import logs
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import FetchError
from secondchance.sources.interface import Request

TOKEN = "s3cret-board-token-123"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """What a DEBUG log shows: the product's handler filter (logs.Redactor) on it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.Redactor([TOKEN]))
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("secondchance.fetch.client")
    logger.addHandler(handler)
    before = logger.level
    logger.setLevel(logging.DEBUG)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(before)


async def test_each_exchange_is_a_debug_line_with_its_secret_masked(
    boards: BoardServer, debug_log: io.StringIO
) -> None:
    boards.set("/jobs", b'{"jobs": []}')
    boards.set("/old", status=301, headers={"Location": f"/jobs?token={TOKEN}"})
    boards.set("/gone", b"no", status=404)
    fetcher = Fetcher(timeout=2, retries=0, retry_delay=0)
    try:
        await fetcher.fetch(Request(f"{boards.url}/jobs?token={TOKEN}"))
        await fetcher.fetch(Request(f"{boards.url}/old"))
        with pytest.raises(FetchError):
            await fetcher.fetch(Request(f"{boards.url}/gone", method="POST", json_body={}))
    finally:
        await fetcher.aclose()
    lines = debug_log.getvalue().splitlines()
    assert TOKEN not in debug_log.getvalue()
    url = re.escape(boards.url)
    patterns = [
        rf"DEBUG GET {url}/jobs\?token=\*\*\*: 200, 12 bytes \(\d+\.\d\ds\)",
        rf"DEBUG GET {url}/old: 301, to /jobs\?token=\*\*\*",
        rf"DEBUG GET {url}/old: 200, 12 bytes \(\d+\.\d\ds\)",
        rf"DEBUG POST {url}/gone: not found \(HTTP 404\): check the board name \(\d+\.\d\ds\)",
    ]
    assert len(lines) == len(patterns), lines
    for line, pattern in zip(lines, patterns, strict=True):
        assert re.fullmatch(pattern, line), line
