"""Boards that change round after round, checked against a reference model.

Two Greenhouse boards and two Lever boards served in pages of 100 (each page
with its own ETag, so a steady poll replays them all). Each round, every board
may gain a posting, lose one, retitle one, bring a closed one back, answer with
an error, come back empty (a suspected breakage), or stay the same (with or
without ETags, in another order, with other spacing). A few lines of plain Python
say which alerts docs/ARCHITECTURE.md's rules give; the real poller, over HTTP on
127.0.0.1 and a real database, must give exactly those, round after round.
Titles are fresh except where a round re-posts a role: taken down and put up
again under a new id in the same poll, or a closed role's title under a new id.
Co0 was turned down for a marketing role that now and then comes back (role_back);
Co1's filter hides analyst roles.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from conftest import BoardServer
from secondchance.config import Config, load
from secondchance.daemon.app import channels, poll_settings, store_for
from secondchance.daemon.poller import Poller
from secondchance.fetch.client import Fetcher

KINDS = ("greenhouse", "greenhouse", "lever", "lever")
PAGE = 100  # Lever's page size as secondchance asks for it
ROUNDS = 30
FAILING_AFTER = 2  # failure_alert_after
REJECTED = "Senior Paid Search Marketing Manager"  # Co0's rejection is this role

Alert = tuple[str, str, str]  # company, kind, posting id


@dataclass
class Board:
    """One company's board: what it lists now and what the model remembers."""

    name: str
    kind: str  # greenhouse (one document) or lever (pages of 100)
    live: dict[int, str]
    # id -> [title, open, misses]
    known: dict[int, list[object]] = field(default_factory=dict)
    baseline: bool = True
    pages_served: int = 0
    failures: int = 0  # failed polls in a row
    alerted: bool = False  # source_failing sent, source_recovered not yet

    def failed(self) -> set[Alert]:
        """A failed poll: counted, and reported once when the streak is long enough."""
        self.failures += 1
        if self.failures < FAILING_AFTER or self.alerted:
            return set()
        self.alerted = True
        return {(self.name, "source_failing", "")}

    def collapsed(self) -> set[Alert]:
        """A board served empty: held as it was, reported once as failing."""
        if self.alerted:
            return set()
        self.alerted = True
        return {(self.name, "source_failing", "")}

    def recovered(self) -> set[Alert]:
        alerts: set[Alert] = {(self.name, "source_recovered", "")} if self.alerted else set()
        self.failures, self.alerted = 0, False
        return alerts

    def expect(self) -> set[Alert]:
        """The alerts one successful poll of ``live`` gives, and the model updated."""
        alerts: set[Alert] = set()
        if self.baseline:  # the first poll is silent
            self.known = {i: [t, True, 0] for i, t in self.live.items()}
            self.baseline = False
            return alerts
        # Titles of the roles closed before this poll, for reposts under a new id.
        closed_before = {str(state[0]) for state in self.known.values() if not state[1]}
        for posting, title in self.live.items():
            before = self.known.get(posting)
            if before is None:
                alerts.add((self.name, "new", str(posting)))
            elif not before[1]:
                alerts.add((self.name, "reopened", str(posting)))
            elif before[0] != title:
                alerts.add((self.name, "changed", str(posting)))
            self.known[posting] = [title, True, 0]
        closing: list[int] = []
        first_gone: list[int] = []
        for posting, state in self.known.items():
            if state[1] and posting not in self.live:
                state[2] = int(str(state[2])) + 1
                if int(str(state[2])) >= 2:  # close_after
                    state[1] = False
                    closing.append(posting)
                    alerts.add((self.name, "closed", str(posting)))
                else:
                    first_gone.append(posting)
        # Gone this poll (closing now, or missing for the first time): a new id
        # with its title is the same role taken down and put up again.
        vanished: dict[str, int] = {}
        for posting in closing + first_gone:
            vanished.setdefault(str(self.known[posting][0]), posting)
        for posting, title in self.live.items():
            if (self.name, "new", str(posting)) not in alerts:
                continue
            if title in vanished:
                gone = vanished.pop(title)
                # The taken-down one closes silently: the repost tells its story.
                alerts.discard((self.name, "closed", str(gone)))
                self.known[gone][1] = False
            elif title in closed_before:
                closed_before.discard(title)
            else:
                continue
            alerts.discard((self.name, "new", str(posting)))
            alerts.add((self.name, "reposted", str(posting)))
        return self.classify(alerts)

    def classify(self, alerts: set[Alert]) -> set[Alert]:
        """Co0 was turned down for the marketing role: its return (a new id, or a
        re-post) is role_back. Co1 excludes analyst roles: no alert about one."""
        out: set[Alert] = set()
        for alert in alerts:
            company, kind, posting = alert
            live = self.live.get(int(posting))  # a closed one is alerted as stored
            title = (
                live if live is not None and kind != "closed" else str(self.known[int(posting)][0])
            )
            if company == "Co0" and kind in ("new", "reposted") and title == REJECTED:
                alert = (company, "role_back", posting)
            elif company == "Co1" and "Analyst" in title.split():
                continue
            out.add(alert)
        return out


def _etag(content: Iterable[tuple[int, str]]) -> str:
    return '"' + hashlib.sha256(repr(list(content)).encode()).hexdigest()[:20] + '"'


class World:
    def __init__(self, seed: int, boards: BoardServer) -> None:
        self.rng = random.Random(seed)
        self.server = boards
        self.titles = 0
        self.ids = 100
        self.boards = [
            Board(f"Co{n}", kind, {i: self.title() for i in range(size)})
            for n, kind in enumerate(KINDS)
            for size in [self.rng.randint(5, 9) if kind == "greenhouse" else 150 + 25 * n]
        ]

    def title(self) -> str:
        self.titles += 1
        return f"Role {self.titles} {self.rng.choice(['Engineer', 'Analyst', 'Designer'])}"

    def change(self, board: Board) -> None:
        roll = self.rng.random()
        ids = list(board.live)
        if board.name == "Co0" and roll < 0.1 and REJECTED not in board.live.values():
            self.ids += 1  # the role Co0 turned us down for, posted again
            board.live[self.ids] = REJECTED
        elif roll < 0.25 and len(ids) > 4:  # never a shrink that looks like a collapse
            del board.live[self.rng.choice(ids)]
        elif roll < 0.45:
            self.ids += 1
            board.live[self.ids] = self.title()
        elif roll < 0.55:
            board.live[self.rng.choice(ids)] = self.title()
        elif roll < 0.65:
            # A closed posting listed again (unless its title is listed already:
            # two live postings of one title would make "which one" ambiguous).
            listed = set(board.live.values())
            closed = [i for i, state in board.known.items() if not state[1]]
            closed = [i for i in closed if i not in board.live and board.known[i][0] not in listed]
            if closed:
                back = self.rng.choice(closed)
                board.live[back] = str(board.known[back][0])
        elif roll < 0.72 and len(ids) > 4:  # taken down and put up again, new id
            steady = [i for i in ids if i in board.known and board.known[i][1:] == [True, 0]]
            if steady:
                gone = self.rng.choice(steady)
                self.ids += 1
                board.live[self.ids] = board.live.pop(gone)
        elif roll < 0.77:  # a closed role's title under a new id
            titles = {str(s[0]) for s in board.known.values() if not s[1]}
            titles -= set(board.live.values())
            if titles:
                self.ids += 1
                board.live[self.ids] = self.rng.choice(sorted(titles))

    def serve(self, board: Board, *, fail: bool, empty: bool = False) -> None:
        # Some boards answer with ETags (a 304 next time), some without (same bytes).
        etags = self.rng.random() < 0.7
        items = [] if empty else self._as_served(board)
        if board.kind == "lever":
            self._serve_pages(board, items, fail=fail, etags=etags)
            return
        path = f"/v1/boards/{board.name.lower()}/jobs"
        if fail:
            self.server.set(path, {"error": "down"}, status=self._failure())
            return
        jobs = [
            {"id": i, "title": t, "absolute_url": f"https://jobs.test/{board.name}/{i}"}
            for i, t in items
        ]
        self.server.set(path, {"jobs": jobs}, etag=_etag(items) if etags else None)

    def _as_served(self, board: Board) -> list[tuple[int, str]]:
        """The board in the order and spacing it is served this time: neither is a
        change (docs/ARCHITECTURE.md, invariant 4), so the model expects nothing from them."""
        items = list(board.live.items())
        if self.rng.random() < 0.25:
            self.rng.shuffle(items)  # for Lever, postings move across pages too
        if self.rng.random() < 0.25:
            items = [(i, f"  {t.replace(' ', '  ')}\n") for i, t in items]
        return items

    def _serve_pages(
        self, board: Board, items: list[tuple[int, str]], *, fail: bool, etags: bool
    ) -> None:
        """Lever's pages of 100, each with its own ETag; a full last page is
        followed by an empty one, and every page asked for before still answers."""
        pages = [items[skip : skip + PAGE] for skip in range(0, len(items) + 1, PAGE)]
        board.pages_served = max(board.pages_served, len(pages))
        status = self._failure()
        for index in range(board.pages_served):
            path = f"/v0/postings/{board.name.lower()}?mode=json&skip={index * PAGE}&limit={PAGE}"
            if fail:  # every page: a replay may ask for any of them
                self.server.set(path, {"error": "down"}, status=status)
                continue
            page = pages[index] if index < len(pages) else []
            postings = [
                {"id": str(i), "text": t, "hostedUrl": f"https://jobs.test/{board.name}/{i}"}
                for i, t in page
            ]
            self.server.set(path, postings, etag=_etag(page) if etags else None)

    def _failure(self) -> int:
        return self.rng.choice([404, 403, 429, 500, 503])


@pytest.fixture
async def polling(
    tmp_path: Path, boards: BoardServer, database: str
) -> AsyncIterator[tuple[Poller, Config]]:
    tables = {
        0: '[[company.rejection]]\nrole = "Paid Search Marketing"\ndate = 2026-03-01\n',
        1: '[company.filter]\nexclude = ["Analyst"]\n',
    }
    companies = "".join(
        f'[[company]]\nname = "Co{n}"\n{kind} = "co{n}"\n{tables.get(n, "")}\n'
        for n, kind in enumerate(KINDS)
    )
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(
        f'[settings]\ninterval = "1m"\nfailure_alert_after = {FAILING_AFTER}\n'
        f'database = "{database}"\n\n'
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\nlever = "{boards.url}"\n\n'
        f"{companies}",
        encoding="utf-8",
    )
    config = load(watchlist)
    store = store_for(config, tmp_path / "data")
    fetcher = Fetcher(timeout=5.0, retries=0, retry_delay=0)
    poller = Poller(
        store,
        fetcher,
        replace(poll_settings(config, channels(config)), channels=lambda company, kind: ["test"]),
    )
    yield poller, config
    await fetcher.aclose()
    store.dispose()


@pytest.mark.parametrize("seed", [1, 2])
async def test_round_after_round_the_alerts_are_the_models(
    polling: tuple[Poller, Config], boards: BoardServer, seed: int
) -> None:
    poller, config = polling
    world = World(seed, boards)
    for round_ in range(ROUNDS):
        expected: set[Alert] = set()
        for board in world.boards:
            if round_:
                world.change(board)
            # Failures come in streaks, as outages do.
            fail = round_ > 0 and world.rng.random() < (0.6 if board.failures else 0.1)
            # Now and then a board is served empty: a suspected breakage, not removals.
            empty = round_ > 0 and not fail and world.rng.random() < 0.06
            world.serve(board, fail=fail, empty=empty)
            if fail:  # the snapshot stays; a long streak is reported, once
                expected |= board.failed()
            elif empty:
                expected |= board.collapsed()
            else:
                expected |= board.recovered() | board.expect()
        got: set[Alert] = set()
        for company in config.companies:
            report = await poller.poll(company)
            got |= {(a.company, a.kind, a.posting_id or "") for a in report.alerts}
        assert got == expected, f"round {round_}"
