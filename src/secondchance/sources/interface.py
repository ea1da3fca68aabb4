"""The contract every source kind implements, and the errors it may raise.

A source is a pure description of how to ask a board for its postings and how
to read the answer. It never performs I/O: http.py fetches, the poller loops
over pages, and the parsers stay testable with plain bytes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from secondchance.core.models import BoardSpec, Posting

BodyKind = Literal["json", "html", "xml"]


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request of a source's fetch (one page)."""

    url: str
    method: Literal["GET", "POST"] = "GET"
    json_body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    # What a healthy answer looks like; a JSON API answering HTML is a failure.
    expect: BodyKind = "json"
    page: int = 0
    # What a parser learned on earlier pages (a total given only on page 0, ...):
    # the pages of one fetch share no other state.
    state: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A posting left out of a page because it could not be read."""

    # Short, the same for every posting it applies to ("no title"): counted by it.
    reason: str
    # The whole story of the first one, for a poll that fails of too many.
    detail: str


@dataclass(frozen=True, slots=True)
class Page:
    """What one response held, and the request for the next page, if any."""

    postings: list[Posting]
    next: Request | None = None
    # Postings that could not be read (no id, no title): the others still count,
    # but the page does not say all the board holds.
    skipped: list[Skipped] = field(default_factory=list)


def endpoint(endpoints: Mapping[str, str], name: str, **fields: object) -> str:
    """A base URL from the endpoint table, with ``{company}``-style fields
    filled in and no trailing slash."""
    template = endpoints[name]
    try:
        return template.format(**fields).rstrip("/")
    except (KeyError, IndexError, ValueError) as exc:
        raise SourceError(f"endpoint {name!r} has an unknown placeholder: {exc}") from exc


class SourceError(Exception):
    """Base of every error a source raises for a poll that did not work."""


class ParseError(SourceError):
    """The body did not have the shape the source expects (schema drift,
    HTML where JSON was expected, a challenge page, nothing matched)."""


class Malformed(ParseError):
    """One posting of the page cannot be read (no id, no title, not an object):
    it is skipped and counted (``reason``), and the rest of the page still counts.
    The message says which one and why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class SpecError(ValueError):
    """A watchlist value for this source is invalid; the message says why.

    ``key`` names a company-level companion key (``lever_region``) when the
    mistake is there rather than in the board value itself.
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class Source(ABC):
    """One kind of board (greenhouse, lever, careers, ...): a subclass per kind, one
    instance of it in the registry (sources/__init__.py).

    ``kind`` is the watchlist key. ``endpoints`` names the base URLs this kind uses,
    with their public defaults; ``[settings.endpoints]`` overrides them. Where the host
    carries the company, the endpoint is a URL template with ``{company}`` (or
    ``{tenant}``/``{wd}``/``{site}``), formatted with ``endpoint()`` above.
    ``companion_keys`` are extra company-level keys folded into the spec
    (``lever_region``). ``max_pages`` bounds one fetch. ``reader`` is the version of
    how the kind turns a body into text: bumped when the same body would now read
    differently (a placeholder dropped, a charset honoured), so that the first poll
    after an upgrade refreshes what is stored without calling it a change.
    ``pays`` says whether the kind reads pay where its boards publish it (a filter's
    ``min_pay`` on a company with no such board draws a warning).
    """

    kind: ClassVar[str]
    endpoints: ClassVar[Mapping[str, str]] = MappingProxyType({})
    companion_keys: ClassVar[tuple[str, ...]] = ()
    max_pages: ClassVar[int] = 1
    reader: ClassVar[int] = 1
    pays: ClassVar[bool] = False

    @abstractmethod
    def detect(self, url: str) -> object | None:
        """The watchlist value for this kind if ``url`` is one of its board or
        job URLs (``"acme"``, ``{ site = ..., region = "eu" }``), else None.
        Pure: recognises the URL, fetches nothing."""

    @abstractmethod
    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        """Validate one watchlist value; raise SpecError with a short reason."""

    @abstractmethod
    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        """The request for the first page of the board."""

    @abstractmethod
    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        """Read one response body (UTF-8 by then, whatever charset it came in); raise
        ParseError when it is not a board. A posting that cannot be read is skipped
        into ``Page.skipped`` (``toolkit.each_posting``), never a failure of the page."""
