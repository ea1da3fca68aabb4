"""Paged boards (Lever, 100 postings a page) are asked for page by page with
the validators each page had: all 304 means unchanged, and any changed page
means the whole board is read again, so changes still get through.

Real board server on 127.0.0.1 and a real SQLite database; no mocks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer
from secondchance.config import Config, load
from secondchance.core.board import BoardState
from secondchance.daemon.app import channels, poll_settings, store_for
from secondchance.daemon.poller import Poller
from secondchance.fetch.client import Fetcher
from secondchance.storage import boards as board_states
from secondchance.storage.database import Store

BASE = "/v0/postings/acme?mode=json"


def page_path(skip: int) -> str:
    return f"{BASE}&skip={skip}&limit=100"


def posting(number: int) -> dict[str, Any]:
    return {
        "id": f"p{number:04d}",
        "text": f"Role {number}",
        "hostedUrl": f"https://jobs.lever.co/acme/p{number:04d}",
        "categories": {"location": "Berlin"},
    }


class Paged:
    def __init__(self, config: Config, store: Store, boards: BoardServer) -> None:
        self.config, self.store, self.boards = config, store, boards
        self.fetcher = Fetcher(timeout=5.0, retries=0, retry_delay=0)
        settings = replace(
            poll_settings(config, channels(config)), channels=lambda company, kind: ["test"]
        )
        self.poller = Poller(store, self.fetcher, settings)
        self.version = 0

    def serve(self, numbers: list[int], *, etags: bool = True) -> None:
        """The board as pages of 100, each with an ETag of its own content."""
        self.version += 1
        chunks = [numbers[i : i + 100] for i in range(0, len(numbers), 100)]
        if not chunks or len(chunks[-1]) == 100:
            chunks.append([])  # a full last page is followed by an empty one
        for index, chunk in enumerate(chunks):
            body = [posting(n) for n in chunk]
            etag = f'"p{index}-{hash(tuple(chunk)) & 0xFFFFFFFF:x}"' if etags else None
            self.boards.set(page_path(index * 100), body, etag=etag)

    async def poll(self) -> list[tuple[str, str | None]]:
        self.boards.requests.clear()
        report = await self.poller.poll(self.config.companies[0])
        assert not report.failed, report.failed[0].error
        return [(a.kind, a.posting_id) for a in report.alerts]

    def sent(self) -> list[tuple[str, str | None]]:
        """(path, If-None-Match) of every request of the last poll."""
        return [(path, headers.get("If-None-Match")) for _, path, headers in self.boards.requests]

    def row(self) -> BoardState:
        (state,) = self.store.read_now(board_states.read_all).values()
        return state


@pytest.fixture
async def paged(tmp_path: Path, boards: BoardServer) -> AsyncIterator[Paged]:
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(
        f'[settings.endpoints]\nlever = "{boards.url}"\n\n[[company]]\nname = "Acme"\n'
        'lever = "acme"\n',
        encoding="utf-8",
    )
    config = load(watchlist)
    store = store_for(config, tmp_path / "data")
    harness = Paged(config, store, boards)
    yield harness
    await harness.fetcher.aclose()
    store.dispose()


async def test_every_page_unchanged_is_one_conditional_request_each(paged: Paged) -> None:
    paged.serve(list(range(150)))
    assert await paged.poll() == []
    assert paged.row().pages == 2
    assert [etag for _, etag in paged.sent()] == [None, None]

    assert await paged.poll() == []
    sent = paged.sent()
    assert [path for path, _ in sent] == [page_path(0), page_path(100)]
    assert all(etag for _, etag in sent), "each page is asked for with its own ETag"
    assert paged.row().last_result == "unchanged"


async def test_a_change_on_a_later_page_is_found(paged: Paged) -> None:
    paged.serve(list(range(150)))
    await paged.poll()
    paged.serve([*range(150), 900])
    assert await paged.poll() == [("new", "p0900")]
    # Page 0 answered 304, so the whole board was read again from the start.
    assert [path for path, _ in paged.sent()] == [page_path(0), page_path(100)] * 2
    # And the new validators are the ones asked with next time.
    assert await paged.poll() == []
    assert len(paged.sent()) == 2 and paged.row().last_result == "unchanged"


async def test_a_changed_first_page_is_not_asked_for_twice(paged: Paged) -> None:
    paged.serve(list(range(150)))
    await paged.poll()
    paged.serve([900, *range(1, 150)])
    assert sorted(await paged.poll()) == [("new", "p0900")]
    assert [path for path, _ in paged.sent()] == [page_path(0), page_path(100)]


async def test_a_removal_is_still_confirmed_while_pages_answer_304(paged: Paged) -> None:
    paged.serve(list(range(150)))
    await paged.poll()
    paged.serve(list(range(149)))  # p0149 gone
    assert await paged.poll() == []  # one miss: not yet closed
    # The board stays as it is: every page 304, but the pending removal is confirmed.
    assert await paged.poll() == [("closed", "p0149")]
    assert all(etag for _, etag in paged.sent())
    assert await paged.poll() == []


async def test_growing_past_a_full_last_page_is_seen(paged: Paged) -> None:
    paged.serve(list(range(100)))  # 100 on page 0, then an empty page
    await paged.poll()
    assert paged.row().pages == 2
    paged.serve(list(range(101)))
    assert await paged.poll() == [("new", "p0100")]


async def test_without_etags_identical_pages_are_not_diffed_again(paged: Paged) -> None:
    paged.serve(list(range(150)), etags=False)
    await paged.poll()
    assert await paged.poll() == []
    assert paged.row().last_result == "unchanged"
    assert [etag for _, etag in paged.sent()] == [None, None]
    paged.serve([*range(150), 900], etags=False)
    assert await paged.poll() == [("new", "p0900")]
