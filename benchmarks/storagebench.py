"""The cost of storage/bulk.py's two paths on SQLite, for the bulk work of a poll.

Not part of `make bench`: `.venv/bin/python benchmarks/storagebench.py [POSTINGS]`.
Prints, for the driver path (what SQLite runs) and the Core path (what PostgreSQL runs,
forced on SQLite), the CPU seconds of: a first poll's insert of POSTINGS postings
(82,000 by default, as in the 1,000-board bench), reading them all back as diff values,
and reading and writing the state of 1,000 boards. The best of three runs each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from secondchance.core.diff import Policy, diff_source
from secondchance.core.models import Posting, Remote, SourceRef
from secondchance.storage import boards, snapshot
from secondchance.storage.bulk import DRIVER_PATH
from secondchance.storage.database import Store, open_store

BOARDS = 1000
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def postings(count: int) -> list[list[Posting]]:
    per_board = max(1, count // BOARDS)
    return [
        [
            Posting(
                id=f"{board}-{n}",
                title=f"Role {n} at board {board}",
                url=f"https://jobs.test/{board}/{n}",
                locations=("Berlin", "Remote"),
                remote=Remote.HYBRID,
                department="Engineering",
                employment_type="Full-time",
                posted_at=AT - timedelta(days=n % 90),
                updated_at=AT - timedelta(hours=n % 48),
            )
            for n in range(per_board)
        ]
        for board in range(BOARDS)
    ]


def cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def measure(store: Store, data: list[list[Posting]]) -> dict[str, float]:
    refs = [SourceRef(f"Co{i}", "greenhouse", f"co{i}") for i in range(BOARDS)]
    states, _ = store.write_now(boards.lock, [r.company for r in refs], refs)
    ids = [states[ref].id for ref in refs]
    diffs = [
        diff_source(ref, {}, board, Policy(), baseline=True)
        for ref, board in zip(refs, data, strict=True)
    ]

    def insert() -> None:
        def write(connection: object) -> None:
            for source_id, diff in zip(ids, diffs, strict=True):
                snapshot.write_diff(connection, source_id, {}, diff, AT)  # type: ignore[arg-type]

        store.write_now(write)

    def load() -> None:
        store.read_now(snapshot.load_known, ids)

    def states_round_trip() -> None:
        found = store.read_now(boards.read_all)
        for state in found.values():
            state.attempts += 1
            state.last_poll_at = AT
        store.write_now(boards.write, list(found.values()))

    return {
        "insert": cpu(insert),
        "load": cpu(load),
        "board states": cpu(states_round_trip),
    }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 82_000
    data = postings(count)
    total = sum(len(board) for board in data)
    best: dict[str, dict[str, float]] = {}
    for _ in range(3):
        for path in ("driver", "Core"):
            with tempfile.TemporaryDirectory() as scratch:
                store = open_store(f"sqlite:///{Path(scratch) / 'bench.db'}")
                if path == "Core":
                    store.engine = store.engine.execution_options(**{DRIVER_PATH: False})
                try:
                    figures = measure(store, data)
                finally:
                    store.dispose()
            for name, seconds in figures.items():
                mine = best.setdefault(path, {})
                mine[name] = min(seconds, mine.get(name, seconds))
    print(f"SQLite, {total} postings on {BOARDS} boards; CPU seconds, best of 3")
    print(f"{'':<14}{'driver path':>12}{'Core path':>12}{'Core/driver':>13}")
    for name in best["driver"]:
        driver, core = best["driver"][name], best["Core"][name]
        print(f"{name:<14}{driver:>12.3f}{core:>12.3f}{core / driver:>12.1f}x")


if __name__ == "__main__":
    main()
