"""The ``careers`` source: a company's own careers page, read with CSS selectors
or, without an ``item`` selector, through its schema.org JobPosting JSON-LD.

A static page gives no ids, so identity comes from each job's link, and from
title + location where the page has no per-job links. A selector that matches
nothing is a failure, never an empty board: a redesign must not look like
every job closing at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from secondchance.core.models import BoardSpec, Posting, Remote
from secondchance.core.text import clean
from secondchance.sources import jsonld
from secondchance.sources.interface import Page, ParseError, Request, Skipped, Source, SpecError
from secondchance.sources.toolkit import NO_TITLE, looks_like_challenge

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

_KEYS = ("url", "item", "title", "link", "location", "empty_ok")
_SELECTOR_KEYS = ("title", "link", "location")
_ATTR_NAME = re.compile(r"[A-Za-z_:][-A-Za-z0-9_:.]*")


@dataclass(frozen=True, slots=True)
class _Item:
    title: str
    location: str
    link: str | None


class CareersSource(Source):
    kind = "careers"
    # 2: JSON-LD address placeholders dropped, the Content-Type's charset honoured.
    # 3: pay (schema.org baseSalary).
    reader = 3
    pays = True

    def detect(self, url: str) -> object | None:
        # Any page can be a career page: discover falls back to this kind last.
        return None

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        if isinstance(value, str):
            value = {"url": value}
        if not isinstance(value, Mapping):
            raise SpecError("expected a page URL or an inline table with url and item")
        for key in value:
            if key not in _KEYS:
                raise SpecError(f"unknown key {key!r} (allowed: {', '.join(_KEYS)})")
        url = _url(value.get("url"))
        options: dict[str, Any] = {"url": url, "empty_ok": _flag(value.get("empty_ok", False))}
        item = value.get("item")
        if item is None:
            given = [key for key in _SELECTOR_KEYS if key in value]
            if given:
                raise SpecError(
                    f"{', '.join(given)} needs item (without item the page is read as JSON-LD)"
                )
            return BoardSpec(kind=self.kind, key=url, options=options)
        options["item"] = _selector("item", item)
        title = value.get("title")
        options["title"] = None if title is None else _selector("title", title)
        location = value.get("location")
        options["location"] = None if location is None else _selector("location", location)
        options["link_selector"], options["link_attr"] = _link(value.get("link"))
        # The URL alone is the identity: editing a selector must not re-key every posting.
        return BoardSpec(kind=self.kind, key=url, options=options)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        return Request(url=spec.options["url"], expect="html")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        if looks_like_challenge(body):
            raise ParseError("bot-protection challenge page")
        empty_ok = bool(spec.options.get("empty_ok", False))
        item_selector = spec.options.get("item")
        if item_selector is None:
            postings, skipped = jsonld.read_postings(body, request.url)
            if not postings and not skipped and not empty_ok:
                raise ParseError("no schema.org JobPosting found on the page")
            return Page(postings=postings, skipped=skipped)
        # Imported here: most watchlists have no HTML boards, and the daemon's
        # memory should not carry the parser for them.
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(jsonld.decode_html(body))
        nodes = tree.css(item_selector)
        if not nodes:
            if empty_ok:
                return Page(postings=[])
            raise ParseError(f"selector {item_selector!r} matched nothing on the page")
        base = _base_url(tree, request.url)
        items = [_read_item(node, base, request.url, spec.options) for node in nodes]
        titled = [item for item in items if item.title]
        if not titled:
            # Items found but all titles empty: the title selector broke, not the board.
            raise ParseError(
                f"title selector {spec.options.get('title')!r} matched no text "
                f"in any of the {len(nodes)} items"
            )
        # An item with a link but no title is a job that cannot be read (it is
        # counted, so that nothing closes for want of it); one with neither is
        # layout the item selector also matches.
        skipped = [
            Skipped(NO_TITLE, f"careers item #{index} ({item.link}): no text for the title")
            for index, item in enumerate(items)
            if not item.title and item.link
        ]
        return Page(postings=_postings(titled, request.url), skipped=skipped)


def _url(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise SpecError("url: required, an absolute http(s) URL")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or value != value.strip():
        raise SpecError(f"url: {value!r} is not an absolute http(s) URL")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise SpecError("empty_ok: expected true or false")
    return value


def _selector(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{key}: expected a CSS selector string")
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    try:
        LexborHTMLParser("<html></html>").css(value)
    except SelectolaxError as exc:
        raise SpecError(f"{key}: invalid CSS selector {value!r}") from exc
    return value


def _link(value: object) -> tuple[str | None, str]:
    """``"a@href"`` → (selector, attribute); ``"@href"`` → ("", attribute) for the item
    itself; a bare selector reads its href; absent → (None, "href"), the default rule."""
    if value is None:
        return None, "href"
    if not isinstance(value, str) or not value.strip():
        raise SpecError("link: expected a CSS selector, optionally with an @attribute suffix")
    selector, at, attr = value.rpartition("@")
    if not at:
        return _selector("link", value), "href"
    if not _ATTR_NAME.fullmatch(attr):
        raise SpecError(f"link: invalid attribute name {attr!r}")
    if not selector.strip():
        return "", attr
    return _selector("link", selector), attr


def _base_url(tree: LexborHTMLParser, page_url: str) -> str:
    base = tree.css_first("base[href]")
    href = base.attributes.get("href") if base is not None else None
    return urljoin(page_url, href.strip()) if href and href.strip() else page_url


def _node_text(node: LexborNode | None) -> str:
    # A separator keeps "<div>Title</div><div>Zurich</div>" from fusing into one word.
    return clean(node.text(deep=True, separator=" ")) if node is not None else ""


def _read_item(node: LexborNode, base: str, page_url: str, options: Mapping[str, Any]) -> _Item:
    title_sel = options.get("title")
    title = _node_text(node.css_first(title_sel) if title_sel else node)
    location_sel = options.get("location")
    location = _node_text(node.css_first(location_sel)) if location_sel else ""
    link_sel: str | None = options.get("link_selector")
    attr: str = options.get("link_attr", "href")
    if link_sel is None:
        target = node if node.tag == "a" else node.css_first("a[href]")
    elif link_sel == "":
        target = node
    else:
        target = node.css_first(link_sel)
    raw = target.attributes.get(attr) if target is not None else None
    return _Item(title=title, location=location, link=_job_link(raw, base, page_url))


def _job_link(raw: str | None, base: str, page_url: str) -> str | None:
    """The resolved link if it can point at one job; None for "#", "javascript:",
    a mailto and links back to the listing itself."""
    if raw is None or not raw.strip() or raw.strip().startswith("#"):
        return None
    resolved = urljoin(base, raw.strip())
    if urlsplit(resolved).scheme not in ("http", "https"):
        return None
    if urldefrag(resolved).url in (urldefrag(page_url).url, urldefrag(base).url):
        return None
    return resolved


def _postings(items: list[_Item], page_url: str) -> list[Posting]:
    # A link shared by different items (one "apply" form for every role) is not a
    # job identity; those fall back to title + location. The same item listed
    # twice (a "featured" strip above the full list) keeps its link: were it
    # keyed by title while featured and by link otherwise, every change of the
    # strip would turn its roles into new ones and close the old.
    variants: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for item in items:
        if item.link:
            variants[urldefrag(item.link).url].add((item.title, item.location))
    postings: list[Posting] = []
    seen: set[str] = set()
    for item in items:
        shared = item.link and len(variants[urldefrag(item.link).url]) > 1
        link = item.link if item.link and not shared else None
        posting_id = urldefrag(link).url if link else jsonld.fallback_id(item.title, item.location)
        if posting_id in seen:
            continue
        seen.add(posting_id)
        postings.append(
            Posting(
                id=posting_id,
                title=item.title,
                url=link or page_url,
                locations=(item.location,) if item.location else (),
                remote=Remote.YES if "remote" in item.location.casefold() else Remote.UNKNOWN,
            )
        )
    return postings


SOURCE = CareersSource()
