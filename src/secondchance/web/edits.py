"""The dashboard's watchlist edits: the one path they all take, recording a
rejection, and undoing an edit (web/adding.py adds a company from a URL through it).

Edits write the watchlist through the path `discover --add` and `import --write` take
(importers/: comments and layout kept, the whole check passed on the new text before
an atomic replace), and only the version of the file the form was made from: a form
carries the file's digest, and an edit made meanwhile (by hand, by another tab) is
never overwritten. A watchlist that cannot be written (mounted read-only in Docker,
`ProtectSystem=strict`, no permission) is said so, with the snippet to paste.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from secondchance import config as config_module
from secondchance.config import ConfigError
from secondchance.importers.apply import LayoutError, with_rejection
from secondchance.importers.edit import Original, replace_validated
from secondchance.importers.found import Found
from secondchance.importers.merge import Entry
from secondchance.importers.render import rejection_lines
from secondchance.web import keys, views
from secondchance.web.actions import refused, wants_json
from secondchance.web.render import page

_TEXT_MAX = 2000

# The errors a file system gives for a file this process may not write.
# EBUSY: a file bind-mounted alone (Docker's `-v file:file`) cannot be replaced by a rename.
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM, errno.EBUSY)
_ALONE = (
    "{path} is a file mounted on its own (as Docker's -v FILE:FILE does), which an edit "
    "cannot replace: mount its folder instead"
)


log = logging.getLogger(__name__)


def install(app: web.Application) -> None:
    app[UNDO] = Undos()
    app.router.add_post("/actions/rejection", record_rejection)
    app.router.add_post("/actions/undo-edit", undo_edit)


def read_only(path: Path) -> str | None:
    """Why the watchlist at ``path`` cannot be replaced from here; None when it can."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return (
                f"{path} is on a read-only file system (a read-only mount, as in "
                "Docker, or systemd's ProtectSystem=strict)"
            )
    except OSError:
        pass
    try:
        if path.stat().st_dev != folder.stat().st_dev:
            return _ALONE.format(path=path)
    except OSError:
        pass
    if not os.access(folder, os.W_OK):
        return f"{folder} is not writable by this process (permissions)"
    return None


async def version(path: Path) -> str:
    """The digest of the watchlist as it is now, for a form to carry."""
    return (await asyncio.to_thread(Original.read, path)).digest


def field(form: Any, name: str, limit: int = _TEXT_MAX) -> str:
    return " ".join(str(form.get(name, "")).split())[:limit]


def rejection_of(form: Any, company: str) -> Found | str | None:
    """The rejection a form records for ``company``; None when it records none."""
    role = field(form, "role", _TEXT_MAX)
    raw_date = field(form, "date", 10)
    if not role and not raw_date and not field(form, "stage"):
        return None
    if not role:
        return "a rejection needs the role you were turned down for"
    try:
        when = dt.date.fromisoformat(raw_date)
    except ValueError:
        return "a rejection needs its date, YYYY-MM-DD"
    return Found(
        company=company,
        role=role,
        date=when,
        stage=field(form, "stage", 200) or None,
        contact=field(form, "contact", 500) or None,
    )


async def record_rejection(request: web.Request) -> web.StreamResponse:
    """Add a rejection to a company of the watchlist."""
    form = await request.post()
    config = request.app[keys.CONFIG]
    company = config.company(str(form.get("company", "")))
    if company is None:
        return refused(request, 404, "no company of that name is in the watchlist")
    found = rejection_of(form, company.name)
    if found is None:
        return refused(request, 400, "a rejection needs the role you were turned down for")
    if isinstance(found, str):
        return refused(request, 400, found)
    notes = field(form, "notes", 5000) or None

    def edit(text: str) -> tuple[str, str]:
        new = with_rejection(text, found, notes)
        if new is None:
            return text, f"{company.name}: that rejection is recorded already; nothing changed"
        return new, f"recorded the rejection for {found.role} at {company.name}"

    snippet = "\n".join(rejection_lines(Entry(found, notes))) + "\n"
    return await write(request, form, edit, snippet, company.name)


# An edit: the watchlist's text → the new text, and what that did (one line).
Edit = Callable[[str], tuple[str, str]]


async def write(
    request: web.Request, form: Any, edit: Edit, snippet: str, name: str
) -> web.StreamResponse:
    """Apply ``edit`` (text → new text, what it did) to the watchlist the form was made
    from, validated and atomic; else say why, with ``snippet`` to paste by hand."""
    app = request.app
    path = app[keys.CONFIG].path
    original = await asyncio.to_thread(Original.read, path)
    if str(form.get("version", "")) != original.digest:
        return refusal(
            request,
            409,
            f"{path} changed since this form was made (an edit by hand or in another tab); "
            "nothing written: look at the watchlist and try again",
            snippet,
            path,
        )
    try:
        new, message = edit(original.text)
    except (LayoutError, ValueError) as exc:
        return refused(request, 400, str(exc))
    except ConfigError as exc:
        return refused(request, 400, "; ".join(_masked(app, exc)))
    undo = ""
    if new != original.text:
        reason = await asyncio.to_thread(read_only, path)
        if reason is None:
            try:
                await asyncio.to_thread(replace_validated, path, new, original)
            except ConfigError as exc:
                return refusal(request, 409, "; ".join(_masked(app, exc)), snippet, path)
            except OSError as exc:
                if exc.errno not in _READ_ONLY:
                    raise
                reason = (
                    _ALONE.format(path=path)
                    if exc.errno == errno.EBUSY
                    else f"{path} cannot be written: {exc.strerror}"
                )
        if reason is not None:
            return refusal(request, 409, f"the watchlist is read-only: {reason}", snippet, path)
        await _adopt(app, path)
        log.info("dashboard: %s", message)
        undo = app[UNDO].keep(path, original.text, Original(path, new, None).digest)
    if wants_json(request):
        return web.json_response({"done": message, "company": name, "undo": undo or None})
    company = app[keys.CONFIG].company(name)
    target = views.company_path(company.name) if company is not None else "/watchlist"
    if not undo:
        raise web.HTTPSeeOther(f"{target}?done=unchanged")
    raise web.HTTPSeeOther(f"{target}?done=edited&edit={undo}")


async def undo_edit(request: web.Request) -> web.StreamResponse:
    """Put the watchlist back as it was before an edit of this dashboard, if nobody
    changed it since (else 409: undoing would throw their edit away)."""
    form = await request.post()
    kept = request.app[UNDO].take(str(form.get("edit", "")))
    if kept is None:
        return refused(request, 404, "nothing to undo: it was undone, or the server restarted")
    path, before, after = kept
    original = await asyncio.to_thread(Original.read, path)
    if original.digest != after:
        return refused(
            request, 409, f"{path} changed since that edit; nothing undone (edit it by hand)"
        )
    try:
        await asyncio.to_thread(replace_validated, path, before, original)
    except ConfigError as exc:
        return refused(request, 409, f"nothing undone: {'; '.join(_masked(request.app, exc))}")
    except OSError as exc:
        return refused(request, 409, f"nothing undone: {path}: {exc.strerror or exc}")
    await _adopt(request.app, path)
    log.info("dashboard: undid an edit of %s", path)
    if wants_json(request):
        return web.json_response({"done": "undone"})
    raise web.HTTPSeeOther("/watchlist?done=unedited")


def _masked(app: web.Application, exc: ConfigError) -> list[str]:
    """The check's problems as a page shows them: secrets masked, as in the logs."""
    return [views.masked(p, app[keys.CONFIG].secrets) for p in exc.problems]


async def _adopt(app: web.Application, path: Path) -> None:
    """Pages show the watchlist just written (the daemon takes it at its next look)."""
    try:
        loaded = await asyncio.to_thread(config_module.load, path)
    except ConfigError:
        return  # changed again since: the daemon's reload will say what is wrong
    keys.adopt(app, loaded)


def refusal(
    request: web.Request, status: int, reason: str, snippet: str, path: Path
) -> web.Response:
    """Nothing written, and why, with what the user can paste themselves."""
    if wants_json(request):
        return web.json_response({"error": reason, "snippet": snippet}, status=status)
    response = page(
        request,
        "edit_refused.html",
        title="Nothing written",
        reason=reason,
        snippet=snippet,
        path=str(path),
    )
    response.set_status(status)
    return response


class Undos:
    """The last edits this dashboard wrote, each undoable while the file is still as
    it left it: token → (path, the text before, the digest after). In memory: an
    undo does not outlive the process, and the file's own history is the user's."""

    KEPT = 20

    def __init__(self) -> None:
        self._edits: dict[str, tuple[Path, str, str]] = {}

    def keep(self, path: Path, before: str, after: str) -> str:
        token = secrets.token_hex(8)
        self._edits[token] = (path, before, after)
        while len(self._edits) > self.KEPT:
            del self._edits[next(iter(self._edits))]
        return token

    def take(self, token: str) -> tuple[Path, str, str] | None:
        return self._edits.pop(token, None)


UNDO = web.AppKey("watchlist_undo", Undos)
