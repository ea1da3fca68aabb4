"""The [[company]] tables: each company's boards (checked by their sources), its
rejections, its filter over the global one, the tags its alerts go to."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from secondchance.config.errors import Errors, Loc
from secondchance.config.model import Target, name_key
from secondchance.config.notify import check_tags
from secondchance.config.reader import read_table
from secondchance.config.tables import CompanyFields, FilterTable, Settings
from secondchance.core import limits
from secondchance.core.filters import CompiledFilter, Filter, compile_filter, merge
from secondchance.core.models import BoardSpec
from secondchance.core.watchlist import Company
from secondchance.sources import SOURCES, SpecError


def read_companies(
    raw: object,
    settings: Settings | None,
    global_filter: FilterTable | None,
    targets: Sequence[Target],
    errors: Errors,
    from_env: Collection[Loc] = (),
) -> list[Company]:
    if not isinstance(raw, list):
        errors.append((("company",), "expected [[company]] tables"))
        return []
    companies: list[Company] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        loc: Loc = ("company", index)
        if not isinstance(entry, dict):
            errors.append((loc, "expected a table"))
            continue
        plain = {k: v for k, v in entry.items() if k not in SOURCES and not _is_companion(k)}
        fields = read_table(CompanyFields, plain, loc, errors, from_env)
        boards = _boards(entry, loc, errors)
        if fields is None:
            continue
        # "Acme" and "ACME " are one company to the person reading alerts (and to
        # Config.company); the name itself is kept as written: it keys the database.
        same = name_key(fields.name)
        if same in seen:
            errors.append(
                (
                    (*loc, "name"),
                    f"also the name of company[{seen[same]}] (names are compared without case "
                    "or surrounding spaces)",
                )
            )
        seen.setdefault(same, index)
        if not boards and not any(k in SOURCES for k in entry):
            kinds = ", ".join(SOURCES)
            errors.append((loc, f"{fields.name!r} has no board: add one of {kinds}"))
        interval = fields.interval or (settings.interval if settings else 1800.0)
        jitter = (
            fields.jitter if fields.jitter is not None else (settings.jitter if settings else 0)
        )
        check_filter(fields.filter, (*loc, "filter"), errors)
        chosen, matcher = _filter_of(global_filter, fields.filter)
        own_tags = fields.filter.notify if fields.filter is not None else None
        if own_tags is not None:
            check_tags(own_tags, (*loc, "filter", "notify"), targets, errors)
        tags = own_tags if own_tags is not None else (global_filter and global_filter.notify)
        companies.append(
            Company(
                name=fields.name,
                boards=tuple(boards),
                interval=interval,
                jitter=min(jitter, interval / 2),
                enabled=fields.enabled,
                rejections=tuple(table.value() for table in fields.rejection),
                filter=chosen,
                matcher=matcher,
                tags=frozenset(tags or ()),
            )
        )
    return companies


def _as_filter(table: FilterTable | None) -> Filter | None:
    if table is None:
        return None
    return Filter(
        include=tuple(table.include) if table.include is not None else None,
        exclude=tuple(table.exclude) if table.exclude is not None else None,
        locations=tuple(table.locations) if table.locations is not None else None,
        min_pay=table.min_pay.value() if table.min_pay is not None else None,
        pay_required=table.pay_required,
    )


def check_filter(table: FilterTable | None, loc: Loc, errors: Errors) -> None:
    """Report bad terms where they are written (each table once), term by term: a
    list written over several lines points at the term's own line."""
    if table is None:
        return
    for key in ("include", "exclude", "locations"):
        for index, term in enumerate(getattr(table, key) or ()):
            try:
                compile_filter(Filter(**{key: (term,)}))  # type: ignore[arg-type]
            except ValueError as exc:
                # core.filters names the key in its message; the key path already does.
                errors.append(((*loc, key, index), str(exc).removeprefix(f"{key}: ")))


def _filter_of(
    base: FilterTable | None, own: FilterTable | None
) -> tuple[Filter, CompiledFilter | None]:
    """The company's filter (its keys over the global ones), compiled."""
    merged = merge(_as_filter(base), _as_filter(own))
    try:
        return merged, compile_filter(merged)
    except ValueError:
        return merged, None  # reported by check_filter where the term is written


# Every source's companion keys (lever_region), asked of every key of every company:
# a scan of the sources each time cost a thousand-company watchlist a tenth of its load.
_COMPANIONS = frozenset(key for source in SOURCES.values() for key in source.companion_keys)


def _is_companion(key: str) -> bool:
    return key in _COMPANIONS


def _boards(
    entry: Mapping[str, Any],
    loc: Loc,
    errors: Errors,
) -> list[BoardSpec]:
    boards: list[BoardSpec] = []
    for kind, source in SOURCES.items():
        if kind not in entry:
            continue
        companions = {k: entry[k] for k in source.companion_keys if k in entry}
        value = entry[kind]
        values = value if isinstance(value, list) else [value]
        if not values:
            errors.append(((*loc, kind), "empty list: give at least one board"))
        for position, item in enumerate(values):
            item_loc = (*loc, kind, position) if isinstance(value, list) else (*loc, kind)
            try:
                spec = source.parse_spec(item, companions)
            except SpecError as exc:
                error = ((*loc, exc.key) if exc.key else item_loc, str(exc))
                if error not in errors:
                    errors.append(error)
                continue
            if len(spec.key) > limits.BOARD:
                # Stored with every row of the board (PostgreSQL enforces the length).
                errors.append((item_loc, f"longer than {limits.BOARD} characters"))
                continue
            if any(b.key == spec.key and b.kind == spec.kind for b in boards):
                errors.append((item_loc, f"board {spec.key!r} is listed twice"))
                continue
            boards.append(spec)
    for key in entry:
        if _is_companion(key) and not any(
            key in s.companion_keys and k in entry for k, s in SOURCES.items()
        ):
            errors.append(((*loc, key), "only meaningful together with its board key"))
    return boards
