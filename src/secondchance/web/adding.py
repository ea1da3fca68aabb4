"""The dashboard's add-a-company flow: paste a careers page or a job link, see the
boards `discover` finds behind it (each checked with one poll), add the chosen ones to
the watchlist, with the rejection if given, through web/edits.py's one write path.

The pasted URL is fetched server-side through fetch/guard.py: never an address inside
this machine or its network, at any hop of a redirect; only the hosts of the endpoints
the watchlist itself sets may be private. Nothing is fetched on a GET.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from secondchance.config import Config
from secondchance.config.environment import escape
from secondchance.importers import discover as finder
from secondchance.importers.apply import with_rejection
from secondchance.importers.boards import Candidate
from secondchance.importers.merge import Entry
from secondchance.importers.render import rejection_lines
from secondchance.sources import SOURCES, SpecError, default_endpoints
from secondchance.web import keys
from secondchance.web.actions import refused, wants_json
from secondchance.web.edits import field, read_only, rejection_of, version, write
from secondchance.web.render import page

if TYPE_CHECKING:
    from secondchance.fetch.client import Fetcher

# A look-up answers within this, whatever the pasted site does.
DISCOVER_SECONDS = 45.0
_NAME_MAX = 200


def install(app: web.Application) -> None:
    app[FETCHER] = Fetchers()

    async def close(_: web.Application) -> None:
        await app[FETCHER].close()

    app.on_cleanup.append(close)
    app.router.add_get("/watchlist/add", add_page)
    app.router.add_post("/watchlist/add", find)
    app.router.add_post("/actions/add-company", add_company)


async def add_page(request: web.Request) -> web.Response:
    """The form: paste a careers page or a job link (nothing is fetched on a GET)."""
    path = request.app[keys.CONFIG].path
    return page(
        request,
        "add.html",
        title="Add a company",
        url=field(request.query, "url"),
        found=None,
        read_only=await asyncio.to_thread(read_only, path),
        path=str(path),
    )


def _fetcher(config: Config) -> Fetcher:
    # Imported at the first look-up: the pages never need the HTTP client.
    from secondchance.fetch.guard import trusted
    from secondchance.fetch.transports import guarded

    return guarded(trusted(config.endpoints, default_endpoints()))


async def find(request: web.Request) -> web.Response:
    """Discover the boards behind the pasted URL and show what was found, to add."""
    form = await request.post()
    config = request.app[keys.CONFIG]
    url = field(form, "url")
    if not url:
        return refused(request, 400, "paste the address of a careers page or a job posting")
    fetcher = await request.app[FETCHER].get(config)
    try:
        found = await asyncio.wait_for(
            finder.discover(url, fetcher=fetcher, endpoints=config.endpoints),
            DISCOVER_SECONDS,
        )
    except TimeoutError:
        return refused(request, 504, f"looking at {url} took over {DISCOVER_SECONDS:.0f} s")
    except ValueError as exc:
        return refused(request, 400, f"{url}: {exc}")
    chosen = finder.best(found.candidates)
    if wants_json(request):
        return web.json_response(
            {
                "target": found.target,
                "note": found.note,
                "candidates": [c.as_json() for c in found.candidates],
                "snippet": finder.snippet(finder.guess_name(chosen), chosen) if chosen else None,
                # What /actions/add-company needs to write over this version of the file.
                "version": await version(config.path),
            }
        )
    path = config.path
    return page(
        request,
        "add.html",
        title="Add a company",
        url=url,
        found=found,
        chosen=[_board_value(c) for c in chosen],
        value=_board_value,
        shown=lambda v: json.dumps(v, ensure_ascii=False),
        name=finder.guess_name(chosen) if chosen else "",
        version=await version(path),
        read_only=await asyncio.to_thread(read_only, path),
        path=str(path),
        today=request.app[keys.NOW]().astimezone(config.policy.tz).date().isoformat(),
    )


def _board_value(c: Candidate) -> str:
    """A candidate as a form's value: JSON of its kind and value."""
    return json.dumps({"kind": c.kind, "value": c.value}, sort_keys=True)


def _chosen(form: Any) -> list[Candidate] | str:
    """The boards the form chose, each one a board its source accepts; or why not."""
    chosen: list[Candidate] = []
    for raw in form.getall("board", []):
        try:
            item = json.loads(str(raw))
            kind, value = item["kind"], item["value"]
            SOURCES[kind].parse_spec(value, {})
        except (ValueError, KeyError, TypeError, SpecError):
            return "a board the form sent is not one discover found; look the URL up again"
        chosen.append(Candidate(kind, value, "dashboard"))
    return chosen or "choose at least one board"


async def add_company(request: web.Request) -> web.StreamResponse:
    """Write the chosen boards (and a rejection, when given) to the watchlist."""
    form = await request.post()
    config = request.app[keys.CONFIG]
    shown = field(form, "name", _NAME_MAX)
    # Escaped as an import escapes: a name must stay text, never become ${A_SECRET}.
    name = escape(shown)
    if not name:
        return refused(request, 400, "the company needs a name")
    chosen = _chosen(form)
    if isinstance(chosen, str):
        return refused(request, 400, chosen)
    rejection = rejection_of(form, name)
    if isinstance(rejection, str):
        return refused(request, 400, rejection)
    notes = field(form, "notes", 5000) or None

    def edit(text: str) -> tuple[str, str]:
        new, message = finder.with_boards(text, config.path, name, chosen)
        if rejection is not None:
            # Under the company the boards went to, found by its key as `import` does.
            recorded = with_rejection(new, rejection, notes)
            if recorded is not None:
                new, message = recorded, f"{message}, with the rejection for {rejection.role}"
        return new, message

    snippet = finder.snippet(name, chosen) + (
        "\n" + "\n".join(rejection_lines(Entry(rejection, notes))) + "\n" if rejection else ""
    )
    return await write(request, form, edit, snippet, shown)


class Fetchers:
    """The guarded Fetcher discover uses, made at the first look-up, closed with the
    application, and made again when the watchlist's endpoints change."""

    def __init__(self) -> None:
        self._fetcher: Fetcher | None = None
        self._endpoints: object = None

    async def get(self, config: Config) -> Fetcher:
        if self._fetcher is None or self._endpoints != dict(config.endpoints):
            await self.close()
            self._fetcher = _fetcher(config)
            self._endpoints = dict(config.endpoints)
        return self._fetcher

    async def close(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None


FETCHER = web.AppKey("discover_fetcher", Fetchers)
