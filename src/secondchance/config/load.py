"""The watchlist: TOML in, a validated frozen Config out.

Every problem is reported at once, one line each, with the file, the line and
the key path (``company[2].greenhouse``), because the person reading it is
editing that file by hand. Unknown keys are errors: a typo must not silently
turn a filter or a board off.
"""

from __future__ import annotations

import logging
import os
import re
import string
import tomllib
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec

from secondchance.config.tables import (
    Company,
    CompanyFields,
    Config,
    FilterTable,
    Notify,
    NotifyUrl,
    Server,
    Settings,
    Target,
    _Table,
)
from secondchance.config.tomlpos import locate
from secondchance.core.durations import parse_duration
from secondchance.core.filters import CompiledFilter, Filter, compile_filter, merge
from secondchance.core.models import ChangeKind
from secondchance.delivery.policy import (
    DeliveryPolicy,
    parse_clock,
    parse_quiet_hours,
    parse_timezone,
)
from secondchance.sources import SOURCES, BoardSpec, SpecError, default_endpoints

__all__ = [
    "Company",
    "Config",
    "ConfigError",
    "Notify",
    "Settings",
    "Target",
    "database_url",
    "default_config_path",
    "default_data_dir",
    "load",
]

Errors = list[tuple[tuple[str | int, ...], str]]

APP = "secondchance"

_M = TypeVar("_M", bound=_Table)


class ConfigError(Exception):
    """The watchlist cannot be used; ``problems`` holds one line per mistake."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# platformdirs is imported only when a default is needed: a daemon started with
# --config and --data-dir (systemd, Docker) never uses it.


def default_config_path() -> Path:
    env = os.environ.get("SECONDCHANCE_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP)) / "watchlist.toml"


def default_data_dir() -> Path:
    env = os.environ.get("SECONDCHANCE_DATA")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def database_url(config: Config | None, data_dir: Path) -> str:
    if config is not None and config.settings.database:
        return config.settings.database
    return f"sqlite:///{data_dir / 'secondchance.db'}"


# --- loading ---------------------------------------------------------------------------

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_TOP_LEVEL = {"settings", "notify", "filter", "server", "company"}


def load(path: Path) -> Config:
    """Read, resolve and validate the watchlist, or raise ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            path,
            [f"{path}: file not found (copy config.example.toml there, or pass --config FILE)"],
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"{path}: cannot read: {exc}"]) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        prefix = f"{path}:{where.group(1)}" if where else str(path)
        raise ConfigError(path, [f"{prefix}: not valid TOML: {exc}"]) from exc
    return _validate(path, text, raw)


def _validate(path: Path, text: str, raw: dict[str, Any]) -> Config:
    errors: Errors = []
    secrets: set[str] = set()
    raw = _resolve_env(raw, (), errors, secrets)

    for key in raw:
        if key not in _TOP_LEVEL:
            errors.append(
                (
                    (key,),
                    "unknown section (expected settings, notify, filter, server or [[company]])",
                )
            )

    settings = _model(Settings, raw.get("settings", {}), ("settings",), errors)
    notify = _model(Notify, raw.get("notify", {}), ("notify",), errors)
    server = _model(Server, raw.get("server", {}), ("server",), errors)

    endpoints = default_endpoints()
    raw_settings = raw.get("settings")
    raw_endpoints = raw_settings.get("endpoints") if isinstance(raw_settings, dict) else None
    if isinstance(raw_endpoints, dict):
        # Checked on the raw table, so a mistake elsewhere in [settings] hides nothing.
        for name, base in raw_endpoints.items():
            loc = ("settings", "endpoints", name)
            if name not in endpoints:
                known = ", ".join(sorted(endpoints))
                errors.append((loc, f"unknown endpoint (known: {known})"))
            elif (
                not isinstance(base, str)
                or urlsplit(base).scheme not in ("http", "https")
                or not urlsplit(base).netloc
            ):
                errors.append((loc, 'expected an http(s) base URL such as "http://127.0.0.1:8080"'))
            elif unknown := _placeholders(base) - _placeholders(endpoints[name]):
                allowed = ", ".join(f"{{{p}}}" for p in sorted(_placeholders(endpoints[name])))
                errors.append(
                    (
                        loc,
                        f"unknown placeholder {{{min(unknown)}}} (allowed: {allowed or 'none'})",
                    )
                )
            else:
                endpoints[name] = base
    targets: list[Target] = []
    policy = DeliveryPolicy()
    if notify is not None:
        targets = _targets(notify, errors)
        secrets.update(t.url for t in targets)
        policy = _policy(notify, errors)
        if notify.console is False and not notify.urls:
            # Alerts queued for no channel at all would be lost without a trace.
            errors.append(
                (("notify", "console"), "false with no [notify] urls: alerts would go nowhere")
            )

    global_filter = _model(FilterTable, raw.get("filter", {}), ("filter",), errors)
    _check_filter(global_filter, ("filter",), errors)
    if global_filter is not None and global_filter.notify is not None:
        _check_tags(global_filter.notify, ("filter", "notify"), targets, errors)
    companies = _companies(raw.get("company", []), settings, global_filter, targets, errors)

    if errors:
        located = [(locate(text, loc) or 0, _key_path(loc), msg) for loc, msg in errors]
        located.sort(key=lambda item: item[0])
        raise ConfigError(
            path,
            [
                f"{path}:{line}: {key}: {msg}" if line else f"{path}: {key}: {msg}"
                for line, key, msg in located
            ],
        )
    assert settings is not None and notify is not None and server is not None
    return Config(
        path=path,
        settings=settings,
        notify=notify,
        server=server,
        companies=tuple(companies),
        endpoints=endpoints,
        targets=tuple(targets),
        policy=policy,
        secrets=frozenset(s for s in secrets if len(s) >= 4),
    )


def _companies(
    raw: object,
    settings: Settings | None,
    global_filter: FilterTable | None,
    targets: Sequence[Target],
    errors: Errors,
) -> list[Company]:
    if not isinstance(raw, list):
        errors.append((("company",), "expected [[company]] tables"))
        return []
    companies: list[Company] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        loc: tuple[str | int, ...] = ("company", index)
        if not isinstance(entry, dict):
            errors.append((loc, "expected a table"))
            continue
        plain = {k: v for k, v in entry.items() if k not in SOURCES and not _is_companion(k)}
        fields = _model(CompanyFields, plain, loc, errors)
        boards = _boards(entry, loc, errors)
        if fields is None:
            continue
        if fields.name.casefold() in seen:
            errors.append(
                (
                    (*loc, "name"),
                    f"duplicate company name (also company[{seen[fields.name.casefold()]}])",
                )
            )
        seen[fields.name.casefold()] = index
        if not boards and not any(k in SOURCES for k in entry):
            kinds = ", ".join(SOURCES)
            errors.append((loc, f"company {fields.name!r} has no board: add one of {kinds}"))
        interval = fields.interval or (settings.interval if settings else 1800.0)
        jitter = (
            fields.jitter if fields.jitter is not None else (settings.jitter if settings else 0)
        )
        _check_filter(fields.filter, (*loc, "filter"), errors)
        chosen, matcher = _filter_of(global_filter, fields.filter)
        own_tags = fields.filter.notify if fields.filter is not None else None
        if own_tags is not None:
            _check_tags(own_tags, (*loc, "filter", "notify"), targets, errors)
        tags = own_tags if own_tags is not None else (global_filter and global_filter.notify)
        companies.append(
            Company(
                name=fields.name,
                boards=tuple(boards),
                interval=interval,
                jitter=min(jitter, interval / 2),
                enabled=fields.enabled,
                rejections=tuple(fields.rejection),
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
    )


def _check_filter(table: FilterTable | None, loc: tuple[str | int, ...], errors: Errors) -> None:
    """Report bad terms where they are written (each table once)."""
    if table is None:
        return
    for key in ("include", "exclude", "locations"):
        terms = getattr(table, key)
        if terms is None:
            continue
        try:
            compile_filter(Filter(**{key: tuple(terms)}))
        except ValueError as exc:
            errors.append(((*loc, key), str(exc)))


def _filter_of(
    base: FilterTable | None, own: FilterTable | None
) -> tuple[Filter, CompiledFilter | None]:
    """The company's filter (its keys over the global ones), compiled."""
    merged = merge(_as_filter(base), _as_filter(own))
    try:
        return merged, compile_filter(merged)
    except ValueError:
        return merged, None  # reported by _check_filter where the term is written


def _targets(notify: Notify, errors: Errors) -> list[Target]:
    """Notification URLs with their routing tags (``?tag=a,b`` or ``tags = [...]``)."""
    targets: list[Target] = []
    for index, entry in enumerate(notify.urls):
        url, tags = (entry.url, set(entry.tags)) if isinstance(entry, NotifyUrl) else (entry, set())
        loc: tuple[str | int, ...] = ("notify", "urls", index)
        if not url or loc in {where for where, _ in errors}:
            continue  # an unset ${ENV} was reported already
        url, found = _split_tags(url)
        tags |= found
        if not _valid_apprise_url(url):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            errors.append(
                (loc, f"not a valid Apprise URL (scheme {scheme!r}; see the Apprise wiki)")
            )
            continue
        targets.append(Target(url=url, tags=frozenset(tags)))
    return targets


def _split_tags(url: str) -> tuple[str, set[str]]:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    tags = {t.strip() for k, v in query if k in ("tag", "tags") for t in v.split(",") if t.strip()}
    if not tags:
        return url, set()
    rest = urlencode([(k, v) for k, v in query if k not in ("tag", "tags")])
    return urlunsplit(parts._replace(query=rest)), tags


def _valid_apprise_url(url: str) -> bool:
    import apprise

    # Apprise logs the rejected URL itself, which may hold a token.
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    return bool(apprise.Apprise().add(url))


def _policy(notify: Notify, errors: Errors) -> DeliveryPolicy:
    slots = []
    for index, text in enumerate(notify.digest_at):
        try:
            slots.append(parse_clock(text))
        except ValueError as exc:
            errors.append((("notify", "digest_at", index), str(exc)))
    quiet = None
    if notify.quiet_hours is not None:
        try:
            quiet = parse_quiet_hours(notify.quiet_hours)
        except ValueError as exc:
            errors.append((("notify", "quiet_hours"), str(exc)))
    try:
        tz = parse_timezone(notify.timezone)
    except ValueError as exc:
        errors.append((("notify", "timezone"), str(exc)))
        tz = parse_timezone(None)
    kinds = {k.value for k in ChangeKind}
    for index, kind in enumerate(notify.urgent):
        if kind not in kinds:
            errors.append(
                (
                    ("notify", "urgent", index),
                    f"unknown alert kind (known: {', '.join(sorted(kinds))})",
                )
            )
    return DeliveryPolicy(
        mode=notify.mode,
        digest_at=tuple(slots) or DeliveryPolicy().digest_at,
        quiet=quiet,
        tz=tz,
        urgent=frozenset(notify.urgent),
    )


def _check_tags(
    tags: Sequence[str], loc: tuple[str | int, ...], targets: Sequence[Target], errors: Errors
) -> None:
    """A tag no URL carries would send alerts nowhere (Apprise answers
    NOMATCH): a configuration error, not a silent drop."""
    known = set().union(*(t.tags for t in targets)) if targets else set()
    for tag in sorted(set(tags) - known):
        hint = ", ".join(sorted(known)) or "none: add ?tag=... to a URL"
        errors.append((loc, f"tag {tag!r} matches no [notify] url (tags in use: {hint})"))


def _placeholders(template: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}
    except ValueError:
        return {"?"}


def _is_companion(key: str) -> bool:
    return any(key in source.companion_keys for source in SOURCES.values())


# A board's address is stored with every row of the board (sources.board).
MAX_BOARD_KEY = 1000


def _boards(
    entry: Mapping[str, Any],
    loc: tuple[str | int, ...],
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
            if len(spec.key) > MAX_BOARD_KEY:
                # Stored with every row of the board (PostgreSQL enforces the length).
                errors.append((item_loc, f"longer than {MAX_BOARD_KEY} characters"))
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


def _model(
    model: type[_M],
    raw: object,
    loc: tuple[str | int, ...],
    errors: Errors,
) -> _M | None:
    if not isinstance(raw, dict):
        errors.append((loc, "expected a table"))
        return None
    raw = dict(raw)
    found = _read_durations(model, raw, loc)
    removed = {str(key) for (*_, key), _ in found}
    for key in removed:
        del raw[key]
    table: _M | None = None
    # msgspec stops at the first mistake; the key it names is set aside and the
    # table read again, so every mistake is reported at once, as the person
    # editing the file expects.
    for _ in range(len(raw) + 1):
        try:
            table = msgspec.convert(raw, model, strict=False)
            break
        except msgspec.ValidationError as exc:
            where, message = _problem(str(exc))
            if message.startswith("invalid value") and len(where) == 1:
                allowed = _choices(model, str(where[0]))
                message = f"{message}: expected {allowed}" if allowed else message
            if where and where[0] in removed:
                break  # a required key set aside above: reported already
            sub = _inner_table(model, where)
            value = raw.get(str(where[0]))
            if sub is not None and isinstance(value, list):
                # A list of tables (a company's rejections): each is read on its
                # own, so a mistake in one does not hide those of the others.
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        _model(sub, item, (*loc, where[0], index), found)
                    elif index == where[1]:  # not a table where one belongs
                        found.append(((*loc, *where), message))
            elif sub is not None and isinstance(value, dict):
                _model(sub, value, (*loc, where[0]), found)  # a table in this one
            else:
                found.append(((*loc, *where), message))
            if not where or where[0] not in raw:  # a required key is missing
                break
            removed.add(str(where[0]))
            del raw[str(where[0])]
    if table is not None:
        found += [((*loc, key), message) for key, message in table.problems()]
        # Tables inside this one (a company's rejections) have checks of their own.
        for path, inner in _nested(table):
            found += [((*loc, *path, key), message) for key, message in inner.problems()]
    errors.extend(found)
    return None if found else table


def _inner_table(model: type[_Table], where: tuple[str | int, ...]) -> type[_Table] | None:
    """The table type a mistake at ``where`` lies in, when that is a table of this
    one (``filter``) or an entry of a list of tables (``rejection[2]``)."""
    if len(where) < 2:
        return None
    hint = typing.get_type_hints(model).get(str(where[0]))
    if isinstance(where[1], int):
        if typing.get_origin(hint) is not list:
            return None
        (hint,) = typing.get_args(hint)
    for candidate in typing.get_args(hint) or (hint,):
        if isinstance(candidate, type) and issubclass(candidate, _Table):
            return candidate
    return None


def _choices(model: type[_Table], key: str) -> str:
    """The values a Literal key allows, as "'a' or 'b'" ('' if it is not one)."""
    hint = typing.get_type_hints(model).get(key)
    if typing.get_origin(hint) is not typing.Literal:
        return ""
    return " or ".join(repr(value) for value in typing.get_args(hint))


def _read_durations(model: type[_Table], raw: dict[str, Any], loc: tuple[str | int, ...]) -> Errors:
    """Durations ("30m", 90) become seconds in ``raw``, before validation checks
    their bounds; a value that is no duration is reported here."""
    problems: Errors = []
    for key in model.durations:
        if key in raw:
            try:
                raw[key] = parse_duration(raw[key])
            except ValueError as exc:
                problems.append(((*loc, key), str(exc)))
    return problems


def _nested(table: _Table) -> list[tuple[tuple[str | int, ...], _Table]]:
    found: list[tuple[tuple[str | int, ...], _Table]] = []
    for name in table.__struct_fields__:
        value = getattr(table, name)
        if isinstance(value, _Table):
            found.append(((name,), value))
        elif isinstance(value, list):
            found += [((name, i), v) for i, v in enumerate(value) if isinstance(v, _Table)]
    return found


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_PATH_PART = re.compile(r"\.(\w+)|\[(\d+)\]")
_FIELD = re.compile(r"^Object (contains unknown|missing required) field `(?P<name>[^`]+)`")
_BOUND = re.compile(r"^Expected `(?P<what>\w+)` (?P<op>>=|<=|>|<) (?P<n>[-\d.]+)$")
_LENGTH = re.compile(r"^Expected `(?P<what>\w+)` of length (?P<op>>=|<=) (?P<n>\d+)$")
_MISMATCH = re.compile(r"^Expected `(?P<wanted>[^`]+)`, got `(?P<got>[^`]+)`$")
# In the watchlist's terms (TOML), not Python's.
_TYPE_WORDS = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "object": "a table",
    "array": "a list",
    "null": "",
}
_WORDS = {
    ">=": "greater than or equal to",
    "<=": "less than or equal to",
    ">": "greater than",
    "<": "less than",
}


def _problem(text: str) -> tuple[tuple[str | int, ...], str]:
    """msgspec's one-line error as (key path, message for the person editing)."""
    where: list[str | int] = []
    at = _AT.search(text)
    if at:
        text = text[: at.start()]
        for name, index in _PATH_PART.findall(at.group("path")):
            where.append(name if name else int(index))
    if field := _FIELD.match(text):
        where.append(field.group("name"))
        return tuple(where), "unknown key" if "unknown" in text else "required key is missing"
    if bound := _BOUND.match(text):
        number = bound.group("n").removesuffix(".0")
        return tuple(where), f"must be {_WORDS[bound.group('op')]} {number}"
    if length := _LENGTH.match(text):
        count = int(length.group("n"))
        unit = "character" if length.group("what") == "str" else "item"
        bound_words = "at least" if length.group("op") == ">=" else "at most"
        plural = "s" if count != 1 else ""
        return tuple(where), f"must have {bound_words} {count} {unit}{plural}"
    if text.startswith("Invalid RFC3339 encoded date"):
        return tuple(where), "expected a date such as 2026-03-01"
    if text.startswith("Invalid enum value"):
        return tuple(where), text.replace("Invalid enum value", "invalid value")
    if mismatch := _MISMATCH.match(text):
        wanted = [_TYPE_WORDS.get(t, t) for t in mismatch.group("wanted").split(" | ")]
        got = _TYPE_WORDS.get(mismatch.group("got"), mismatch.group("got"))
        return tuple(where), f"expected {' or '.join(w for w in wanted if w)}, got {got}"
    return tuple(where), text.replace("`", "").replace("Expected", "expected", 1)


def _resolve_env(
    value: Any,
    loc: tuple[str | int, ...],
    errors: Errors,
    secrets: set[str],
) -> Any:
    if isinstance(value, dict):
        return {k: _resolve_env(v, (*loc, k), errors, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, (*loc, i), errors, secrets) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        resolved = os.environ.get(name)
        if resolved is None or resolved == "":
            if default is not None:
                return default
            errors.append((loc, f"environment variable {name} is not set"))
            return ""
        secrets.add(resolved)
        return resolved

    resolved = _ENV_REF.sub(substitute, value)
    secrets.add(resolved)
    return resolved


def _key_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"
