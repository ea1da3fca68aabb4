"""Boards that change round after round, checked against a reference model.

Each round, every board may gain a posting, lose one, retitle one, bring a
closed one back, answer with an error, or stay the same (with or without an
ETag). A few lines of plain Python say which alerts DESIGN.md's rules give;
the real poller, over HTTP on 127.0.0.1 and a real database, must give exactly
those, round after round. Titles are always fresh, so no repost is expected.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BoardServer
from secondchance.app import open_store
from secondchance.config import load
from secondchance.http import Fetcher
from secondchance.poller import Poller

COMPANIES = 4
ROUNDS = 30

Alert = tuple[str, str, str]  # company, kind, posting id


@dataclass
class Board:
    """One company's board: what it lists now and what the model remembers."""

    name: str
    live: dict[int, str]
    # id -> [title, open, misses]
    known: dict[int, list[object]] = field(default_factory=dict)
    baseline: bool = True

    def expect(self) -> set[Alert]:
        """The alerts one successful poll of ``live`` gives, and the model updated."""
        alerts: set[Alert] = set()
        if self.baseline:  # the first poll is silent
            self.known = {i: [t, True, 0] for i, t in self.live.items()}
            self.baseline = False
            return alerts
        for posting, title in self.live.items():
            before = self.known.get(posting)
            if before is None:
                alerts.add((self.name, "new", str(posting)))
            elif not before[1]:
                alerts.add((self.name, "reopened", str(posting)))
            elif before[0] != title:
                alerts.add((self.name, "changed", str(posting)))
            self.known[posting] = [title, True, 0]
        for posting, state in self.known.items():
            if state[1] and posting not in self.live:
                state[2] = int(state[2]) + 1  # type: ignore[call-overload]
                if state[2] >= 2:  # close_after
                    state[1] = False
                    alerts.add((self.name, "closed", str(posting)))
        return alerts


class World:
    def __init__(self, seed: int, boards: BoardServer) -> None:
        self.rng = random.Random(seed)
        self.server = boards
        self.titles = 0
        self.ids = 100
        self.boards = [
            Board(f"Co{n}", {i: self.title() for i in range(self.rng.randint(5, 9))})
            for n in range(COMPANIES)
        ]

    def title(self) -> str:
        self.titles += 1
        return f"Role {self.titles} {self.rng.choice(['Engineer', 'Analyst', 'Designer'])}"

    def change(self, board: Board) -> None:
        roll = self.rng.random()
        ids = list(board.live)
        if roll < 0.25 and len(ids) > 4:  # never a shrink that looks like a collapse
            del board.live[self.rng.choice(ids)]
        elif roll < 0.45:
            self.ids += 1
            board.live[self.ids] = self.title()
        elif roll < 0.55:
            board.live[self.rng.choice(ids)] = self.title()
        elif roll < 0.65:
            closed = [i for i, state in board.known.items() if not state[1]]
            if closed:
                back = self.rng.choice(closed)
                board.live[back] = str(board.known[back][0])

    def serve(self, board: Board, *, fail: bool) -> None:
        path = f"/v1/boards/{board.name.lower()}/jobs"
        if fail:
            status = self.rng.choice([404, 403, 429, 500, 503])
            self.server.set(path, {"error": "down"}, status=status)
            return
        jobs = [
            {"id": i, "title": t, "absolute_url": f"https://jobs.test/{board.name}/{i}"}
            for i, t in board.live.items()
        ]
        etag = f'"{board.name}-{sorted(board.live.items())}"'
        # Some answers carry an ETag (a 304 next time), some do not (same bytes).
        self.server.set(path, {"jobs": jobs}, etag=etag if self.rng.random() < 0.7 else None)


@pytest.fixture
async def poller(tmp_path: Path, boards: BoardServer, database: str) -> AsyncIterator[Poller]:
    companies = "".join(
        f'[[company]]\nname = "Co{n}"\ngreenhouse = "co{n}"\n\n' for n in range(COMPANIES)
    )
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(
        f'[settings]\ninterval = "1m"\nfailure_alert_after = 1000\ndatabase = "{database}"\n\n'
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n\n{companies}',
        encoding="utf-8",
    )
    config = load(watchlist)
    store = open_store(config, tmp_path / "data")
    fetcher = Fetcher(timeout=5.0, retries=0, retry_delay=0)
    yield Poller(config, store, fetcher, lambda company: ["test"])
    await fetcher.aclose()
    store.dispose()


@pytest.mark.parametrize("seed", [1, 2])
async def test_round_after_round_the_alerts_are_the_models(
    poller: Poller, boards: BoardServer, seed: int
) -> None:
    world = World(seed, boards)
    for round_ in range(ROUNDS):
        expected: set[Alert] = set()
        for board in world.boards:
            if round_:
                world.change(board)
            fail = round_ > 0 and world.rng.random() < 0.12
            world.serve(board, fail=fail)
            if not fail:  # a failed poll changes nothing, and says nothing yet
                expected |= board.expect()
        got: set[Alert] = set()
        for company in poller.config.companies:
            report = await poller.poll(company)
            got |= {(a.company, a.kind, a.posting_id or "") for a in report.alerts}
        assert got == expected, f"round {round_}"
