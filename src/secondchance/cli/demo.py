"""`make demo`: the whole loop, offline, in under a minute.

Three sample companies' boards (Greenhouse, Lever and a plain career page)
are served on 127.0.0.1; the real daemon polls them every few seconds while a
script changes them, so the terminal shows a baseline, then ``new``,
``closed``, ``reopened`` and ``role_back`` alerts as they happen. The dashboard is
served on a free loopback port meanwhile; at a terminal it stays up after the script
until Ctrl-C, so the user can look around in it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rich.console import Console

from secondchance import logs
from secondchance.config import load
from secondchance.daemon.app import App
from secondchance.daemon.scheduler import Daemon, Server
from secondchance.delivery.render import Message

# The test suite runs the demo faster; people watch it at this pace.
POLL_EVERY = float(os.environ.get("SECONDCHANCE_DEMO_INTERVAL", "2"))
console = Console(highlight=False)


def _greenhouse(*jobs: tuple[int, str, str]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": jid,
                "title": title,
                "location": {"name": where},
                "absolute_url": f"https://boards.greenhouse.io/northwind/jobs/{jid}",
                "departments": [{"name": "Marketing"}],
            }
            for jid, title, where in jobs
        ],
        "meta": {"total": len(jobs)},
    }


def _lever(*jobs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [
        {
            "id": pid,
            "text": title,
            "hostedUrl": f"https://jobs.lever.co/contoso/{pid}",
            "categories": {"location": where, "team": "Growth"},
            "workplaceType": "remote" if where == "Remote" else "onsite",
        }
        for pid, title, where in jobs
    ]


def _careers(*jobs: tuple[str, str, str]) -> str:
    items = "".join(
        f'<li class="job"><a href="/fabrikam/jobs/{slug}">{title}</a>'
        f'<span class="where">{where}</span></li>'
        for slug, title, where in jobs
    )
    return f"<html><body><h1>Join Fabrikam</h1><ul>{items}</ul></body></html>"


class SampleBoards:
    """A tiny board server whose answers the demo script changes."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, bytes]] = {}
        boards = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                content_type, body = boards.routes.get(
                    self.path.split("?", 1)[0], ("application/json", b'{"error": "not found"}')
                )
                known = self.path.split("?", 1)[0] in boards.routes
                self.send_response(200 if known else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def set(self, path: str, value: object) -> None:
        if isinstance(value, str):
            self.routes[path] = ("text/html; charset=utf-8", value.encode())
        else:
            self.routes[path] = ("application/json", json.dumps(value).encode())

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


NORTHWIND = [(101, "Content Marketing Lead", "New York"), (102, "Paid Search Marketing", "Remote")]
CONTOSO = [("c-1", "Lifecycle Marketing Manager", "Remote"), ("c-2", "Data Analyst", "Austin")]
FABRIKAM = [
    ("brand-designer", "Brand Designer", "Berlin"),
    ("seo-specialist", "SEO Specialist", "Remote"),
]


def _watchlist(boards: SampleBoards, listen: str) -> str:
    return f"""
[settings]
interval = "{POLL_EVERY}s"
jitter = "0s"
timeout = "5s"

[settings.endpoints]
greenhouse = "{boards.url}"
lever = "{boards.url}"

[notify]
console = true

[server]
listen = "{listen}"

[[company]]
name = "Northwind"
greenhouse = "northwind"

[[company.rejection]]
role = "Paid Search Marketing"
date = 2026-03-01
stage = "final round"
reapply_after = "1 year"
contact = "Dana Lee (recruiter)"
notes = "Liked my campaign case study; wanted more experience"

[[company]]
name = "Contoso"
lever = "contoso"

[[company]]
name = "Fabrikam"
careers = {{ url = "{boards.url}/fabrikam/careers", item = "li.job", title = "a", \
link = "a@href", location = ".where" }}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _say(text: str) -> None:
    console.print(f"\n▶ {text}", style="bold cyan")


async def _script(boards: SampleBoards, stop: Callable[[], None], dashboard: str) -> None:
    wait = POLL_EVERY * 2.2
    _say("First poll of three boards: a silent baseline (no flood of old postings).")
    await asyncio.sleep(wait)
    _say("Contoso posts a new role…")
    boards.set(
        "/v0/postings/contoso", _lever(*CONTOSO, ("c-3", "Growth Marketing Analyst", "Remote"))
    )
    await asyncio.sleep(wait)
    _say("Fabrikam takes 'SEO Specialist' down (closed only once it stays gone for 2 polls)…")
    boards.set("/fabrikam/careers", _careers(FABRIKAM[0]))
    await asyncio.sleep(wait * 1.6)
    _say("…and puts it back up.")
    boards.set("/fabrikam/careers", _careers(*FABRIKAM))
    await asyncio.sleep(wait)
    _say("Northwind, who turned you down for Paid Search Marketing, re-posts it under a new id…")
    boards.set(
        "/v1/boards/northwind/jobs",
        _greenhouse(NORTHWIND[0], (187, "Senior Paid Search Marketing Manager", "Remote")),
    )
    await asyncio.sleep(wait)
    _say(
        "That was the whole loop. Next: `secondchance init` writes your watchlist, "
        "`secondchance discover URL --add NAME` adds a company; `secondchance --help` "
        "lists every command."
    )
    if sys.stdin.isatty() and os.environ.get("SECONDCHANCE_DEMO_STAY", "1") != "0":
        # Someone is watching: leave the dashboard up to look around in.
        _say(
            f"The dashboard stays up at {dashboard} (Northwind's page tells the "
            "story). Ctrl-C stops the demo."
        )
        return
    stop()


def _print_alert(message: Message) -> None:
    console.print(f"── {message.title} ──", style="bold yellow", markup=False)
    console.print(message.body, markup=False)


async def _main(directory: Path) -> int:
    boards = SampleBoards()
    boards.set("/v1/boards/northwind/jobs", _greenhouse(*NORTHWIND))
    boards.set("/v0/postings/contoso", _lever(*CONTOSO))
    boards.set("/fabrikam/careers", _careers(*FABRIKAM))
    path = directory / "watchlist.toml"
    listen = f"127.0.0.1:{_free_port()}"
    path.write_text(_watchlist(boards, listen), encoding="utf-8")
    config = load(path)
    app = App.open(config, directory / "data", console=_print_alert)

    def serve(daemon: Daemon) -> Server:
        # Imported here: aiohttp.web and the templates cost a little start-up time.
        from secondchance.cli.web import dashboard

        return dashboard(config, directory / "data", daemon.healthy, listen)

    daemon = Daemon(app, serve)
    url = f"http://{listen}/"
    console.print(f"The dashboard: {url} (open it while the demo runs)", style="bold")
    script = asyncio.create_task(_script(boards, daemon.stopping.set, url))
    try:
        return await daemon.run()
    finally:
        script.cancel()
        boards.close()


def main() -> int:
    logs.setup("WARNING")
    logging.getLogger("secondchance").setLevel(logging.WARNING)
    console.print(
        "secondchance demo: sample boards on 127.0.0.1, polled every "
        f"{POLL_EVERY:g}s; about 30 seconds. Ctrl-C stops it.",
        style="bold",
    )
    with tempfile.TemporaryDirectory(prefix="secondchance-demo-") as directory:
        return asyncio.run(_main(Path(directory)))


if __name__ == "__main__":
    raise SystemExit(main())
