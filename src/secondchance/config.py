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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import platformdirs
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from secondchance.durations import parse_duration
from secondchance.sources import SOURCES, BoardSpec, SpecError, default_endpoints
from secondchance.tomlpos import locate

APP = "secondchance"

Seconds = Annotated[float, BeforeValidator(parse_duration)]
_M = TypeVar("_M", bound=BaseModel)


class ConfigError(Exception):
    """The watchlist cannot be used; ``problems`` holds one line per mistake."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Settings(_Model):
    interval: Seconds = Field(default=1800.0, ge=1)
    jitter: Seconds = 180.0
    database: str | None = None
    timeout: Seconds = Field(default=30.0, gt=0)
    close_after: int = Field(default=2, ge=1)
    failure_alert_after: int = Field(default=3, ge=1)
    collapse_accept_after: int = Field(default=6, ge=1)
    announce_existing: bool = False
    max_body_mb: float = Field(default=20.0, gt=0)
    per_host: int = Field(default=4, ge=1, le=64)
    user_agent: str | None = None
    shutdown_timeout: Seconds = Field(default=8.0, gt=0)
    endpoints: dict[str, str] = Field(default_factory=dict)


class Notify(_Model):
    urls: list[str] = Field(default_factory=list)
    console: bool | None = None
    retry_min: Seconds = Field(default=15.0, gt=0)
    retry_max: Seconds = Field(default=900.0, gt=0)
    timeout: Seconds = Field(default=30.0, gt=0)


class _CompanyFields(_Model):
    name: str = Field(min_length=1)
    interval: Seconds | None = Field(default=None, ge=1)
    jitter: Seconds | None = None
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    boards: tuple[BoardSpec, ...]
    interval: float
    jitter: float
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings
    notify: Notify
    companies: tuple[Company, ...]
    endpoints: Mapping[str, str]
    # Values resolved from ${ENV} and the notification URLs: never to be logged.
    secrets: frozenset[str]

    def company(self, name: str) -> Company | None:
        wanted = name.casefold()
        return next((c for c in self.companies if c.name.casefold() == wanted), None)

    @property
    def console_alerts(self) -> bool:
        if self.notify.console is not None:
            return self.notify.console
        return not self.notify.urls


def default_config_path() -> Path:
    env = os.environ.get("SECONDCHANCE_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "watchlist.toml"


def default_data_dir() -> Path:
    env = os.environ.get("SECONDCHANCE_DATA")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP))


def database_url(config: Config | None, data_dir: Path) -> str:
    if config is not None and config.settings.database:
        return config.settings.database
    return f"sqlite:///{data_dir / 'secondchance.db'}"


# --- loading ---------------------------------------------------------------------------

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_TOP_LEVEL = {"settings", "notify", "company"}


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
    errors: list[tuple[tuple[str | int, ...], str]] = []
    secrets: set[str] = set()
    raw = _resolve_env(raw, (), errors, secrets)

    for key in raw:
        if key not in _TOP_LEVEL:
            errors.append(((key,), "unknown section (expected settings, notify or [[company]])"))

    settings = _model(Settings, raw.get("settings", {}), ("settings",), errors)
    notify = _model(Notify, raw.get("notify", {}), ("notify",), errors)

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
    if notify is not None:
        _check_apprise_urls(notify.urls, errors)
        secrets.update(notify.urls)

    companies = _companies(raw.get("company", []), settings, errors)

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
    assert settings is not None and notify is not None
    return Config(
        path=path,
        settings=settings,
        notify=notify,
        companies=tuple(companies),
        endpoints=endpoints,
        secrets=frozenset(s for s in secrets if len(s) >= 4),
    )


def _companies(
    raw: object, settings: Settings | None, errors: list[tuple[tuple[str | int, ...], str]]
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
        fields = _model(_CompanyFields, plain, loc, errors)
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
        companies.append(
            Company(
                name=fields.name,
                boards=tuple(boards),
                interval=interval,
                jitter=min(jitter, interval / 2),
                enabled=fields.enabled,
            )
        )
    return companies


def _placeholders(template: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}
    except ValueError:
        return {"?"}


def _is_companion(key: str) -> bool:
    return any(key in source.companion_keys for source in SOURCES.values())


def _boards(
    entry: Mapping[str, Any],
    loc: tuple[str | int, ...],
    errors: list[tuple[tuple[str | int, ...], str]],
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
    errors: list[tuple[tuple[str | int, ...], str]],
) -> _M | None:
    if not isinstance(raw, dict):
        errors.append((loc, "expected a table"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            errors.append(((*loc, *err["loc"]), _message(err)))
        return None


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = str(err.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def _resolve_env(
    value: Any,
    loc: tuple[str | int, ...],
    errors: list[tuple[tuple[str | int, ...], str]],
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


def _check_apprise_urls(
    urls: Sequence[str], errors: list[tuple[tuple[str | int, ...], str]]
) -> None:
    import apprise

    # Apprise logs the rejected URL itself, which may hold a token.
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    for index, url in enumerate(urls):
        if not url or (("notify", "urls", index) in {loc for loc, _ in errors}):
            continue  # an unset ${ENV} was reported already
        probe = apprise.Apprise()
        if not probe.add(url):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            errors.append(
                (
                    ("notify", "urls", index),
                    f"not a valid Apprise URL (scheme {scheme!r}; see the Apprise wiki)",
                )
            )


def _key_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"
