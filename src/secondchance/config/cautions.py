"""The warnings: what a valid watchlist may still have got wrong.

Each is a key path and a message, located and worded like the errors; none stops the
watchlist from loading, because each has a reading that works (a demo polls a local
board every few seconds; a jitter too long for its interval is cut, as it always was).
``check`` prints them, ``run`` and ``once`` log them (cli/). Pure: ``today`` is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from secondchance.config.errors import Errors, Loc
from secondchance.config.tables import MINUTE, Notify
from secondchance.core.durations import format_duration as shown
from secondchance.core.durations import parse_duration
from secondchance.core.watchlist import Company
from secondchance.sources import SOURCES


def cautions(
    raw: Mapping[str, Any], notify: Notify, companies: Sequence[Company], today: dt.date
) -> Errors:
    """The warnings of a watchlist that loaded: ``raw`` as written (after ``${ENV}``),
    ``companies`` in its order (every [[company]] table, since it loaded)."""
    found: Errors = []
    settings = raw.get("settings", {})
    entries = raw.get("company", [])
    enabled = [(i, c) for i, c in enumerate(companies) if c.enabled]
    if not companies:
        found.append((("company",), "no [[company]]: nothing will be polled"))
    elif not enabled:
        found.append((("company",), "every company has enabled = false: nothing will be polled"))
    for index, company in enabled:
        found += _timing(("company", index), entries[index], settings, company)
    found += _shared_boards(enabled, entries)
    for index, company in enumerate(companies):
        loc: Loc = ("company", index)
        if company.name != company.name.strip():
            found.append(
                (
                    (*loc, "name"),
                    f"{company.name!r} has spaces around it, which are kept: the database "
                    "knows the company by its name as written",
                )
            )
        found += _unpaid(loc, entries[index], raw.get("filter", {}), company)
        for number, rejection in enumerate(company.rejections):
            if rejection.date > today:
                found.append(
                    (
                        (*loc, "rejection", number, "date"),
                        f"{rejection.date} is in the future (today is {today})",
                    )
                )
    if notify.retry_min > notify.retry_max:
        found.append(
            (
                ("notify", "retry_min"),
                f"{shown(notify.retry_min)} is longer than retry_max "
                f"({shown(notify.retry_max)}): every retry waits {shown(notify.retry_max)}",
            )
        )
    return found


def _unpaid(
    loc: Loc, entry: Mapping[str, Any], global_filter: Mapping[str, Any], company: Company
) -> Errors:
    """A pay rule on a company none of whose boards is of a kind that reads pay."""
    rule = company.filter
    if (rule.min_pay is None and not rule.pay_required) or any(
        SOURCES[board.kind].pays for board in company.boards
    ):
        return []
    kinds = ", ".join(sorted({board.kind for board in company.boards}))
    own = entry.get("filter", {})
    key = "pay_required" if rule.pay_required else "min_pay"
    at: Loc = (*loc, "filter", key) if key in own else ("filter", key)
    effect = (
        "every posting but the role you were turned down for is hidden"
        if rule.pay_required
        else "min_pay never applies"
    )
    return [(at, f"{company.name!r} has only boards that publish no pay ({kinds}): {effect}")]


def _timing(
    loc: Loc, entry: Mapping[str, Any], settings: Mapping[str, Any], company: Company
) -> Errors:
    """A company polled more often than once a minute, or whose jitter is cut."""
    found: Errors = []
    # Where the interval came from: the company's own, else [settings] (the default,
    # half an hour, draws no warning).
    interval_at: Loc = (*loc, "interval") if "interval" in entry else ("settings", "interval")
    if company.interval < MINUTE:
        found.append(
            (
                interval_at,
                f"{shown(company.interval)} is under a minute: fine for a local test board, "
                "but it hammers a real one",
            )
        )
    # The scheduler cuts a jitter to half the interval (config/companies.py): a longer
    # one written in the watchlist is not what happens. The default (3m) is cut
    # silently: a short interval written for a test should not draw a second warning.
    written = entry.get("jitter", settings.get("jitter"))
    if written is None or company.jitter >= _seconds(written):
        return found
    jitter, interval = shown(_seconds(written)), shown(company.interval)
    cut = f"it is cut to half the interval, {shown(company.jitter)}"
    if "jitter" not in entry and "interval" in entry:
        where: Loc = interval_at
        said = f"{interval} is less than twice the jitter of [settings] ({jitter}): {cut}"
    else:
        where = (*loc, "jitter") if "jitter" in entry else ("settings", "jitter")
        said = f"{jitter} is more than half the interval ({interval}): {cut}"
    found.append((where, said))
    return found


def _seconds(value: object) -> float:
    return parse_duration(value)  # read and checked already (config/reader.py)


def _shared_boards(enabled: Sequence[tuple[int, Company]], entries: Sequence[Any]) -> Errors:
    """A board under two companies is polled twice, and each alert comes twice."""
    found: Errors = []
    first: dict[tuple[str, str], tuple[int, str]] = {}
    for index, company in enabled:
        positions: dict[str, int] = {}
        for spec in company.boards:
            # Boards are compared as the poller tells them apart (SourceRef: kind, key).
            position = positions.get(spec.kind, 0)
            positions[spec.kind] = position + 1
            owner = first.setdefault((spec.kind, spec.key), (index, company.name))
            if owner[0] == index:
                continue
            written = entries[index].get(spec.kind)
            loc: Loc = ("company", index, spec.kind)
            found.append(
                (
                    (*loc, position) if isinstance(written, list) else loc,
                    f"the same {spec.kind} board as company[{owner[0]}] ({owner[1]!r}): "
                    "it is polled twice, and each of its alerts comes twice",
                )
            )
    return found
