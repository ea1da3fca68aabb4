"""Compressed bodies: decoded once, lazily, never past the size cap.

The fetcher keeps the wire bytes and their digest; the body is decompressed
only when a parser reads it, so an unchanged body costs no decompression.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator

import pytest
import respx

from secondchance.core.board import Validators
from secondchance.core.models import SourceRef
from secondchance.fetch import body as http
from secondchance.fetch.board import fetch_board
from secondchance.fetch.body import Response, decode_body
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import FetchError
from secondchance.sources import BoardSpec
from secondchance.sources.interface import Request

JOBS = b",".join(b'{"id": %d, "title": "Role %d"}' % (i, i) for i in range(50))
BODY = b'{"jobs": [' + JOBS + b"]}"
BOARD = "https://boards.example.com/v1/boards/acme/jobs"


@pytest.fixture(autouse=True, params=["zlib-ng", "zlib"])
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test with zlib-ng (where it has a wheel) and with the stdlib fallback."""
    if request.param == "zlib":
        monkeypatch.setattr(http, "_inflate", zlib)
    else:
        zlib_ng = pytest.importorskip("zlib_ng.zlib_ng", reason="no zlib-ng wheel here")
        assert http._inflate is zlib_ng


def deflate(data: bytes, *, raw: bool = False) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("GZip", gzip.compress(BODY)),
        ("deflate", deflate(BODY)),
        ("deflate", deflate(BODY, raw=True)),
        ("identity", BODY),
        ("", BODY),
    ],
)
def test_decodes_what_servers_send(encoding: str, wire: bytes) -> None:
    assert decode_body(wire, encoding, cap=10_000) == BODY
    response = Response(200, wire, Validators(), content_encoding=encoding, max_body=10_000)
    assert response.body == BODY
    assert response.body == BODY  # decoded once, kept
    assert response.digest == hashlib.sha256(wire).digest()


def test_a_small_body_that_expands_past_the_cap_is_refused() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(FetchError, match="larger than 1 MB"):
        decode_body(bomb, "gzip", cap=1024 * 1024)


def test_exactly_the_cap_is_accepted() -> None:
    assert len(decode_body(gzip.compress(b"x" * 4096), "gzip", cap=4096)) == 4096


def test_a_truncated_body_is_an_error_not_a_shorter_board() -> None:
    wire = gzip.compress(BODY)
    with pytest.raises(FetchError, match="ends early"):
        decode_body(wire[: len(wire) // 2], "gzip", cap=10_000)


def test_garbage_and_unknown_encodings_are_errors() -> None:
    with pytest.raises(FetchError, match="could not decode the response body"):
        decode_body(b"this is not gzip", "gzip", cap=10_000)
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        decode_body(b"\x0b\x02\x80", "br", cap=10_000)


def test_nothing_is_decompressed_until_the_body_is_read() -> None:
    # Broken data is fine until someone reads it: the poller compares digests first.
    response = Response(200, b"not gzip at all", Validators(), content_encoding="gzip")
    assert response.digest == hashlib.sha256(b"not gzip at all").digest()
    with pytest.raises(FetchError):
        _ = response.body


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


async def test_fetcher_returns_the_wire_bytes_decoded_on_read(router: respx.MockRouter) -> None:
    wire = gzip.compress(BODY)
    router.get(BOARD).respond(200, content=wire, headers={"Content-Encoding": "gzip"})
    fetcher = Fetcher(retry_delay=0)
    try:
        response = await fetcher.fetch(Request(url=BOARD))
    finally:
        await fetcher.aclose()
    assert response.digest == hashlib.sha256(wire).digest()
    assert response.body == BODY


async def test_a_zip_bomb_fails_that_board_cleanly(router: respx.MockRouter) -> None:
    bomb = gzip.compress(b" " * 3_000_000)
    router.get(BOARD + "?content=true&pay_transparency=true").respond(
        200, content=bomb, headers={"Content-Encoding": "gzip"}
    )
    fetcher = Fetcher(retry_delay=0, max_body=1024 * 1024)
    try:
        result = await fetch_board(
            fetcher,
            BoardSpec(kind="greenhouse", key="acme"),
            {"greenhouse": "https://boards.example.com"},
            SourceRef("Acme", "greenhouse", "acme"),
        )
    finally:
        await fetcher.aclose()
    assert result.error is not None and "larger than 1 MB" in result.error
    assert result.postings == []
