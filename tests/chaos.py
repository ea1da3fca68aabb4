"""A chaos run of the real daemon, by hand (not part of the suite: it takes minutes).

    .venv/bin/python tests/chaos.py SEED [ROUNDS] [DATABASE_URL | pg] [digest | quiet]

Four Greenhouse and three Lever boards (one paged: 2 to 4 pages), an Ashby board
and a career page (CSS selectors) on 127.0.0.1 change every round (roles added,
removed, brought back, renamed, reordered, listed twice; the paged board's pages
overlapping) and fail at random: 5xx, 429 with Retry-After, 403, 404, a challenge
page, a redirect to a sign-in page, an empty list, an error document, truncated
JSON, a timeout, a connection closed before answering or mid-body, a body that
is not the gzip it says it is, a body over the size cap (on the paged board, one
page); two Apprise json:// receivers each answer 500/503, hang past the delivery
timeout, or are down for a while; the daemon (`secondchance run`, 1 s interval)
is SIGKILLed or SIGTERMed and restarted at random. Then everything is healthy
until the outbox drains.

It checks what must hold whatever the timing, on each channel: every role the
daemon stored, or that was listed by four healthy rounds in a row without a
restart, arrived as "new"; no "new" arrived twice; no role that was never taken
down was announced closed or reopened; no delivery of any kind is left unsent at the
end. And the daemon logged no traceback. It
prints its findings and exits 1 if one of these fails.
`pg` makes a new database on the server in SECONDCHANCE_TEST_POSTGRES (e.g.
run it under `tests/with_postgres.py`). `digest` sends a digest every minute
instead of instant alerts; `quiet` holds everything in quiet hours for the first
two minutes.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).parent))
from conftest import FIXTURES, BoardServer, Receiver

GREENHOUSE = [f"co{n}" for n in range(4)]
LEVER = [f"lv{n}" for n in range(3)]
ASHBY = ["as0"]
CAREERS = ["cp0"]
# Lever boards big enough to be paged (2 to 4 pages of 100), and the routes served.
PAGED = {"lv2"}
PAGED_MAX = 600
MODES = ["ok"] * 6 + ["noetag", "dupes", "500", "503", "429", "403", "404", "slow", "html"]
MODES += ["login", "empty", "error", "truncated", "reset", "cut", "gzip", "huge"]
# Answers a board may give while it is up: the roles on it are listed.
HEALTHY = {"ok", "noetag", "dupes"}
MAX_BODY_MB = 2
STORED = "SELECT s.company, p.posting_id FROM postings p JOIN sources s ON s.id = p.source_id"
UNSENT = "SELECT count(*) FROM deliveries WHERE status != 'sent'"
# "New: Role co0-5" in an instant alert; "GH co0 · New: Role co0-5" in a digest.
EVENT = re.compile(r"(?:.* · )?\W*(New|Changed|Reposted|Closed|Reopened): (Role \w+-\d+)\b")


class World:
    def __init__(self, rng: random.Random, boards: BoardServer) -> None:
        self.rng = rng
        self.boards = boards
        every = GREENHOUSE + LEVER + ASHBY + CAREERS
        self.ids = {k: list(range(1, 151 if k in PAGED else 4)) for k in every}
        self.titles: dict[tuple[str, int], str] = {}
        self.removed: dict[str, list[int]] = {k: [] for k in self.ids}
        self.ever_removed: set[str] = set()
        self.added: set[str] = set()
        self.streak: Counter[str] = Counter()
        self.best: Counter[str] = Counter()
        self.empty: Counter[str] = Counter()  # rounds served empty since last healthy
        self.lever = json.loads((FIXTURES / "lever/spotify-postings-4.json").read_text())[0]
        ashby = FIXTURES / "ashby/ramp-posting-api-4-workplaceType.json"
        self.ashby = json.loads(ashby.read_text())["jobs"][0]
        boards.set("/login", b"<html><form>Sign in</form></html>", content_type="text/html")

    def change(self, round_: int) -> None:
        rng = self.rng
        for k, ids in self.ids.items():
            if rng.random() < 0.6:
                new = 100 * round_ + rng.randrange(10)
                if new not in ids:
                    ids.append(new)
                    self.added.add(f"Role {k}-{new}")
            if rng.random() < 0.15 and len(ids) > 1:
                i = rng.choice(ids[:-1])
                self.titles[(k, i)] = f"Role {k}-{i} (renamed {round_})"
            if rng.random() < 0.2:
                rng.shuffle(ids)
            if rng.random() < 0.15 and len(ids) > 2:
                gone = rng.choice(ids)
                ids.remove(gone)
                self.removed[k].append(gone)
                self.ever_removed.add(f"Role {k}-{gone}")
            elif rng.random() < 0.1 and self.removed[k]:
                ids.append(self.removed[k].pop(rng.randrange(len(self.removed[k]))))

    def serve(self, mode: dict[str, str]) -> None:
        for k, ids in self.ids.items():
            m = mode.get(k, "ok")
            if m == "dupes":  # listed twice: identity is the id, so nothing changes
                ids = ids + ids[::-1]
            title = [self.titles.get((k, i), f"Role {k}-{i}") for i in ids]
            if k in GREENHOUSE:
                jobs = [
                    {"id": i, "title": t, "absolute_url": f"https://gh.test/{k}/{i}"}
                    for i, t in zip(ids, title, strict=True)
                ]
                self._route(f"/v1/boards/{k}/jobs", {"jobs": jobs}, m, {"jobs": []})
            elif k in ASHBY:
                jobs = [
                    dict(self.ashby, id=f"{k}-{i}", title=t, jobUrl=f"https://as.test/{i}")
                    for i, t in zip(ids, title, strict=True)
                ]
                path = f"/posting-api/job-board/{k}?includeCompensation=true"
                self._route(path, {"jobs": jobs, "apiVersion": "1"}, m, {"jobs": []})
            elif k in CAREERS and m == "truncated":
                # HTML has no end to check: half a page is a page that lists half the
                # roles, and the others may rightly be closed if it stays that way.
                half = len(ids) // 2
                self.ever_removed |= {f"Role {k}-{i}" for i in ids[half:]}
                self._route(f"/careers/{k}", _page(k, ids[:half], title[:half]), "ok", "")
            elif k in CAREERS:
                self._route(f"/careers/{k}", _page(k, ids, title), m, _page(k, [], []))
            elif k not in PAGED:
                postings = [
                    dict(self.lever, id=f"{k}-{i}", text=t, hostedUrl=f"https://lv.test/{i}")
                    for i, t in zip(ids, title, strict=True)
                ]
                self._route(f"/v0/postings/{k}", postings, m, [])
            else:
                self._pages(k, ids, title, m)
            self._track(k, ids, m)

    def _pages(self, k: str, ids: list[int], title: list[str], m: str) -> None:
        """Pages of 100, as secondchance asks for them; past the end, an empty page.
        The round's trouble hits one page (or, for "empty", the whole board);
        "dupes" makes each page repeat the last few of the one before, as a board
        does when a role is added while it is being paged through."""
        postings = [
            dict(self.lever, id=f"{k}-{i}", text=t, hostedUrl=f"https://lv.test/{i}")
            for i, t in zip(ids, title, strict=True)
        ]
        overlap = 3 if m == "dupes" else 0
        pages = [postings[max(0, skip - overlap) : skip + 100] for skip in range(0, PAGED_MAX, 100)]
        hit = self.rng.randrange(len(postings) // 100 + 1)
        for number, page in enumerate(pages):
            path = f"/v0/postings/{k}?mode=json&skip={100 * number}&limit=100"
            trouble = m if number == hit or m == "empty" else "ok"
            self._route(path, page, "ok" if trouble == "dupes" else trouble, [])

    def _track(self, k: str, ids: list[int], m: str) -> None:
        """Count the rounds in a row each role was listed on a healthy board."""
        # A board that lists nothing for collapse_accept_after (6) successful polls
        # is believed: its roles may rightly close. Polls come every second and
        # rounds last 1-4 s, so two empty rounds since it last listed them can do it.
        if m in HEALTHY:
            self.empty[k] = 0
        elif m == "empty":
            self.empty[k] += 1
            if self.empty[k] >= 2:
                self.ever_removed |= {f"Role {k}-{i}" for i in ids}
        live = {f"Role {k}-{i}" for i in ids} if m in HEALTHY else set()
        for role in [r for r in self.streak if r.startswith(f"Role {k}-") and r not in live]:
            self.streak[role] = 0
        for role in live:
            self.streak[role] += 1
            self.best[role] = max(self.best[role], self.streak[role])

    def _route(self, path: str, body: Any, m: str, empty: Any) -> None:
        html = isinstance(body, str)
        raw = body.encode() if html else json.dumps(body).encode()
        kind = "text/html" if html else "application/json"
        etag = f'"{hash(raw)}"'
        set_ = self.boards.set
        if m in ("ok", "dupes"):
            set_(path, raw, etag=etag, content_type=kind)
        elif m == "noetag":
            set_(path, raw, content_type=kind)
        elif m.isdigit():
            headers = {"Retry-After": "1"} if m == "429" else {}
            set_(path, b"oops", status=int(m), headers=headers)
        elif m == "slow":  # past the 3 s timeout
            set_(path, raw, etag=etag, delay=4.0, content_type=kind)
        elif m == "html":
            set_(path, b"<html>Just a moment...</html>", content_type="text/html")
        elif m == "login":
            set_(path, b"", status=302, headers={"Location": "/login"})
        elif m == "empty":
            set_(path, empty.encode() if html else json.dumps(empty), content_type=kind)
        elif m == "error":  # the shape of an API's error document, with a 200
            set_(path, b'{"ok": false, "error": "Document not found"}')
        elif m == "reset":
            set_(path, raw, drop=True)
        elif m == "cut":
            set_(path, raw, cut=len(raw) // 3, content_type=kind)
        elif m == "gzip":
            set_(path, b"\x1f\x8b\x08\x00 not gzip", headers={"Content-Encoding": "gzip"})
        elif m == "huge":  # whitespace is valid JSON and HTML: only the size is wrong
            set_(path, raw + b" " * (MAX_BODY_MB << 20), etag=etag, content_type=kind)
        else:  # truncated
            set_(path, raw[: len(raw) // 2], content_type=kind)


def _page(k: str, ids: list[int], title: list[str]) -> str:
    items = "".join(
        f'<li class="job"><a href="/jobs/{k}/{i}">{t}</a><span>Berlin</span></li>'
        for i, t in zip(ids, title, strict=True)
    )
    return f"<html><body><h1>Careers</h1><ul>{items}</ul></body></html>"


def events(messages: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for message in messages:
        for line in (message["title"] + "\n" + message["message"]).splitlines():
            match = EVENT.match(line.strip("*_ -"))
            if match:
                found[(match.group(1), match.group(2))] += 1
    return found


def _delivery(kind: str) -> str:
    """The [notify] lines for "digest" (a digest every minute for half an hour) or
    "quiet" (quiet hours from now for the next two minutes, then everything)."""
    now = datetime.now(UTC)
    if kind == "digest":
        times = [(now + timedelta(minutes=n)).strftime("%H:%M") for n in range(1, 31)]
        return f'mode = "digest"\ndigest_at = {json.dumps(times)}\n'
    if kind == "quiet":
        end = now + timedelta(minutes=2)
        return f'quiet_hours = "{now:%H:%M}-{end:%H:%M}"\n'
    return ""


def fresh_postgres(seed: int) -> str:
    """An empty database of its own on the server in SECONDCHANCE_TEST_POSTGRES."""
    admin = create_engine(os.environ[ENV], isolation_level="AUTOCOMMIT")
    name = f"sc_chaos_{seed}_{int(time.time())}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(os.environ[ENV]).set(database=name).render_as_string(hide_password=False)


def main() -> int:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    delivery = next((a for a in sys.argv[3:] if a in ("digest", "quiet")), "instant")
    targets = [a for a in sys.argv[3:] if a not in ("digest", "quiet")]
    work = Path(tempfile.mkdtemp(prefix=f"secondchance-chaos{seed}-"))
    database = f"sqlite:///{work / 'data' / 'secondchance.db'}"
    if targets:
        database = fresh_postgres(seed) if targets[0] == "pg" else targets[0]
    rng = random.Random(seed)
    # Two notification channels, each failing on its own: delivery is per channel.
    boards, receivers = BoardServer(), [Receiver(), Receiver()]
    # A killed daemon leaves requests half-read: the server's broken pipes are expected.
    boards.httpd.handle_error = lambda *args: None  # type: ignore[method-assign]
    world = World(rng, boards)
    config = work / "watchlist.toml"
    config.write_text(
        f'[settings]\ninterval = "1s"\njitter = "0s"\ntimeout = "3s"\ndatabase = "{database}"\n'
        f"max_body_mb = {MAX_BODY_MB}\n\n"
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\nlever = "{boards.url}"\n'
        f'ashby = "{boards.url}"\n\n'
        f"[notify]\nurls = {json.dumps([r.url for r in receivers])}\nconsole = false\n"
        'retry_min = "1s"\ntimeout = "3s"\ntimezone = "UTC"\n'
        + _delivery(delivery)
        + "\n"
        + "".join(f'[[company]]\nname = "GH {k}"\ngreenhouse = "{k}"\n\n' for k in GREENHOUSE)
        + "".join(f'[[company]]\nname = "LV {k}"\nlever = "{k}"\n\n' for k in LEVER)
        + "".join(f'[[company]]\nname = "AS {k}"\nashby = "{k}"\n\n' for k in ASHBY)
        + "".join(
            f'[[company]]\nname = "CP {k}"\ncareers = {{ url = "{boards.url}/careers/{k}", '
            'item = "li.job", title = "a", link = "a@href", location = "span" }\n\n'
            for k in CAREERS
        ),
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "secondchance"]
    options = ["--config", str(config), "--data-dir", str(work / "data")]
    log = (work / "daemon.log").open("w")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([*command, "run", *options], stdout=log, stderr=log)

    world.serve({})
    baseline = subprocess.run([*command, "once", *options], capture_output=True, timeout=120)
    if baseline.returncode != 0:
        print(baseline.stderr.decode(), file=sys.stderr)
        return 1
    daemon = start()
    kills = terms = 0
    for round_ in range(1, rounds + 1):
        world.change(round_)
        mode = {k: rng.choice(MODES) for k in world.ids}
        world.serve(mode)
        down = []
        for receiver in receivers:
            receiver.fail_with = rng.choice([None, None, None, 503, 500])
            # Now and then a notifier that hangs past the 3 s delivery timeout.
            receiver.hang = 5.0 if rng.random() < 0.1 else 0.0
            if rng.random() < 0.15:
                receiver.stop()
                down.append(receiver)
        action = rng.choice(["none", "none", "kill", "term"])
        time.sleep(rng.uniform(0.2, 1.8))
        if action != "none":
            # A restarted daemon spreads its first polls over a few seconds: a round
            # with a restart may see no poll of a board, so it breaks every streak.
            world.streak.clear()
        if action == "kill":
            daemon.kill()
            daemon.wait()
            kills += 1
            daemon = start()
        elif action == "term":
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
            terms += 1
            daemon = start()
        time.sleep(rng.uniform(0.5, 2.0))
        for receiver in down:
            receiver.start()
        notifiers = [
            r.fail_with or ("down" if r in down else "hang" if r.hang else "ok") for r in receivers
        ]
        print(f"round {round_}: {mode} notifiers={notifiers} {action}", flush=True)
        with (work / "rounds.txt").open("a") as rounds_log:
            print(round_, time.strftime("%H:%M:%S"), mode, world.ids, file=rounds_log)

    world.serve({})
    for receiver in receivers:
        receiver.fail_with, receiver.hang = None, 0.0
    # All boards share one host, so a 429's Retry-After or slow boards holding the
    # per-host slots can delay a board's poll by a round or two: four healthy rounds
    # in a row, without a restart, must be enough.
    listed = {r for r, best in world.best.items() if best >= 4 and r in world.added}
    engine = create_engine(database)

    def stored() -> set[str]:
        """The roles the daemon stored: each must have been announced."""
        with engine.connect() as connection:
            rows = connection.execute(text(STORED)).all()
        # Companies are named "GH co0"; a posting id is "5", "lv0-5" or a link ending in /5.
        roles = set()
        for company, pid in rows:
            board = company.split()[1]
            roles.add(f"Role {board}-{pid.rsplit('/', 1)[-1].removeprefix(board + '-')}")
        return roles

    # Long enough for a stopped daemon's claims to lapse (twice the 3 s notify
    # timeout plus 30 s) and the next drain, or digest, to send what they held.
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        must = listed | (stored() & world.added)
        if all(("New", r) in events(x.messages) for x in receivers for r in must):
            break
        time.sleep(1)
    # Then the rest of the outbox (a claim a killed daemon held lapses with its lease):
    # every alert of every kind reaches every channel, not only the "new" ones.
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if not connection.execute(text(UNSENT)).scalar():
                break
        time.sleep(1)
    time.sleep(5)
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=60)
    boards.close()
    for receiver in receivers:
        receiver.stop()
    must = listed | (stored() & world.added)
    with engine.connect() as connection:
        unsent = connection.execute(text(UNSENT)).scalar()
    engine.dispose()
    print(f"seed {seed}, {rounds} rounds, {kills} SIGKILLs, {terms} SIGTERMs; in {work}")
    print(f"roles stored or listed long enough: {len(must)}")
    failed = False
    for number, receiver in enumerate(receivers, 1):
        # Kept for a post-mortem, with what the boards listed each round.
        (work / f"channel{number}.json").write_text(json.dumps(receiver.messages, indent=1))
        found = events(receiver.messages)
        missing = sorted(r for r in must if ("New", r) not in found)
        repeated = sorted(r for (kind, r), n in found.items() if kind == "New" and n > 1)
        false = sorted(
            f"{kind}: {r}"
            for kind, r in found
            if kind in ("Closed", "Reopened") and r not in world.ever_removed
        )
        print(f"channel {number}: alerts {dict(Counter(kind for kind, _ in found.elements()))}")
        print(f"  not announced: {missing}; 'new' more than once: {repeated}")
        print(f"  closed/reopened never taken down: {false}")
        failed = failed or bool(missing or repeated or false)
    print(f"deliveries not sent at the end: {unsent}")
    failed = failed or bool(unsent)
    tracebacks = (work / "daemon.log").read_text().count("Traceback")
    print(f"tracebacks in the daemon's log: {tracebacks}")
    return 1 if failed or tracebacks else 0


ENV = "SECONDCHANCE_TEST_POSTGRES"

if __name__ == "__main__":
    sys.exit(main())
