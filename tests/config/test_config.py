"""The watchlist loader: a valid file becomes a frozen Config, every mistake
becomes one ``{path}:{line}: {key.path}: {message}`` problem line."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchlists import assert_problem, line_of, minimal, only_problem, problems_of, write

from secondchance.config import (
    Config,
    database_url,
    default_config_path,
    default_data_dir,
    load,
)
from secondchance.sources import SOURCES, default_endpoints

# --- a valid watchlist -------------------------------------------------------------------

FULL = """
[settings]
interval = "30m"
jitter = "10m"
database = "sqlite:////srv/secondchance/jobs.db"

[settings.endpoints]
greenhouse = "http://127.0.0.1:8080"

[notify]
urls = ["json://127.0.0.1:9/x", "ntfy://ntfy.sh/topic"]

[[company]]
name = "Acme"
greenhouse = "acme"
careers = "https://acme.example/careers"
interval = "2m"

[[company]]
name = "Globex"
greenhouse = ["globex", "globex-labs"]
lever = "globex"
lever_region = "eu"

[[company]]
name = "Initech"
lever = { site = "initech", region = "eu" }
careers = { url = "https://initech.example/jobs", item = "li.job", title = "h3", link = "a@href", location = ".where" }
"""  # noqa: E501


def test_full_watchlist_loads(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    config = load(path)

    assert isinstance(config, Config)
    assert config.path == path
    assert [c.name for c in config.companies] == ["Acme", "Globex", "Initech"]
    assert all(c.enabled for c in config.companies)

    acme, globex, initech = config.companies
    assert [(b.kind, b.key) for b in acme.boards] == [
        ("greenhouse", "acme"),
        ("careers", "https://acme.example/careers"),
    ]
    assert acme.boards[1].options["url"] == "https://acme.example/careers"
    assert "item" not in acme.boards[1].options  # plain URL: read as JSON-LD

    assert [(b.kind, b.key) for b in globex.boards] == [
        ("greenhouse", "globex"),
        ("greenhouse", "globex-labs"),
        ("lever", "eu/globex"),
    ]
    assert globex.boards[2].options == {"site": "globex", "region": "eu"}

    assert [(b.kind, b.key) for b in initech.boards] == [
        ("lever", "eu/initech"),
        ("careers", "https://initech.example/jobs"),
    ]
    careers = initech.boards[1].options
    assert careers["item"] == "li.job"
    assert careers["title"] == "h3"
    assert careers["location"] == ".where"
    assert (careers["link_selector"], careers["link_attr"]) == ("a", "href")

    assert config.company("acme") is acme
    assert config.company("GLOBEX") is globex
    assert config.company("nobody") is None


def test_full_watchlist_settings_intervals_and_jitter(tmp_path: Path) -> None:
    config = load(write(tmp_path, FULL))

    assert config.settings.interval == 1800.0
    assert config.settings.jitter == 600.0
    assert config.settings.database == "sqlite:////srv/secondchance/jobs.db"

    acme, globex, initech = config.companies
    # Per-company override; the 10m jitter is capped at half of the 2m interval.
    assert acme.interval == 120.0
    assert acme.jitter == 60.0
    # Inherited from [settings].
    assert globex.interval == initech.interval == 1800.0
    assert globex.jitter == initech.jitter == 600.0


def test_full_watchlist_endpoints_merge_with_defaults(tmp_path: Path) -> None:
    config = load(write(tmp_path, FULL))

    assert config.endpoints["greenhouse"] == "http://127.0.0.1:8080"
    assert config.endpoints["lever"] == "https://api.lever.co"
    assert config.endpoints["lever_eu"] == "https://api.eu.lever.co"
    assert set(config.endpoints) == set(default_endpoints())


def test_full_watchlist_notify_urls_are_secrets_and_silence_console(tmp_path: Path) -> None:
    config = load(write(tmp_path, FULL))

    assert config.notify.urls == ["json://127.0.0.1:9/x", "ntfy://ntfy.sh/topic"]
    assert {"json://127.0.0.1:9/x", "ntfy://ntfy.sh/topic"} <= config.secrets
    assert config.console_alerts is False


def test_console_alerts_without_urls(tmp_path: Path) -> None:
    config = load(write(tmp_path, minimal()))
    assert config.notify.urls == []
    assert config.console_alerts is True


def test_console_alerts_explicit_setting_wins(tmp_path: Path) -> None:
    config = load(
        write(
            tmp_path,
            minimal('[notify]\nurls = ["json://127.0.0.1:9/x"]\nconsole = true\n'),
        )
    )
    assert config.console_alerts is True


def test_defaults_from_minimal_file(tmp_path: Path) -> None:
    config = load(write(tmp_path, minimal()))

    assert config.settings.interval == 1800.0
    assert config.settings.jitter == 180.0
    assert config.settings.close_after == 2
    assert config.settings.failure_alert_after == 3
    assert config.settings.database is None
    (company,) = config.companies
    assert company.name == "Acme"
    assert company.interval == 1800.0
    assert company.jitter == 180.0
    assert company.enabled is True
    assert [(b.kind, b.key) for b in company.boards] == [("greenhouse", "acme")]
    assert config.endpoints["greenhouse"] == "https://boards-api.greenhouse.io"


def test_lever_without_region_is_us(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        lever = ["acme", { site = "acme-eu", region = "EU" }]
        """,
    )
    (company,) = load(path).companies
    assert [b.key for b in company.boards] == ["acme", "eu/acme-eu"]
    assert company.boards[0].options == {"site": "acme", "region": "us"}


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load(write(tmp_path, minimal()))
    with pytest.raises(AttributeError):  # a frozen msgspec Struct
        config.settings.interval = 60.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        config.notify.console = True  # type: ignore[misc]
    with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError
        config.companies = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        config.companies[0].interval = 60.0  # type: ignore[misc]
    assert config.settings.interval == 1800.0


# --- one problem per mistake ----------------------------------------------------------------


def test_unknown_top_level_section(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[setings]\ninterval = "1h"\n'))
    assert_problem(
        only_problem(path), path, line_of(path, "[setings]"), "setings", "unknown section"
    )


def test_unknown_key_in_settings(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[settings]\ninterval = "1h"\njiter = "5m"\n'))
    assert_problem(
        only_problem(path), path, line_of(path, "jiter"), "settings.jiter", "unknown key"
    )


def test_bad_duration(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[settings]\ninterval = "soon"\n'))
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "interval"),
        "settings.interval",
        "cannot read 'soon' as a duration",
    )


def test_interval_must_be_at_least_a_second(tmp_path: Path) -> None:
    # Short intervals are allowed (local mirrors, tests); zero is a mistake.
    path = write(tmp_path, minimal('[settings]\ninterval = "0s"\n'))
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "interval"),
        "settings.interval",
        "greater than or equal to 1",
    )


def test_company_interval_must_be_positive(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = "acme"\ninterval = 0.5\n')
    assert_problem(only_problem(path), path, 4, "company[0].interval", "greater than or equal to 1")


def test_unknown_endpoint_name(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[settings.endpoints]\ngitlab = "http://127.0.0.1:8080"\n'))
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "gitlab"),
        "settings.endpoints.gitlab",
        f"unknown endpoint (known: {', '.join(sorted(default_endpoints()))})",
    )


@pytest.mark.parametrize("base", ["ftp://127.0.0.1/", "127.0.0.1:8080", "http://"])
def test_endpoint_must_be_an_http_url(tmp_path: Path, base: str) -> None:
    path = write(tmp_path, minimal(f'[settings]\nendpoints = {{ lever = "{base}" }}\n'))
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "endpoints"),
        "settings.endpoints.lever",
        "expected an http(s) base URL",
    )


def test_company_without_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        greenhouse = "globex"
        """,
    )
    # The key is absent, so the line is the [[company]] header it belongs to.
    assert_problem(only_problem(path), path, 5, "company[1].name", "required key is missing")


def test_company_with_empty_name(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = ""\ngreenhouse = "acme"\n')
    assert_problem(only_problem(path), path, 2, "company[0].name", "at least 1 character")


def test_company_without_board(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "Globex"
        interval = "1h"
        """,
    )
    assert_problem(
        only_problem(path),
        path,
        5,
        "company[1]",
        f"'Globex' has no board: add one of {', '.join(SOURCES)}",
    )


def test_greenhouse_not_a_string(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "Globex"
        greenhouse = 42
        """,
    )
    assert only_problem(path) == (f"{path}:7: company[1].greenhouse: expected a board token string")


def test_greenhouse_given_a_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\ngreenhouse = "https://boards.greenhouse.io/acme"\n',
    )
    assert_problem(
        only_problem(path), path, 3, "company[0].greenhouse", "use the token, not the URL"
    )


def test_greenhouse_list_item_is_indexed(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = ["acme", "a b"]\n')
    assert_problem(
        only_problem(path), path, 3, "company[0].greenhouse[1]", "board token may only contain"
    )


def test_empty_board_list(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = []\n')
    assert_problem(only_problem(path), path, 3, "company[0].greenhouse", "empty list")


def test_lever_inline_region_invalid(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[company]]\nname = "Acme"\nlever = { site = "acme", region = "asia" }\n'
    )
    assert_problem(only_problem(path), path, 3, "company[0].lever", 'region must be "us" or "eu"')


def test_lever_region_invalid_points_at_lever_region(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\nlever = "acme"\nlever_region = "asia"\n',
    )
    # The key once: the source words it "lever_region must be ...", the path says it.
    assert only_problem(path) == (
        f'{path}:4: company[0].lever_region: must be "us" or "eu" (got \'asia\')'
    )


def test_lever_region_invalid_is_reported_once_for_several_sites(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\nlever = ["acme", "acme-labs"]\nlever_region = "asia"\n',
    )
    assert only_problem(path) == (
        f'{path}:4: company[0].lever_region: must be "us" or "eu" (got \'asia\')'
    )


def test_lever_region_without_lever(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = "Acme"\ngreenhouse = "acme"\nlever_region = "eu"\n')
    assert_problem(
        only_problem(path),
        path,
        4,
        "company[0].lever_region",
        "only meaningful together with its board key",
    )


def test_careers_unknown_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\n'
        'careers = { url = "https://acme.example/jobs", items = "li" }\n',
    )
    assert_problem(only_problem(path), path, 3, "company[0].careers", "unknown key 'items'")


def test_careers_invalid_css_selector(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\n'
        'careers = { url = "https://acme.example/jobs", item = "div[" }\n',
    )
    assert_problem(
        only_problem(path),
        path,
        3,
        "company[0].careers",
        "item: invalid CSS selector 'div['",
    )


def test_careers_url_must_be_absolute(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = "Acme"\ncareers = "acme.example/jobs"\n')
    assert_problem(
        only_problem(path), path, 3, "company[0].careers", "is not an absolute http(s) URL"
    )


def test_duplicate_company_names_case_insensitive(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "ACME"
        lever = "acme"
        """,
    )
    assert_problem(
        only_problem(path),
        path,
        6,
        "company[1].name",
        "also the name of company[0] (names are compared without case or surrounding spaces)",
    )


def test_same_board_listed_twice(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\ngreenhouse = ["acme", "acme"]\n',
    )
    assert_problem(
        only_problem(path), path, 3, "company[0].greenhouse[1]", "board 'acme' is listed twice"
    )


def test_same_lever_site_written_two_ways(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[company]]\nname = "Acme"\nlever = ["acme", { site = "acme", region = "us" }]\n',
    )
    assert_problem(
        only_problem(path), path, 3, "company[0].lever[1]", "board 'acme' is listed twice"
    )


def test_invalid_apprise_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal('[notify]\nurls = [\n  "json://127.0.0.1:9/x",\n  "bogus://token@host",\n]\n'),
    )
    problem = only_problem(path)
    assert_problem(
        problem,
        path,
        line_of(path, "bogus://"),  # the element's own line, not the array's first
        "notify.urls[1]",
        "not a valid Apprise URL (scheme 'bogus'",
    )
    assert "token" not in problem


def test_unset_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSET_VAR", raising=False)
    path = write(tmp_path, minimal('[notify]\nurls = ["${UNSET_VAR}"]\n'))
    assert only_problem(path) == (
        f"{path}:2: notify.urls[0]: environment variable UNSET_VAR is not set"
    )


def test_unset_env_var_message_holds_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNSET_VAR", raising=False)
    monkeypatch.setenv("SLACK_TOKEN", "secret-token-123")
    path = write(
        tmp_path,
        minimal('[notify]\nurls = ["json://${SLACK_TOKEN}@127.0.0.1:9/${UNSET_VAR}"]\n'),
    )
    problems = problems_of(path)
    assert_problem(
        problems[0],
        path,
        2,
        "notify.urls[0]",
        "environment variable UNSET_VAR is not set",
    )
    for problem in problems:
        assert "secret-token-123" not in problem
        assert "SLACK_TOKEN" not in problem


def test_several_problems_in_line_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = 42

        [settings]
        jiter = "5m"

        [notify]
        urls = ["bogus://x"]

        [[company]]
        name = "acme"
        lever = "acme"
        """,
    )
    problems = problems_of(path)
    assert len(problems) == 4, problems
    assert_problem(problems[0], path, 3, "company[0].greenhouse", "expected a board token")
    assert_problem(problems[1], path, 6, "settings.jiter", "unknown key")
    assert_problem(problems[2], path, 9, "notify.urls[0]", "not a valid Apprise URL")
    assert_problem(problems[3], path, 12, "company[1].name", "also the name of company[0]")


def test_bad_settings_do_not_hide_endpoint_problems(tmp_path: Path) -> None:
    # "Every problem is reported at once": a bad interval must not hide a
    # mistake in [settings.endpoints].
    path = write(
        tmp_path,
        minimal('[settings]\ninterval = "soon"\n\n[settings.endpoints]\ngitlab = "http://x"\n'),
    )
    problems = problems_of(path)
    assert len(problems) == 2, problems
    assert_problem(problems[0], path, 2, "settings.interval", "cannot read 'soon'")
    assert_problem(problems[1], path, 5, "settings.endpoints.gitlab", "unknown endpoint")


def test_every_mistake_in_one_table_is_reported(tmp_path: Path) -> None:
    # The validator stops at the first mistake; the loader reads the table again
    # without it, so the second and third are not found only on the next try.
    path = write(
        tmp_path,
        minimal(
            """
            [settings]
            per_host = 100
            concurrency = "lots"
            timeout = "soon"
            announce_existing = "yes"
            typo = 1
            """
        ),
    )
    problems = problems_of(path)
    assert len(problems) == 5, problems
    assert_problem(problems[0], path, 2, "settings.per_host", "less than or equal to 64")
    assert_problem(
        problems[1], path, 3, "settings.concurrency", "expected a whole number, got a string"
    )
    assert_problem(problems[2], path, 4, "settings.timeout", "cannot read 'soon'")
    assert_problem(problems[3], path, 5, "settings.announce_existing", "expected true or false")
    assert_problem(problems[4], path, 6, "settings.typo", "unknown key")


def test_mistakes_inside_nested_tables_name_their_whole_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [notify]
        urls = [{ url = "json://127.0.0.1:9/x", tagz = ["phone"] }]
        digest_at = []
        mode = "hourly"

        [[company]]
        name = "Acme"
        greenhouse = "acme"
        [[company.rejection]]
        role = "Analyst"
        date = 2026-03-01
        reapply_after = "3 eons"
        [[company.rejection]]
        role = "Engineer"
        date = "last spring"
        [[company.rejection]]
        date = 2026-04-01
        """,
    )
    problems = problems_of(path)
    assert len(problems) == 6, problems
    assert_problem(problems[0], path, 2, "notify.urls[0].tagz", "unknown key")
    assert_problem(problems[1], path, 3, "notify.digest_at", "at least 1 item")
    assert_problem(problems[2], path, 4, "notify.mode", "expected 'instant' or 'digest'")
    assert_problem(
        problems[3], path, 12, "company[0].rejection[0].reapply_after", "unknown unit 'eons'"
    )
    assert_problem(
        problems[4], path, 15, "company[0].rejection[1].date", "expected a date such as 2026-03-01"
    )
    assert_problem(problems[5], path, 16, "company[0].rejection[2].role", "required key")


def test_every_mistake_in_a_table_inside_a_table_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[company]]
        name = "Acme"
        greenhouse = "acme"
        [company.filter]
        include = "engineer"
        exclude = 3
        typo = true
        """,
    )
    problems = problems_of(path)
    assert len(problems) == 3, problems
    assert_problem(problems[0], path, 5, "company[0].filter.include", "expected a list")
    assert_problem(problems[1], path, 6, "company[0].filter.exclude", "expected a list")
    assert_problem(problems[2], path, 7, "company[0].filter.typo", "unknown key")


def test_a_bad_value_of_a_required_key_is_reported_once(tmp_path: Path) -> None:
    path = write(tmp_path, '[[company]]\nname = 42\ngreenhouse = "acme"\n')
    assert_problem(
        only_problem(path), path, 2, "company[0].name", "expected a string, got a whole number"
    )


def test_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, '[settings]\ninterval = "1h"\njitter = \n')
    problem = only_problem(path)
    assert problem.startswith(f"{path}:3: not valid TOML: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    problem = only_problem(path)
    assert problem.startswith(f"{path}: ")
    assert "not found" in problem


def test_company_as_plain_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[company]\nname = "Acme"\ngreenhouse = "acme"\n')
    assert_problem(only_problem(path), path, 1, "company", "expected [[company]] tables")


# --- ${VAR} references ----------------------------------------------------------------------


def test_env_ref_in_notify_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_HOOK", "json://127.0.0.1:9/secret-token-123")
    config = load(write(tmp_path, minimal('[notify]\nurls = ["${SLACK_HOOK}"]\n')))
    assert config.notify.urls == ["json://127.0.0.1:9/secret-token-123"]
    assert "json://127.0.0.1:9/secret-token-123" in config.secrets
    assert config.console_alerts is False


def test_env_ref_inside_a_string_is_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NTFY_TOPIC", "my-private-topic")
    config = load(write(tmp_path, minimal('[notify]\nurls = ["ntfy://ntfy.sh/${NTFY_TOPIC}"]\n')))
    assert config.notify.urls == ["ntfy://ntfy.sh/my-private-topic"]
    assert "my-private-topic" in config.secrets
    assert "ntfy://ntfy.sh/my-private-topic" in config.secrets


def test_env_ref_default_when_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOK_UNSET", raising=False)
    config = load(
        write(
            tmp_path,
            minimal('[notify]\nurls = ["${HOOK_UNSET:-json://127.0.0.1:9/fallback}"]\n'),
        )
    )
    assert config.notify.urls == ["json://127.0.0.1:9/fallback"]


def test_env_ref_default_not_used_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_URL", "postgresql+psycopg://db.internal/jobs")
    config = load(write(tmp_path, minimal('[settings]\ndatabase = "${DB_URL:-sqlite:///x.db}"\n')))
    assert config.settings.database == "postgresql+psycopg://db.internal/jobs"


def test_env_ref_in_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PASSWORD", "pa55w0rd")
    config = load(
        write(
            tmp_path,
            minimal('[settings]\ndatabase = "postgresql+psycopg://jobs:${DB_PASSWORD}@db/jobs"\n'),
        )
    )
    url = "postgresql+psycopg://jobs:pa55w0rd@db/jobs"
    assert config.settings.database == url
    assert "pa55w0rd" in config.secrets
    assert database_url(config.settings.database, tmp_path) == url


# --- paths ----------------------------------------------------------------------------------


def test_default_config_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECONDCHANCE_CONFIG", str(tmp_path / "my.toml"))
    assert default_config_path() == tmp_path / "my.toml"


def test_default_config_path_without_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECONDCHANCE_CONFIG", raising=False)
    path = default_config_path()
    assert path.name == "watchlist.toml"
    assert "secondchance" in path.parts


def test_default_data_dir_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECONDCHANCE_DATA", str(tmp_path / "data"))
    assert default_data_dir() == tmp_path / "data"


def test_default_data_dir_without_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECONDCHANCE_DATA", raising=False)
    assert "secondchance" in default_data_dir().parts


def test_database_url_explicit_setting_wins(tmp_path: Path) -> None:
    config = load(write(tmp_path, minimal('[settings]\ndatabase = "sqlite:////srv/jobs.db"\n')))
    assert database_url(config.settings.database, tmp_path / "data") == "sqlite:////srv/jobs.db"


def test_database_url_defaults_to_sqlite_in_data_dir(tmp_path: Path) -> None:
    config = load(write(tmp_path, minimal()))
    data = tmp_path / "data"
    assert database_url(config.settings.database, data) == f"sqlite:///{data / 'secondchance.db'}"
    assert database_url(None, data) == f"sqlite:///{data / 'secondchance.db'}"


def test_a_company_name_longer_than_the_database_holds(tmp_path: Path) -> None:
    name = "Acme " * 41  # 205 characters
    path = write(tmp_path, f'[[company]]\nname = "{name}"\ngreenhouse = "acme"\n')
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "name ="),
        "company[0].name",
        "must have at most 200 characters",
    )


def test_a_board_address_longer_than_the_database_holds(tmp_path: Path) -> None:
    url = "https://acme.test/jobs?" + "x" * 1000
    board = f'careers = {{ url = "{url}", item = "li" }}'
    path = write(tmp_path, f'[[company]]\nname = "Acme"\n{board}\n')
    assert_problem(
        only_problem(path),
        path,
        line_of(path, "careers ="),
        "company[0].careers",
        "longer than 1000 characters",
    )
