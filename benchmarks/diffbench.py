"""Time ``diff_source`` on one 10,000-posting board.

    python benchmarks/diffbench.py [--postings 10000] [--repeat 5]

The snapshot differs from the observation by about 1 %: a third of that
removed, a third retitled, a third new. Prints one JSON line with the median
(and every run) in milliseconds, and the same for an identical observation.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from msgspec.structs import replace

from secondchance.core.diff import Known, Policy, diff_source
from secondchance.core.models import Posting, Remote, SourceRef

_ROLES = ("Software Engineer", "Data Scientist", "Product Manager", "Account Executive")
_CITIES = ("Berlin, Germany", "New York, NY", "London, United Kingdom", "Remote - US")
_LEVELS = ("Senior", "Staff", "Principal", "Junior")


def posting(number: int) -> Posting:
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=number)
    return Posting(
        id=str(4_000_000_000 + number),
        title=f"{_LEVELS[number % 4]} {_ROLES[number % 3]}, Team {number % 97}",
        url=f"https://job-boards.greenhouse.io/bench/jobs/{4_000_000_000 + number}",
        locations=tuple(_CITIES[(number + k) % 4] for k in range(1 + number % 2)),
        remote=Remote.YES if number % 5 == 0 else Remote.UNKNOWN,
        department="Engineering",
        employment_type="Full-time",
        posted_at=when,
        updated_at=when,
    )


def scenario(count: int) -> tuple[dict[str, Known], list[Posting]]:
    """The snapshot of ``count`` postings and an observation ~1 % different from it."""
    snapshot = [posting(n) for n in range(count)]
    known = {p.id: Known(p) for p in snapshot}
    step = 300  # every 300th: 1/3 % each of removed, retitled, new
    observed = []
    for number, old in enumerate(snapshot):
        if number % step == 0:
            continue  # removed
        if number % step == 100:
            old = replace(old, title=old.title + " (Payments)")  # retitled
        observed.append(old)
    observed += [posting(count + n) for n in range(count // step)]  # new
    return known, observed


def timed(known: Mapping[str, Known], observed: Sequence[Posting], repeat: int) -> list[float]:
    source = SourceRef("Bench", "greenhouse", "bench")
    diff_source(source, known, observed, Policy(), baseline=False)  # warm-up, not counted
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        diff_source(source, known, observed, Policy(), baseline=False)
        runs.append((time.perf_counter() - started) * 1000)
    return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    known, observed = scenario(args.postings)
    source = SourceRef("Bench", "greenhouse", "bench")
    result = diff_source(source, known, observed, Policy(), baseline=False)
    changed = timed(known, observed, args.repeat)
    same = timed(known, [k.posting for k in known.values()], args.repeat)
    print(
        json.dumps(
            {
                "postings": args.postings,
                "changes": len(result.changes),
                "median_ms": round(statistics.median(changed), 2),
                "runs_ms": [round(r, 2) for r in changed],
                "identical_median_ms": round(statistics.median(same), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
