"""The command line as declared in cli/parser.py: common options on either side of
the command, help that teaches, and completion scripts the shells accept."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from secondchance.cli import main, parser
from secondchance.cli.completion import script
from secondchance.cli.parser import COMMANDS

COMMON = [c.name for c in COMMANDS if c.common]
# The arguments each command needs besides the common options.
REQUIRED = {
    "peek": ["--company", "Acme"],
    "discover": ["https://x.test"],
    "history": ["Acme"],
    "import": ["csv", "tracker.csv"],
}


@pytest.mark.parametrize("name", COMMON)
def test_common_options_work_before_and_after_the_command(name: str) -> None:
    extra = REQUIRED.get(name, [])
    common = ["--config", "w.toml", "--data-dir", "d", "--log-level", "DEBUG"]
    common += ["--log-format", "json"]
    before = parser().parse_args([*common, name, *extra])
    after = parser().parse_args([name, *extra, *common])
    for args in (before, after):
        assert (args.config, args.data_dir) == (Path("w.toml"), Path("d")), name
        assert (args.log_level, args.log_format) == ("DEBUG", "json"), name


@pytest.mark.parametrize("name", COMMON)
def test_a_subcommand_does_not_overwrite_what_was_given_before_it(name: str) -> None:
    # argparse fills a subparser's defaults in after the main parser's values: without
    # SUPPRESS, `--log-level DEBUG once` would end up INFO.
    args = parser().parse_args(["--log-level", "DEBUG", name, *REQUIRED.get(name, [])])
    assert args.log_level == "DEBUG"
    args = parser().parse_args([name, *REQUIRED.get(name, [])])
    assert (args.config, args.data_dir, args.log_level, args.log_format) == (
        None,
        None,
        "INFO",
        "text",
    )


def test_the_option_after_the_command_wins() -> None:
    args = parser().parse_args(["--config", "a.toml", "check", "--config", "b.toml"])
    assert args.config == Path("b.toml")


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_each_command_has_a_description_option_help_and_examples(
    command: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from secondchance.cli.parser import Command

    assert isinstance(command, Command)
    assert command.summary and "\n" not in command.summary
    with pytest.raises(SystemExit) as exited:
        parser().parse_args([command.name, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert command.summary[1:] in out
    assert "examples:" in out and f"  secondchance {command.name}" in out
    for flags, kwargs in command.options:
        assert kwargs.get("help"), (command.name, flags)
        shown = flags[0] if flags[0].startswith("-") else kwargs.get("metavar", flags[0])
        assert str(shown) in out
    # Every option of argparse's own making has a help text too (no bare "--x X").
    help_of = {
        action.option_strings[0]: action.help
        for action in _subparser(command.name)._actions
        if action.option_strings
    }
    assert all(help_of.values()), help_of


def _subparser(name: str) -> object:
    import argparse

    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    raise AssertionError(name)


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["--help"])
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command.name in out
    assert "before or after the command" in out


# --- completion ---------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_and_needs_no_watchlist(
    shell: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECONDCHANCE_CONFIG", str(tmp_path / "missing.toml"))
    assert main(["completion", shell]) == 0
    out = capsys.readouterr().out
    assert out == script(shell)
    for command in COMMANDS:
        assert command.name in out


def _needs(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        # `.ci/run` installs it; a newcomer without it sees why the test did not run.
        reason = f"{program} is not installed (Debian: apt-get install {program})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true, so this is a failure, not a skip")
        pytest.skip(reason)
    return path


def _bash_complete(words: list[str]) -> list[str]:
    program = (
        f"source /dev/stdin <<'EOF'\n{script('bash')}EOF\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}; "
        '_secondchance; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        [_needs("bash"), "-c", program], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completes_commands_options_and_choices() -> None:
    assert _bash_complete(["secondchance", "co"]) == ["cooldowns", "completion"]
    options = _bash_complete(["secondchance", "--config", "w.toml", "jobs", "--"])
    assert {"--company", "--open", "--json", "--why", "--config", "--data-dir"} <= set(options)
    assert _bash_complete(["secondchance", "once", "--log-level", ""]) == [
        "DEBUG",
        "INFO",
        "WARNING",
        "ERROR",
    ]
    assert _bash_complete(["secondchance", "completion", ""]) == ["bash", "zsh", "fish", "--help"]


def test_zsh_accepts_its_script(tmp_path: Path) -> None:
    zsh = _needs("zsh")
    path = tmp_path / "_secondchance"
    path.write_text(script("zsh"))
    done = subprocess.run([zsh, "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    # Loaded by compinit as a completion function, it defines _secondchance.
    program = (
        f"fpath=({tmp_path} $fpath); autoload -U compinit; compinit -u -D; "
        "autoload -U _secondchance; whence -w _secondchance"
    )
    done = subprocess.run([zsh, "-f", "-c", program], capture_output=True, text=True, timeout=30)
    assert "_secondchance: function" in done.stdout, done.stdout + done.stderr


def test_fish_completes_commands_and_options(tmp_path: Path) -> None:
    fish = _needs("fish")
    path = tmp_path / "secondchance.fish"
    path.write_text(script("fish"))

    def complete(line: str) -> list[str]:
        done = subprocess.run(
            [fish, "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert "completion" in complete("secondchance comp")
    assert {"--company", "--why", "--json", "--config"} <= set(complete("secondchance peek --"))
    assert set(complete("secondchance completion ")) >= {"bash", "zsh", "fish"}
