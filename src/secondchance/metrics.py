"""Prometheus metrics of the running daemon (served by server.py when enabled).

Only a daemon with a status server has anyone to read them: the server calls
``enable()`` before the first poll, and until then recording a metric does
nothing. So `once`, the other commands and a daemon without ``[server]
listen`` never import prometheus_client (about 30 ms and 1 MB resident).

One registry of our own, so tests and a second App in one process do not
collide with prometheus-client's global default registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
    from prometheus_client.metrics import MetricWrapperBase

_M = TypeVar("_M", bound="MetricWrapperBase")


class _Off:
    """What a metric's ``labels()`` gives while metrics are off: records nothing."""

    def inc(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, amount: float) -> None:
        pass


_OFF = _Off()


class Metric(Generic[_M]):
    """A prometheus_client metric, created by ``enable()``."""

    def __init__(
        self,
        kind: str,
        name: str,
        documentation: str,
        labelnames: Sequence[str] = (),
        **options: Any,
    ) -> None:
        self.kind, self.name, self.documentation = kind, name, documentation
        self.labelnames, self.options = tuple(labelnames), options
        self.real: _M | None = None
        _ALL.append(self)

    def create(self, prometheus: ModuleType, registry: CollectorRegistry) -> None:
        factory = getattr(prometheus, self.kind)
        self.real = factory(
            self.name, self.documentation, self.labelnames, registry=registry, **self.options
        )

    def labels(self, *values: str) -> _M | _Off:
        return _OFF if self.real is None else self.real.labels(*values)


class UnlabelledGauge(Metric["Gauge"]):
    def set(self, value: float) -> None:
        if self.real is not None:
            self.real.set(value)


_ALL: list[Metric[Any]] = []
_REGISTRY: CollectorRegistry | None = None  # set by enable()

POLLS: Metric[Counter] = Metric(
    "Counter",
    "secondchance_polls",
    "Board polls, by source kind and result (ok, unchanged, failed, suspect).",
    ["kind", "result"],
)
FAILURES: Metric[Counter] = Metric(
    "Counter",
    "secondchance_poll_failures",
    "Failed board polls, by source kind.",
    ["kind"],
)
POSTINGS_OPEN: Metric[Gauge] = Metric(
    "Gauge",
    "secondchance_postings_open",
    "Open postings in the snapshot, by company.",
    ["company"],
)
ALERTS_QUEUED: Metric[Counter] = Metric(
    "Counter",
    "secondchance_alerts_queued",
    "Alerts written to the outbox, by kind.",
    ["kind"],
)
DELIVERIES: Metric[Counter] = Metric(
    "Counter",
    "secondchance_deliveries",
    "Alert deliveries to a channel, by result (sent, failed).",
    ["result"],
)
POLL_SECONDS: Metric[Histogram] = Metric(
    "Histogram",
    "secondchance_poll_duration_seconds",
    "Time to fetch and parse one board.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
LAST_CYCLE = UnlabelledGauge(
    "Gauge",
    "secondchance_last_cycle_timestamp_seconds",
    "Unix time of the daemon's last heartbeat.",
)


def enable() -> CollectorRegistry:
    """Record the metrics from now on (once; later calls change nothing)."""
    global _REGISTRY
    if _REGISTRY is None:
        import prometheus_client

        _REGISTRY = prometheus_client.CollectorRegistry(auto_describe=True)
        for metric in _ALL:
            metric.create(prometheus_client, _REGISTRY)
    return _REGISTRY


def exposition() -> bytes:
    from prometheus_client import generate_latest

    return generate_latest(enable())
