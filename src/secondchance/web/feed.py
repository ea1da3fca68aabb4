"""The Atom feed of alerts: ``GET /feed.atom`` (the newest 50) and
``GET /feed.atom?tag=TAG`` (those of the companies whose alerts go to that tag).

Built with ElementTree, which escapes every text it writes: board text is data,
never markup. XML 1.0 has no place for most control characters, so they are dropped;
links are written only for http(s) URLs. Feed readers sign in with an
``Authorization: Bearer`` header (web/server.py's middleware).
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

from aiohttp import web

from secondchance.core.models import Alert
from secondchance.storage import dashboard
from secondchance.web import keys, views

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
# Characters XML 1.0 forbids (C0 controls but tab, newline, return; lone surrogates;
# U+FFFE/U+FFFF): an XML parser refuses a document holding one.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Stable ids: the same alert has the same entry id in every feed and every run.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/secondchance/alerts")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/feed.atom", feed)


def clean(value: object) -> str:
    """Text as the feed may hold it: shown as the pages show it, without the
    characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", views.text(value, limit=1000))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(alert: Alert) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'alert:' + alert.company + ':' + str(alert.id))}"


def _text(parent: ET.Element, name: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    element.text = value
    return element


def _content(alert: Alert) -> str:
    lines = [
        f"{label}: {clean(value)}"
        for label, value in (
            ("Was", alert.previous_title),
            ("Location", alert.location),
            ("Detail", alert.detail),
            ("Board", f"{alert.source_kind} {alert.source_board}"),
        )
        if value
    ]
    url = views.href(alert.url)
    if url:
        lines.append(f"Link: {clean(url)}")
    return "\n".join(lines) or clean(views.alert_text(alert))


def atom(alerts: Sequence[Alert], *, tag: str | None, now: datetime) -> bytes:
    """The feed of ``alerts`` (newest first), as UTF-8 XML."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    name = "secondchance alerts" + (f": {clean(tag)}" if tag else "")
    _text(root, "id", f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed:' + (tag or ''))}")
    _text(root, "title", name)
    newest = max((a.created_at for a in alerts if a.created_at), default=now)
    _text(root, "updated", rfc3339(newest))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "secondchance")
    _text(root, "generator", "secondchance")
    for alert in alerts:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", entry_id(alert))
        title = f"{alert.company}: {alert.kind.replace('_', ' ')}: {views.alert_text(alert)}"
        _text(entry, "title", clean(title), type="text")
        _text(entry, "updated", rfc3339(alert.created_at or now))
        url = views.href(alert.url)
        if url is not None:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": clean(url)})
        _text(entry, "content", _content(alert), type="text")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


async def feed(request: web.Request) -> web.Response:
    config, now = request.app[keys.CONFIG], request.app[keys.NOW]()
    tag = request.query.get("tag", "").strip() or None
    companies = None
    if tag is not None:
        companies = [c.name for c in config.companies if tag in c.tags]
        if not companies:
            raise web.HTTPNotFound(text="No company's alerts go to that tag.\n")
    found = await request.app[keys.READER].read(dashboard.recent_alerts, companies, LIMIT)
    return web.Response(
        body=atom(found, tag=tag, now=now),
        headers={"Content-Type": "application/atom+xml; charset=utf-8"},
    )
