"""Source kinds, registered in one explicit table keyed by the watchlist key."""

from __future__ import annotations

from collections.abc import Mapping

from secondchance.core.models import BoardSpec
from secondchance.sources import (
    ashby,
    bamboohr,
    careers,
    greenhouse,
    jsonld_source,
    lever,
    personio,
    recruitee,
    smartrecruiters,
    teamtailor,
    workable,
    workday,
)
from secondchance.sources.interface import Page, ParseError, Request, Source, SourceError, SpecError

SOURCES: Mapping[str, Source] = {
    source.kind: source
    for source in (
        greenhouse.SOURCE,
        lever.SOURCE,
        ashby.SOURCE,
        workable.SOURCE,
        recruitee.SOURCE,
        smartrecruiters.SOURCE,
        workday.SOURCE,
        personio.SOURCE,
        bamboohr.SOURCE,
        teamtailor.SOURCE,
        jsonld_source.SOURCE,
        # Last: any page may be a career page, so discover tries it last.
        careers.SOURCE,
    )
}


def default_endpoints() -> dict[str, str]:
    """Every endpoint name any source uses, with its public default."""
    merged: dict[str, str] = {}
    for source in SOURCES.values():
        merged.update(source.endpoints)
    return merged


__all__ = [
    "SOURCES",
    "BoardSpec",
    "Page",
    "ParseError",
    "Request",
    "Source",
    "SourceError",
    "SpecError",
    "default_endpoints",
]
