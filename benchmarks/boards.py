"""A local board server for the benchmark: N synthetic boards on 127.0.0.1.

    python benchmarks/boards.py --boards 1000 [--seed 1] [--port 0]

Prints ``READY <port>`` on standard output once every body is rendered. Serves
the real paths (Greenhouse ``/v1/boards/{token}/jobs``, Lever ``/v0/postings/{site}``
with ``skip``/``limit``, Ashby ``/posting-api/job-board/{org}``) as minified JSON,
gzip-compressed when asked, with ETag/Last-Modified and 304 on ``If-None-Match``
(or ``If-Modified-Since``). Bodies are rendered and compressed once per round, so
answering is a dictionary lookup and a socket write.

Control endpoints (not counted in the statistics):
``POST /_round`` changes a seeded fifth of the boards; ``GET /_urls`` lists every
path a complete poll requests; ``GET /_stats`` the request counters;
``GET /_meta`` board and posting counts and body sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.utils
import gzip
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import synth

Key = tuple[str, str, int, int]  # (kind, token, a, b): see Catalogue.key_for
_STATUS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found"}


@dataclass(frozen=True, slots=True)
class Body:
    gz: bytes
    raw_size: int
    etag: str
    last_modified: str
    modified: float

    def raw(self) -> bytes:
        # Every client here asks for gzip; keeping only the compressed form halves memory.
        return gzip.decompress(self.gz)


class Catalogue:
    """The boards of the current round and their rendered bodies."""

    def __init__(self, count: int, seed: int, level: int) -> None:
        self.seed = seed
        self.level = level
        self.round = 0
        self.boards = synth.make_boards(count, seed)
        self.by_token = {board.token: board for board in self.boards}
        self.cache: dict[Key, Body] = {}

    def key_for(self, path: str, query: str) -> Key | None:
        parts = path.strip("/").split("/")
        params = dict(parse_qsl(query))
        if len(parts) == 4 and parts[:2] == ["v1", "boards"] and parts[3] == "jobs":
            return ("greenhouse", parts[2], int(params.get("content") == "true"), 0)
        if len(parts) == 3 and parts[:2] == ["v0", "postings"]:
            try:
                skip = max(0, int(params.get("skip", "0")))
                limit = int(params["limit"]) if "limit" in params else -1
            except ValueError:
                return None
            return ("lever", parts[2], skip, limit)
        if len(parts) == 3 and parts[:2] == ["posting-api", "job-board"]:
            return ("ashby", parts[2], 0, 0)
        return None

    def body(self, key: Key) -> Body | None:
        board = self.by_token.get(key[1])
        if board is None or board.kind != key[0]:
            return None
        body = self.cache.get(key)
        if body is None:
            body = self.cache[key] = self._render(board, key)
        return body

    def _render(self, board: synth.Board, key: Key) -> Body:
        document: Any
        if key[0] == "greenhouse":
            document = synth.greenhouse_document(board, self.seed, content=bool(key[2]))
        elif key[0] == "lever":
            limit = None if key[3] < 0 else key[3]
            document = synth.lever_document(board, self.seed, key[2], limit)
        else:
            document = synth.ashby_document(board, self.seed)
        raw = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        digest = hashlib.blake2b(raw, digest_size=12).hexdigest()
        return Body(
            gz=gzip.compress(raw, compresslevel=self.level, mtime=0),
            raw_size=len(raw),
            # Weak: the gzip and identity representations share it, as nginx does.
            etag=f'W/"{digest}"',
            last_modified=email.utils.format_datetime(board.modified, usegmt=True),
            modified=board.modified.timestamp(),
        )

    def prerender(self, boards: list[synth.Board], workers: int = 1) -> None:
        """Render every body a complete poll asks for (in forked workers if asked)."""
        keys = self._keys([p for board in boards for p in synth.poll_paths(board)])
        if workers <= 1 or len(keys) < 100:
            for key in keys:
                self.body(key)
            return
        global _FORKED
        _FORKED = self
        chunks = [keys[i::workers] for i in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for rendered in pool.map(_render_keys, chunks):
                self.cache.update(rendered)

    def next_round(self) -> list[int]:
        self.round += 1
        # Whole seconds: Last-Modified cannot say more, and If-Modified-Since must work.
        at = datetime.fromtimestamp(int(time.time()), tz=UTC)
        changed = synth.advance(self.boards, self.seed, self.round, at)
        tokens = {self.boards[i].token for i in changed}
        self.cache = {k: v for k, v in self.cache.items() if k[1] not in tokens}
        self.prerender([self.boards[i] for i in changed])
        return changed

    def urls(self) -> list[str]:
        return [path for board in self.boards for path in synth.poll_paths(board)]

    def meta(self) -> dict[str, Any]:
        postings = Counter[str]()
        for board in self.boards:
            postings[board.kind] += len(board.entries)
        canonical = [self.cache[k] for k in self._keys(self.urls()) if k in self.cache]
        return {
            "round": self.round,
            "boards": len(self.boards),
            "postings": sum(postings.values()),
            "postings_by_kind": dict(postings),
            "requests_per_poll": len(canonical),
            "bytes_raw": sum(b.raw_size for b in canonical),
            "bytes_gzip": sum(len(b.gz) for b in canonical),
        }

    def _keys(self, paths: list[str]) -> list[Key]:
        keys = []
        for path in paths:
            url = urlsplit(path)
            key = self.key_for(url.path, url.query)
            if key is not None:
                keys.append(key)
        return keys


_FORKED: Catalogue | None = None


def _render_keys(keys: list[Key]) -> dict[Key, Body]:
    """In a forked worker: render these keys of the parent's catalogue."""
    assert _FORKED is not None
    return {key: body for key in keys if (body := _FORKED.body(key)) is not None}


def _not_modified(body: Body, headers: dict[str, str]) -> bool:
    match = headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or body.etag.removeprefix("W/") in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return email.utils.parsedate_to_datetime(since).timestamp() >= body.modified
        except (TypeError, ValueError):
            return False
    return False


def _wants_gzip(headers: dict[str, str]) -> bool:
    for coding in headers.get("accept-encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() in ("gzip", "*") and params.replace(" ", "") != "q=0":
            return True
    return False


def _head(status: int, fields: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_STATUS.get(status, 'Unknown')}"]
    lines.extend(f"{name}: {value}" for name, value in fields)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Server:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.stats = Counter[str]()

    def respond(self, method: str, target: str, headers: dict[str, str]) -> list[bytes]:
        url = urlsplit(target)
        if url.path.startswith("/_"):
            return self._control(method, url.path)
        self.stats["requests"] += 1
        key = self.catalogue.key_for(url.path, url.query) if method in ("GET", "HEAD") else None
        body = self.catalogue.body(key) if key is not None else None
        if body is None:
            self.stats["status_404"] += 1
            return self._json(404, {"ok": False, "error": "Document not found"})
        validators = [("ETag", body.etag), ("Last-Modified", body.last_modified)]
        if _not_modified(body, headers):
            self.stats["status_304"] += 1
            return [_head(304, validators)]
        fields = [("Content-Type", "application/json; charset=utf-8"), *validators]
        fields.append(("Vary", "Accept-Encoding"))
        if _wants_gzip(headers):
            payload = body.gz
            fields.append(("Content-Encoding", "gzip"))
        else:
            payload = body.raw()
        fields.append(("Content-Length", str(len(payload))))
        self.stats["status_200"] += 1
        self.stats["bytes_sent"] += len(payload)
        self.stats["bytes_raw"] += body.raw_size
        return [_head(200, fields)] if method == "HEAD" else [_head(200, fields), payload]

    def _control(self, method: str, path: str) -> list[bytes]:
        if path == "/_round" and method == "POST":
            started = time.perf_counter()
            changed = self.catalogue.next_round()
            seconds = round(time.perf_counter() - started, 3)
            answer = {"round": self.catalogue.round, "changed": len(changed), "seconds": seconds}
            return self._json(200, answer)
        if path == "/_urls":
            text = "\n".join(self.catalogue.urls()).encode() + b"\n"
            fields = [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))]
            return [_head(200, fields), text]
        if path == "/_stats":
            return self._json(200, dict(self.stats))
        if path == "/_meta":
            return self._json(200, self.catalogue.meta())
        return self._json(404, {"error": "no such control endpoint"})

    @staticmethod
    def _json(status: int, document: object) -> list[bytes]:
        payload = json.dumps(document).encode()
        fields = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        return [_head(status, fields), payload]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """HTTP/1.1 with keep-alive: requests are answered in order on one connection."""
        self.stats["connections"] += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = lines[0].split(" ", 2)
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                if length:
                    await reader.readexactly(length)
                writer.writelines(self.respond(method, target, headers))
                await writer.drain()
                connection = headers.get("connection", "").lower()
                if connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive"):
                    return
        except (ConnectionError, asyncio.LimitOverrunError, ValueError):
            return
        finally:
            writer.close()


async def serve(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    catalogue = Catalogue(args.boards, args.seed, args.gzip_level)
    catalogue.prerender(catalogue.boards, workers=os.cpu_count() or 1)
    server = Server(catalogue)
    listener = await asyncio.start_server(server.handle, args.host, args.port, backlog=4096)
    port = listener.sockets[0].getsockname()[1]
    print(
        f"rendered {args.boards} boards in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
        flush=True,
    )
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with listener:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--gzip-level", type=int, default=4)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
