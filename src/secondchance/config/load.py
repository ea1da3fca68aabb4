"""The watchlist: TOML in, a validated frozen Config out.

Every problem is reported at once, one line each, with the file, the line and the key
path (``company[2].greenhouse``), because the person reading it is editing that file by
hand. Unknown keys are errors: a typo must not silently turn a filter or a board off.
The steps: the file read into bounded TOML values (config/document.py), ``${ENV}``
references resolved (environment.py), each table read into its Struct (reader.py), the
database URL (database.py), the companies and their boards (companies.py), the
notification URLs and timing (notify.py); then the problems, located in the text
(tomlpos.py), or the Config with its warnings (cautions.py).
"""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from secondchance.config import document, environment
from secondchance.config.cautions import cautions
from secondchance.config.companies import check_filter, read_companies
from secondchance.config.database import check_database
from secondchance.config.errors import ConfigError, Errors, Loc, report
from secondchance.config.model import Config, Target
from secondchance.config.notify import check_tags, delivery_policy, kind_cautions, targets
from secondchance.config.reader import read_table
from secondchance.config.tables import FilterTable, Notify, Server, Settings
from secondchance.config.timing import DeliveryPolicy
from secondchance.config.tomlpos import Positions
from secondchance.sources import default_endpoints

_TOP_LEVEL = {"settings", "notify", "filter", "server", "company"}


def load(path: Path, *, today: dt.date | None = None) -> Config:
    """Read, resolve and validate the watchlist, or raise ConfigError. ``today`` (the
    local date when not given) is what a rejection's date is compared with."""
    text, raw = document.read(path)
    return _validate(path, text, raw, today or dt.date.today())


def _validate(path: Path, text: str, raw: dict[str, Any], today: dt.date) -> Config:
    errors: Errors = []
    secrets: set[str] = set()
    from_env: set[Loc] = set()
    raw = environment.resolve(raw, (), errors, secrets, from_env)

    for key in raw:
        if key not in _TOP_LEVEL:
            errors.append(
                (
                    (key,),
                    "unknown section (expected settings, notify, filter, server or [[company]])",
                )
            )

    settings = read_table(Settings, raw.get("settings", {}), ("settings",), errors, from_env)
    notify = read_table(Notify, raw.get("notify", {}), ("notify",), errors, from_env)
    server = read_table(Server, raw.get("server", {}), ("server",), errors, from_env)

    # Both on the raw [settings], so that a mistake elsewhere in it hides nothing.
    endpoints = _endpoints(raw.get("settings"), errors)
    database = raw["settings"].get("database") if isinstance(raw.get("settings"), dict) else None
    reported = {loc for loc, _ in errors}  # an unset or malformed ${ENV}
    if (
        isinstance(database, str)
        and ("settings", "database") not in reported
        and (("settings", "database") not in from_env or database)
    ):
        # "${DATABASE_URL:-}" may leave it to the default on purpose.
        check_database(database, ("settings", "database"), errors)
    if server is not None and server.token is not None:
        # Masked in every log line, even when written literally in the file.
        secrets.add(server.token)
    found: list[Target] = []
    policy = DeliveryPolicy()
    if notify is not None:
        found = targets(notify, errors, from_env)
        secrets.update(t.url for t in found)
        policy = delivery_policy(notify, errors)
        if notify.console is False and not notify.urls:
            # Alerts queued for no channel at all would be lost without a trace.
            errors.append(
                (("notify", "console"), "false with no [notify] urls: alerts would go nowhere")
            )

    global_filter = read_table(FilterTable, raw.get("filter", {}), ("filter",), errors, from_env)
    check_filter(global_filter, ("filter",), errors)
    if global_filter is not None and global_filter.notify is not None:
        check_tags(global_filter.notify, ("filter", "notify"), found, errors)
    companies = read_companies(
        raw.get("company", []), settings, global_filter, found, errors, from_env
    )

    if errors:
        raise ConfigError(path, report(path, Positions(text), errors))
    assert settings is not None and notify is not None and server is not None
    warnings = cautions(raw, notify, companies, today) + kind_cautions(notify, found)
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
        warnings=tuple(report(path, Positions(text), warnings)) if warnings else (),
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
