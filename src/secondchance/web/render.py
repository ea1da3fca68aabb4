"""The pages' templates: one Jinja2 environment, autoescaping everything it renders."""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from secondchance.web import csrf, views


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("secondchance.web"),
        # Every template, whatever its name: board text is never markup.
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["text"] = views.text
    env.filters["href"] = views.href
    env.filters["alert_text"] = views.alert_text
    env.globals["query"] = views.query_string
    return env


def page(request: web.Request, template: str, **context: Any) -> web.Response:
    """``template`` rendered for ``request``: its forms carry the visitor's CSRF
    token, and a notice of what was just done (with its undo) comes from the query."""
    html = (
        environment()
        .get_template(template)
        .render(csrf=csrf.token(request), here=request.path_qs, notice=_notice(request), **context)
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def _notice(request: web.Request) -> dict[str, str] | None:
    """What an action just did, from the query it sent the browser back with (only
    its kind and the mark's number: no text of the request is shown)."""
    done, mark = request.query.get("done", ""), request.query.get("mark", "")
    if done in ("applied", "dismissed", "snoozed", "undone") and mark.isdigit():
        return {"done": done, "mark": mark}
    edit = request.query.get("edit", "")
    if done == "edited":
        return {"done": done, "mark": "", "edit": edit if edit.isalnum() else ""}
    if done in ("poll", "retry", "unedited", "unchanged"):
        return {"done": done, "mark": ""}
    return None
