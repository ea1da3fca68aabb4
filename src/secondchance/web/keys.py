"""What a web application carries, for its handlers: typed aiohttp application keys,
declared once so the server (which fills them) and the pages (which read them) agree."""

from __future__ import annotations

import warnings
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
# Called after pages were handed another watchlist (web/jobs.py builds its list for
# it ahead).
RELOADED: web.AppKey[Callable[[web.Application], None]] = web.AppKey("reloaded")


def adopt(app: web.Application, config: Config) -> None:
    """Pages show ``config`` from now on: a reload, or an edit the dashboard wrote."""
    with warnings.catch_warnings():
        # aiohttp frowns on changing a running application's state; this one key
        # is read afresh by each request, so replacing it is what is meant.
        warnings.simplefilter("ignore", DeprecationWarning)
        app[CONFIG] = config
    hook = app.get(RELOADED)
    if hook is not None:
        hook(app)
