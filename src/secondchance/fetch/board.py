"""Fetch one board: every page, conditionally where the board allows it.

A single-page board is asked with the validators (ETag, Last-Modified) of its last
answer; a paged board replays the requests of its last complete fetch, each with its
validators, and is fetched again only when a page changed. A body whose bytes did not
change is not even decompressed. A body is read in its declared charset. Paging stops at
the source's page cap or when a server repeats pages, and a posting that cannot be read
is skipped: then the result says it is incomplete, so nothing is closed from it. A board
where more than half the postings cannot be read is a failed poll.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import orjson

from secondchance.core import limits
from secondchance.core.board import BoardResult, BoardState, Validators
from secondchance.core.limits import bounded_posting_id
from secondchance.core.models import BoardSpec, Posting, SourceRef
from secondchance.core.wording import plural
from secondchance.fetch.body import Response
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import NotFound
from secondchance.sources import SOURCES, Request, SourceError
from secondchance.sources.interface import Skipped
from secondchance.sources.toolkit import as_utf8

log = logging.getLogger(__name__)

# Where a whole HTML page ends: </html>, with at most some trailing markup after it.
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_TAIL = 4096


async def fetch_board(
    fetcher: Fetcher,
    spec: BoardSpec,
    endpoints: Mapping[str, str],
    ref: SourceRef,
    prior: BoardState | None = None,
) -> BoardResult:
    """Fetch and parse every page of one board; never raises for board trouble."""
    source = SOURCES[spec.kind]
    started = time.monotonic()
    result = BoardResult(spec=spec, ref=ref, reader=source.reader)
    # A snapshot read the way this release reads the board: an unchanged body means
    # unchanged postings. Read another way (an upgrade), the body is read again.
    settled = prior if prior is not None and prior.baseline_done else None
    if settled is not None and settled.reader != source.reader:
        settled = None
    # A single-page board asks with its validators; a paged one replays its pages.
    conditional = settled is not None and settled.pages == 1
    validators = (
        Validators(settled.etag, settled.last_modified) if settled and conditional else None
    )
    digest = hashlib.sha256()
    pages_log: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    listed = 0
    try:
        first = source.first_request(spec, endpoints)
        request: Request | None = first
        reuse: Response | None = None
        plan = replay_plan(settled, first)
        if plan is not None and settled is not None:
            changed, reuse = await _replay(fetcher, plan)
            if not changed:
                # Every page answered 304: the board is as it was.
                result.unchanged = True
                result.pages = settled.pages
                result.body_hash = settled.body_hash
                result.pages_log = settled.page_validators
                result.seconds = time.monotonic() - started
                return result
        seen_urls: set[str] = set()
        seen_ids: set[str] = set()
        while request is not None:
            if result.pages >= source.max_pages:
                result.stopped = f"stopped after {result.pages} pages (the most it reads)"
                result.complete = False
                break
            seen_urls.add(request.url + repr(request.json_body))
            if reuse is not None:
                response, reuse = reuse, None
            else:
                response = await fetcher.fetch(request, validators if result.pages == 0 else None)
            if response.not_modified:
                result.unchanged = True
                result.validators = validators
                break
            # The digest of the wire bytes: an unchanged body is skipped before
            # it is even decompressed.
            digest.update(response.digest)
            pages_log.append(page_entry(request, response.validators))
            if result.pages == 0:
                result.validators = response.validators
                single = digest.copy().hexdigest()
                if conditional and settled is not None and single == settled.body_hash:
                    result.unchanged = True
                    result.body_hash = single
                    result.pages = 1
                    break
            body = response.body
            if request.expect != "xml":  # XML says its own encoding
                body = as_utf8(body, response.charset)
            if request.expect == "html":
                ended = _HTML_END.search(body, max(0, len(body) - _TAIL)) is not None
                result.ends_html = ended and result.ends_html is not False
            page = source.parse(spec, request, body)
            result.pages += 1
            skipped += page.skipped
            listed += len(page.postings) + len(page.skipped)
            postings = page.postings
            ids = {p.id for p in postings}
            # Inline: the check runs for every id of every page.
            if any(len(i) > limits.POSTING_ID or "\x00" in i for i in ids):
                postings = [_bounded(p) for p in postings]
                ids = {p.id for p in postings}
            if result.pages > 1 and ids and ids <= seen_ids:
                # A server that ignores or clamps the offset serves pages again.
                result.stopped = f"page {result.pages} repeated an earlier one"
                result.complete = False
                break
            seen_ids |= ids
            result.postings.extend(postings)
            request = page.next
            if request is not None and request.url + repr(request.json_body) in seen_urls:
                result.stopped = f"page {result.pages} led back to an earlier one"
                result.complete = False
                break
        if skipped:
            _count_skipped(result, skipped, listed)
        if not result.unchanged:
            result.body_hash = digest.hexdigest()
            if result.pages > 1 and result.complete:
                if all(e["etag"] or e["last_modified"] for e in pages_log):
                    result.pages_log = orjson.dumps(pages_log).decode()
                if settled is not None and settled.body_hash == result.body_hash:
                    # Same bytes on every page (a server without validators): nothing
                    # to diff or store.
                    result.unchanged = True
                    result.postings = []
    except _Unreadable as exc:
        result.error = str(exc)
        result.postings = []
    except NotFound as exc:
        result.error = f"{spec.kind} board {spec.key!r} {exc}"
        result.not_found = True
    except SourceError as exc:
        result.error = str(exc) or type(exc).__name__
    except Exception as exc:  # a parser bug must fail one board, not the daemon
        log.exception("unexpected error polling %s %s", ref.company, ref.label)
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    return result


class _Unreadable(Exception):
    """Most of the board's postings cannot be read."""


def _count_skipped(result: BoardResult, skipped: Sequence[Skipped], listed: int) -> None:
    """Postings skipped: counted, and the result incomplete (what was not read may be
    listed still); more than half of them fail the poll, since such a board says less
    about what is open than about a format that changed."""
    reasons = Counter(s.reason for s in skipped)
    if len(skipped) * 2 > listed:
        why = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        raise _Unreadable(
            f"{len(skipped)} of {plural(listed, 'posting')} could not be read ({why}); "
            f"the first: {skipped[0].detail}"
        )
    result.skipped = dict(reasons.most_common())
    result.complete = False


def page_entry(request: Request, validators: Validators) -> dict[str, Any]:
    """One page of a paged board as stored for the next poll's replay."""
    return {
        "url": request.url,
        "method": request.method,
        "json": request.json_body,
        "headers": [list(header) for header in request.headers],
        "expect": request.expect,
        "etag": validators.etag,
        "last_modified": validators.last_modified,
    }


def replay_plan(
    prior: BoardState | None, first: Request
) -> list[tuple[Request, Validators]] | None:
    """The requests and validators of a paged board's last complete fetch, if
    every page had validators and the board still starts where it did."""
    if prior is None or not prior.baseline_done or prior.pages < 2 or not prior.page_validators:
        return None
    try:
        entries = orjson.loads(prior.page_validators)
        plan = [
            (
                Request(
                    url=e["url"],
                    method=e["method"],
                    json_body=e["json"],
                    headers=tuple((str(k), str(v)) for k, v in e["headers"]),
                    expect=e["expect"],
                    page=index,
                ),
                Validators(e["etag"], e["last_modified"]),
            )
            for index, e in enumerate(entries)
        ]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None  # an unreadable log costs one full fetch, nothing else
    if not plan or any(not (v.etag or v.last_modified) for _, v in plan):
        return None
    start = plan[0][0]
    if (start.url, start.method, start.json_body) != (first.url, first.method, first.json_body):
        return None  # the endpoint or board moved (a watchlist edit)
    return plan


async def _replay(
    fetcher: Fetcher, plan: Sequence[tuple[Request, Validators]]
) -> tuple[bool, Response | None]:
    """Ask for every page with its validators: (changed, first page to reuse).

    If any page changed, the whole board is fetched again (a 304 page has no
    content to parse); a changed first page is handed back so it is not asked
    for twice."""
    for index, (request, validators) in enumerate(plan):
        response = await fetcher.fetch(request, validators)
        if not response.not_modified:
            return True, (response if index == 0 else None)
    return False, None


def _bounded(posting: Posting) -> Posting:
    bounded = bounded_posting_id(posting.id)
    return posting if bounded is posting.id else msgspec.structs.replace(posting, id=bounded)
