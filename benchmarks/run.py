"""`make bench`: secondchance against the floor, on N local boards.

    python benchmarks/run.py [--sizes 100,1000,5000] [--quick] [--seed 1]

For each N: start boards.py, then time (as whole processes: wall, CPU, peak RSS)
secondchance's first poll, the httpx and curl floors, the minimal pipeline
(minimal.py), a round of changes, the steady-state poll, the httpx floor with
ETags and the minimal pipeline's steady state. Then the diff time of one
10,000-posting board and the RSS of an idle daemon on 100 boards. Prints figures;
asserts nothing about them.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
from cycle import daemon_cycle
from extras import diff_figure, idle_figure, startup_figures
from floor import curl_config
from harness import HERE, BoardServer, query, stats_delta, write_watchlist
from measure import Measured, run
from report import Row, SizeResult, print_size

PYTHON = sys.executable
SECONDCHANCE = str(Path(sys.executable).parent / "secondchance")


def machine() -> list[str]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    curl = shutil.which("curl")
    curl_version = (
        subprocess.run([curl, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        if curl
        else "curl: not installed"
    )
    return [
        f"machine: {os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}",
        f"python {platform.python_version()}, httpx {httpx.__version__}, {curl_version[:40]}",
    ]


def bench_size(boards: int, seed: int, work: Path, timeout: float, repeat: int = 1) -> SizeResult:
    work.mkdir(parents=True, exist_ok=True)
    watchlist, data = work / "watchlist.toml", work / "data"
    urls_file, etags = work / "urls.txt", work / "etags.json"
    baseline, etags_before = work / "data-after-first-poll", work / "etags-round-0.json"
    print(f"\n== N = {boards}: rendering boards ...", flush=True)
    with BoardServer(boards, seed, work / "boards.log") as server:
        write_watchlist(watchlist, boards, server.base)
        result = SizeResult(boards, server.json("/_meta"))
        urls_file.write_text("\n".join(server.urls()) + "\n")
        floor = [PYTHON, str(HERE / "floor.py"), str(urls_file)]

        def measured(
            key: str,
            label: str,
            command: list[str],
            *,
            times: int = 1,
            reset: Callable[[], None] | None = None,
        ) -> Row:
            # The machine is shared: of several runs from the same starting state,
            # the one that used the least CPU is the least disturbed one.
            rows = []
            for attempt in range(times):
                if reset is not None:
                    reset()
                before = server.stats()
                suffix = f" ({attempt + 1} of {times})" if times > 1 else ""
                print(f"   {label}{suffix} ...", flush=True)
                row = Row(run(label, command, timeout=timeout))
                row.stats = stats_delta(before, server.stats())
                rows.append(row)
            result.rows[key] = min(rows, key=lambda row: row.measured.cpu)
            return result.rows[key]

        def fresh_data() -> None:
            shutil.rmtree(data, ignore_errors=True)

        def data_after_first_poll() -> None:
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(baseline, data)

        def etags_of_round_0() -> None:
            shutil.copyfile(etags_before, etags)

        first = measured(
            "first",
            "secondchance first poll",
            _once_cmd(watchlist, data),
            times=repeat,
            reset=fresh_data,
        )
        result.notes.append(_db_note("after the first poll", first.measured, data))
        shutil.rmtree(baseline, ignore_errors=True)
        shutil.copytree(data, baseline)
        measured("floor", "httpx floor", floor, times=repeat)
        curl = shutil.which("curl")
        if curl:
            config = work / "curl.cfg"
            curl_config(urls_file.read_text().split(), config)
            command = [curl, "--parallel", "--parallel-max", "8", "--compressed", "-sS"]
            measured("curl", "curl floor", [*command, "-K", str(config)], times=repeat)
        else:
            result.notes.append("curl floor skipped: curl is not installed")
        # The lower bound of a poll that keeps what it fetches (benchmarks/minimal.py).
        lean_db, lean_etags = work / "minimal.db", work / "minimal-etags.json"
        lean = [PYTHON, str(HERE / "minimal.py"), str(urls_file)]
        lean += ["--db", str(lean_db), "--etags", str(lean_etags)]

        def lean_fresh() -> None:
            for path in (lean_db, lean_etags, *work.glob("minimal.db-*")):
                path.unlink(missing_ok=True)

        measured("lean_first", "minimal pipeline, first poll", lean, times=repeat, reset=lean_fresh)
        shutil.copyfile(lean_db, work / "minimal-round-0.db")
        shutil.copyfile(lean_etags, work / "minimal-etags-round-0.json")

        def lean_round_0() -> None:
            shutil.copyfile(work / "minimal-round-0.db", lean_db)
            shutil.copyfile(work / "minimal-etags-round-0.json", lean_etags)

        measured(
            "record", "httpx floor recording ETags (not compared)", [*floor, "--etags", str(etags)]
        )
        shutil.copyfile(etags, etags_before)

        changed = server.json("/_round", "POST")
        result.notes.append(
            f"round 1: {changed['changed']} of {boards} boards changed "
            f"(server re-rendered them in {changed['seconds']}s, outside any timing)"
        )
        urls_file.write_text("\n".join(server.urls()) + "\n")
        steady = measured(
            "steady",
            "secondchance steady state",
            _once_cmd(watchlist, data),
            times=repeat,
            reset=data_after_first_poll,
        )
        result.notes.append(_db_note("after the steady-state poll", steady.measured, data))
        rows = query(
            data / "secondchance.db", "select last_result, count(*) from sources group by 1"
        )
        result.notes.append("boards by last result: " + ", ".join(f"{r} {n}" for r, n in rows))
        measured(
            "floor_etags",
            "httpx floor with ETags",
            [*floor, "--etags", str(etags)],
            times=repeat,
            reset=etags_of_round_0,
        )
        measured(
            "lean_steady",
            "minimal pipeline, steady state",
            lean,
            times=repeat,
            reset=lean_round_0,
        )
        if repeat > 1:
            result.notes.append(
                f"each compared row: the run with the least CPU of {repeat}, every run from "
                "the same starting state (an empty or first-polled database, round 0's ETags)"
            )
    return result


def _once_cmd(watchlist: Path, data: Path) -> list[str]:
    return [SECONDCHANCE, "once", "--config", str(watchlist), "--data-dir", str(data)]


def _db_note(when: str, measured: Measured, data: Path) -> str:
    rows = query(data / "secondchance.db", "select count(*) from postings")
    stored = rows[0][0] if rows else "?"
    note = f"{when}: exit code {measured.returncode}, {stored} postings in the database"
    if measured.returncode != 0:
        tail = [line for line in measured.stderr.splitlines() if line.strip()][-3:]
        note += " — " + " | ".join(tail)
    return note


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated board counts")
    parser.add_argument("--quick", action="store_true", help="100 boards only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900, help="per command, seconds")
    parser.add_argument("--keep", type=Path, help="keep the work files in this directory")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="R",
        help="runs of each compared command, the least-CPU one shown (default 3)",
    )
    parser.add_argument(
        "--cycle",
        type=int,
        default=1000,
        metavar="N",
        help="boards for the daemon-cycle figure (0: skip; --quick skips it)",
    )
    args = parser.parse_args(argv)
    compile_package()
    sizes = [100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    print("\n".join(machine()))
    with tempfile.TemporaryDirectory(prefix="secondchance-bench-") as scratch:
        work = args.keep or Path(scratch)
        print("\n".join(startup_figures(args.timeout, work / "startup")))
        results = []
        for boards in sizes:
            results.append(
                bench_size(boards, args.seed, work / f"n{boards}", args.timeout, args.repeat)
            )
            print_size(results[-1])
        print()
        print(diff_figure(args.timeout))
        print(idle_figure(args.seed, work / "idle"))
        if args.cycle and not args.quick:
            print("\n".join(cycle_figure(args.cycle, args.seed, work / "cycle", args.timeout)))


def compile_package() -> None:
    """Bytecode for secondchance's own modules, as an installed package has.

    pip compiles what it installs, but this checkout is an editable install:
    its modules are compiled on import and, where PYTHONDONTWRITEBYTECODE is
    set (as on the machine of the figures), again in every process, about 0.1 s
    a start that no user pays. The floors' one script is compiled each run too.
    """
    import secondchance

    package = Path(secondchance.__file__).parent
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(package)], check=True)


def cycle_figure(boards: int, seed: int, work: Path, timeout: float) -> list[str]:
    """One steady-state cycle inside `secondchance run`, against the ETag floor."""
    work.mkdir(parents=True, exist_ok=True)
    print(f"\n== daemon cycle, N = {boards}: rendering boards ...", flush=True)
    urls_file, etags = work / "urls.txt", work / "etags.json"
    with BoardServer(boards, seed, work / "boards.log") as server:
        watchlist = work / "watchlist.toml"
        write_watchlist(watchlist, boards, server.base, interval="60s", jitter="0s")
        urls_file.write_text("\n".join(server.urls()) + "\n")
        floor = [PYTHON, str(HERE / "floor.py"), str(urls_file)]
        run("record", [*floor, "--etags", str(etags)], timeout=timeout)  # round 0's ETags
        cycle = daemon_cycle(
            server, watchlist, work / "data", boards, work / "daemon.log", timeout=timeout
        )
        urls_file.write_text("\n".join(server.urls()) + "\n")
        etag_floor = run("floor", [*floor, "--etags", str(etags)], timeout=timeout)
    if cycle.error:
        return [f"daemon cycle: {cycle.error} (see {work / 'daemon.log'})"]
    return [
        f"daemon cycle (`secondchance run`, {boards} boards, interval 60s): after a round in "
        f"which {cycle.changed} boards changed, polling all {cycle.polled} again cost the "
        f"daemon {cycle.cpu:.2f} s of CPU (over {cycle.seconds:.0f} s of schedule); "
        f"httpx floor with ETags: {etag_floor.cpu:.2f} s CPU, a whole process "
        f"({cycle.cpu / etag_floor.cpu:.1f}x)",
    ]


if __name__ == "__main__":
    main()
