"""The watchlist: TOML in, a validated frozen Config out.

Every problem is reported at once, one line each, with the file, the line and the key
path (``company[2].greenhouse``), because the person reading it is editing that file by
hand. Unknown keys are errors: a typo must not silently turn a filter or a board off.
The steps: ``${ENV}`` references resolved (config/environment.py), each table read
into its Struct (config/reader.py), the companies and their boards (companies.py), the
notification URLs and timing (notify.py); then the problems, located in the text
(tomlpos.py), or the Config.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from secondchance.config import environment
from secondchance.config.companies import check_filter, read_companies
from secondchance.config.errors import ConfigError, Errors, key_path
from secondchance.config.model import Config, Target
from secondchance.config.notify import check_tags, delivery_policy, targets
from secondchance.config.reader import read_table
from secondchance.config.tables import FilterTable, Notify, Server, Settings
from secondchance.config.timing import DeliveryPolicy
from secondchance.config.tomlpos import locate
from secondchance.sources import default_endpoints

_TOP_LEVEL = {"settings", "notify", "filter", "server", "company"}


def load(path: Path) -> Config:
    """Read, resolve and validate the watchlist, or raise ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            path,
            [f"{path}: file not found (`secondchance init` writes one; or pass --config FILE)"],
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
    raw = environment.resolve(raw, (), errors, secrets)

    for key in raw:
        if key not in _TOP_LEVEL:
            errors.append(
                (
                    (key,),
                    "unknown section (expected settings, notify, filter, server or [[company]])",
                )
            )

    settings = read_table(Settings, raw.get("settings", {}), ("settings",), errors)
    notify = read_table(Notify, raw.get("notify", {}), ("notify",), errors)
    server = read_table(Server, raw.get("server", {}), ("server",), errors)

    endpoints = _endpoints(raw.get("settings"), errors)
    found: list[Target] = []
    policy = DeliveryPolicy()
    if notify is not None:
        found = targets(notify, errors)
        secrets.update(t.url for t in found)
        policy = delivery_policy(notify, errors)
        if notify.console is False and not notify.urls:
            # Alerts queued for no channel at all would be lost without a trace.
            errors.append(
                (("notify", "console"), "false with no [notify] urls: alerts would go nowhere")
            )

    global_filter = read_table(FilterTable, raw.get("filter", {}), ("filter",), errors)
    check_filter(global_filter, ("filter",), errors)
    if global_filter is not None and global_filter.notify is not None:
        check_tags(global_filter.notify, ("filter", "notify"), found, errors)
    companies = read_companies(raw.get("company", []), settings, global_filter, found, errors)

    if errors:
        located = [(locate(text, loc) or 0, key_path(loc), msg) for loc, msg in errors]
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
        targets=tuple(found),
        policy=policy,
        secrets=frozenset(s for s in secrets if len(s) >= 4),
    )


def _endpoints(raw_settings: object, errors: Errors) -> dict[str, str]:
    """Every source's base URLs, with [settings.endpoints] laid over the defaults.
    Checked on the raw table, so a mistake elsewhere in [settings] hides nothing."""
    endpoints = default_endpoints()
    raw_endpoints = raw_settings.get("endpoints") if isinstance(raw_settings, dict) else None
    if isinstance(raw_endpoints, dict):
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
    return endpoints


def _placeholders(template: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}
    except ValueError:
        return {"?"}
