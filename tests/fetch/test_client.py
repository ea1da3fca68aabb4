"""Fetcher against respx: validators, retries, rate limits, deadlines, caps.

Every request is intercepted by respx (``assert_all_mocked``), so nothing here
touches the network; retry delays are zero so the suite stays fast.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from secondchance.core.board import Validators
from secondchance.fetch.body import Response
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import (
    FetchError,
    HTTPStatusError,
    NotFound,
    RateLimited,
    parse_retry_after,
)
from secondchance.sources.interface import Request

BOARD = "https://boards.example.com/v1/acme/jobs"
OTHER_PATH = "https://boards.example.com/v1/globex/jobs"
OTHER_HOST = "https://api.other.example.org/postings"
BODY = b'{"jobs": []}'


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    client = Fetcher(retries=2, retry_delay=0, timeout=5.0)
    yield client
    await client.aclose()


async def _fetch(fetcher: Fetcher, url: str = BOARD, **kwargs: Any) -> Response:
    return await fetcher.fetch(Request(url=url, **kwargs))


# --- success, validators, conditional GET ---------------------------------------------


async def test_200_returns_body_and_validators(router: respx.MockRouter, fetcher: Fetcher) -> None:
    router.get(BOARD).respond(
        200,
        content=BODY,
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"},
    )

    response = await _fetch(fetcher)

    assert response.status == 200
    assert response.body == BODY
    assert response.not_modified is False
    assert response.validators == Validators(
        etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT"
    )


async def test_validators_too_long_to_store_are_not_kept(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    """An ETag or Last-Modified longer than its column would fail the board's
    write on PostgreSQL: it is dropped (the next poll is unconditional)."""
    router.get(BOARD).respond(
        200, content=BODY, headers={"ETag": '"' + "e" * 600 + '"', "Last-Modified": "x" * 101}
    )
    response = await _fetch(fetcher)
    assert response.validators == Validators()

    router.get(BOARD).respond(
        200, content=BODY, headers={"ETag": '"' + "e" * 498 + '"', "Last-Modified": "x" * 100}
    )
    response = await _fetch(fetcher)
    assert response.validators == Validators(etag='"' + "e" * 498 + '"', last_modified="x" * 100)


async def test_200_without_validators_has_empty_validators(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    router.get(BOARD).respond(200, content=BODY)

    response = await _fetch(fetcher)

    assert response.validators == Validators()


async def test_validators_become_conditional_headers(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    route = router.get(BOARD).respond(200, content=BODY)
    validators = Validators(etag='"abc"', last_modified="Tue, 31 Dec 2024 12:00:00 GMT")

    await fetcher.fetch(Request(url=BOARD), validators)

    sent = route.calls.last.request.headers
    assert sent["If-None-Match"] == '"abc"'
    assert sent["If-Modified-Since"] == "Tue, 31 Dec 2024 12:00:00 GMT"


async def test_no_conditional_headers_without_validators(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    route = router.get(BOARD).respond(200, content=BODY)

    await _fetch(fetcher)

    sent = route.calls.last.request.headers
    assert "If-None-Match" not in sent
    assert "If-Modified-Since" not in sent


async def test_200_then_304_keeps_the_original_validators(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    headers = {"ETag": '"v7"', "Last-Modified": "Mon, 06 Jan 2025 08:00:00 GMT"}
    route = router.get(BOARD)
    route.side_effect = [
        httpx.Response(200, content=BODY, headers=headers),
        httpx.Response(304),
    ]

    first = await _fetch(fetcher)
    second = await fetcher.fetch(Request(url=BOARD), first.validators)

    assert first.validators.etag == '"v7"'
    assert second.not_modified is True
    assert second.status == 304
    assert second.body == b""
    assert second.validators == first.validators
    assert route.calls[1].request.headers["If-None-Match"] == '"v7"'
    assert route.calls[1].request.headers["If-Modified-Since"] == headers["Last-Modified"]


# --- status codes and retries ---------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
async def test_gone_boards_raise_not_found(
    router: respx.MockRouter, fetcher: Fetcher, status: int
) -> None:
    route = router.get(BOARD).respond(status, content=b"nope")

    with pytest.raises(NotFound):
        await _fetch(fetcher)
    assert route.call_count == 1


async def test_500_is_retried_then_succeeds(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.get(BOARD)
    route.side_effect = [httpx.Response(500), httpx.Response(200, content=BODY)]

    response = await _fetch(fetcher)

    assert response.body == BODY
    assert route.call_count == 2


async def test_500_every_time_gives_up_after_the_retries(router: respx.MockRouter) -> None:
    route = router.get(BOARD).respond(500, content=b"boom")
    fetcher = Fetcher(retries=3, retry_delay=0)
    try:
        with pytest.raises(HTTPStatusError) as info:
            await _fetch(fetcher)
    finally:
        await fetcher.aclose()

    assert info.value.status == 500
    assert not isinstance(info.value, RateLimited)
    assert route.call_count == 3 + 1


async def test_403_is_not_retried(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.get(BOARD).respond(403, content=b"go away")

    with pytest.raises(HTTPStatusError) as info:
        await _fetch(fetcher)

    assert info.value.status == 403
    assert route.call_count == 1


# --- rate limits ----------------------------------------------------------------------


async def test_429_with_retry_after_zero_is_retried(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    route = router.get(BOARD)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(200, content=BODY),
    ]

    response = await _fetch(fetcher)

    assert response.body == BODY
    assert route.call_count == 2


async def test_429_with_long_retry_after_backs_off_the_whole_host(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    limited = router.get(BOARD).respond(429, headers={"Retry-After": "3600"})
    sibling = router.get(OTHER_PATH).respond(200, content=BODY)
    elsewhere = router.get(OTHER_HOST).respond(200, content=BODY)

    with pytest.raises(RateLimited) as info:
        await _fetch(fetcher)
    assert limited.call_count == 1, "a wait longer than max_retry_wait is not retried"
    assert info.value.status == 429
    assert info.value.retry_after == pytest.approx(3600, abs=1)

    # Another board on the same host is not even asked.
    with pytest.raises(RateLimited) as again:
        await _fetch(fetcher, OTHER_PATH)
    assert sibling.call_count == 0
    assert again.value.retry_after == pytest.approx(3600, abs=5)

    # A different host is unaffected.
    response = await _fetch(fetcher, OTHER_HOST)
    assert response.body == BODY
    assert elsewhere.call_count == 1
    assert len(router.calls) == 2


async def test_429_without_retry_after_uses_the_retry_delay(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    route = router.get(BOARD)
    route.side_effect = [httpx.Response(429), httpx.Response(200, content=BODY)]

    response = await _fetch(fetcher)

    assert response.body == BODY
    assert route.call_count == 2


async def test_503_with_retry_after_is_a_rate_limit(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    router.get(BOARD).respond(503, headers={"Retry-After": "600"})

    with pytest.raises(RateLimited) as info:
        await _fetch(fetcher)

    assert info.value.status == 503
    assert info.value.retry_after == pytest.approx(600, abs=1)


def test_parse_retry_after_seconds() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None


def test_parse_retry_after_is_capped_at_a_day() -> None:
    # Every board on the host waits: a year (or an overflowing number) would stop
    # them until a restart.
    assert parse_retry_after("31536000") == 86400.0
    assert parse_retry_after("9" * 400) == 86400.0
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("Fri, 01 Jan 2099 00:00:00 GMT", now=now) == 86400.0


def test_parse_retry_after_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()

    assert parse_retry_after("Wed, 01 Jan 2025 12:02:00 GMT", now=now) == pytest.approx(120)
    assert parse_retry_after("Wed, 01 Jan 2025 13:00:00 GMT", now=now) == pytest.approx(3600)
    # A date in the past means "now", never a negative wait.
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0


# --- timeouts and network errors ------------------------------------------------------


async def test_read_timeouts_are_retried_then_fail(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    route = router.get(BOARD)
    route.side_effect = httpx.ReadTimeout

    with pytest.raises(FetchError) as info:
        await _fetch(fetcher)

    assert "timed out" in str(info.value)
    assert route.call_count == fetcher.retries + 1


async def test_read_timeout_then_success(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.get(BOARD)
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200, content=BODY)]

    response = await _fetch(fetcher)

    assert response.body == BODY
    assert route.call_count == 2


async def test_total_deadline_bounds_the_whole_fetch(router: respx.MockRouter) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1.0)
        return httpx.Response(200, content=BODY)

    router.get(BOARD).mock(side_effect=hang)
    fetcher = Fetcher(timeout=0.2, retry_delay=0)
    try:
        with pytest.raises(FetchError) as info:
            await _fetch(fetcher)
    finally:
        await fetcher.aclose()

    assert "timed out" in str(info.value)


async def test_connect_error_is_a_fetch_error(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.get(BOARD)
    route.side_effect = httpx.ConnectError

    with pytest.raises(FetchError) as info:
        await _fetch(fetcher)

    assert "connection failed" in str(info.value)
    assert route.call_count == fetcher.retries + 1


async def test_connect_error_without_a_message_still_says_what_failed(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("", request=request)

    router.get(BOARD).mock(side_effect=refuse)

    with pytest.raises(FetchError) as info:
        await _fetch(fetcher)

    # The message must name the error when httpx gives no text, not end in ": ".
    assert "ConnectError" in str(info.value)


# --- bodies ---------------------------------------------------------------------------


async def test_empty_200_body_is_a_fetch_error(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.get(BOARD).respond(200, content=b"")

    with pytest.raises(FetchError) as info:
        await _fetch(fetcher)

    assert "empty" in str(info.value)
    assert route.call_count == 1


async def test_body_larger_than_max_body_is_refused(router: respx.MockRouter) -> None:
    router.get(BOARD).respond(200, content=b"x" * 5000)
    fetcher = Fetcher(max_body=1000, retry_delay=0)
    try:
        with pytest.raises(FetchError) as info:
            await _fetch(fetcher)
    finally:
        await fetcher.aclose()

    assert "larger" in str(info.value)


async def test_max_body_message_states_the_real_limit(router: respx.MockRouter) -> None:
    # settings.max_body_mb is a float (e.g. 0.5): the message must not claim "0 MB".
    router.get(BOARD).respond(200, content=b"x" * 600_000)
    fetcher = Fetcher(max_body=512 * 1024, retry_delay=0)
    try:
        with pytest.raises(FetchError) as info:
            await _fetch(fetcher)
    finally:
        await fetcher.aclose()

    assert "larger than 0 MB" not in str(info.value)


async def test_body_at_max_body_is_accepted(router: respx.MockRouter) -> None:
    router.get(BOARD).respond(200, content=b"x" * 1000)
    fetcher = Fetcher(max_body=1000, retry_delay=0)
    try:
        response = await _fetch(fetcher)
    finally:
        await fetcher.aclose()

    assert len(response.body) == 1000


# --- what goes out --------------------------------------------------------------------


async def test_post_sends_the_json_body(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.post(BOARD).respond(200, content=BODY)
    payload = {"query": "jobs", "page": 2, "filters": ["remote"]}

    await _fetch(fetcher, method="POST", json_body=payload)

    sent = route.calls.last.request
    assert sent.method == "POST"
    assert json.loads(sent.content) == payload
    assert sent.headers["Content-Type"] == "application/json"


async def test_user_agent_names_the_project(router: respx.MockRouter, fetcher: Fetcher) -> None:
    route = router.get(BOARD).respond(200, content=BODY)

    await _fetch(fetcher)

    assert route.calls.last.request.headers["User-Agent"].startswith("secondchance/")


async def test_custom_user_agent(router: respx.MockRouter) -> None:
    route = router.get(BOARD).respond(200, content=BODY)
    fetcher = Fetcher(user_agent="my-bot/1.0")
    try:
        await _fetch(fetcher)
    finally:
        await fetcher.aclose()

    assert route.calls.last.request.headers["User-Agent"] == "my-bot/1.0"


@pytest.mark.parametrize(
    ("expect", "accept"),
    [("json", "application/json"), ("html", "text/html"), ("xml", "application/xml")],
)
async def test_accept_header_follows_expect(
    router: respx.MockRouter, fetcher: Fetcher, expect: Any, accept: str
) -> None:
    route = router.get(BOARD).respond(200, content=BODY)

    await _fetch(fetcher, expect=expect)

    assert route.calls.last.request.headers["Accept"].startswith(accept)


async def test_request_headers_override_the_default_accept(
    router: respx.MockRouter, fetcher: Fetcher
) -> None:
    route = router.get(BOARD).respond(200, content=BODY)

    await _fetch(fetcher, headers=(("Accept", "application/ld+json"), ("X-Token", "t")))

    sent = route.calls.last.request.headers
    assert sent["Accept"] == "application/ld+json"
    assert sent["X-Token"] == "t"


async def test_per_host_limits_concurrent_requests(router: respx.MockRouter) -> None:
    active = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.02)
        active -= 1
        return httpx.Response(200, content=BODY)

    router.get(url__startswith="https://boards.example.com/").mock(side_effect=slow)
    fetcher = Fetcher(per_host=2, retry_delay=0)
    try:
        urls = [f"https://boards.example.com/v1/board{i}/jobs" for i in range(6)]
        responses = await asyncio.gather(*(_fetch(fetcher, url) for url in urls))
    finally:
        await fetcher.aclose()

    assert all(r.body == BODY for r in responses)
    assert peak == 2


async def test_per_host_delay_spaces_requests_to_one_host() -> None:
    # A lower bound only: the politeness delay is a minimum, never a deadline.
    starts: list[float] = []

    def record(request: httpx.Request) -> httpx.Response:
        starts.append(time.monotonic())
        return httpx.Response(200, json=[])

    fetcher = Fetcher(host_delay=0.2, retries=0)
    try:
        with respx.mock(assert_all_called=False) as mock:
            mock.get(url__startswith="https://slow.test/").mock(side_effect=record)
            mock.get(url__startswith="https://other.test/").mock(side_effect=record)
            await asyncio.gather(
                fetcher.fetch(Request("https://slow.test/a")),
                fetcher.fetch(Request("https://slow.test/b")),
                fetcher.fetch(Request("https://slow.test/c")),
            )
            gaps = [b - a for a, b in itertools.pairwise(starts)]
            assert all(gap >= 0.19 for gap in gaps), gaps
            # Each host has its own pace.
            await fetcher.fetch(Request("https://other.test/x"))
            assert set(fetcher._next_slot) == {"slow.test", "other.test"}
    finally:
        await fetcher.aclose()


async def test_aiohttp_transport_tells_a_refused_connection_from_a_timeout() -> None:
    import socket

    from secondchance.fetch.aio import Transport as AiohttpTransport

    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fetcher = Fetcher(retries=0, transport=AiohttpTransport())
    try:
        with pytest.raises(FetchError, match="connection failed"):
            await fetcher.fetch(Request(f"http://127.0.0.1:{port}/v1/boards/x/jobs"))
    finally:
        await fetcher.aclose()
