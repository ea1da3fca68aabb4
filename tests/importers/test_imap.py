"""Reading an IMAP folder: against a real dovecot (tests/importers/dovecot_server.py),
and against a server that accepts a connection and never answers."""

from __future__ import annotations

import datetime as dt
import imaplib
import io
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dovecot_server import OTHER_PASSWORD, OTHER_USER, PASSWORD, USER, Dovecot

from secondchance import logs
from secondchance.importers.found import Problem, RawMail
from secondchance.importers.mail import imap


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(imap.PASSWORD_ENV, PASSWORD)
    monkeypatch.delenv(imap.CA_ENV, raising=False)


@pytest.fixture
def trusted(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> Dovecot:
    """The server, with its self-signed certificate trusted through $SECONDCHANCE_IMAP_CA."""
    monkeypatch.setenv(imap.CA_ENV, str(dovecot.ca))
    return dovecot


_counter = iter(range(1_000_000))


def mail(subject: str, body: str = "Thank you for your interest.") -> bytes:
    n = next(_counter)
    return (
        f"From: Acme Careers <no-reply@acme.example>\r\n"
        f"To: {USER}@example.org\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <m{n}@acme.example>\r\n"
        f"Date: Mon, 2 Nov 2026 10:00:00 +0100\r\n"
        f"\r\n"
        f"{body}\r\n"
    ).encode()


def folder_name(request: pytest.FixtureRequest) -> str:
    """A folder of the test's own, so the session's one server serves every test."""
    return request.node.name.replace("_", "-")[:40]


def fill(
    server: Dovecot, folder: str, count: int, day: dt.date = dt.date(2026, 11, 2)
) -> dict[int, bytes]:
    stored: dict[int, bytes] = {}
    for i in range(count):
        data = mail(f"Your application {i}")
        arrived = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)
        stored[server.append(folder, data, arrived)] = data
    return stored


def read(url: str, since: dt.date | None = None) -> tuple[list[RawMail], list[Problem]]:
    mails: list[RawMail] = []
    problems: list[Problem] = []
    for item in imap.messages(url, since=since):
        (mails if isinstance(item, RawMail) else problems).append(item)
    return mails, problems


def only_problem(url: str) -> Problem:
    mails, problems = read(url)
    assert mails == []
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem.fatal
    assert "\n" not in str(problem)
    assert PASSWORD not in str(problem)
    return problem


def test_every_message_arrives_byte_for_byte_with_its_ref(
    trusted: Dovecot, request: pytest.FixtureRequest
) -> None:
    folder = folder_name(request)
    stored = fill(trusted, folder, 5)
    mails, problems = read(trusted.url(folder))
    assert problems == []
    assert [m.data for m in mails] == list(stored.values())
    base = f"imaps://{USER}@127.0.0.1:{trusted.port}/{folder}"
    assert [m.ref for m in mails] == [f"{base};UID={uid}" for uid in stored]


def test_messages_come_in_batches_within_the_byte_bound(
    trusted: Dovecot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_name(request)
    stored = fill(trusted, folder, 7)
    monkeypatch.setattr(imap, "BATCH_MESSAGES", 3)
    monkeypatch.setattr(imap, "BATCH_BYTES", 400)
    mails, problems = read(trusted.url(folder))
    assert problems == []
    assert [m.data for m in mails] == list(stored.values())


def test_an_encoded_and_non_ascii_folder_name_is_read(trusted: Dovecot) -> None:
    folder = "Réponses & refus"
    stored = fill(trusted, folder, 2)
    mails, problems = read(trusted.url("R%C3%A9ponses%20%26%20refus"))
    assert problems == []
    assert [m.data for m in mails] == list(stored.values())


def test_since_keeps_the_messages_that_arrived_that_day_or_later(
    trusted: Dovecot, request: pytest.FixtureRequest
) -> None:
    folder = folder_name(request)
    old = fill(trusted, folder, 2, dt.date(2026, 9, 30))
    new = fill(trusted, folder, 3, dt.date(2026, 10, 1))
    mails, problems = read(trusted.url(folder), since=dt.date(2026, 10, 1))
    assert problems == []
    assert [m.data for m in mails] == list(new.values())
    mails, _ = read(trusted.url(folder))
    assert len(mails) == len(old) + len(new)


def test_an_import_never_changes_the_mailbox(
    trusted: Dovecot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_name(request)
    fill(trusted, folder, 4)
    before = trusted.state(folder)
    assert all("\\Seen" not in flags for _, flags in before.values())
    sent: list[tuple[str, ...]] = []
    command = imaplib.IMAP4._command

    def spy(self: imaplib.IMAP4, name: str, *args: Any) -> Any:
        sent.append((name, *(a for a in args if isinstance(a, str))))
        return command(self, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "_command", spy)
    for _ in range(2):
        mails, problems = read(trusted.url(folder))
        assert len(mails) == 4 and problems == []
    monkeypatch.undo()
    after = trusted.state(folder)
    # Same messages, same bytes, same flags: nothing marked read, moved or deleted.
    assert after == before
    assert all("\\Seen" not in flags for _, flags in after.values())
    # The folder opened read-only, bodies peeked at, and no command that writes.
    names = [c[0] for c in sent]
    assert "EXAMINE" in names and "SELECT" not in names
    assert set(names) <= {"CAPABILITY", "LOGIN", "EXAMINE", "UID", "LOGOUT"}
    assert {c[1] for c in sent if c[0] == "UID"} == {"SEARCH", "FETCH"}
    fetches = [c[-1] for c in sent if c[:2] == ("UID", "FETCH")]
    assert any("BODY.PEEK[]" in f for f in fetches)
    assert not any("BODY[" in f or "RFC822)" in f for f in fetches)


def test_a_message_over_the_size_cap_is_skipped_and_the_rest_read(
    trusted: Dovecot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_name(request)
    small = mail("Small")
    big = mail("Big", "x" * 5000)
    arrived = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    trusted.append(folder, small, arrived)
    big_uid = trusted.append(folder, big, arrived)
    monkeypatch.setattr(imap, "SIZE_CAP", 2000)
    mails, problems = read(trusted.url(folder))
    assert [m.data for m in mails] == [small]
    (problem,) = problems
    assert not problem.fatal
    assert problem.where.endswith(f";UID={big_uid}")
    assert "over the" in problem.reason and "cap" in problem.reason


def test_messages_are_handed_on_as_each_batch_arrives(
    trusted: Dovecot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_name(request)
    fill(trusted, folder, 6)
    monkeypatch.setattr(imap, "BATCH_MESSAGES", 2)
    peeks = 0
    command = imaplib.IMAP4._command

    def spy(self: imaplib.IMAP4, name: str, *args: Any) -> Any:
        nonlocal peeks
        peeks += any(isinstance(a, str) and "BODY.PEEK" in a for a in args)
        return command(self, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "_command", spy)
    reading = imap.messages(trusted.url(folder))
    assert isinstance(next(reading), RawMail)
    assert peeks == 1  # the first message came before the rest were asked for
    assert len(list(reading)) == 5
    assert peeks == 3


def test_a_user_with_an_at_sign_and_a_non_ascii_password_logs_in(
    trusted: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(imap.PASSWORD_ENV, OTHER_PASSWORD)
    url = f"imaps://ana%40example.org@127.0.0.1:{trusted.port}/INBOX"
    mails, problems = read(url)
    assert (mails, problems) == ([], [])
    assert imap.parse_url(url) == imap.Folder(OTHER_USER, "127.0.0.1", trusted.port, "INBOX")


def test_a_wrong_password_is_one_line_without_the_password(
    trusted: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(imap.PASSWORD_ENV, "not-" + PASSWORD)
    problem = only_problem(trusted.url())
    assert problem.reason.startswith("login failed: ")
    assert "not-" not in str(problem)


def test_the_password_is_in_no_log_record_and_masked_from_the_start(
    trusted: Dovecot, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    folder = folder_name(request)
    fill(trusted, folder, 1)
    caplog.set_level(logging.DEBUG)
    mails, problems = read(trusted.url(folder))
    assert len(mails) == 1 and problems == []
    bad = imap.messages(trusted.url("No-such-folder"))
    assert all(PASSWORD not in str(p) for p in bad)
    assert caplog.records, "the read logs what it did"
    for record in caplog.records:
        assert PASSWORD not in record.getMessage()
    # Registered with the log redaction: whatever logs it later shows ***.
    assert logs.redact(f"oops {PASSWORD}") == "oops ***"


def test_a_folder_that_does_not_exist_is_one_line(trusted: Dovecot) -> None:
    problem = only_problem(trusted.url("No-such-folder"))
    assert problem.reason.startswith("cannot open the folder 'No-such-folder': ")


def test_a_certificate_that_does_not_verify_is_said_so(dovecot: Dovecot) -> None:
    problem = only_problem(dovecot.url())
    assert problem.reason.startswith("the server's TLS certificate does not verify: ")
    assert imap.CA_ENV in problem.reason


def test_an_unreadable_ca_file_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(imap.CA_ENV, str(tmp_path / "missing.pem"))
    problem = only_problem(f"imaps://{USER}@127.0.0.1:1/INBOX")
    assert problem.reason.startswith(f"cannot read the CA file in ${imap.CA_ENV}")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_times_out_quickly(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap, "TIMEOUT", 0.5)
    started = time.monotonic()
    problem = only_problem(f"imaps://{USER}@127.0.0.1:{silent_server}/INBOX")
    assert time.monotonic() - started < 5
    assert problem.reason.startswith("the server stopped answering")


def test_a_refused_connection_is_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    problem = only_problem(f"imaps://{USER}@127.0.0.1:{port}/INBOX")
    assert problem.reason == f"connection refused by 127.0.0.1:{port}"


def test_plain_imap_is_refused() -> None:
    problem = only_problem(f"imap://{USER}@imap.example.com/INBOX")
    assert problem.reason.startswith("TLS only: use imaps://")


def test_a_password_in_the_url_is_refused_and_not_repeated() -> None:
    problem = only_problem("imaps://me:hunter22@imap.example.com/INBOX")
    assert "hunter22" not in str(problem)
    assert problem.where == "imaps://me@imap.example.com/INBOX"
    assert imap.PASSWORD_ENV in problem.reason


def test_without_the_env_var_or_a_terminal_it_says_how_to_give_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(imap.PASSWORD_ENV)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    problem = only_problem(f"imaps://{USER}@imap.example.com/INBOX")
    assert imap.PASSWORD_ENV in problem.reason
    assert "terminal" in problem.reason


def test_on_a_terminal_the_password_is_asked_for(
    trusted: Dovecot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_name(request)
    fill(trusted, folder, 1)
    monkeypatch.delenv(imap.PASSWORD_ENV)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", ask)
    mails, problems = read(trusted.url(folder))
    assert len(mails) == 1 and problems == []
    assert prompts == [f"IMAP password for {USER}@127.0.0.1: "]


@pytest.mark.parametrize(
    ("url", "user", "host", "port", "name"),
    [
        ("imaps://me@imap.example.com", "me", "imap.example.com", None, "INBOX"),
        ("imaps://me@imap.example.com/", "me", "imap.example.com", None, "INBOX"),
        (
            "imaps://me%40example.org@mail.example/Jobs/Replies",
            "me@example.org",
            "mail.example",
            None,
            "Jobs/Replies",
        ),
        ("imaps://me@mail.example:1993/Job%20hunt", "me", "mail.example", 1993, "Job hunt"),
    ],
)
def test_the_url_names_user_server_and_folder(
    url: str, user: str, host: str, port: int | None, name: str
) -> None:
    assert imap.parse_url(url) == imap.Folder(user, host, port, name)


@pytest.mark.parametrize(
    "url",
    [
        "imaps://imap.example.com/INBOX",
        "imaps://me@imap.example.com/INBOX;UID=4",
        "imaps://me@imap.example.com:99999/INBOX",
        "https://me@imap.example.com/INBOX",
    ],
)
def test_a_url_that_names_no_folder_is_refused(url: str) -> None:
    assert isinstance(imap.parse_url(url), Problem)


def test_a_ref_keeps_the_folder_readable_and_has_no_password() -> None:
    folder = imap.Folder("me@example.org", "mail.example", None, "Job hunt")
    assert folder.ref(7) == "imaps://me%40example.org@mail.example/Job%20hunt;UID=7"
    folder = imap.parse_url("imaps://me@[::1]:1993/INBOX")
    assert isinstance(folder, imap.Folder)
    assert folder.ref(1) == "imaps://me@[::1]:1993/INBOX;UID=1"


def test_search_dates_are_in_english_whatever_the_locale() -> None:
    assert imap.imap_date(dt.date(2026, 3, 5)) == "5-Mar-2026"
    assert imap.quoted_mailbox('Réponses & "refus"') == '"R&AOk-ponses &- \\"refus\\""'
