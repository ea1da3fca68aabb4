"""Time ``SOURCE.parse`` of the Greenhouse, Lever and Ashby parsers on synthetic boards.

    python benchmarks/parsebench.py [--sizes 100,2000] [--repeat 21] [--seed 1]

Bodies are the minified JSON boards.py serves, built from synth.py. A Lever board
is parsed page by page (limit=100), following ``Page.next`` as the poller does.
Prints the median of ``--repeat`` runs (after one warm-up) per kind and size,
postings per second, and ``orjson.loads`` of the same bodies for scale (bytes to
dicts only, no parsing). Asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from urllib.parse import parse_qs, urlsplit

import orjson
import synth

from secondchance.sources import ashby, greenhouse, lever
from secondchance.sources.interface import Request, Source

SOURCES: dict[str, Source] = {
    "greenhouse": greenhouse.SOURCE,
    "lever": lever.SOURCE,
    "ashby": ashby.SOURCE,
}


def render(document: object) -> bytes:
    # The same serialisation as boards.py.
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def board_of(kind: str, size: int, seed: int) -> synth.Board:
    board = synth.make_boards(len(synth.KINDS), seed)[synth.KINDS.index(kind)]
    board.entries = [[seq, 0] for seq in range(size)]
    board.next_seq = size
    return board


def bodies_of(board: synth.Board, seed: int) -> dict[int, bytes]:
    """Body by Lever ``skip`` (0 for the one-document kinds)."""
    if board.kind == "greenhouse":
        return {0: render(synth.greenhouse_document(board, seed))}
    if board.kind == "ashby":
        return {0: render(synth.ashby_document(board, seed))}
    pages = len(board.entries) // synth.LEVER_PAGE + 1
    skips = [page * synth.LEVER_PAGE for page in range(pages)]
    page = synth.LEVER_PAGE
    return {skip: render(synth.lever_document(board, seed, skip, page)) for skip in skips}


def parse_board(source: Source, board: synth.Board, bodies: dict[int, bytes]) -> int:
    """Parse every page of one poll; the number of postings read."""
    spec = source.parse_spec(board.token, {})
    request: Request | None = source.first_request(spec, source.endpoints)
    count = 0
    while request is not None:
        skip = int(parse_qs(urlsplit(request.url).query).get("skip", ["0"])[0])
        page = source.parse(spec, request, bodies[skip])
        count += len(page.postings)
        request = page.next
    return count


def decode_all(bodies: dict[int, bytes]) -> None:
    for body in bodies.values():
        orjson.loads(body)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,2000", help="postings per board, comma-separated")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    print(f"median of {args.repeat} runs after one warm-up")
    header = f"{'kind':<11} {'postings':>8} {'bodies':>6} {'MB':>6} {'parse ms':>9}"
    print(f"{header} {'postings/s':>11} {'orjson ms':>10}")
    for size in sizes:
        for kind, source in SOURCES.items():
            board = board_of(kind, size, args.seed)
            bodies = bodies_of(board, args.seed)
            count = parse_board(source, board, bodies)
            parse = median_ms(partial(parse_board, source, board, bodies), args.repeat)
            decode = median_ms(partial(decode_all, bodies), args.repeat)
            megabytes = sum(len(body) for body in bodies.values()) / 1e6
            print(
                f"{kind:<11} {count:>8} {len(bodies):>6} {megabytes:>6.1f} {parse:>9.2f}"
                f" {count / parse * 1000:>11,.0f} {decode:>10.2f}"
            )


if __name__ == "__main__":
    main()
