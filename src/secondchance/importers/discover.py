"""Find the job board behind a careers page, a job link or an ATS URL.

``recognise`` asks every source's ``detect`` about the URL, ``scan_page`` about every
URL and embed on the page; ``discover`` verifies each candidate with one real poll;
``snippet`` and ``add_to_watchlist`` turn the result into watchlist TOML.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlsplit

import tomlkit
from selectolax.lexbor import LexborHTMLParser
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from secondchance import config
from secondchance.core.models import SourceRef
from secondchance.importers.boards import PAGE_KINDS as _PAGE_KINDS
from secondchance.importers.boards import Candidate, recognise
from secondchance.importers.boards import detect as _detect
from secondchance.importers.boards import unique as _unique
from secondchance.importers.boards import with_scheme as _with_scheme
from secondchance.importers.edit import Original, find_company, has_board, replace_validated
from secondchance.sources import SOURCES, Request, SourceError, SpecError, default_endpoints
from secondchance.sources import jsonld as jsonld_parser

# `discover --offline` and the watchlist edits fetch nothing: the HTTP client
# and the poller (with the database layer behind it) are imported by _verify.
if TYPE_CHECKING:
    from secondchance.fetch.client import Fetcher

_URL_IN_SCRIPT = re.compile(r"""https?://[^\s"'<>`\\)]+""")
_LEVER_ACCOUNT = re.compile(
    r"""leverJobsOptions[\s\S]{0,500}?["']?accountName["']?\s*:\s*["']([A-Za-z0-9._-]+)["']"""
)
_SLUG_KEYS = ("tenant", "company", "org", "organization", "site", "slug", "board", "token")
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu"}


@dataclass(frozen=True)
class Discovery:
    target: str
    candidates: tuple[Candidate, ...]
    fetched: bool
    note: str | None


def scan_page(body: bytes, url: str) -> list[Candidate]:
    """Boards a fetched page links to or embeds, plus its JSON-LD postings (pure)."""
    tree = LexborHTMLParser(jsonld_parser.decode_html(body))
    found: list[Candidate] = []
    for node in tree.css("script[src]"):
        found += _detect(urljoin(url, node.attributes.get("src") or ""), "embed script")
    for node in tree.css("iframe"):
        for attr in ("src", "data-src"):
            found += _detect(urljoin(url, node.attributes.get(attr) or ""), "iframe")
    for node in tree.css("script:not([src])"):
        text = node.text(deep=True).replace("\\/", "/")
        for match in _URL_IN_SCRIPT.finditer(text):
            found += _detect(match.group(0), "embed script")
        for account in _LEVER_ACCOUNT.findall(text):
            found += _detect(f"https://jobs.lever.co/{account}", "Lever embed (leverJobsOptions)")
    for selector, attr in (("a[href]", "href"), ("link[href]", "href"), ("meta", "content")):
        for node in tree.css(selector):
            value = node.attributes.get(attr) or ""
            if selector == "meta" and not value.startswith(("http://", "https://")):
                continue
            found += _detect(urljoin(url, value), "link")
    if jsonld_parser.extract_postings(body, url):
        found.append(Candidate("jsonld", url, "JSON-LD"))
    return _unique(found)


async def discover(
    target: str,
    *,
    fetcher: Fetcher | None,
    endpoints: Mapping[str, str] | None = None,
    offline: bool = False,
) -> Discovery:
    """Recognise ``target``, else fetch and scan it; verify what was found."""
    url = _with_scheme(target)
    found = recognise(url)
    embeds_greenhouse = "gh_jid" in parse_qs(urlsplit(url).query)
    if offline:
        note = None
        if not found and embeds_greenhouse:
            found = _greenhouse_guess(url)
            note = "the Greenhouse token is guessed from the domain (gh_jid=); verify it online"
        elif not found:
            note = "nothing recognised from the URL alone; fetch the page to find more"
        return Discovery(url, tuple(found), fetched=False, note=note)
    if fetcher is None:
        raise ValueError("discover needs a fetcher unless offline")
    fetched = False
    note = None
    if not found:
        try:
            response = await fetcher.fetch(Request(url, expect="html"))
        except SourceError as exc:
            return Discovery(url, (), fetched=False, note=f"could not fetch {url}: {exc}")
        fetched = True
        found = scan_page(response.body, url)
        embeds_greenhouse = embeds_greenhouse or b"grnhse_app" in response.body
        if embeds_greenhouse and not any(c.kind == "greenhouse" for c in found):
            found += _greenhouse_guess(url)
        if not found:
            note = "no job board found on the page; a careers entry with CSS selectors can watch it"
    table = {**default_endpoints(), **(endpoints or {})}
    verified = await asyncio.gather(*(_verify(fetcher, c, table) for c in found))
    if verified and all(c.error for c in verified):
        note = "no candidate board answered with postings"
    return Discovery(url, tuple(verified), fetched=fetched, note=note)


def best(candidates: Sequence[Candidate]) -> list[Candidate]:
    """What belongs in the watchlist: ATS boards that worked, else page kinds
    that worked, else whatever was not refuted, else everything."""
    worked = [c for c in candidates if c.error is None and c.postings]
    boards = [c for c in worked if c.kind not in _PAGE_KINDS]
    if boards or worked:
        return boards or worked
    unrefuted = [c for c in candidates if c.error is None]
    return unrefuted or list(candidates)


def guess_name(candidates: Sequence[Candidate]) -> str:
    """A company name from the first board's slug: "acme-corp" → "Acme Corp"."""
    slug = _slug(candidates[0].value) if candidates else ""
    words = re.split(r"[-_\s]+", slug)
    return " ".join(word[:1].upper() + word[1:] for word in words if word) or "Company"


def snippet(name: str | None, candidates: Sequence[Candidate]) -> str:
    """A ``[[company]]`` table for the best candidates; "" when there is none."""
    chosen = best(candidates)
    if not chosen:
        return ""
    table = tomlkit.table()
    table["name"] = name or guess_name(chosen)
    for kind, values in _by_kind(chosen).items():
        table[kind] = _item(values[0] if len(values) == 1 else values)
    companies = tomlkit.aot()
    companies.append(table)
    document = tomlkit.document()
    document.append("company", companies)
    return tomlkit.dumps(document)


def board_lines(candidates: Sequence[Candidate]) -> str:
    """The best candidates as the lines a [[company]] table gains (``kind = value``)."""
    return "".join(
        f"{kind} = {tomlkit.item(_item(value)).as_string()}\n"
        for kind, values in _by_kind(best(candidates)).items()
        for value in values
    )


def add_to_watchlist(
    path: Path, name: str, candidates: Sequence[Candidate], original: Original | None = None
) -> str:
    """Add the best candidates to the watchlist at ``path``, keeping its comments
    and layout; the new file is validated before it replaces the old one, and only if
    the file is still ``original`` (by default: as read now)."""
    original = original or Original.read(path)
    text, message = with_boards(original.text, path, name, candidates)
    if text != original.text:
        replace_validated(path, text, original)
    return message


def with_boards(
    text: str, path: Path, name: str, candidates: Sequence[Candidate]
) -> tuple[str, str]:
    """The watchlist's ``text`` with the best candidates added (a new company, or
    boards a company of that name lacks), and what that did; the same text when it
    has them all. ConfigError when ``text`` is not TOML, ValueError when no board."""
    chosen = best(candidates)
    if not chosen:
        raise ValueError("no board to add")
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise config.ConfigError(path, [f"{path}: not valid TOML: {exc}"]) from exc
    company = find_company(document, name)
    if company is None:
        separator = (
            "" if not text or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
        )
        added = f"added company {name!r} with {_describe(chosen)} to {path}"
        return text + separator + snippet(name, chosen), added
    existing_name = str(company.get("name", name))
    added_boards: list[Candidate] = []
    for kind, values in _by_kind(chosen).items():
        for value in values:
            if has_board(company.unwrap(), kind, value):
                continue
            _add_value(company, kind, value)
            added_boards.append(Candidate(kind, value, ""))
    if not added_boards:
        return text, f"{existing_name!r} already has {_describe(chosen)}; nothing changed"
    return (
        tomlkit.dumps(document),
        f"added {_describe(added_boards)} to company {existing_name!r} in {path}",
    )


def _domain_label(url: str) -> str:
    """ "acme" for www.acme.com, careers.acme.co.uk; "" for IP addresses."""
    labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")[:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels[-1] if labels and not labels[-1].isdigit() else ""


def _greenhouse_guess(url: str) -> list[Candidate]:
    label = _domain_label(url)
    how = "guessed from the domain (Greenhouse embed)"
    return [Candidate("greenhouse", label, how)] if label else []


async def _verify(
    fetcher: Fetcher, candidate: Candidate, endpoints: Mapping[str, str]
) -> Candidate:
    from secondchance.fetch.board import fetch_board

    try:
        spec = SOURCES[candidate.kind].parse_spec(candidate.value, {})
    except SpecError as exc:
        return replace(candidate, error=f"invalid {candidate.kind} value: {exc}")
    result = await fetch_board(fetcher, spec, endpoints, SourceRef("discover", spec.kind, spec.key))
    if result.error is not None:
        return replace(candidate, error=result.error)
    return replace(candidate, postings=len(result.postings))


def _slug(value: object) -> str:
    if isinstance(value, Mapping):
        for key in (*_SLUG_KEYS, *value):
            if isinstance(value.get(key), str):
                return _slug(value[key])
        return ""
    if not isinstance(value, str):
        return str(value)
    return _domain_label(value) if "://" in value else value


def _by_kind(candidates: Sequence[Candidate]) -> dict[str, list[object]]:
    grouped: dict[str, list[object]] = {}
    for candidate in _unique(candidates):
        grouped.setdefault(candidate.kind, []).append(candidate.value)
    return grouped


def _item(value: object) -> Any:
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        table.update({str(k): _item(v) for k, v in value.items()})
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        array.extend(_item(v) for v in value)
        return array
    return value


def _describe(candidates: Sequence[Candidate]) -> str:
    return ", ".join(f"{c.kind} {json.dumps(c.value, default=str)}" for c in candidates)


def _add_value(company: Any, kind: str, value: object) -> None:
    if kind in company:
        current = company[kind]
        if not isinstance(current, list):
            array = tomlkit.array()
            array.append(current)
            company[kind] = array
            current = company[kind]
        current.append(_item(value))
        return
    # A new key goes after the last key, not after the table's trailing
    # blank lines and comments (which belong to what follows).
    body = company.value.body if isinstance(company, Table) else []
    trailing: list[Any] = []
    while body and body[-1][0] is None:
        trailing.insert(0, body.pop())
    company[kind] = _item(value)
    body.extend(trailing)
