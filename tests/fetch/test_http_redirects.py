"""What the Fetcher does itself now that it calls the transport directly, not
through an httpx.AsyncClient: redirects, cookies, header merging.

Each test runs against a real HTTP server on 127.0.0.1 through both transports:
httpx's default (httpcore) and the aiohttp one the daemon uses.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from conftest import BoardServer
from secondchance.core.board import Validators
from secondchance.fetch.aio import Transport as AiohttpTransport
from secondchance.fetch.client import MAX_REDIRECTS, Fetcher
from secondchance.fetch.errors import FetchError
from secondchance.sources.interface import Request

TRANSPORTS: dict[str, Callable[[], httpx.AsyncBaseTransport | None]] = {
    "httpcore": lambda: None,
    "aiohttp": AiohttpTransport,
}


@pytest.fixture(params=sorted(TRANSPORTS))
async def fetcher(request: pytest.FixtureRequest) -> AsyncIterator[Fetcher]:
    client = Fetcher(retries=0, retry_delay=0, timeout=5.0, transport=TRANSPORTS[request.param]())
    yield client
    await client.aclose()


def _headers(boards: BoardServer, path: str) -> list[dict[str, str]]:
    """The headers of every request the server got for ``path``, lower-cased names."""
    return [
        {name.lower(): value for name, value in headers.items()}
        for _, got, headers in boards.requests
        if got.split("?", 1)[0] == path
    ]


async def test_a_relative_redirect_is_followed_to_the_board(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/old/jobs", status=301, headers={"Location": "/new/jobs?page=1"})
    boards.set("/new/jobs", {"jobs": [1]}, etag='"v2"')

    response = await fetcher.fetch(Request(url=f"{boards.url}/old/jobs"))

    assert response.status == 200
    assert json.loads(response.body) == {"jobs": [1]}
    assert response.validators == Validators(etag='"v2"')
    assert boards.hits == {"/old/jobs": 1, "/new/jobs": 1}


async def test_a_conditional_request_survives_a_redirect(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/old/jobs", status=308, headers={"Location": f"{boards.url}/new/jobs"})
    boards.set("/new/jobs", {"jobs": []}, etag='"v2"')

    response = await fetcher.fetch(Request(url=f"{boards.url}/old/jobs"), Validators(etag='"v2"'))

    assert response.not_modified
    assert _headers(boards, "/new/jobs")[0]["if-none-match"] == '"v2"'


async def test_a_cookie_set_on_the_way_is_sent_to_the_next_hop(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    # A consent wall: set a cookie, send the visitor back; without the cookie it loops.
    boards.set(
        "/careers",
        status=302,
        headers={"Location": "/careers/list", "Set-Cookie": "consent=yes; Path=/"},
    )
    boards.set("/careers/list", "<html></html>", content_type="text/html")

    response = await fetcher.fetch(Request(url=f"{boards.url}/careers", expect="html"))

    assert response.status == 200
    assert _headers(boards, "/careers/list")[0]["cookie"] == "consent=yes"
    assert "cookie" not in _headers(boards, "/careers")[0]


async def test_a_303_after_a_post_is_fetched_with_get_and_no_body(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/search", status=303, headers={"Location": "/results"})
    boards.set("/results", {"jobs": []})

    response = await fetcher.fetch(
        Request(url=f"{boards.url}/search", method="POST", json_body={"q": "engineer"})
    )

    assert response.status == 200
    methods = [(method, path) for method, path, _ in boards.requests]
    assert methods == [("POST", "/search"), ("GET", "/results")]
    assert "content-length" not in _headers(boards, "/results")[0]


async def test_a_redirect_loop_fails_the_board_after_a_bounded_number_of_hops(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/a", status=302, headers={"Location": "/b"})
    boards.set("/b", status=302, headers={"Location": "/a"})

    with pytest.raises(FetchError, match="too many redirects"):
        await fetcher.fetch(Request(url=f"{boards.url}/a"))

    assert boards.hits["/a"] + boards.hits["/b"] == MAX_REDIRECTS + 1


@pytest.mark.parametrize("location", ["ftp://files.example.com/jobs", "http://[::1/jobs", "//:0/"])
async def test_a_redirect_off_the_web_is_a_clear_error(
    boards: BoardServer, fetcher: Fetcher, location: str
) -> None:
    boards.set("/jobs", status=301, headers={"Location": location})

    with pytest.raises(FetchError, match="URL"):
        await fetcher.fetch(Request(url=f"{boards.url}/jobs"))


async def test_a_3xx_without_a_location_is_the_answer(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/jobs", {"jobs": []}, status=300)

    response = await fetcher.fetch(Request(url=f"{boards.url}/jobs"))

    assert response.status == 300


async def test_a_source_header_replaces_the_default_whatever_its_case(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/jobs", {"jobs": []})

    await fetcher.fetch(
        Request(url=f"{boards.url}/jobs", headers=(("accept", "application/vnd.api+json"),))
    )

    _, _, raw = boards.requests[0]
    accepts = [value for name, value in raw.items() if name.lower() == "accept"]
    assert accepts == ["application/vnd.api+json"]
    sent = _headers(boards, "/jobs")[0]
    assert sent["user-agent"].startswith("secondchance/")
    assert "gzip" in sent["accept-encoding"]
