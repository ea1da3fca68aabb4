"""Deterministic synthetic job boards in the Greenhouse, Lever and Ashby formats.

A board is a list of (sequence number, title revision) entries; every other field
of a posting is derived from (seed, board, sequence), so a board of 3,000 postings
costs a few kilobytes until it is rendered. ``advance`` applies one round of
changes (postings added, removed, retitled) to a seeded fifth of the boards.
"""

from __future__ import annotations

import hashlib
import html
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

KINDS = ("greenhouse", "lever", "ashby")
LEVER_PAGE = 100  # what secondchance asks Lever for (limit=100)
_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

_LEVELS = ("", "Senior", "Staff", "Principal", "Lead", "Junior", "Associate", "Head of")
_ROLES = (
    "Software Engineer",
    "Backend Engineer",
    "Frontend Engineer",
    "Data Scientist",
    "Data Engineer",
    "Machine Learning Engineer",
    "Product Manager",
    "Product Designer",
    "Account Executive",
    "Site Reliability Engineer",
    "Security Engineer",
    "Marketing Manager",
    "Paid Search Marketing Manager",
    "Recruiter",
    "Financial Analyst",
    "Customer Success Manager",
    "Solutions Architect",
    "Technical Writer",
    "Sales Development Representative",
    "Engineering Manager",
)
_TEAMS = (
    "Payments",
    "Platform",
    "Growth",
    "Infrastructure",
    "Identity",
    "Mobile",
    "Analytics",
    "Enterprise",
    "Developer Experience",
    "Risk",
    "Search",
    "Billing",
)
_DEPARTMENTS = (
    "Engineering",
    "Product",
    "Design",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Operations",
    "Customer Success",
    "Security",
)
_CITIES = (
    ("San Francisco, CA", "San Francisco", "California", "USA"),
    ("New York, NY", "New York", "New York", "USA"),
    ("Austin, TX", "Austin", "Texas", "USA"),
    ("Seattle, WA", "Seattle", "Washington", "USA"),
    ("Chicago, IL", "Chicago", "Illinois", "USA"),
    ("Toronto, Canada", "Toronto", "Ontario", "Canada"),
    ("London, United Kingdom", "London", "England", "United Kingdom"),
    ("Dublin, Ireland", "Dublin", "Leinster", "Ireland"),
    ("Berlin, Germany", "Berlin", "Berlin", "Germany"),
    ("Munich, Germany", "Munich", "Bavaria", "Germany"),
    ("Amsterdam, Netherlands", "Amsterdam", "North Holland", "Netherlands"),
    ("Paris, France", "Paris", "Ile-de-France", "France"),
    ("Stockholm, Sweden", "Stockholm", "Stockholm", "Sweden"),
    ("Warsaw, Poland", "Warsaw", "Masovia", "Poland"),
    ("Singapore", "Singapore", "Singapore", "Singapore"),
    ("Sydney, Australia", "Sydney", "New South Wales", "Australia"),
    ("Tokyo, Japan", "Tokyo", "Tokyo", "Japan"),
    ("Remote - US", "", "", "USA"),
    ("Remote - Europe", "", "", ""),
)
_WORKPLACES = (("Remote", "remote"), ("Hybrid", "hybrid"), ("On-site", "onsite"))
_COMMITMENTS = (("Full-time", "FullTime"), ("Part-time", "PartTime"), ("Contract", "Contract"))
_VOCABULARY = (
    "build ship scale design own lead mentor improve measure partner customers teams systems "
    "product platform data reliable secure fast global users growth quality review deploy "
    "services distributed infrastructure experience strategy roadmap metrics analytics "
    "collaborate cross-functional stakeholders launch iterate research insight pipeline "
    "models training inference latency throughput observability incident on-call budget "
    "forecast revenue pipeline accounts enterprise onboarding retention churn adoption "
    "campaign brand content channel funnel conversion experiment hypothesis roadmap vision "
    "hiring culture inclusive benefits equity salary flexible remote hybrid office travel "
    "python go rust typescript kubernetes postgres kafka terraform aws gcp react swift kotlin "
    "years experience strong communication ownership curiosity ambiguity impact mission "
    "we you our the and with across every team will help make sure customer-facing partners "
    "operate reliability compliance regulators audit controls treasury ledger reconciliation "
    "designers engineers scientists marketers recruiters analysts managers leaders founders "
    "accessibility localization internationalization performance testing automation tooling "
    "documentation architecture migrations databases caching queues streaming batch realtime "
    "dashboards warehouse modeling forecasting pricing packaging negotiation contracts renewals "
    "mentorship feedback career ladder promotion wellness parental leave learning stipend"
)
_WORDS = _VOCABULARY.split()
_HEADINGS = ("About the role", "What you'll do", "What we're looking for", "Nice to have")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _paragraph_pool(size: int = 1200) -> list[tuple[str, str]]:
    """(html, plain) paragraphs, some as bullet lists, about 150-900 bytes each."""
    rng = random.Random(20260105)
    pool = []
    for _ in range(size):
        sentences = [_sentence(rng) for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.4:
            items = "".join(f"<li>{s}</li>" for s in sentences)
            pool.append((f"<ul>{items}</ul>", "\n".join(f"- {s}" for s in sentences)))
        else:
            pool.append((f"<p>{' '.join(sentences)}</p>", " ".join(sentences)))
    return pool


_POOL = _paragraph_pool()


@dataclass(slots=True)
class Board:
    index: int
    kind: str
    token: str
    company: str
    # [sequence number, title revision] of each open posting, in board order.
    entries: list[list[int]]
    next_seq: int
    modified: datetime
    # Company boilerplate repeated in every posting, as real boards do.
    intro: tuple[str, str] = field(default=("", ""))
    outro: tuple[str, str] = field(default=("", ""))


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    return round(math.exp(rng.uniform(math.log(low), math.log(high))))


def board_size(rng: random.Random) -> int:
    """Mostly 5-150 postings (log-uniform: small boards dominate), 3 % 500-3,000."""
    if rng.random() < 0.03:
        return _log_uniform(rng, 500, 3000)
    return _log_uniform(rng, 5, 150)


def make_boards(count: int, seed: int) -> list[Board]:
    boards = []
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        size = board_size(rng)
        company = f"Bench Co {index:05d}"
        intro = _boilerplate(rng, f"About {company}")
        outro = _boilerplate(rng, "Benefits and equal opportunity")
        boards.append(
            Board(
                index=index,
                kind=KINDS[index % len(KINDS)],
                token=f"bench{index:05d}",
                company=company,
                entries=[[seq, 0] for seq in range(size)],
                next_seq=size,
                modified=_EPOCH,
                intro=intro,
                outro=outro,
            )
        )
    return boards


def _boilerplate(rng: random.Random, heading: str) -> tuple[str, str]:
    parts = [rng.choice(_POOL) for _ in range(2)]
    html_text = f"<h2>{heading}</h2>" + "".join(p[0] for p in parts)
    plain = heading + "\n" + "\n".join(p[1] for p in parts)
    return html_text, plain


def advance(boards: list[Board], seed: int, round_no: int, at: datetime) -> list[int]:
    """One round: a seeded fifth of the boards add, remove and retitle a few postings."""
    rng = random.Random(f"{seed}:round:{round_no}")
    changed = sorted(rng.sample(range(len(boards)), max(1, len(boards) // 5)))
    for index in changed:
        board = boards[index]
        for entry in rng.sample(board.entries, min(len(board.entries), rng.randint(1, 2))):
            entry[1] += 1  # retitled
        for _ in range(min(len(board.entries) - 1, rng.randint(0, 2))):
            board.entries.pop(rng.randrange(len(board.entries)))  # removed
        for _ in range(rng.randint(1, 3)):
            board.entries.insert(rng.randint(0, len(board.entries)), [board.next_seq, 0])
            board.next_seq += 1  # added
        board.modified = at
    return changed


# -- one posting ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """The kind-independent fields of one posting."""

    title: str
    department: str
    team: str
    cities: tuple[tuple[str, str, str, str], ...]
    workplace: tuple[str, str]
    commitment: tuple[str, str]
    created: datetime
    updated: datetime
    body_html: str
    body_plain: str
    bullets: tuple[tuple[str, str], ...]


def facts(board: Board, seq: int, rev: int, seed: int) -> Facts:
    rng = random.Random((seed * 1_000_003 + board.index) * 100_003 + seq)
    level = rng.randrange(len(_LEVELS))
    role = rng.choice(_ROLES)
    team = rng.choice(_TEAMS)
    title = f"{_LEVELS[(level + rev) % len(_LEVELS)]} {role}, {team}".strip()
    cities = tuple(rng.sample(_CITIES, rng.choice((1, 1, 1, 2, 3))))
    created = _EPOCH - timedelta(days=rng.randint(0, 300), seconds=rng.randint(0, 86_399))
    target = rng.randint(1000, 6000) - len(board.intro[0]) - len(board.outro[0])
    htmls, plains = [board.intro[0]], [board.intro[1]]
    size = 0
    for heading in _HEADINGS:
        htmls.append(f"<h3>{heading}</h3>")
        plains.append(heading)
        paragraph = rng.choice(_POOL)
        htmls.append(paragraph[0])
        plains.append(paragraph[1])
        size += len(paragraph[0]) + len(heading) + 9
        if size >= target:
            break
    while size < target:
        paragraph = rng.choice(_POOL)
        htmls.append(paragraph[0])
        plains.append(paragraph[1])
        size += len(paragraph[0])
    htmls.append(board.outro[0])
    plains.append(board.outro[1])
    return Facts(
        title=title,
        department=rng.choice(_DEPARTMENTS),
        team=team,
        cities=cities,
        workplace=rng.choice(_WORKPLACES),
        commitment=rng.choice(_COMMITMENTS),
        created=created,
        updated=created + timedelta(days=rev, hours=rng.randint(0, 48)),
        body_html="".join(htmls),
        body_plain="\n\n".join(plains),
        bullets=tuple(rng.sample(_POOL, 2)),
    )


def _uuid(seed: int, board: Board, seq: int) -> str:
    h = hashlib.md5(f"{seed}:{board.index}:{seq}".encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def greenhouse_job(board: Board, seq: int, rev: int, seed: int, content: bool) -> dict[str, Any]:
    f = facts(board, seq, rev, seed)
    job_id = 4_000_000_000 + board.index * 100_000 + seq
    offices: list[dict[str, Any]] = [
        {
            "id": 4_050_000_000 + i,
            "name": c[0],
            "location": c[0],
            "child_ids": [],
            "parent_id": None,
        }
        for i, c in enumerate(f.cities)
    ]
    job: dict[str, Any] = {
        "absolute_url": f"https://job-boards.greenhouse.io/{board.token}/jobs/{job_id}",
        "data_compliance": [{"type": "gdpr", "requires_consent": False, "retention_period": None}],
        "internal_job_id": job_id - 800_000_000,
        "location": {"name": " | ".join(c[0] for c in f.cities)},
        "metadata": [
            {
                "id": 4_036_944_008,
                "name": "Location Type",
                "value": f.workplace[0],
                "value_type": "single_select",
            }
        ],
        "id": job_id,
        "updated_at": _iso(f.updated),
        "requisition_id": str(100_000 + seq),
        "title": f.title,
        "company_name": board.company,
        "first_published": _iso(f.created),
        "language": "en",
    }
    if content:
        job["content"] = html.escape(f.body_html)
        job["departments"] = [
            {"id": 4_002_000_000, "name": f.department, "child_ids": [], "parent_id": None}
        ]
        job["offices"] = offices
    return job


def lever_posting(board: Board, seq: int, rev: int, seed: int) -> dict[str, Any]:
    f = facts(board, seq, rev, seed)
    pid = _uuid(seed, board, seq)
    url = f"https://jobs.lever.co/{board.token}/{pid}"
    return {
        "additionalPlain": board.outro[1],
        "additional": board.outro[0],
        "categories": {
            "commitment": f.commitment[0],
            "department": f.department,
            "location": f.cities[0][0],
            "team": f.team,
            "allLocations": [c[0] for c in f.cities],
        },
        "createdAt": int(f.created.timestamp() * 1000),
        "descriptionPlain": f.body_plain,
        "description": f.body_html,
        "id": pid,
        "lists": [
            {"text": "What You'll Do", "content": f.bullets[0][0]},
            {"text": "Who You Are", "content": f.bullets[1][0]},
        ],
        "text": f.title,
        "country": "US",
        "workplaceType": f.workplace[1],
        "opening": "",
        "openingPlain": "",
        "hostedUrl": url,
        "applyUrl": f"{url}/apply",
    }


def ashby_job(board: Board, seq: int, rev: int, seed: int) -> dict[str, Any]:
    f = facts(board, seq, rev, seed)
    pid = _uuid(seed, board, seq)
    url = f"https://jobs.ashbyhq.com/{board.token}/{pid}"
    places = [
        {
            "location": c[0],
            "address": {
                "postalAddress": {
                    "addressLocality": c[1],
                    "addressRegion": c[2],
                    "addressCountry": c[3],
                }
            },
        }
        for c in f.cities
    ]
    return {
        "id": pid,
        "title": f.title,
        "department": f.department,
        "team": f.team,
        "employmentType": f.commitment[1],
        "location": f.cities[0][0],
        "secondaryLocations": places[1:],
        "publishedAt": f.created.isoformat(timespec="milliseconds"),
        "isListed": True,
        "isRemote": f.workplace[1] == "remote",
        "workplaceType": f.workplace[0].replace("-", ""),
        "address": places[0]["address"],
        "jobUrl": url,
        "applyUrl": f"{url}/application",
        "descriptionHtml": f.body_html,
        "descriptionPlain": f.body_plain,
        "compensation": {
            "compensationTierSummary": "$120K - $180K - Offers Equity",
            "scrapeableCompensationSalarySummary": "$120K - $180K",
        },
    }


# -- whole documents -----------------------------------------------------------------


def greenhouse_document(board: Board, seed: int, *, content: bool = True) -> dict[str, Any]:
    jobs = [greenhouse_job(board, seq, rev, seed, content) for seq, rev in board.entries]
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


def lever_document(board: Board, seed: int, skip: int, limit: int | None) -> list[dict[str, Any]]:
    end = len(board.entries) if limit is None else skip + limit
    return [lever_posting(board, seq, rev, seed) for seq, rev in board.entries[skip:end]]


def ashby_document(board: Board, seed: int) -> dict[str, Any]:
    return {"apiVersion": "1", "jobs": [ashby_job(board, s, r, seed) for s, r in board.entries]}


def poll_paths(board: Board) -> list[str]:
    """Every path+query one complete secondchance poll of this board requests."""
    if board.kind == "greenhouse":
        return [f"/v1/boards/{board.token}/jobs?content=true"]
    if board.kind == "ashby":
        return [f"/posting-api/job-board/{board.token}?includeCompensation=true"]
    # Lever: pages of 100 while the previous one was full (one empty page after
    # a board whose size is a multiple of 100).
    pages = len(board.entries) // LEVER_PAGE + 1
    return [
        f"/v0/postings/{board.token}?mode=json&skip={page * LEVER_PAGE}&limit={LEVER_PAGE}"
        for page in range(pages)
    ]
