"""Prometheus metrics of the running daemon (served by server.py when enabled).

One registry of our own, so tests and a second App in one process do not
collide with prometheus-client's global default registry.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

POLLS = Counter(
    "secondchance_polls",
    "Board polls, by source kind and result (ok, unchanged, failed, suspect).",
    ["kind", "result"],
    registry=REGISTRY,
)
FAILURES = Counter(
    "secondchance_poll_failures",
    "Failed board polls, by source kind.",
    ["kind"],
    registry=REGISTRY,
)
POSTINGS_OPEN = Gauge(
    "secondchance_postings_open",
    "Open postings in the snapshot, by company.",
    ["company"],
    registry=REGISTRY,
)
ALERTS_QUEUED = Counter(
    "secondchance_alerts_queued",
    "Alerts written to the outbox, by kind.",
    ["kind"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "secondchance_deliveries",
    "Alert deliveries to a channel, by result (sent, failed).",
    ["result"],
    registry=REGISTRY,
)
POLL_SECONDS = Histogram(
    "secondchance_poll_duration_seconds",
    "Time to fetch and parse one board.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
LAST_CYCLE = Gauge(
    "secondchance_last_cycle_timestamp_seconds",
    "Unix time of the daemon's last heartbeat.",
    registry=REGISTRY,
)


def exposition() -> bytes:
    return generate_latest(REGISTRY)
