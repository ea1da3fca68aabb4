"""A dashboard against a real database: a watchlist polled with ``once`` against
boards on 127.0.0.1, then an aiohttp application with the pages' routes and keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from secondchance.cli import main
from secondchance.config import database_url
from secondchance.config.load import load
from secondchance.storage.database import open_existing
from secondchance.web import actions, keys
from secondchance.web.pages import add_routes

GH = "/v1/boards/acme/jobs"
GLOBEX = "/v1/boards/globex/jobs"


def board(*jobs: tuple[int, str] | tuple[int, str, str]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": job[0],
                "title": job[1],
                "absolute_url": job[2] if len(job) > 2 else f"https://acme.test/jobs/{job[0]}",
                "location": {"name": "Berlin"},
            }
            for job in jobs
        ]
    }


class Site:
    """A watchlist file and its data directory."""

    def __init__(self, tmp_path: Path, text: str) -> None:
        self.path = tmp_path / "watchlist.toml"
        self.path.write_text(text, encoding="utf-8")
        self.data = tmp_path / "data"
        self.args = ["--config", str(self.path), "--data-dir", str(self.data)]

    def once(self) -> None:
        code = main(["once", "--json", *self.args])
        assert code in (0, 1)

    @asynccontextmanager
    async def client(
        self, now: Callable[[], datetime] = lambda: datetime.now(UTC), *, writes: bool = False
    ) -> AsyncIterator[TestClient[web.Request, web.Application]]:
        """The pages (live, as the daemon's are); with ``writes``, the actions too."""
        config = load(self.path)
        (self.data).mkdir(exist_ok=True)
        url = database_url(config.settings.database, self.data)
        store = open_existing(url, live=True)
        app = web.Application()
        app[keys.READER] = store
        app[keys.CONFIG] = config
        app[keys.NOW] = now
        actions.install(app, (lambda: open_existing(url, writable=True)) if writes else None)
        add_routes(app)
        try:
            async with TestClient(TestServer(app)) as client:
                yield client
        finally:
            store.dispose()


async def get_html(client: TestClient[web.Request, web.Application], path: str) -> HTMLParser:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/html"
    return HTMLParser(await response.text())


def text_of(tree: HTMLParser) -> str:
    main = tree.css_first("main")
    assert main is not None
    return main.text(separator=" ")
