"""What a watchlist already holds, for an import to leave alone: its companies (live,
and commented out by an earlier import) and the rejections recorded under each, live
or commented out. Read from the text alone (tomllib, and a scan of the comments), so
that a dry run needs neither a valid watchlist's check nor tomlkit."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from secondchance.config.environment import unescape
from secondchance.importers.names import company_key, role_key

_LIVE_COMPANY = re.compile(r"^\s*\[\[\s*company\s*\]\]\s*(?:#.*)?$")
_COMMENTED_COMPANY = re.compile(r"^\s*#\s*\[\[\s*company\s*\]\]\s*$")
_COMMENTED_REJECTION = re.compile(r"^\s*#\s*\[\[\s*company\s*\.\s*rejection\s*\]\]\s*$")
_COMMENTED_KEY = re.compile(r"^\s*#\s*(name|role|date)\s*=\s*(.+?)\s*$")


@dataclass
class KnownCompany:
    name: str
    # Its place among the live [[company]] tables; None: commented out.
    index: int | None
    table: dict[str, Any] = field(default_factory=dict)
    # (role key, date) of every rejection under it, live or commented out.
    recorded: set[tuple[str, dt.date | None]] = field(default_factory=set)
    # The roles of its live rejections: an application for one is answered already.
    rejected_roles: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return company_key(self.name)


@dataclass
class Known:
    companies: list[KnownCompany] = field(default_factory=list)
    # Whether the live [[company]] headers in the text are the parsed companies, so
    # that text can be inserted under each (false for `company = [...]` arrays).
    headers: list[int] = field(default_factory=list)


def read_known(text: str) -> Known:
    """What ``text`` (a watchlist, maybe empty) holds; tomllib.TOMLDecodeError when it
    is not TOML."""
    raw = tomllib.loads(text)
    tables = raw.get("company")
    known = Known()
    for index, table in enumerate(tables if isinstance(tables, list) else []):
        if not isinstance(table, dict):
            continue
        company = KnownCompany(unescape(str(table.get("name", ""))), index, table)
        rejections = table.get("rejection")
        for rejection in rejections if isinstance(rejections, list) else []:
            if isinstance(rejection, dict):
                role = role_key(unescape(str(rejection.get("role", ""))))
                date = rejection.get("date")
                company.recorded.add((role, date if isinstance(date, dt.date) else None))
                company.rejected_roles.add(role)
        known.companies.append(company)
    _scan_comments(text, known)
    return known


def _scan_comments(text: str, known: Known) -> None:
    live = [c for c in known.companies if c.index is not None]
    current: KnownCompany | None = None
    headers: list[int] = []
    pending: dict[str, Any] | None = None  # a commented-out rejection being read

    def flush() -> None:
        nonlocal pending
        # A rejection written without its role (the mail named none) is recorded too,
        # by its date: otherwise every later import would add it again.
        if pending is not None and current is not None:
            current.recorded.add((role_key(pending.get("role")), pending.get("date")))
        pending = None

    for number, line in enumerate(text.splitlines()):
        if _LIVE_COMPANY.match(line):
            flush()
            headers.append(number)
            current = live[len(headers) - 1] if len(headers) <= len(live) else None
        elif _COMMENTED_COMPANY.match(line):
            flush()
            current = KnownCompany("", None)
            known.companies.append(current)
        elif _COMMENTED_REJECTION.match(line):
            flush()
            pending = {}
        elif match := _COMMENTED_KEY.match(line):
            key, value = match.group(1), _value(match.group(2))
            if key == "name" and current is not None and current.index is None:
                current.name = unescape(str(value or ""))
            elif pending is not None and key == "role" and isinstance(value, str):
                pending["role"] = unescape(value)
            elif pending is not None and key == "date" and isinstance(value, dt.date):
                pending["date"] = value
        elif not line.lstrip().startswith("#"):
            flush()
    flush()
    known.companies = [c for c in known.companies if c.index is not None or c.name]
    known.headers = headers if len(headers) == len(live) else []


def _value(text: str) -> object:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return None
