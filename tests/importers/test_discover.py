"""discover: recognising board URLs, scanning pages, verifying, writing TOML.

Pages are synthetic embeds (tests/fixtures/discover/synthetic-*.html) and real
captures (tests/fixtures/html/); verification runs against BoardServer on
127.0.0.1, never the network.
"""

from __future__ import annotations

import json
import stat
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import FIXTURES, BoardServer
from secondchance import config
from secondchance.fetch.client import Fetcher
from secondchance.importers.discover import (
    Candidate,
    add_to_watchlist,
    discover,
    recognise,
    scan_page,
    snippet,
)

PAGES = FIXTURES / "discover"
EXAMPLE = Path(__file__).parents[2] / "config.example.toml"
GH_JOBS = (FIXTURES / "greenhouse" / "anthropic-jobs-content-true-4.json").read_bytes()
LEVER_JOBS = (FIXTURES / "lever" / "spotify-postings-4.json").read_bytes()


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def found(candidates: list[Candidate]) -> set[tuple[str, str]]:
    return {(c.kind, json.dumps(c.value, sort_keys=True)) for c in candidates}


# --- recognise --------------------------------------------------------------

EXACT = [
    ("https://boards.greenhouse.io/acme", "greenhouse", "acme"),
    ("https://boards.greenhouse.io/acme/jobs/4012345?gh_src=abc", "greenhouse", "acme"),
    ("https://job-boards.greenhouse.io/acme/jobs/123", "greenhouse", "acme"),
    ("https://job-boards.eu.greenhouse.io/acme", "greenhouse", "acme"),
    ("https://boards.greenhouse.io/embed/job_board?for=acme", "greenhouse", "acme"),
    ("boards.greenhouse.io/acme", "greenhouse", "acme"),
    ("https://jobs.lever.co/acme", "lever", "acme"),
    ("https://jobs.lever.co/acme/0b6d2a4e-1111-2222-3333-444455556666/apply", "lever", "acme"),
    ("https://jobs.eu.lever.co/acme/0b6d2a4e-1111", "lever", {"site": "acme", "region": "eu"}),
]


@pytest.mark.parametrize(("url", "kind", "value"), EXACT, ids=[row[0] for row in EXACT])
def test_recognise_greenhouse_and_lever_exactly(url: str, kind: str, value: object) -> None:
    [candidate] = recognise(url)
    assert (candidate.kind, candidate.value, candidate.how) == (kind, value, "URL")
    assert candidate.postings is None and candidate.error is None


# Sources written elsewhere: only the kind and the slug in the value are asserted.
NAMED = [
    ("https://jobs.ashbyhq.com/acme", "ashby", ["acme"]),
    ("https://jobs.ashbyhq.com/acme/5f0c1a2b-aaaa-bbbb/application", "ashby", ["acme"]),
    ("https://apply.workable.com/acme/", "workable", ["acme"]),
    ("https://apply.workable.com/acme/j/AB12CD34EF/", "workable", ["acme"]),
    ("https://careers.smartrecruiters.com/Acme1", "smartrecruiters", ["acme1"]),
    ("https://careers.smartrecruiters.com/Acme1/", "smartrecruiters", ["acme1"]),
    ("https://acme.wd5.myworkdayjobs.com/External", "workday", ["acme", "external"]),
    (
        "https://acme.wd1.myworkdayjobs.com/en-US/External/job/Berlin/Engineer_R-123",
        "workday",
        ["acme", "external"],
    ),
    ("https://acme.wd3.myworkdayjobs.com/de-DE/Careers", "workday", ["acme", "careers"]),
    ("https://acme.recruitee.com", "recruitee", ["acme"]),
    ("https://acme.recruitee.com/o/senior-engineer", "recruitee", ["acme"]),
    ("https://acme.jobs.personio.de", "personio", ["acme"]),
    ("https://acme.jobs.personio.de/job/123456?language=en", "personio", ["acme"]),
    ("https://acme.bamboohr.com/careers", "bamboohr", ["acme"]),
    ("https://acme.bamboohr.com/careers/42", "bamboohr", ["acme"]),
    ("https://acme.teamtailor.com", "teamtailor", ["acme"]),
    ("https://acme.teamtailor.com/jobs/123-engineer", "teamtailor", ["acme"]),
]


@pytest.mark.parametrize(("url", "kind", "slugs"), NAMED, ids=[row[0] for row in NAMED])
def test_recognise_other_kinds(url: str, kind: str, slugs: list[str]) -> None:
    candidates = recognise(url)
    assert [c.kind for c in candidates] == [kind]
    text = json.dumps(candidates[0].value).lower()
    assert all(slug in text for slug in slugs)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/careers",
        "https://www.greenhouse.io/",
        "https://boards.greenhouse.io/",
        "https://lever.co/",
        "https://jobs.lever.co/",
        "https://cdn.lever.co/fonts/style.css",
        "https://boards.cdn.greenhouse.io/assets/application.js",
        "mailto:jobs@example.com",
        "",
    ],
)
def test_recognise_nothing_in_unrelated_urls(url: str) -> None:
    assert recognise(url) == []


# --- scan_page --------------------------------------------------------------


def test_scan_greenhouse_embed_script() -> None:
    [candidate] = scan_page(page("synthetic-greenhouse-embed.html"), "https://acme.example/careers")
    assert (candidate.kind, candidate.value) == ("greenhouse", "acme")
    assert candidate.how == "embed script"


def test_scan_grnhse_app_filled_by_an_inline_loader() -> None:
    candidates = scan_page(page("synthetic-greenhouse-inline-loader.html"), "https://x.example/")
    assert found(candidates) == {("greenhouse", '"inline-co"')}


def test_scan_lever_jobs_options() -> None:
    [candidate] = scan_page(page("synthetic-lever-embed.html"), "https://lever.example/jobs")
    assert (candidate.kind, candidate.value) == ("lever", "leverco")
    assert "leverJobsOptions" in candidate.how
    [json_style] = scan_page(page("synthetic-lever-embed-json.html"), "https://x.example/")
    assert (json_style.kind, json_style.value) == ("lever", "json-co")


def test_scan_ashby_embed() -> None:
    candidates = scan_page(page("synthetic-ashby-embed.html"), "https://ashby.example/careers")
    assert [c.kind for c in candidates] == ["ashby"]
    assert "ashbyco" in json.dumps(candidates[0].value)


def test_scan_iframes() -> None:
    candidates = scan_page(page("synthetic-iframe.html"), "https://frame.example/careers")
    assert found(candidates) == {
        ("greenhouse", '"frameco"'),
        ("lever", json.dumps({"region": "eu", "site": "frameco-eu"}, sort_keys=True)),
    }
    assert {c.how for c in candidates} == {"iframe"}


def test_scan_jsonld_only_page_offers_the_page_itself() -> None:
    url = "https://plain.example/careers"
    [candidate] = scan_page(page("synthetic-jsonld-only.html"), url)
    assert (candidate.kind, candidate.value, candidate.how) == ("jsonld", url, "JSON-LD")


def test_scan_page_without_a_board() -> None:
    assert scan_page(page("synthetic-no-board.html"), "https://x.example/careers") == []


def test_scan_real_greenhouse_hosted_board() -> None:
    body = (FIXTURES / "html" / "greenhouse-hosted-affirm-board-69-jobs.html").read_bytes()
    # As captured: the relative job links resolve to the board.
    hosted = scan_page(body, "https://boards.greenhouse.io/affirm")
    assert found(hosted) == {("greenhouse", '"affirm"')}
    # Saved elsewhere: og:url still names the board.
    saved = scan_page(body, "https://mirror.example/affirm.html")
    assert found(saved) == {("greenhouse", '"affirm"')}


def test_scan_real_lever_hosted_board() -> None:
    body = (FIXTURES / "html" / "lever-hosted-vectara-5-postings.html").read_bytes()
    candidates = scan_page(body, "https://vectara.example/careers")
    assert found(candidates) == {("lever", '"vectara"')}
    assert candidates[0].how == "link"


# --- discover ---------------------------------------------------------------


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    client = Fetcher(timeout=5, retries=0)
    yield client
    await client.aclose()


def endpoints_of(boards: BoardServer) -> dict[str, str]:
    return {"greenhouse": boards.url, "lever": boards.url, "lever_eu": boards.url}


async def test_discover_verifies_an_embedded_greenhouse_board(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/careers", page("synthetic-greenhouse-embed.html"), content_type="text/html")
    boards.set("/v1/boards/acme/jobs", GH_JOBS)
    result = await discover(
        f"{boards.url}/careers", fetcher=fetcher, endpoints=endpoints_of(boards)
    )
    assert result.fetched and result.note is None
    [candidate] = result.candidates
    assert (candidate.kind, candidate.value, candidate.postings, candidate.error) == (
        "greenhouse",
        "acme",
        4,
        None,
    )
    assert boards.hits == {"/careers": 1, "/v1/boards/acme/jobs": 1}


async def test_discover_lever_embed(boards: BoardServer, fetcher: Fetcher) -> None:
    boards.set("/jobs", page("synthetic-lever-embed.html"), content_type="text/html")
    boards.set("/v0/postings/leverco", LEVER_JOBS)
    result = await discover(f"{boards.url}/jobs", fetcher=fetcher, endpoints=endpoints_of(boards))
    assert [(c.kind, c.value, c.postings) for c in result.candidates] == [("lever", "leverco", 4)]


async def test_discover_board_that_404s_has_an_error(boards: BoardServer, fetcher: Fetcher) -> None:
    boards.set("/careers", page("synthetic-iframe.html"), content_type="text/html")
    boards.set("/v1/boards/frameco/jobs", GH_JOBS)  # the Lever board is missing
    result = await discover(
        f"{boards.url}/careers", fetcher=fetcher, endpoints=endpoints_of(boards)
    )
    by_kind = {c.kind: c for c in result.candidates}
    assert by_kind["greenhouse"].postings == 4
    assert by_kind["lever"].postings is None
    assert "not found" in (by_kind["lever"].error or "")
    assert result.note is None
    assert tomllib.loads(snippet(None, result.candidates))["company"] == [
        {"name": "Frameco", "greenhouse": "frameco"}
    ]


async def test_discover_recognised_url_is_not_fetched_as_a_page(
    boards: BoardServer, fetcher: Fetcher
) -> None:
    boards.set("/v1/boards/acme/jobs", GH_JOBS)
    result = await discover(
        "boards.greenhouse.io/acme/jobs/1", fetcher=fetcher, endpoints=endpoints_of(boards)
    )
    assert result.target == "https://boards.greenhouse.io/acme/jobs/1"
    assert not result.fetched
    assert [(c.kind, c.postings) for c in result.candidates] == [("greenhouse", 4)]
    assert list(boards.hits) == ["/v1/boards/acme/jobs"]


async def test_discover_jsonld_page_is_verified(boards: BoardServer, fetcher: Fetcher) -> None:
    boards.set("/careers", page("synthetic-jsonld-only.html"), content_type="text/html")
    result = await discover(f"{boards.url}/careers", fetcher=fetcher)
    [candidate] = result.candidates
    assert candidate.value == f"{boards.url}/careers"
    assert (candidate.postings, candidate.error) == (2, None)


async def test_discover_page_without_board_says_so(boards: BoardServer, fetcher: Fetcher) -> None:
    boards.set("/careers", page("synthetic-no-board.html"), content_type="text/html")
    result = await discover(f"{boards.url}/careers", fetcher=fetcher)
    assert result.fetched and result.candidates == ()
    assert result.note and "no job board" in result.note


async def test_discover_fetch_failure_is_a_note(boards: BoardServer, fetcher: Fetcher) -> None:
    result = await discover(f"{boards.url}/gone", fetcher=fetcher)
    assert result.candidates == () and not result.fetched
    assert result.note and "could not fetch" in result.note


async def test_discover_offline_fetches_nothing(boards: BoardServer) -> None:
    boards.set("/careers", page("synthetic-greenhouse-embed.html"), content_type="text/html")
    result = await discover(f"{boards.url}/careers", fetcher=None, offline=True)
    assert result.candidates == () and not result.fetched
    assert result.note and "fetch" in result.note
    recognised = await discover("https://jobs.eu.lever.co/acme", fetcher=None, offline=True)
    assert [(c.kind, c.value, c.postings) for c in recognised.candidates] == [
        ("lever", {"site": "acme", "region": "eu"}, None)
    ]
    assert recognised.note is None
    assert boards.requests == []


async def test_discover_offline_gh_jid_guesses_the_token() -> None:
    result = await discover("www.acme.co.uk/careers?gh_jid=4012345", fetcher=None, offline=True)
    assert [(c.kind, c.value) for c in result.candidates] == [("greenhouse", "acme")]
    assert result.note and "guess" in result.note


# --- snippet ----------------------------------------------------------------


def test_snippet_is_plain_toml() -> None:
    text = snippet("Acme", [Candidate("greenhouse", "acme", "URL")])
    assert text == '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n'


def test_snippet_quotes_and_inline_tables() -> None:
    eu = {"site": "acme", "region": "eu"}
    text = snippet('Acme "Labs" \\ Co', [Candidate("lever", eu, "URL")])
    assert tomllib.loads(text) == {
        "company": [{"name": 'Acme "Labs" \\ Co', "lever": {"site": "acme", "region": "eu"}}]
    }
    assert "lever = {" in text


def test_snippet_guesses_the_name_and_lists_several_boards() -> None:
    text = snippet(
        None,
        [
            Candidate("greenhouse", "acme-corp", "link", postings=3),
            Candidate("greenhouse", "acme-eu", "link", postings=1),
        ],
    )
    assert tomllib.loads(text)["company"] == [
        {"name": "Acme Corp", "greenhouse": ["acme-corp", "acme-eu"]}
    ]


def test_snippet_prefers_what_worked() -> None:
    good = Candidate("greenhouse", "acme", "link", postings=5)
    broken = Candidate("lever", "acme", "link", error="not found")
    page_kind = Candidate("jsonld", "https://acme.example/jobs", "JSON-LD", postings=5)
    assert tomllib.loads(snippet("A", [broken, good, page_kind]))["company"][0] == {
        "name": "A",
        "greenhouse": "acme",
    }
    # Nothing worked: everything is shown, errors included.
    both = tomllib.loads(snippet("A", [broken, Candidate("greenhouse", "x", "link", error="e")]))
    assert set(both["company"][0]) == {"name", "lever", "greenhouse"}
    assert snippet("A", []) == ""


def test_snippet_is_accepted_by_config_load(tmp_path: Path) -> None:
    watchlist = tmp_path / "watchlist.toml"
    candidates = [
        Candidate("greenhouse", "acme", "URL"),
        Candidate("lever", {"site": "acme", "region": "eu"}, "URL"),
        Candidate("careers", "https://acme.example/careers", "JSON-LD"),
    ]
    watchlist.write_text(snippet("Acme", candidates))
    [company] = config.load(watchlist).companies
    assert {spec.label for spec in company.boards} == {
        "greenhouse:acme",
        "lever:eu/acme",
        "careers:https://acme.example/careers",
    }


# --- add_to_watchlist -------------------------------------------------------


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(EXAMPLE.read_text())
    path.chmod(0o640)
    return path


def test_add_new_company_keeps_the_file_verbatim(watchlist: Path) -> None:
    original = watchlist.read_text()
    summary = add_to_watchlist(watchlist, "Acme", [Candidate("greenhouse", "acme", "URL")])
    assert "Acme" in summary and "added" in summary
    text = watchlist.read_text()
    assert text.startswith(original)
    assert text.endswith('\n\n[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')
    assert config.load(watchlist).company("Acme") is not None
    assert stat.S_IMODE(watchlist.stat().st_mode) == 0o640
    assert sorted(p.name for p in watchlist.parent.iterdir()) == ["watchlist.toml"]


def test_add_new_company_to_a_file_without_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[[company]]\nname = "A"\ngreenhouse = "a"')
    add_to_watchlist(path, "B", [Candidate("lever", "b", "URL")])
    assert path.read_text() == (
        '[[company]]\nname = "A"\ngreenhouse = "a"\n\n[[company]]\nname = "B"\nlever = "b"\n'
    )


def test_add_board_to_an_existing_company(watchlist: Path) -> None:
    original = watchlist.read_text()
    summary = add_to_watchlist(watchlist, "spotify", [Candidate("greenhouse", "spotify", "URL")])
    assert "'Spotify'" in summary
    text = watchlist.read_text()
    assert text.replace('lever = "spotify"\ngreenhouse = "spotify"\n', 'lever = "spotify"\n') == (
        original
    )
    [spotify] = [c for c in config.load(watchlist).companies if c.name == "Spotify"]
    assert {b.label for b in spotify.boards} == {"lever:spotify", "greenhouse:spotify"}


def test_add_other_value_of_an_existing_kind_makes_a_list(watchlist: Path) -> None:
    add_to_watchlist(watchlist, "Anthropic", [Candidate("greenhouse", "anthropic-eu", "link")])
    assert 'greenhouse = ["anthropic", "anthropic-eu"]' in watchlist.read_text()
    assert "# Try a board before relying on it" in watchlist.read_text()
    company = config.load(watchlist).company("Anthropic")
    assert company is not None and len(company.boards) == 2


def test_add_same_board_changes_nothing(watchlist: Path, tmp_path: Path) -> None:
    before = watchlist.read_text()
    summary = add_to_watchlist(watchlist, "ANTHROPIC", [Candidate("greenhouse", "anthropic", "")])
    assert "nothing changed" in summary
    assert watchlist.read_text() == before
    # The same board spelled differently (companion key vs inline table) is the same board.
    path = tmp_path / "eu.toml"
    path.write_text('[[company]]\nname = "Acme"\nlever = "acme"\nlever_region = "eu"\n')
    eu = Candidate("lever", {"site": "acme", "region": "eu"}, "URL")
    assert "nothing changed" in add_to_watchlist(path, "acme", [eu])


def test_add_refuses_an_invalid_result(watchlist: Path) -> None:
    before = watchlist.read_text()
    with pytest.raises(config.ConfigError) as caught:
        add_to_watchlist(watchlist, "Bad", [Candidate("greenhouse", "no spaces allowed", "URL")])
    assert str(watchlist) in str(caught.value)
    assert watchlist.read_text() == before
    assert sorted(p.name for p in watchlist.parent.iterdir()) == ["watchlist.toml"]


def test_add_refuses_when_the_file_is_already_broken(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[settings]\nintervall = "1h"\n')
    with pytest.raises(config.ConfigError):
        add_to_watchlist(path, "Acme", [Candidate("greenhouse", "acme", "URL")])
    assert path.read_text() == '[settings]\nintervall = "1h"\n'
    path.write_text("[[company]\n")
    with pytest.raises(config.ConfigError):
        add_to_watchlist(path, "Acme", [Candidate("greenhouse", "acme", "URL")])
