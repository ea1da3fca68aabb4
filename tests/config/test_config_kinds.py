"""Routing by kind in the watchlist: ``[notify] kinds`` (what is sent at all) and a
URL's own ``kinds``; an unknown kind is an error on its line, a kind that goes nowhere
a warning that ``check`` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchlists import assert_problem, line_of, minimal, only_problem, problems_of, write

from secondchance.cli import main
from secondchance.config import Target, load
from secondchance.core.models import ALERT_KINDS
from secondchance.daemon.app import channels

LOUD = "json://127.0.0.1:1/loud"
QUIET = "json://127.0.0.1:1/quiet"
KNOWN = "unknown alert kind (known: new, closed, reopened"


def test_by_default_every_kind_is_sent_everywhere(tmp_path: Path) -> None:
    config = load(write(tmp_path, minimal(f'[notify]\nurls = ["{QUIET}"]\n')))

    assert config.sent_kinds == set(ALERT_KINDS)
    assert config.targets == (Target(QUIET),)
    assert config.targets[0].kinds is None
    assert config.warnings == ()
    assert all(channel.kinds == set(ALERT_KINDS) for channel in channels(config))


def test_notify_kinds_and_a_url_s_kinds_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            kinds = ["role_back", "new", "reopened", "reposted"]
            urls = [
              {{ url = "{LOUD}", kinds = ["role_back"] }},
              {{ url = "{QUIET}?tag=desk", kinds = ["new", "reopened", "reposted"] }},
            ]
            """
        ),
    )

    config = load(path)

    assert config.sent_kinds == {"role_back", "new", "reopened", "reposted"}
    assert config.targets == (
        Target(LOUD, kinds=frozenset({"role_back"})),
        Target(QUIET, frozenset({"desk"}), frozenset({"new", "reopened", "reposted"})),
    )
    assert config.warnings == ()


def test_an_unknown_kind_in_notify_kinds_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[notify]\nkinds = [\n  "new",\n  "role-back",\n]\n'))

    assert_problem(only_problem(path), path, line_of(path, '"role-back"'), "notify.kinds[1]", KNOWN)


def test_an_unknown_kind_of_a_url_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            urls = [
              "{QUIET}",
              {{ url = "{LOUD}", kinds = ["role_back", "rolled_back"] }},
            ]
            urgent = ["closd"]
            """
        ),
    )

    first, second = problems_of(path)

    assert_problem(first, path, line_of(path, "rolled_back"), "notify.urls[1].kinds[1]", KNOWN)
    assert_problem(second, path, line_of(path, "closd"), "notify.urgent[0]", KNOWN)


@pytest.mark.parametrize("query", ["kinds=role_back", "tag=phone&kinds=role_back,new"])
def test_kinds_in_a_url_s_query_are_refused(tmp_path: Path, query: str) -> None:
    # Apprise would ignore the parameter and the URL would take every kind.
    path = write(tmp_path, minimal(f'[notify]\nurls = ["{LOUD}?{query}"]\n'))

    assert_problem(
        only_problem(path),
        path,
        line_of(path, "urls"),
        "notify.urls[0]",
        '?kinds= in a URL is not read: write the URL as a table, { url = "...", kinds = [',
    )


def test_a_url_s_own_kind_parameter_is_apprise_s(tmp_path: Path) -> None:
    reddit = "reddit://user:pass@app_id/app_secret/sub?kind=self"
    path = write(tmp_path, minimal(f'[notify]\nurls = ["{reddit}"]\n'))

    assert load(path).targets == (Target(reddit),)


def test_a_kind_no_url_takes_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    everything_else = ", ".join(f'"{k}"' for k in ALERT_KINDS if k not in ("role_back", "closed"))
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            urls = [
              {{ url = "{LOUD}", kinds = ["role_back"] }},
              {{ url = "{QUIET}", kinds = [{everything_else}] }},
            ]
            """
        ),
    )

    (warning,) = load(path).warnings

    assert warning == (
        f"{path}:2: notify.urls: closed: no URL takes it and the terminal is off, so it would "
        "be recorded and never sent: add it to a URL's kinds, or leave it out of [notify] "
        "kinds to mute it on purpose"
    )
    assert main(["check", "--config", str(path)]) == 0
    assert f"secondchance: warning: {warning}" in capsys.readouterr().err


def test_a_kind_left_out_of_notify_kinds_is_muted_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = [k for k in ALERT_KINDS if k not in ("closed", "changed")]
    quiet = ", ".join(f'"{k}"' for k in sent if k != "role_back")
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            kinds = [{", ".join(f'"{k}"' for k in sent)}]
            urls = [
              {{ url = "{LOUD}", kinds = ["role_back"] }},
              {{ url = "{QUIET}", kinds = [{quiet}] }},
            ]
            """
        ),
    )

    config = load(path)

    assert config.warnings == ()
    assert config.sent_kinds == set(ALERT_KINDS) - {"closed", "changed"}
    assert main(["check", "--config", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.rstrip().endswith("alerts go to 2 notification URLs; muted: closed, changed")
    assert err == ""


def test_a_kind_sent_but_taken_by_no_url_is_a_warning_at_notify_kinds(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            kinds = ["role_back", "new"]
            urls = [{{ url = "{LOUD}", kinds = ["role_back"] }}]
            """
        ),
    )

    (warning,) = load(path).warnings

    assert warning.startswith(f"{path}:2: notify.kinds: new: no URL takes it")


def test_kinds_that_go_nowhere_are_one_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(f'[notify]\nurls = [{{ url = "{LOUD}", kinds = ["role_back", "new"] }}]\n'),
    )

    (warning,) = load(path).warnings

    assert warning == (
        f"{path}:2: notify.urls: closed, reopened, reposted, changed, source_failing, "
        "source_recovered, cooldown_over, config_rejected: no URL takes them and the terminal "
        "is off, so they would be recorded and never sent: add them to a URL's kinds, or "
        "leave them out of [notify] kinds to mute them on purpose"
    )


def test_the_terminal_takes_every_kind_sent(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(
            f'[notify]\nconsole = true\nurls = [{{ url = "{LOUD}", kinds = ["role_back"] }}]\n'
        ),
    )

    assert load(path).warnings == ()


def test_a_url_s_or_an_urgent_kind_that_notify_kinds_mutes_is_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            console = true
            kinds = ["role_back", "new"]
            urls = [{{ url = "{LOUD}", kinds = ["role_back", "closed"] }}]
            urgent = ["role_back", "cooldown_over"]
            """
        ),
    )

    assert load(path).warnings == (
        f"{path}:4: notify.urls[0].kinds[1]: closed is muted by [notify] kinds: this URL "
        "never gets it",
        f"{path}:5: notify.urgent[1]: cooldown_over is muted by [notify] kinds: never sent",
    )


def test_muting_everything_or_a_url_taking_nothing_is_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        minimal(
            f"""
            [notify]
            kinds = []
            urls = ["{QUIET}", {{ url = "{LOUD}", kinds = [] }}]
            """
        ),
    )

    assert load(path).warnings == (
        f"{path}:2: notify.kinds: empty: every alert is muted (recorded for history, never sent)",
        f"{path}:3: notify.urls[1].kinds: empty: this URL gets no alert (leave kinds out for "
        "every kind)",
    )
