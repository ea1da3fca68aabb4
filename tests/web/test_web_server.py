"""The secured server, served for real on 127.0.0.1 (aiohttp's TestServer) and asked
with a real client: Host and Origin checks, the token, the cookie, the headers, the
status endpoints. Requests name the Host a browser would send for ``LISTEN``."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import warnings
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from secondchance import metrics
from secondchance.config import load
from secondchance.storage.database import open_store
from secondchance.web import auth, csrf, keys
from secondchance.web import server as server_module
from secondchance.web.security import CSP
from secondchance.web.server import ListenError, WebServer, build_app

LISTEN = "127.0.0.1:9464"
HOST = {"Host": LISTEN}
TOKEN = "a-token-of-thirty-two-characters-at-least"
HTML = {"Accept": "text/html,application/xhtml+xml"}


async def _probe(request: web.Request) -> web.Response:
    """A page with data, standing in for the pages (web/pages.py)."""
    assert request.app[keys.READER] is not None
    return web.Response(text="the user's data", content_type="text/html")


def make_app(
    tmp_path: Path, server: str = "", healthy: Callable[[], tuple[bool, str]] | None = None
) -> web.Application:
    path = tmp_path / "watchlist.toml"
    path.write_text(f'[server]\nlisten = "{LISTEN}"\n{server}')
    reader = open_store(f"sqlite:///{tmp_path / 'secondchance.db'}")
    app = build_app(load(path), reader, healthy or (lambda: (True, "heartbeat 3s ago")))
    app.router.add_get("/probe", _probe)
    app.router.add_post("/probe", _probe)
    return app


Client = TestClient[web.Request, web.Application]


def form(client: Client, session: str = "", **fields: str) -> dict[str, str]:
    """A form's fields as this dashboard's page would post them: with its CSRF token."""
    return {**fields, csrf.FIELD: csrf.token_for(client.app[csrf.SECRET], session)}


@pytest.fixture
async def open_client(tmp_path: Path) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(make_app(tmp_path))) as client:
        yield client


@pytest.fixture
async def locked(tmp_path: Path) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(make_app(tmp_path, f'token = "{TOKEN}"\n'))) as client:
        yield client


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/login", "/probe", "/nowhere"])
async def test_a_rebinding_host_is_refused_on_every_path(open_client: Client, path: str) -> None:
    for host in ("evil.example", "evil.example:9464", "127.0.0.1:9465"):
        response = await open_client.get(path, headers={"Host": host})
        assert response.status == 421, host
        assert "the user's data" not in await response.text()


@pytest.mark.parametrize("host", ["127.0.0.1:9464", "localhost:9464", "[::1]:9464"])
async def test_the_listen_address_and_the_loopback_names_are_allowed(
    open_client: Client, host: str
) -> None:
    response = await open_client.get("/probe", headers={"Host": host})
    assert response.status == 200
    assert await response.text() == "the user's data"


async def test_the_hosts_of_the_watchlist_are_allowed(tmp_path: Path) -> None:
    app = make_app(tmp_path, f'token = "{TOKEN}"\nhosts = ["dash.example", "nas.local:8080"]\n')
    async with TestClient(TestServer(app)) as client:
        for host in ("dash.example:9464", "nas.local:8080", LISTEN):
            assert (await client.get("/healthz", headers={"Host": host})).status == 200
        assert (await client.get("/healthz", headers={"Host": "nas.local:9464"})).status == 421


@pytest.mark.parametrize("origin", [None, "http://evil.example", "null", "http://localhost:1"])
async def test_a_post_from_elsewhere_is_refused(open_client: Client, origin: str | None) -> None:
    headers = {**HOST, **({"Origin": origin} if origin else {})}
    for path in ("/probe", "/login"):
        response = await open_client.post(path, headers=headers, data={"token": TOKEN})
        assert response.status == 403, (path, origin)


async def test_a_post_from_this_dashboard_is_served(open_client: Client) -> None:
    for origin in ("http://127.0.0.1:9464", "http://localhost:9464"):
        response = await open_client.post(
            "/probe", headers={**HOST, "Origin": origin}, data=form(open_client)
        )
        assert response.status == 200
        # The same post without the form's token: refused, the Origin is not enough.
        bare = await open_client.post("/probe", headers={**HOST, "Origin": origin})
        assert bare.status == 403
        assert "reload the page" in await bare.text()
        forged = await open_client.post(
            "/probe", headers={**HOST, "Origin": origin}, data={csrf.FIELD: "0" * 40}
        )
        assert forged.status == 403


async def test_a_script_posts_with_the_bearer_token_and_no_origin(locked: Client) -> None:
    bearer = {**HOST, "Authorization": f"Bearer {TOKEN}"}
    assert (await locked.post("/probe", headers=bearer)).status == 200
    wrong = {**HOST, "Authorization": f"Bearer {TOKEN}x"}
    assert (await locked.post("/probe", headers=wrong)).status == 403
    # The token does not make a foreign page's request acceptable.
    foreign = {**bearer, "Origin": "http://evil.example"}
    assert (await locked.post("/probe", headers=foreign)).status == 403


async def test_without_the_token_a_browser_is_sent_to_sign_in(locked: Client) -> None:
    response = await locked.get("/probe?sort=date", headers={**HOST, **HTML}, allow_redirects=False)
    assert response.status == 303
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": ["/probe?sort=date"]})
    assert "the user's data" not in await response.text()


async def test_without_the_token_a_script_is_told_401(locked: Client) -> None:
    for headers in ({}, {"Authorization": f"Bearer {TOKEN[:-1]}"}, {"Authorization": TOKEN}):
        response = await locked.get("/probe", headers={**HOST, **headers})
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "the user's data" not in await response.text()


async def test_the_bearer_token_opens_the_pages(locked: Client) -> None:
    response = await locked.get("/probe", headers={**HOST, "Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    assert await response.text() == "the user's data"


@pytest.mark.parametrize("name", ["token", "access_token"])
async def test_a_token_in_the_query_string_is_refused(locked: Client, name: str) -> None:
    for path in ("/probe", "/healthz", "/login"):
        response = await locked.get(f"{path}?{name}={TOKEN}", headers=HOST)
        assert response.status == 400
        assert "Authorization: Bearer" in await response.text()
    bearer = {**HOST, "Authorization": f"Bearer {TOKEN}"}
    assert (await locked.get(f"/probe?{name}={TOKEN}", headers=bearer)).status == 400


async def test_signing_in_gives_a_strict_http_only_cookie(locked: Client) -> None:
    shown = await locked.get("/login?next=/probe", headers=HOST)
    assert shown.status == 200
    page = await shown.text()
    assert 'name="token"' in page and 'value="/probe"' in page
    assert "<script" not in page and "style=" not in page

    post = {**HOST, "Origin": f"http://{LISTEN}"}
    wrong = await locked.post(
        "/login", headers=post, data=form(locked, token="nope", next="/probe")
    )
    assert wrong.status == 401
    assert "Set-Cookie" not in wrong.headers

    right = await locked.post(
        "/login", headers=post, data=form(locked, token=TOKEN, next="/probe"), allow_redirects=False
    )
    assert right.status == 303
    assert right.headers["Location"] == "/probe"
    cookie = right.headers["Set-Cookie"]
    attributes = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes.keys()
    assert attributes["samesite"].strip() == "SameSite=Strict"
    assert TOKEN not in cookie
    session = right.cookies[auth.COOKIE].value

    locked.session.cookie_jar.clear()
    page_headers = {**HOST, "Cookie": f"{auth.COOKIE}={session}"}
    assert (await locked.get("/probe", headers=page_headers)).status == 200
    forged = {**HOST, "Cookie": f"{auth.COOKIE}={session}x"}
    assert (await locked.get("/probe", headers=forged)).status == 401


async def test_ten_wrong_tokens_close_the_login_page_for_a_while(locked: Client) -> None:
    post = {**HOST, "Origin": f"http://{LISTEN}"}
    for _ in range(auth.LOGIN_FAILURES):
        wrong = await locked.post("/login", headers=post, data=form(locked, token="guess"))
        assert wrong.status == 401
    # Refused before the token is even looked at: the right one too, for a while.
    refused = await locked.post("/login", headers=post, data=form(locked, token=TOKEN))
    assert refused.status == 429
    assert 0 < int(refused.headers["Retry-After"]) <= auth.LOGIN_WINDOW + 1
    assert "Set-Cookie" not in refused.headers


def test_failures_are_forgotten_after_the_window() -> None:
    guard = auth.Guard(TOKEN)
    for second in range(auth.LOGIN_FAILURES):
        guard.failed("10.0.0.9", now=1000.0 + second)
    assert guard.refused_for("10.0.0.9", now=1010.0) > 0
    assert guard.refused_for("10.0.0.8", now=1010.0) == 0
    assert guard.refused_for("10.0.0.9", now=1010.0 + auth.LOGIN_WINDOW) == 0


async def test_after_signing_in_the_way_stays_on_this_site(locked: Client) -> None:
    post = {**HOST, "Origin": f"http://{LISTEN}"}
    response = await locked.post(
        "/login",
        headers=post,
        data=form(locked, token=TOKEN, next="//evil.example/"),
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"


async def test_the_token_is_compared_in_constant_time(
    locked: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    response = await locked.get("/probe", headers={**HOST, "Authorization": "Bearer guess"})
    assert response.status == 401
    assert compared == [(b"guess", TOKEN.encode())]


async def test_a_password_hash_stands_for_the_token(tmp_path: Path) -> None:
    hashed = auth.hash_password("correct horse battery staple", iterations=1000)
    async with TestClient(TestServer(make_app(tmp_path, f'token = "{hashed}"\n'))) as client:

        async def with_bearer(value: str) -> int:
            headers = {**HOST, "Authorization": f"Bearer {value}"}
            return (await client.get("/probe", headers=headers)).status

        assert await with_bearer("correct horse battery staple") == 200
        assert await with_bearer("correct horse battery staple") == 200  # remembered
        assert await with_bearer("wrong horse battery staple") == 401
        assert await with_bearer(hashed) == 401  # the hash is not the password


@pytest.mark.parametrize("path", ["/login", "/nowhere", "/probe", "/healthz", "/metrics"])
async def test_every_response_carries_the_security_headers(open_client: Client, path: str) -> None:
    for headers in (HOST, {"Host": "evil.example"}):
        response = await open_client.get(path, headers=headers)
        assert response.headers["Content-Security-Policy"] == CSP
        assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Server"] == "secondchance"


async def test_healthz_stays_open_behind_a_token(tmp_path: Path) -> None:
    state = {"ok": True}

    def healthy() -> tuple[bool, str]:
        return (True, "heartbeat 3s ago") if state["ok"] else (False, "starting")

    app = make_app(tmp_path, f'token = "{TOKEN}"\n', healthy)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/healthz", headers=HOST)
        assert (response.status, await response.text()) == (200, "ok: heartbeat 3s ago\n")
        state["ok"] = False
        response = await client.get("/healthz", headers=HOST)
        assert (response.status, await response.text()) == (503, "unhealthy: starting\n")


@pytest.mark.parametrize(
    ("setting", "anonymous", "with_token"),
    [("open", 200, 200), ("token", 401, 200), ("off", 404, 404)],
)
async def test_metrics_open_behind_the_token_or_off(
    tmp_path: Path, setting: str, anonymous: int, with_token: int
) -> None:
    metrics.enable()
    app = make_app(tmp_path, f'token = "{TOKEN}"\nmetrics = "{setting}"\n')
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics", headers=HOST)
        assert response.status == anonymous
        bearer = {**HOST, "Authorization": f"Bearer {TOKEN}"}
        response = await client.get("/metrics", headers=bearer)
        assert response.status == with_token
        if with_token == 200:
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            assert "# TYPE" in await response.text()


async def test_on_loopback_without_a_token_pages_are_open(open_client: Client) -> None:
    response = await open_client.get("/probe", headers={**HOST, **HTML})
    assert response.status == 200
    login = await open_client.get("/login", headers=HOST, allow_redirects=False)
    assert (login.status, login.headers["Location"]) == (303, "/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_web_server_serves_follows_reloads_and_says_why_it_cannot_listen(
    tmp_path: Path,
) -> None:
    port = _free_port()
    app = make_app(tmp_path)
    server = WebServer(app, f"127.0.0.1:{port}")
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/healthz"
            async with session.get(url, headers=HOST) as response:
                assert (response.status, await response.text()) == (
                    200,
                    "ok: heartbeat 3s ago\n",
                )
        (tmp_path / "x").mkdir()
        with pytest.raises(ListenError) as taken:
            await WebServer(make_app(tmp_path / "x"), f"127.0.0.1:{port}").start()
        assert str(taken.value) == (
            f"[server] listen: cannot listen on 127.0.0.1:{port}: Address already in use"
        )
        path = tmp_path / "reloaded.toml"
        path.write_text('[settings]\ninterval = "2h"\n')
        reloaded = load(path)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            server.reloaded(reloaded)
        assert app[keys.CONFIG] is reloaded
    finally:
        await server.close()


async def test_an_address_not_of_this_machine_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ListenError) as error:
        await WebServer(make_app(tmp_path), "192.0.2.1:9464").start()
    assert str(error.value) == (
        "[server] listen: cannot listen on 192.0.2.1:9464: Cannot assign requested address"
    )


async def test_a_form_of_this_dashboard_under_no_referrer_is_served(open_client: Client) -> None:
    """Referrer-Policy: no-referrer makes a browser send ``Origin: null`` with the
    dashboard's own forms; its ``Sec-Fetch-Site: same-origin`` (which no page can set)
    and the form's CSRF token let it through, and nothing else with a null Origin."""
    null = {**HOST, "Origin": "null"}
    ours = await open_client.post(
        "/probe", headers={**null, "Sec-Fetch-Site": "same-origin"}, data=form(open_client)
    )
    assert ours.status == 200
    for site in ("cross-site", "same-site", "none"):
        response = await open_client.post(
            "/probe", headers={**null, "Sec-Fetch-Site": site}, data=form(open_client)
        )
        assert response.status == 403, site
    assert (await open_client.post("/probe", headers=null, data=form(open_client))).status == 403
    # The fetch metadata without the form's token is refused too.
    bare = await open_client.post("/probe", headers={**null, "Sec-Fetch-Site": "same-origin"})
    assert bare.status == 403


async def test_a_stop_does_not_wait_for_a_request_that_hangs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request still running (a discover of a slow site) is given SHUTDOWN_SECONDS,
    not aiohttp's 60 s, which would outlast systemd's and Docker's stop timeouts."""
    monkeypatch.setattr(server_module, "SHUTDOWN_SECONDS", 0.5)  # the suite's time
    app = make_app(tmp_path)
    started = asyncio.Event()

    async def hang(_: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(3600)
        return web.Response()

    app.router.add_get("/hang", hang)
    server = WebServer(app, f"127.0.0.1:{_free_port()}")
    await server.start()
    async with httpx.AsyncClient(timeout=120) as client:
        request = asyncio.create_task(
            client.get(f"http://127.0.0.1:{server.port}/hang", headers={"Host": LISTEN})
        )
        await asyncio.wait_for(started.wait(), 10)
        # Bounded far above SHUTDOWN_SECONDS and far below 60 s: a hang fails, not a slow box.
        await asyncio.wait_for(server.close(), 30)
        with contextlib.suppress(httpx.HTTPError):
            await request
