"""A lower bound: the least any watcher built on this stack must do per poll.

    python benchmarks/minimal.py URLS_FILE --db FILE [--etags ETAGS_FILE] [--concurrency 8]

Not secondchance and not a product: no watchlist, no sources' rules, no diff
logic beyond tuple equality, no alerts, no SQLAlchemy. It fetches every URL
with aiohttp (8 at once, compressed bodies kept), inflates them with zlib-ng,
decodes only five fields per posting with msgspec and stores them with the
stdlib sqlite3 module in one transaction. With ``--etags`` it sends the last
run's ETags and, for each body that changed, reads the board's stored rows,
compares and writes only what differs (new, changed, gone). Each URL (a Lever page
too) is compared with what it listed last time, so a paged board is never
fetched whole again as secondchance must.

Whatever it costs is a floor under a first poll and a steady-state poll that
keep what they fetch, on this machine, with these libraries: `make bench`
prints it next to the httpx floor the targets are set against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import msgspec

try:
    from zlib_ng import zlib_ng as inflate
except ImportError:  # pragma: no cover - platforms without the wheel
    import zlib as inflate  # type: ignore[no-redef]


class _Named(msgspec.Struct, gc=False):
    name: Any = None


class _Posting(msgspec.Struct, gc=False):
    # The same decoder serves the three formats: each field name is one of them.
    id: Any = None
    title: Any = None
    text: Any = None
    absolute_url: Any = None
    hostedUrl: Any = None
    jobUrl: Any = None
    location: Any = None
    updated_at: Any = None
    createdAt: Any = None
    publishedAt: Any = None


class _Board(msgspec.Struct, gc=False):
    jobs: list[_Posting] | None = None


_BOARD = msgspec.json.Decoder(_Board)  # Greenhouse and Ashby: {"jobs": [...]}
_LIST = msgspec.json.Decoder(list[_Posting])  # Lever: [...]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS postings (
    board TEXT NOT NULL, posting TEXT NOT NULL, title TEXT, url TEXT,
    location TEXT, updated TEXT, open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (board, posting)
)
"""


def rows(board: str, body: bytes) -> list[tuple[Any, ...]]:
    postings = _LIST.decode(body) if body[:1] == b"[" else (_BOARD.decode(body).jobs or [])
    out = []
    for p in postings:
        location = p.location.get("name") if isinstance(p.location, dict) else p.location
        out.append(
            (
                board,
                str(p.id),
                p.title or p.text,
                p.absolute_url or p.hostedUrl or p.jobUrl,
                location if isinstance(location, str) else None,
                str(p.updated_at or p.createdAt or p.publishedAt),
            )
        )
    return out


def store(db: sqlite3.Connection, board: str, fresh: list[tuple[Any, ...]]) -> None:
    stored = {
        r[1]: r
        for r in db.execute(
            "SELECT board, posting, title, url, location, updated FROM postings "
            "WHERE board = ? AND open = 1",
            (board,),
        )
    }
    changed = [r for r in fresh if stored.get(r[1]) != r]
    seen = {r[1] for r in fresh}
    db.executemany("INSERT OR REPLACE INTO postings VALUES (?, ?, ?, ?, ?, ?, 1)", changed)
    db.executemany(
        "UPDATE postings SET open = 0 WHERE board = ? AND posting = ?",
        [(board, p) for p in stored if p not in seen],
    )


async def poll(urls: list[str], etags: dict[str, str], db: sqlite3.Connection, limit: int) -> int:
    gate = asyncio.Semaphore(limit)
    fetched: dict[str, list[tuple[Any, ...]]] = {}

    async def one(session: aiohttp.ClientSession, url: str) -> None:
        headers = {"Accept-Encoding": "gzip"}
        if url in etags:
            headers["If-None-Match"] = etags[url]
        async with gate, session.get(url, headers=headers) as response:
            raw = await response.read()
            # Each URL is its own "board" (a Lever page too): a changed page is
            # compared with what that page listed last time.
            board = urlsplit(url).path + "?" + urlsplit(url).query
            if response.status == 200:
                etags[url] = response.headers.get("etag", "")
                fetched[board] = rows(board, inflate.decompress(raw, 16 + 15))

    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:
        await asyncio.gather(*(one(session, url) for url in urls))
    first = not db.execute("SELECT 1 FROM postings LIMIT 1").fetchone()
    with db:
        for board, fresh in fetched.items():
            if first:
                db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?, 1)", fresh)
            else:
                store(db, board, fresh)
    return len(fetched)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", type=Path, help="file with one URL per line")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file (created)")
    parser.add_argument("--etags", type=Path, help="ETag file: read if present, then written")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    urls = [line for line in args.urls.read_text().splitlines() if line]
    etags: dict[str, str] = {}
    if args.etags is not None and args.etags.exists():
        etags = json.loads(args.etags.read_text())
    db = sqlite3.connect(args.db)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(_SCHEMA)
    boards = asyncio.run(poll(urls, etags, db, args.concurrency))
    db.close()
    if args.etags is not None:
        args.etags.write_text(json.dumps(etags))
    print(json.dumps({"requests": len(urls), "boards_changed": boards}))


if __name__ == "__main__":
    main()
