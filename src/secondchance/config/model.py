"""The watchlist as the program reads it: one frozen Config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from secondchance.config.tables import Notify, Server, Settings
from secondchance.config.timing import DeliveryPolicy
from secondchance.core.decide import Rules
from secondchance.core.diff import Policy
from secondchance.core.models import ALERT_KINDS
from secondchance.core.watchlist import Company


@dataclass(frozen=True, slots=True)
class Target:
    """One notification URL and the tags and kinds that route alerts to it."""

    url: str
    tags: frozenset[str] = frozenset()
    # The alert kinds it takes, as its ``kinds`` says (None: every kind sent).
    kinds: frozenset[str] | None = None


def sent_kinds(notify: Notify) -> frozenset[str]:
    return frozenset(ALERT_KINDS if notify.kinds is None else notify.kinds)


def name_key(name: str) -> str:
    """What a company is known by: its name without case or surrounding spaces."""
    return name.strip().casefold()


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings
    notify: Notify
    server: Server
    companies: tuple[Company, ...]
    endpoints: Mapping[str, str]
    targets: tuple[Target, ...]
    policy: DeliveryPolicy
    # Values resolved from ${ENV} and the notification URLs: never to be logged.
    secrets: frozenset[str]
    # What the watchlist may have got wrong without being unusable, one line each as
    # the errors are ("FILE:LINE: key.path: message"), in the file's order.
    warnings: tuple[str, ...] = ()
    # The daemon looks a company up by name on every poll: a scan of a
    # thousand-company watchlist each time made a cycle quadratic.
    _by_name: Mapping[str, Company] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {name_key(c.name): c for c in reversed(self.companies)}  # the first wins
        object.__setattr__(self, "_by_name", by_name)

    def company(self, name: str) -> Company | None:
        return self._by_name.get(name_key(name))

    @property
    def console_alerts(self) -> bool:
        if self.notify.console is not None:
            return self.notify.console
        return not self.targets

    @property
    def sent_kinds(self) -> frozenset[str]:
        """The alert kinds sent at all ([notify] kinds); the others are muted."""
        return sent_kinds(self.notify)

    @property
    def rules(self) -> Rules:
        """The settings that decide what a poll means (core/decide.py)."""
        s = self.settings
        return Rules(
            policy=Policy(
                close_after=s.close_after,
                collapse_accept_after=s.collapse_accept_after,
                announce_existing=s.announce_existing,
            ),
            failure_alert_after=s.failure_alert_after,
            role_match=s.role_match,
        )
