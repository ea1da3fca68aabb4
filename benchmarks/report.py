"""The per-N results of run.py and how they are printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from measure import Measured


@dataclass
class Row:
    measured: Measured
    stats: dict[str, int] = field(default_factory=dict)


@dataclass
class SizeResult:
    boards: int
    meta: dict[str, object]
    rows: dict[str, Row] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b > 0 else "-"


def _connections(stats: dict[str, int]) -> str:
    # The counters are read over HTTP: the reading connection itself is one of them.
    return str(stats["connections"] - 1) if "connections" in stats else "-"


def print_size(result: SizeResult) -> None:
    meta = result.meta
    mb_raw = int(str(meta["bytes_raw"])) / 1e6
    mb_gz = int(str(meta["bytes_gzip"])) / 1e6
    print(
        f"\nN = {result.boards} boards: {meta['postings']} postings "
        f"{meta['postings_by_kind']}, {meta['requests_per_poll']} requests per full poll, "
        f"{mb_raw:.0f} MB of JSON ({mb_gz:.0f} MB gzip)"
    )
    header = f"{'':44} {'wall s':>7} {'CPU s':>7} {'RSS MB':>7} {'reqs':>6} {'200':>6} {'304':>6}"
    print(header + f" {'MB sent':>8} {'conns':>6}")
    for row in result.rows.values():
        m, s = row.measured, row.stats
        flag = "" if m.returncode == 0 else f"  (exit {m.returncode})"
        print(
            f"{m.label:44} {m.wall:7.2f} {m.cpu:7.2f} {m.rss_mb:7.0f} {s.get('requests', 0):6d} "
            f"{s.get('status_200', 0):6d} {s.get('status_304', 0):6d} "
            f"{s.get('bytes_sent', 0) / 1e6:8.1f} {_connections(s):>6}{flag}"
        )
    pairs = [
        ("first", "floor", "first poll / httpx floor"),
        ("steady", "floor_etags", "steady state / httpx floor with ETags"),
        ("lean_first", "floor", "minimal pipeline first / httpx floor"),
        ("lean_steady", "floor_etags", "minimal steady / floor with ETags"),
    ]
    for mine, theirs, label in pairs:
        a, b = result.rows.get(mine), result.rows.get(theirs)
        if a and b:
            x, y = a.measured, b.measured
            print(
                f"  {label:40} wall {_ratio(x.wall, y.wall)}, CPU {_ratio(x.cpu, y.cpu)}, "
                f"RSS {_ratio(x.rss_kb, y.rss_kb)}"
            )
    for note in result.notes:
        print(f"  {note}")
