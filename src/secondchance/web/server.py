"""The dashboard's server: one aiohttp.web application with /healthz, /metrics, the
login page and the pages (web/pages.py), behind one middleware that applies
web/security.py's decisions to every request, and the same headers on every response
(errors and 404s included).

Built by the command line and handed to the daemon (daemon/ never imports web/), or
served alone by ``secondchance web``. Pages read through a read-only Store of their
own, never the daemon's writing one.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from aiohttp import web

from secondchance import metrics
from secondchance.config import Config
from secondchance.config.tables import parse_listen
from secondchance.storage.database import Store
from secondchance.web import actions, auth, csrf, keys, security

log = logging.getLogger(__name__)


class ListenError(Exception):
    """The server cannot listen where it was told (the port is taken, the address is
    not this machine's): the message is one line naming the address."""


@dataclass(frozen=True)
class Rules:
    """What the middleware checks, fixed when the application is built (a new listen
    address or token needs a restart, as a new port would)."""

    hosts: frozenset[str]
    metrics: security.Metrics


RULES = web.AppKey("rules", Rules)
HEALTHY: web.AppKey[Callable[[], tuple[bool, str]]] = web.AppKey("healthy")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _refuse(status: int, text: str, **headers: str) -> web.Response:
    return web.Response(status=status, text=text + "\n", headers=headers)


def _wants_page(request: web.Request) -> bool:
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("Accept", "")


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    rules, guard = request.app[RULES], request.app[auth.GUARD]
    if not security.host_allowed(request.headers.get("Host"), rules.hosts):
        # A page on another name (DNS rebinding) reaching this port: told nothing.
        return _refuse(421, "misdirected request: this server does not answer to that Host")
    if security.token_in_query(request.query.keys()):
        return _refuse(400, "the token goes in an Authorization: Bearer header, never in a URL")
    unsafe = request.method in security.UNSAFE_METHODS
    # A script with the bearer token sends no Origin; a browser always does on a POST,
    # and no other site's page can add an Authorization header without a CORS
    # preflight, which this server never grants: it needs neither check below.
    scripted = unsafe and await _scripted(request)
    if unsafe and not scripted:
        origin = request.headers.get("Origin")
        ours = security.origin_allowed(origin, rules.hosts) or security.same_origin_form(
            origin, request.headers.get("Sec-Fetch-Site")
        )
        if not ours:
            return _refuse(403, "forbidden: this request did not come from this dashboard")
    need = security.access(request.path, rules.metrics)
    if need == "absent":
        return _refuse(404, "not found")
    if need == "token" and not await guard.allows(request):
        if _wants_page(request):
            raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='/')}")
        return _refuse(401, "sign in: the token is needed", **{"WWW-Authenticate": "Bearer"})
    if unsafe and not scripted and not await csrf.valid(request):
        return _refuse(
            403, "forbidden: the form is out of date (the server restarted?): reload the page"
        )
    return await handler(request)


async def _scripted(request: web.Request) -> bool:
    """A script holding the token: a bearer header that matches, and no Origin."""
    return (
        request.headers.get("Origin") is None
        and security.bearer(request.headers.get("Authorization")) is not None
        and request.app[auth.GUARD].required
        and await request.app[auth.GUARD].allows(request)
    )


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in security.HEADERS.items():
        response.headers.setdefault(name, value)
    if not security.cacheable(request.path):
        response.headers["Cache-Control"] = "no-store"
    # aiohttp names itself and its version; a scanner learns nothing it needs from us.
    response.headers["Server"] = "secondchance"


async def healthz(request: web.Request) -> web.Response:
    ok, reason = request.app[HEALTHY]()
    return web.Response(
        status=200 if ok else 503, text=f"{'ok' if ok else 'unhealthy'}: {reason}\n"
    )


async def prometheus(request: web.Request) -> web.Response:
    return web.Response(
        body=metrics.exposition(),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )


def _pages() -> Callable[[web.Application], None] | None:
    """The pages' routes, when web/pages.py is installed (it lands separately)."""
    try:
        module = importlib.import_module("secondchance.web.pages")
    except ModuleNotFoundError as exc:
        if exc.name != "secondchance.web.pages":
            raise
        return None
    add: Callable[[web.Application], None] = module.add_routes
    return add


def build_app(
    config: Config,
    reader: Store,
    healthy: Callable[[], tuple[bool, str]],
    *,
    listen: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    writer: Callable[[], Store] | None = None,
) -> web.Application:
    """The application for ``listen`` (``[server] listen`` unless given). It owns
    ``reader``: disposed when the application is cleaned up. ``writer`` opens the
    Store the actions write through, at the first action (None: actions say they
    cannot write)."""
    listen = listen or config.server.listen or "127.0.0.1:9464"
    app = web.Application(middlewares=[_guard], client_max_size=64 * 1024)
    app[RULES] = Rules(
        hosts=security.allowed_hosts(listen, config.server.hosts), metrics=config.server.metrics
    )
    app[auth.GUARD] = auth.Guard(config.server.token)
    app[csrf.SECRET] = csrf.new_secret()
    app[HEALTHY] = healthy
    app[keys.READER] = reader
    app[keys.CONFIG] = config
    app[keys.NOW] = now
    app.on_response_prepare.append(_headers)

    async def dispose(_: web.Application) -> None:
        reader.dispose()

    app.on_cleanup.append(dispose)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    auth.add_routes(app)
    actions.install(app, writer)
    add_pages = _pages()
    if add_pages is not None:
        add_pages(app)
    return app


# How long a stop waits for requests still running (a discover may take 45 s): aiohttp's
# own 60 s would outlast systemd's TimeoutStopSec and Docker's grace, and end in SIGKILL
# before the daemon's outbox is drained.
SHUTDOWN_SECONDS = 3.0


class WebServer:
    """``app`` served on ``listen``: start() binds (or raises ListenError), close()
    stops. Handed to the daemon as its server, or run alone by ``secondchance web``."""

    def __init__(self, app: web.Application, listen: str) -> None:
        self.app = app
        self.host, self.port = parse_listen(listen)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        metrics.enable()  # someone will read them now: record from the first poll on
        # No access log: its lines would repeat each page's URL every few seconds.
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            raise ListenError(
                f"[server] listen: cannot listen on {security.host_port(self.host, self.port)}: "
                # asyncio rewords the error around the address; the system's words do.
                + (os.strerror(exc.errno) if exc.errno else str(exc))
            ) from exc
        self._runner = runner
        for address in runner.addresses:
            self.port = int(address[1])
            break
        log.info("serving the dashboard on http://%s/", security.host_port(self.host, self.port))

    def reloaded(self, config: Config) -> None:
        """The watchlist was reloaded: pages show the new one (the listen address,
        token and hosts take effect at the next start)."""
        keys.adopt(self.app, config)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
