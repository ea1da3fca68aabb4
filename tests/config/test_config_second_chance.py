"""The second-chance keys of the watchlist: rejections, filters, notification
routing and the delivery policy, and the ``{path}:{line}: {key.path}: {message}``
line each mistake in them becomes."""

from __future__ import annotations

import datetime as dt
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from watchlists import assert_problem, line_of, only_problem, problems_of, write

from secondchance.config import Config, load
from secondchance.config.model import Target
from secondchance.core.filters import Filter
from secondchance.core.models import Posting

FULL = """
[settings]
role_match = 90

[notify]
urls = [
  "json://127.0.0.1:1/phone?tag=phone,urgent",
  { url = "json://127.0.0.1:1/desk", tags = ["desk"] },
  "json://127.0.0.1:1/all",
]
mode = "digest"
digest_at = ["08:30", "18:00"]
quiet_hours = "22:00-07:00"
timezone = "Europe/Berlin"
urgent = ["role_back", "cooldown_over"]

[filter]
include = ["engineer", "analyst"]
exclude = ["intern"]
locations = ["Berlin", "Remote"]
notify = ["desk"]

[[company]]
name = "Acme"
greenhouse = "acme"

[[company.rejection]]
role = "Paid Search Marketing Manager"
date = 2026-03-01
stage = "final round"
reapply_after = "6 months"
contact = "Dana Lee (recruiter)"
notes = "Liked my campaign case study"

[[company.rejection]]
role = "Data Analyst"
date = 2025-10-15

[company.filter]
include = ["marketing"]
notify = ["phone"]

[[company]]
name = "Globex"
greenhouse = "globex"
"""


@pytest.fixture
def full(tmp_path: Path) -> Config:
    return load(write(tmp_path, FULL))


# --- what a valid watchlist becomes -------------------------------------------------------


def test_rejections_are_read(full: Config) -> None:
    acme = full.companies[0]
    first, second = acme.rejections

    assert first.role == "Paid Search Marketing Manager"
    assert first.date == dt.date(2026, 3, 1)
    assert first.stage == "final round"
    assert first.reapply_after == "6 months"
    # Months are calendar months: the cool-down ends on the same day six months on.
    assert first.cooldown_ends == dt.date(2026, 9, 1)
    assert first.contact == "Dana Lee (recruiter)"
    assert first.notes == "Liked my campaign case study"
    assert (second.role, second.date, second.stage, second.reapply_after) == (
        "Data Analyst",
        dt.date(2025, 10, 15),
        None,
        None,
    )
    assert acme.latest_rejection == first
    assert full.companies[1].rejections == ()


def test_company_filter_overrides_the_global_one_key_by_key(full: Config) -> None:
    acme, globex = full.companies

    assert acme.filter == Filter(
        include=("marketing",), exclude=("intern",), locations=("Berlin", "Remote")
    )
    assert globex.filter == Filter(
        include=("engineer", "analyst"), exclude=("intern",), locations=("Berlin", "Remote")
    )
    assert acme.passes(Posting("1", "Marketing Manager", locations=("Berlin",)))
    assert not acme.passes(Posting("2", "Backend Engineer", locations=("Berlin",)))
    assert not acme.passes(Posting("3", "Marketing Intern", locations=("Berlin",)))
    assert globex.passes(Posting("4", "Backend Engineer", locations=("Berlin",)))
    assert not globex.passes(Posting("5", "Backend Engineer", locations=("Paris",)))


def test_notify_tags_come_from_the_company_else_the_global_filter(full: Config) -> None:
    acme, globex = full.companies

    assert acme.tags == {"phone"}
    assert globex.tags == {"desk"}


def test_url_tags_are_stripped_from_the_url(full: Config) -> None:
    assert full.targets == (
        Target("json://127.0.0.1:1/phone", frozenset({"phone", "urgent"})),
        Target("json://127.0.0.1:1/desk", frozenset({"desk"})),
        Target("json://127.0.0.1:1/all", frozenset()),
    )
    # What is sent to (and masked as) is the URL without the routing query.
    assert "json://127.0.0.1:1/phone" in full.secrets


def test_url_tags_leave_other_query_parameters_alone(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [notify]
        urls = ["json://127.0.0.1:1/x?method=PUT&tags=a, b"]

        [[company]]
        name = "Acme"
        greenhouse = "acme"
        """,
    )

    (target,) = load(path).targets

    assert target == Target("json://127.0.0.1:1/x?method=PUT", frozenset({"a", "b"}))


def test_delivery_policy(full: Config) -> None:
    policy = full.policy

    assert policy.mode == "digest"
    assert policy.digest_at == (time(8, 30), time(18, 0))
    assert policy.quiet == (time(22, 0), time(7, 0))
    assert policy.tz == ZoneInfo("Europe/Berlin")
    assert policy.urgent == {"role_back", "cooldown_over"}


def test_role_match_setting(full: Config) -> None:
    assert full.settings.role_match == 90


def test_defaults_without_second_chance_keys(tmp_path: Path) -> None:
    config = load(write(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n'))
    acme = config.companies[0]

    assert config.policy.mode == "instant"
    assert config.policy.quiet is None
    assert config.policy.urgent == frozenset()
    assert config.settings.role_match == 85.0
    assert acme.rejections == ()
    assert acme.tags == frozenset()
    assert acme.passes(Posting("1", "Anything at all"))


def test_company_can_clear_a_global_filter_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [filter]
        exclude = ["sales"]

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        exclude = []
        """,
    )

    acme = load(path).companies[0]

    assert acme.filter.exclude == ()
    assert acme.passes(Posting("1", "Sales Engineer"))


def test_company_can_clear_the_global_notify_tags(tmp_path: Path) -> None:
    # Company keys override global ones key by key, and an explicit empty list
    # clears a key: this company's alerts go to every URL again.
    path = write(
        tmp_path,
        """
        [notify]
        urls = ["json://127.0.0.1:1/a?tag=phone", "json://127.0.0.1:1/b"]

        [filter]
        notify = ["phone"]

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        notify = []
        """,
    )

    acme = load(path).companies[0]

    assert acme.tags == frozenset()


def test_a_table_url_tag_satisfies_a_company_route(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [notify]
        urls = [{ url = "json://127.0.0.1:1/a", tags = ["phone"] }]

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        notify = ["phone"]
        """,
    )

    assert load(path).companies[0].tags == {"phone"}


# --- mistakes, one line each ------------------------------------------------------------


def test_bad_regex_in_a_company_filter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        include = ["engineer", "re:("]
        """,
    )

    # The term's own path, and the key once (core.filters says "include: ...").
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "re:("),
        "company[0].filter.include[1]",
        "invalid regular expression '('",
    )
    assert "include: " not in only_problem(path)


def test_bad_regex_in_the_global_filter_is_reported_once(tmp_path: Path) -> None:
    # One mistake, one line: not again for every company that inherits it.
    path = write(
        tmp_path,
        """
        [filter]
        exclude = ["re:[a-"]

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "Globex"
        greenhouse = "globex"

        [company.filter]
        locations = ["Berlin"]
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "re:[a-"),
        "filter.exclude[0]",
        "invalid regular expression",
    )


def test_company_tag_that_no_url_carries(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [notify]
        urls = ["json://127.0.0.1:1/a?tag=phone", "json://127.0.0.1:1/b"]

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "Globex"
        greenhouse = "globex"

        [company.filter]
        notify = ["pager"]
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, 'notify = ["pager"]'),
        "company[1].filter.notify",
        "tag 'pager' matches no [notify] url (tags in use: phone)",
    )


def test_company_tag_without_any_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        notify = ["phone"]
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "notify ="),
        "company[0].filter.notify",
        "tag 'phone' matches no [notify] url",
    )


def test_global_tag_that_no_url_carries_is_reported_at_the_global_filter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [notify]
        urls = ["json://127.0.0.1:1/a?tag=phone"]

        [filter]
        notify = ["pager"]

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "Globex"
        greenhouse = "globex"
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, 'notify = ["pager"]'),
        "filter.notify",
        "tag 'pager' matches no [notify] url",
    )


@pytest.mark.parametrize(
    ("setting", "key", "fragment"),
    [
        ('quiet_hours = "22:00"', "notify.quiet_hours", 'expected quiet hours like "22:00-07:00"'),
        ('quiet_hours = "22:00-25:00"', "notify.quiet_hours", 'expected a time like "09:00"'),
        ('quiet_hours = "07:00-07:00"', "notify.quiet_hours", "start and end at the same time"),
        ('timezone = "Mars/Olympus"', "notify.timezone", 'unknown time zone "Mars/Olympus"'),
        ('digest_at = ["09:00", "9am"]', "notify.digest_at[1]", 'got "9am"'),
        ('urgent = ["role_bak"]', "notify.urgent[0]", "unknown alert kind"),
        ('mode = "hourly"', "notify.mode", "'instant' or 'digest'"),
    ],
)
def test_bad_delivery_policy(tmp_path: Path, setting: str, key: str, fragment: str) -> None:
    path = write(
        tmp_path,
        f"""
        [notify]
        {setting}

        [[company]]
        name = "Acme"
        greenhouse = "acme"
        """,
    )

    assert_problem(only_problem(path), path, 2, key, fragment)


def test_unknown_urgent_kind_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[notify]\nurgent = ["nope"]\n\n[[company]]\nname = "A"\ngreenhouse = "a"\n'
    )

    problem = only_problem(path)

    for kind in ("new", "reopened", "reposted", "role_back", "cooldown_over"):
        assert kind in problem


def test_role_match_out_of_range(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[settings]\nrole_match = 150\n\n[[company]]\nname = "A"\ngreenhouse = "a"\n'
    )

    assert_problem(only_problem(path), path, 2, "settings.role_match", "less than or equal to 100")


def test_rejection_without_role_points_at_its_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company.rejection]]
        role = "Data Analyst"
        date = 2025-10-15

        [[company.rejection]]
        date = 2026-03-01
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "[[company.rejection]]", occurrence=2),
        "company[0].rejection[1].role",
        "required key is missing",
    )


def test_rejection_without_date_in_the_second_company(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company.rejection]]
        role = "Data Analyst"
        date = 2025-10-15

        [[company]]
        name = "Globex"
        greenhouse = "globex"

        [[company.rejection]]
        role = "Product Designer"
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "[[company.rejection]]", occurrence=2),
        "company[1].rejection[0].date",
        "required key is missing",
    )


def test_bad_reapply_after(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company.rejection]]
        role = "Data Analyst"
        date = 2025-10-15
        reapply_after = "6 fortnights"
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "reapply_after"),
        "company[0].rejection[0].reapply_after",
        "unknown unit 'fortnights'",
    )


def test_rejection_date_must_be_a_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company.rejection]]
        role = "Data Analyst"
        date = "last spring"
        """,
    )

    assert only_problem(path) == (
        f"{path}:{line_of(path, 'date =')}: company[0].rejection[0].date: "
        "expected a date such as 2026-03-01"
    )


def test_unknown_key_in_a_rejection(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company.rejection]]
        role = "Data Analyst"
        date = 2025-10-15
        recruiter = "Dana"
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "recruiter"),
        "company[0].rejection[0].recruiter",
        "unknown key",
    )


def test_unknown_key_in_a_company_filter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        includes = ["engineer"]
        """,
    )

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "includes"),
        "company[0].filter.includes",
        "unknown key",
    )


def test_several_second_chance_mistakes_in_line_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [notify]
        urls = ["json://127.0.0.1:1/a?tag=phone"]
        quiet_hours = "late"
        timezone = "Nowhere/Special"

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [company.filter]
        exclude = ["re:("]
        notify = ["pager"]
        """,
    )

    problems = problems_of(path)

    assert [p.split(": ", 2)[:2] for p in problems] == [
        [f"{path}:3", "notify.quiet_hours"],
        [f"{path}:4", "notify.timezone"],
        [f"{path}:11", "company[0].filter.exclude[0]"],
        [f"{path}:12", "company[0].filter.notify"],
    ]


def test_followup_template_with_an_unknown_placeholder(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[notify]\nconsole = true\nfollowup = "Hi {contact}, about {position}"\n\n'
        '[[company]]\nname = "A"\ngreenhouse = "a"\n',
    )

    problem = only_problem(path)

    assert_problem(problem, path, 3, "notify.followup", "unknown placeholder {position}")
    assert "contact, company, role, rejected_role, date" in problem


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("Hi {contact", "not a valid template"),
        ("Hi {contact!r}", "takes no format"),
        ("Hi {}", "unknown placeholder {}"),
        ("Hi {contact.__class__}", "unknown placeholder"),
        ("   ", "empty"),
    ],
)
def test_followup_template_mistakes(tmp_path: Path, template: str, fragment: str) -> None:
    path = write(
        tmp_path,
        f'[notify]\nfollowup = "{template}"\n\n[[company]]\nname = "A"\ngreenhouse = "a"\n',
    )

    assert_problem(only_problem(path), path, 2, "notify.followup", fragment)


def test_followup_template_is_read(tmp_path: Path) -> None:
    template = "Hi {contact}: {role} at {company}, after {rejected_role} in {date}. {{thanks}}"
    path = write(
        tmp_path,
        f'[notify]\nfollowup = "{template}"\n\n[[company]]\nname = "A"\ngreenhouse = "a"\n',
    )

    assert load(path).notify.followup == template
    assert (
        load(write(tmp_path, '[[company]]\nname = "A"\ngreenhouse = "a"\n')).notify.followup is None
    )
