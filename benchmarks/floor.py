"""The floor: the least a client must do to fetch every board once.

    python benchmarks/floor.py URLS_FILE [--etags ETAGS_FILE] [--concurrency 8]

GETs every URL in URLS_FILE (one per line) with a default ``httpx.AsyncClient``,
at most ``--concurrency`` at once, reads each body and drops it. With
``--etags`` the ETags of the last run are sent as ``If-None-Match`` and the new
ones written back, so a second run sees mostly 304s. Prints one JSON line of
counts. No parsing, no database: whatever secondchance spends beyond this is
its own work.

``curl_config`` writes the same URL list as a curl ``-K`` file for the curl floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from pathlib import Path

import httpx


async def fetch_all(urls: list[str], etags: dict[str, str], concurrency: int) -> Counter[str]:
    counts = Counter[str]()
    limit = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, url: str) -> None:
        headers = {"If-None-Match": etags[url]} if url in etags else {}
        async with limit:
            response = await client.get(url, headers=headers)
        counts[f"status_{response.status_code}"] += 1
        counts["bytes"] += len(response.content)
        if "etag" in response.headers:
            etags[url] = response.headers["etag"]

    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(*(one(client, url) for url in urls))
    return counts


def curl_config(urls: list[str], path: Path) -> None:
    """A ``curl -K`` file fetching every URL to /dev/null."""
    lines = []
    for url in urls:
        lines.append(f'url = "{url}"')
        lines.append('output = "/dev/null"')
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", type=Path, help="file with one URL per line")
    parser.add_argument("--etags", type=Path, help="ETag file: read if present, then written")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    urls = [line for line in args.urls.read_text().splitlines() if line]
    etags: dict[str, str] = {}
    if args.etags is not None and args.etags.exists():
        etags = json.loads(args.etags.read_text())
    counts = asyncio.run(fetch_all(urls, etags, args.concurrency))
    if args.etags is not None:
        args.etags.write_text(json.dumps(etags))
    print(json.dumps({"requests": len(urls), **counts}))


if __name__ == "__main__":
    main()
