"""Boards in URLs, without fetching anything: ``recognise`` asks every registered
source's ``detect`` about a URL. Light on purpose: the importers call it for every
job link in a CSV row or a mail, and `import csv` must not pay for an HTML parser."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from secondchance.importers.found import Board
from secondchance.sources import SOURCES

# Kinds that read a page rather than an ATS: fallbacks, never recognised by URL.
PAGE_KINDS = ("careers", "jsonld")


@dataclass(frozen=True)
class Candidate:
    kind: str
    value: object
    how: str
    postings: int | None = None
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        """As `discover --json` and the dashboard's look-up print it."""
        return {
            "kind": self.kind,
            "value": self.value,
            "how": self.how,
            "postings": self.postings,
            "error": self.error,
        }


def recognise(url: str) -> list[Candidate]:
    """The boards every registered source recognises in ``url`` itself (pure)."""
    return unique(detect(with_scheme(url), "URL"))


def board_in(url: str | None) -> Board | None:
    """The first board ``url`` reveals, as the watchlist writes it, or None."""
    if not url or not url.strip():
        return None
    for candidate in recognise(url):
        board = as_board(candidate.kind, candidate.value)
        if board is not None:
            return board
    return None


def as_board(kind: str, value: object) -> Board | None:
    """A detected value as a Board: Workday's table as ``tenant/wdN/site``."""
    if isinstance(value, str):
        return Board(kind, value)
    if isinstance(value, Mapping) and {"tenant", "wd", "site"} <= set(value):
        return Board(kind, f"{value['tenant']}/wd{value['wd']}/{value['site']}")
    return None


def board_value(board: Board) -> object:
    """What the watchlist holds for ``board``: Workday's token back as its table."""
    if board.kind == "workday":
        tenant, wd, site = [*board.token.split("/", 2), "", "", ""][:3]
        if wd.startswith("wd") and wd[2:].isdigit():
            return {"tenant": tenant, "wd": int(wd[2:]), "site": site}
    return board.token


def with_scheme(target: str) -> str:
    return target.strip() if "://" in target else f"https://{target.strip()}"


def detect(url: str, how: str) -> list[Candidate]:
    if not url.startswith(("http://", "https://")):
        return []
    found: list[Candidate] = []
    for kind, source in SOURCES.items():
        if kind in PAGE_KINDS:
            continue
        try:
            value = source.detect(url)
        except Exception:  # one source's bug over a strange link must not end the scan
            continue
        if value is not None:
            found.append(Candidate(kind, value, how))
    return found


def unique(candidates: Sequence[Candidate]) -> list[Candidate]:
    seen: dict[tuple[str, str], Candidate] = {}
    for c in candidates:
        seen.setdefault((c.kind, json.dumps(c.value, sort_keys=True, default=str)), c)
    return list(seen.values())
