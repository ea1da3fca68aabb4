"""Mail files: mbox streamed message by message, Maildir, folders of .eml, and every way
they break (one clear Problem each, the rest still read, nothing created)."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from pathlib import Path

import pytest

from secondchance.importers.found import Found, Problem, RawMail
from secondchance.importers.mail import files, scan

MAIL = (
    b"From: Acme Recruiting <jobs@acme.example>\nTo: me@example.org\n"
    b"Subject: Your application\nDate: Tue, 12 Nov 2024 09:00:00 +0100\n"
    b"Message-ID: <m%d@acme.example>\n\n"
    b"Thank you for your application for the Data Engineer position. We have decided to "
    b"move forward with other candidates.\n"
)
SEPARATOR = b"From MAILER-DAEMON Tue Nov 12 09:00:00 2024\n"


def _mbox(path: Path, bodies: list[bytes]) -> Path:
    path.write_bytes(b"".join(SEPARATOR + body + b"\n" for body in bodies))
    return path


def test_an_mbox_is_split_on_its_from_lines_and_quoted_from_is_unquoted(tmp_path: Path) -> None:
    quoted = MAIL % 1 + b"\n>From the start, we liked you.\n>>From here on.\nFrom now on\n"
    box = _mbox(tmp_path / "box", [MAIL % 0, quoted, MAIL % 2])
    items = list(files.read(str(box)))
    assert [i.ref for i in items] == [f"{box}#0", f"{box}#1", f"{box}#2"]
    second = items[1]
    assert isinstance(second, RawMail)
    assert b"\nFrom the start, we liked you.\n>From here on.\nFrom now on\n" in second.data
    assert b"MAILER-DAEMON" not in second.data


def test_a_message_over_the_cap_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    big = MAIL % 1 + b"x" * 80 + b"\n" * 2000
    box = _mbox(tmp_path / "box", [MAIL % 0, big, MAIL % 2])
    items = list(files.read(str(box), cap=1000))
    assert isinstance(items[1], Problem) and not items[1].fatal
    assert items[1].where == f"{box}#1" and "larger than" in items[1].reason
    assert [type(i) for i in items] == [RawMail, Problem, RawMail]


def test_a_truncated_or_corrupt_mbox_still_gives_what_it_can(tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.write_bytes(
        SEPARATOR
        + MAIL % 0
        + b"\n"
        + SEPARATOR
        + b"\x00\x01\x02garbage" * 10
        + b"\n"
        + SEPARATOR
        + (MAIL % 2)[:40]
    )
    results = list(scan([str(box)]))
    found = [r for r in results if not isinstance(r, Problem)]
    problems = [r for r in results if isinstance(r, Problem)]
    assert [f.file for f in found] == [f"{box}#0"]
    assert {p.where for p in problems} == {f"{box}#1", f"{box}#2"}
    assert not any(p.fatal for p in problems)


def test_an_mbox_without_newlines_costs_bounded_lines(tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.write_bytes(SEPARATOR + b"a" * 300_000)
    items = list(files.read(str(box), cap=100_000))
    assert len(items) == 1 and isinstance(items[0], Problem)


def test_a_missing_path_is_an_error_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "Maildir"
    [problem] = list(scan([str(missing)]))
    assert isinstance(problem, Problem) and problem.fatal
    assert "no such file" in problem.reason
    assert not missing.exists()


def test_a_maildir_reads_new_and_cur(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.host").write_bytes(MAIL % 0)
    (tmp_path / "cur" / "2.host:2,S").write_bytes(MAIL % 1)
    (tmp_path / "tmp" / "3.host").write_bytes(MAIL % 2)
    found = list(scan([str(tmp_path)]))
    assert sorted(f.file or "" for f in found if not isinstance(f, Problem)) == sorted(
        [str(tmp_path / "new" / "1.host"), str(tmp_path / "cur" / "2.host:2,S")]
    )


def test_a_maildir_without_permission_is_one_clear_line() -> None:
    """A real refusal by the kernel. Root reads every directory, so as root the scan
    runs in a child process that has dropped to the user nobody first."""
    folder = Path(tempfile.mkdtemp(prefix="secondchance-maildir-"))
    try:
        folder.chmod(0o755)  # reachable by nobody; only "new" is closed
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(mode=0o755)
        (folder / "new" / "1.host").write_bytes(MAIL % 0)
        (folder / "new").chmod(0)
        found = _scan_unprivileged(str(folder)) if os.geteuid() == 0 else list(scan([str(folder)]))
    finally:
        (folder / "new").chmod(0o700)
        shutil.rmtree(folder)
    assert found == [Problem(str(folder), "permission denied")]


def _scan_unprivileged(source: str) -> list[Found | Problem]:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            data = pickle.dumps(list(scan([source])))
        except BaseException as exc:
            data = pickle.dumps(repr(exc))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        result = pickle.loads(pipe.read())
    os.waitpid(child, 0)
    assert isinstance(result, list), result
    return result


def test_a_maildir_that_cannot_be_listed_is_one_clear_line_whoever_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root lists any directory: the refusal is simulated where the listing happens.
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    real = Path.iterdir

    def iterdir(self: Path) -> object:
        if self.name == "new":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    [problem] = list(scan([str(tmp_path)]))
    assert isinstance(problem, Problem) and problem.fatal
    assert problem == Problem(str(tmp_path), "permission denied")


def test_an_unreadable_message_is_skipped_whoever_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root, permissions do not stop a read: the failure is simulated where it happens.
    (tmp_path / "a.eml").write_bytes(MAIL % 0)
    (tmp_path / "b.eml").write_bytes(MAIL % 1)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.eml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    results = list(scan([str(tmp_path)]))
    problem = next(r for r in results if isinstance(r, Problem))
    assert problem.where == str(tmp_path / "a.eml") and not problem.fatal
    assert any(not isinstance(r, Problem) for r in results)


def test_a_file_that_is_not_mail(tmp_path: Path) -> None:
    folder = tmp_path / "mails"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "good.eml").write_bytes(MAIL % 0)
    (folder / "notes.eml").write_bytes(b"shopping list: milk, eggs\nand bread\n")
    (folder / "photo.eml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    results = list(scan([str(folder)]))
    problems = [r for r in results if isinstance(r, Problem)]
    assert len(problems) == 2 and not any(p.fatal for p in problems)
    assert any(not isinstance(r, Problem) for r in results)
    # Given alone, a file that is not mail fails its source.
    [alone] = list(scan([str(folder / "notes.eml")]))
    assert isinstance(alone, Problem) and alone.fatal and alone.reason == "not an e-mail message"


def test_scan_hands_imaps_sources_to_the_imap_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    seen: list[tuple[str, object]] = []
    fake = types.ModuleType("secondchance.importers.mail.imap")

    def messages(url: str, *, since: object) -> object:
        seen.append((url, since))
        yield RawMail(f"{url};UID=7", MAIL % 7)

    fake.messages = messages  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "secondchance.importers.mail.imap", fake)
    [found] = list(scan(["imaps://me@imap.example.org/INBOX"]))
    assert seen == [("imaps://me@imap.example.org/INBOX", None)]
    assert (
        not isinstance(found, Problem) and found.file == "imaps://me@imap.example.org/INBOX;UID=7"
    )


def test_since_skips_older_mail_and_progress_is_told(tmp_path: Path) -> None:
    old = (MAIL % 0).replace(b"12 Nov 2024", b"12 Nov 2023")
    box = _mbox(tmp_path / "box", [old] + [MAIL % i for i in range(1, 250)])
    import datetime as dt

    calls: list[tuple[int, int]] = []
    found = list(
        scan([str(box)], since=dt.date(2024, 1, 1), progress=lambda r, f: calls.append((r, f)))
    )
    assert len(found) == 249
    assert calls == [(100, 99), (200, 199), (250, 249)]
