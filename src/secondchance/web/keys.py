"""What a web application carries, for its handlers: typed aiohttp application keys,
declared once so the server (which fills them) and the pages (which read them) agree."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from secondchance.config import Config
from secondchance.storage.database import Store

# The database as pages read it: a Store of its own (storage.database.open_existing),
# never the daemon's writing Store, so a page never waits behind a poll.
READER = web.AppKey("reader", Store)
# The watchlist running now (replaced on a reload); secrets are masked when shown.
CONFIG = web.AppKey("config", Config)
# The clock pages use (tests pin it).
NOW: web.AppKey[Callable[[], datetime]] = web.AppKey("now")
# Called after the watchlist was reloaded (web/jobs.py builds its list again ahead).
RELOADED: web.AppKey[Callable[[web.Application], None]] = web.AppKey("reloaded")
