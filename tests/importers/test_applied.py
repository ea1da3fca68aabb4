"""An imported application matched to the posting it was for (importers/applied.py):
by its link, else its title, only when one posting answers, open ones first; and
which applications an import offers for marking at all (importers/merge.py)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta, timezone

from secondchance.core.models import Posting, SourceRef
from secondchance.importers.applied import link_key, marked_at, match, match_all
from secondchance.importers.found import Board, Found
from secondchance.importers.known import read_known
from secondchance.importers.merge import Application, plan
from secondchance.storage.queries import StoredPosting

SEEN = datetime(2026, 11, 1, tzinfo=UTC)
GH = SourceRef("Acme", "greenhouse", "acme")
LEVER = SourceRef("Acme", "lever", "acme")


def stored(
    posting_id: str,
    title: str,
    url: str | None = None,
    status: str = "open",
    ref: SourceRef = GH,
) -> StoredPosting:
    closed = SEEN + timedelta(days=3) if status == "closed" else None
    return StoredPosting("Acme", ref, Posting(posting_id, title, url), status, SEEN, SEEN, closed)


def applied(role: str | None, url: str | None = None, date: dt.date | None = None) -> Application:
    return Application("Acme", Found("Acme", role, date, status="applied", url=url))


def test_the_link_finds_the_posting_whatever_its_spelling() -> None:
    postings = [
        stored("1", "Data Analyst", "https://boards.greenhouse.io/acme/jobs/1"),
        stored("2", "Data Analyst", "https://boards.greenhouse.io/acme/jobs/2"),
    ]
    link = "http://WWW.boards.greenhouse.io/acme/jobs/2/?utm_source=linkedin#apply"
    verdict = match(applied("Data Analyst", link), postings)
    assert verdict.posting is postings[1] and verdict.by == "link"
    # The same two titles: by the title alone it would be ambiguous.
    assert match(applied("Data Analyst"), postings).ambiguous


def test_a_link_no_posting_carries_falls_back_to_the_title() -> None:
    """LinkedIn's Job Url points at LinkedIn, never at the board."""
    postings = [stored("1", "Data Analyst", "https://boards.greenhouse.io/acme/jobs/1")]
    verdict = match(applied("data  analyst", "https://www.linkedin.com/jobs/view/99"), postings)
    assert verdict.posting is postings[0] and verdict.by == "title"


def test_the_title_then_the_role_as_role_backs_compare_it() -> None:
    postings = [
        stored("1", "Senior Data Analyst (m/w/d) - Remote"),
        stored("2", "Product Designer"),
    ]
    verdict = match(applied("Data Analyst"), postings)
    assert verdict.posting is postings[0] and verdict.by == "role"
    assert match(applied("Product Designer"), postings).by == "title"
    # Alike is not enough: another role is no match.
    assert match(applied("Data Engineer"), postings).posting is None
    assert not match(applied("Data Engineer"), postings).ambiguous


def test_two_postings_equally_alike_are_no_match() -> None:
    postings = [stored("1", "Backend Engineer"), stored("2", "Backend Engineer", ref=LEVER)]
    verdict = match(applied("Backend Engineer"), postings)
    assert verdict.posting is None and verdict.ambiguous and verdict.alike == 2
    # The strict title decides before the looser role key: one exact title wins.
    postings = [stored("1", "Backend Engineer"), stored("2", "Senior Backend Engineer")]
    assert match(applied("Backend Engineer"), postings).posting is postings[0]


def test_an_open_posting_is_preferred_to_closed_ones_and_two_closed_are_ambiguous() -> None:
    reposted = [
        stored("1", "Data Analyst", status="closed"),
        stored("2", "Data Analyst", status="closed"),
        stored("3", "Data Analyst"),
    ]
    assert match(applied("Data Analyst"), reposted).posting is reposted[2]
    closed = reposted[:2]
    assert match(applied("Data Analyst"), closed).ambiguous
    # A closed posting alone is the one applied for (its closing is still told).
    only = [stored("1", "Data Analyst", status="closed")]
    assert match(applied("Data Analyst"), only).posting is only[0]
    # Two open ones stay ambiguous, whatever closed ones there are.
    two_open = [*reposted, stored("4", "Data Analyst", ref=LEVER)]
    assert match(applied("Data Analyst"), two_open).ambiguous


def test_a_posting_published_after_the_application_or_closed_before_is_not_it() -> None:
    """A role posted again years later is another posting; by its link it is still it."""
    later = Posting("2", "Data Analyst", "https://x.test/2", posted_at=SEEN)
    postings = [StoredPosting("Acme", GH, later, "open", SEEN, SEEN, None)]
    assert match(applied("Data Analyst", date=dt.date(2024, 3, 1)), postings).posting is None
    assert match(applied("Data Analyst", date=SEEN.date()), postings).posting is postings[0]
    by_link = applied("Data Analyst", "https://x.test/2", dt.date(2024, 3, 1))
    assert match(by_link, postings).by == "link"
    # Closed on 4 November: an application of the 20th was for another one.
    closed = [stored("1", "Data Analyst", status="closed")]
    assert match(applied("Data Analyst", date=dt.date(2026, 11, 20)), closed).posting is None
    assert match(applied("Data Analyst", date=dt.date(2026, 11, 5)), closed).posting is closed[0]
    # Of two closed ones, the one it can have been is the only one: no ambiguity.
    gone_later = Posting("5", "Data Analyst")
    month = SEEN + timedelta(days=30)
    both = [*closed, StoredPosting("Acme", LEVER, gone_later, "closed", SEEN, SEEN, month)]
    assert match(applied("Data Analyst"), both).ambiguous
    assert match(applied("Data Analyst", date=dt.date(2026, 11, 20)), both).posting is both[1]


def test_no_role_and_no_link_match_nothing() -> None:
    postings = [stored("1", "Data Analyst")]
    assert match(applied(None), postings).posting is None
    assert match(applied(None, "javascript:alert(1)"), postings).posting is None


def test_one_posting_found_twice_goes_to_the_earlier_application() -> None:
    postings = {"Acme": [stored("1", "Data Analyst")], "Globex": [stored("9", "Data Analyst")]}
    later = applied("Data Analyst", date=dt.date(2026, 11, 20))
    earlier = applied("Data Analyst", date=dt.date(2026, 11, 2))
    elsewhere = Application("Nowhere", Found("Nowhere", "Data Analyst", None, status="applied"))
    first, second, third = match_all([later, earlier, elsewhere], postings)
    assert first.application is earlier and first.posting is postings["Acme"][0]
    assert second.application is later and second.posting is None and not second.ambiguous
    assert third.posting is None  # a company with nothing stored


def test_link_keys() -> None:
    assert link_key("https://jobs.lever.co/acme/abc/") == "jobs.lever.co/acme/abc"
    assert link_key("https://x.test/jobs?gh_jid=7&utm_medium=x&ref=y") == "x.test/jobs?gh_jid=7"
    assert link_key("https://x.test/jobs?b=2&a=1") == link_key("https://x.test/jobs?a=1&b=2")
    assert link_key("ftp://x.test/1") is None and link_key("not a link") is None
    assert link_key(None) is None and link_key("http://[::1") is None


def test_the_mark_is_dated_with_the_application() -> None:
    now = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    berlin = timezone(timedelta(hours=1))
    assert marked_at(dt.date(2026, 11, 20), berlin, now) == datetime(
        2026, 11, 19, 23, 0, tzinfo=UTC
    )
    assert marked_at(None, UTC, now) == now
    assert marked_at(dt.date(2027, 1, 1), UTC, now) == now  # never in the future


WATCHLIST = """
[[company]]
name = "Acme Inc"
greenhouse = "acme"
rejection = [{ role = "Data Analyst", date = 2026-01-02 }]

# [[company]]
# name = "Hooli"
"""


def test_the_applications_offered_for_marking() -> None:
    known = read_known(WATCHLIST)
    found = [
        # Under the watched company, as the watchlist names it.
        Found("ACME", "Product Designer", dt.date(2026, 11, 2), status="applied"),
        # Answered by the watchlist's rejection, even spelled otherwise: never marked.
        Found("Acme", "Data Analyst (m/f/d)", dt.date(2026, 11, 3), status="applied"),
        # Answered by a rejection in the same import.
        Found("Acme", "Backend Engineer", dt.date(2026, 11, 4), status="applied"),
        Found("Acme", "Backend Engineer", dt.date(2026, 11, 30)),
        # A company commented out, and one not in the watchlist: nothing watched.
        Found("Hooli", "Designer", dt.date(2026, 11, 5), status="applied"),
        Found("Globex", "Designer", dt.date(2026, 11, 5), status="applied"),
    ]
    proposal = plan(found, known)
    assert [(a.company, a.found.role) for a in proposal.applications] == [
        ("Acme Inc", "Product Designer")
    ]
    # Recorded already (commented out by an earlier import): no entry to add, but the
    # application is still offered, so a database polled since can have it marked.
    again = plan(found, read_known(_written(proposal)))
    assert not any(e.found.status == "applied" for e in again.entries())
    assert [a.found.role for a in again.applications] == ["Product Designer"]


def test_a_new_company_written_live_is_watched_with_its_applications() -> None:
    board = Board("lever", "globex")
    found = [
        Found("Globex", "Analyst", dt.date(2026, 11, 1), board=board),
        Found("Globex", "Designer", dt.date(2026, 11, 5), status="applied", board=board),
    ]
    assert [a.company for a in plan(found).applications] == ["Globex"]
    # Without a board it is written commented out: not watched.
    assert plan([Found("Globex", "Designer", None, status="applied")]).applications == []


def _written(proposal: object) -> str:
    from secondchance.importers.apply import apply
    from secondchance.importers.merge import Proposal

    assert isinstance(proposal, Proposal)
    text = apply(WATCHLIST, proposal, read_known(WATCHLIST))
    assert '# role = "Product Designer"' in text
    return text
