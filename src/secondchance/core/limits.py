"""How long the values the database stores may be.

The tables declare their bounded columns with these lengths (storage/schema.py), and
the steps before storage keep to them, each where a too-long value would otherwise
fail a write on a database that enforces lengths (PostgreSQL): the watchlist refuses a
longer company name or board, the fetch keeps no longer validator, the poll stores a
longer posting id as its hash. Plain numbers, so those steps need no SQLAlchemy.
"""

from __future__ import annotations

import hashlib

COMPANY = 200  # a company's name: sources.company, alerts.company
BOARD = 1000  # a board's key (a token, a page URL): sources.board, alerts.source_board
SOURCE_KIND = 40  # the watchlist key of a board's kind
POSTING_ID = 1000  # a posting's id on its board: postings.posting_id, alerts.posting_id
ETAG = 500  # sources.etag
LAST_MODIFIED = 100  # sources.last_modified
ALERT_KEY = 300  # the outbox's dedupe key: alerts.key
CHANNEL = 64  # a delivery channel's id: deliveries.channel


def bounded_posting_id(posting_id: str) -> str:
    """The id as stored: unchanged when it fits, else its hash. A career page whose
    links carry kilobytes of tracking parameters would not fit, and PostgreSQL cannot
    store a NUL at all; the same id always maps to the same stored one."""
    if len(posting_id) <= POSTING_ID and "\x00" not in posting_id:
        return posting_id
    return f"sha256:{hashlib.sha256(posting_id.encode()).hexdigest()}"


def bounded_alert_key(key: str) -> str:
    """An alert's dedupe key as stored: unchanged when it fits, else its start and a
    hash (a long posting id or role name in it), the same every time, so that the
    outbox still recognises an alert it has."""
    if len(key) <= ALERT_KEY:
        return key
    return f"{key[:200]}|sha256:{hashlib.sha256(key.encode()).hexdigest()}"
