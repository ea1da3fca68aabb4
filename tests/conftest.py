"""Shared test fixtures: real HTTP servers on 127.0.0.1, no mocks.

``BoardServer`` plays the job boards (routes that tests change between
polls, ETags, failures on demand); ``Receiver`` is where Apprise's ``json://``
notifications land, and can be taken down and brought back on the same port.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import respx
from sqlalchemy import Engine, Table

if TYPE_CHECKING:
    from secondchance.config import Config
    from secondchance.fetch.client import Fetcher
    from secondchance.storage.database import Store

FIXTURES = Path(__file__).parent / "fixtures"

# Every server of the suite is on 127.0.0.1: a proxy set in the developer's shell
# (which secondchance and Apprise both honour) must not route the tests through it.
for _name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
    os.environ.pop(_name, None)
    os.environ.pop(_name.upper(), None)


_alert_keys = count()


def queue_alert(
    store: Store,
    config: Config,
    company: str,
    title: str,
    *,
    kind: str = "new",
    at: datetime | None = None,
    extra: Mapping[str, str] | None = None,
) -> int:
    """Queue one alert about ``company`` as the poller would (for the channels
    ``route`` picks, in one transaction); returns its id."""
    from secondchance.core.drafts import about_company
    from secondchance.daemon.app import channels
    from secondchance.delivery.channels import route
    from secondchance.storage import outbox

    found = config.company(company)
    assert found is not None
    draft = about_company(
        f"test|{next(_alert_keys)}",
        company,
        kind,
        route(channels(config), found, kind),
        title=title,
        detail="",
        extra=extra,
    )
    (alert,) = store.write_now(outbox.queue, [draft], at or datetime.now(UTC))
    return alert.id


def rows(store: Store | Engine, table: Table) -> list[dict[str, Any]]:
    """Every row of ``table``, by id, as plain dicts (datetimes aware UTC)."""
    from sqlalchemy import select

    engine = store if isinstance(store, Engine) else store.engine
    with engine.connect() as connection:
        query = select(table)
        if "id" in table.c:
            query = query.order_by(table.c.id)
        return [dict(row._mapping) for row in connection.execute(query)]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Connection-level failures: close without answering, or after this many
    # bytes of a body whose Content-Length promised all of it.
    drop: bool = False
    cut: int | None = None


class BoardServer:
    """Serves mutable routes keyed by path (query string ignored unless routed)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                with server._lock:
                    server.requests.append((self.command, self.path, dict(self.headers)))
                    route = server.routes.get(self.path) or server.routes.get(
                        self.path.split("?", 1)[0]
                    )
                    key = self.path.split("?", 1)[0]
                    server.hits[key] = server.hits.get(key, 0) + 1
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "application/json")
                    body = b'{"status": 404, "error": "Not found"}'
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.drop:
                    self.close_connection = True
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if route.cut is not None:
                    self.wfile.write(route.body[: route.cut])
                    self.close_connection = True
                    return
                self.wfile.write(route.body)

            do_GET = _serve
            do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def set(self, path: str, body: bytes | str | Any = b"", **kwargs: Any) -> None:
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            self.routes[path] = Route(body=body, **kwargs)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Receiver:
    """An HTTP endpoint for Apprise ``json://`` URLs that records every message."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.attempts = 0
        self.fail_with: int | None = None
        # Seconds to sit on a message before answering 504 without keeping it: a
        # notifier that hangs past the sender's timeout.
        self.hang = 0.0
        self.port = 0
        self._lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/notify"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length)
                with receiver._lock:
                    receiver.attempts += 1
                    failing, hang = receiver.fail_with, receiver.hang
                    if failing is None and not hang:
                        receiver.messages.append(json.loads(payload))
                if hang:
                    time.sleep(hang)
                    failing = 504
                try:
                    self.send_response(failing or 200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender gave up waiting
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        """Take the receiver down: connections are refused until start()."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def wait_for(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self._lock:
            return list(self.messages)


@pytest.fixture
def boards() -> Iterator[BoardServer]:
    server = BoardServer()
    yield server
    server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def postgres_admin_url() -> str:
    """The PostgreSQL server the suite may create databases on (``make test`` starts a
    throwaway one where PostgreSQL is installed). Without one, PostgreSQL tests are
    skipped with the reason, except under CI=true, where a skip would hide them: CI
    installs PostgreSQL, so there it is a failure."""
    url = os.environ.get("SECONDCHANCE_TEST_POSTGRES")
    if url:
        return url
    reason = (
        "PostgreSQL not available: set SECONDCHANCE_TEST_POSTGRES, or run `make test` "
        "on a machine with PostgreSQL's initdb (Debian: apt-get install postgresql)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so this is a failure, not a skip")
    pytest.skip(reason)


@pytest.fixture
def new_postgres() -> Iterator[Callable[[], str]]:
    """Makes empty PostgreSQL databases (as many as a test asks for), dropped after it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = postgres_admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def make() -> str:
        name = f"sc_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend this machine can offer."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    make: Callable[[], str] = request.getfixturevalue("new_postgres")
    return make()


@pytest.fixture(params=["sqlite", "sqlite-core", "postgresql"])
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A new store: SQLite through the driver (as the product runs), SQLite through
    SQLAlchemy Core (the path PostgreSQL takes), and PostgreSQL."""
    from secondchance.storage.bulk import DRIVER_PATH
    from secondchance.storage.database import open_store

    if request.param == "postgresql":
        make: Callable[[], str] = request.getfixturevalue("new_postgres")
        opened = open_store(make())
    else:
        opened = open_store(f"sqlite:///{tmp_path / 'test.db'}")
        if request.param == "sqlite-core":
            opened.engine = opened.engine.execution_options(**{DRIVER_PATH: False})
    yield opened
    opened.dispose()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    """respx in front of every httpx request of the test (nothing reaches a network)."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A Fetcher that gives up at once: no retries, a 2 s deadline."""
    from secondchance.fetch.client import Fetcher

    client = Fetcher(timeout=2, retries=0, retry_delay=0)
    yield client
    await client.aclose()
