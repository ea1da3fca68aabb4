"""A throwaway IMAP server for the tests: Debian's dovecot on a free loopback port.

It speaks IMAPS only, with a self-signed certificate made here (its file is the CA a
test hands to ``$SECONDCHANCE_IMAP_CA``), one user from a passwd-file, and Maildirs in
a temporary directory. Without dovecot the IMAP tests are skipped with the reason, except
under CI=true, where a skip would hide them: CI installs ``dovecot-imapd`` (`.ci/run`), so
there it is a failure, as for PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import getpass
import imaplib
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from secondchance.importers.mail.imap import quoted_mailbox

USER = "jobseeker"
PASSWORD = "pw-Tr0ub4dor&3-never-logged"
# A second user as many providers name them, with a password LOGIN cannot carry.
OTHER_USER = "ana@example.org"
OTHER_PASSWORD = "Päßwörd-ünïcode"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so this is a failure, not a skip")
    pytest.skip(reason)


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("IMAP tests need the openssl command to make the server's certificate")
    subprocess.run(
        [
            str(openssl),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=secondchance test IMAP",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Dovecot:
    """A running dovecot; ``append`` puts mail in, ``open`` reads it as another client."""

    def __init__(self) -> None:
        binary = shutil.which("dovecot") or (
            "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
        )
        if binary is None:
            unavailable(
                "dovecot not installed: the IMAP tests need a real IMAP server "
                "(Debian: apt-get install dovecot-imapd)"
            )
        # Not under pytest's temporary directories: those are private to their owner,
        # and dovecot's own processes run as other users and must reach the files.
        base = Path(tempfile.mkdtemp(prefix="secondchance-imap-"))
        base.chmod(0o755)
        self.base = base
        self.port = _free_port()
        self.ca, key = _certificate(base)
        mail = base / "mail"
        mail.mkdir()
        run = base / "run"
        run.mkdir()
        settings = []
        if os.geteuid() == 0:
            # Dovecot never reads mail as root: the user's mail belongs to nobody.
            uid = gid = 65534
            os.chown(mail, uid, gid)
        else:
            uid, gid = os.getuid(), os.getgid()
            me = getpass.getuser()
            settings += [f"default_internal_user = {me}", f"default_login_user = {me}"]
            settings += [f"first_valid_uid = {uid}", f"first_valid_gid = {gid}"]
        (base / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}::\n"
            f"{OTHER_USER}:{{PLAIN}}{OTHER_PASSWORD}:{uid}:{gid}::{mail}/other::\n",
            encoding="utf-8",
        )
        self.log = base / "dovecot.log"
        self.conf = base / "dovecot.conf"
        self.conf.write_text(
            "\n".join(
                [
                    f"base_dir = {run}",
                    f"state_dir = {run}/state",
                    "instance_name = secondchance-test",
                    "protocols = imap",
                    "listen = 127.0.0.1",
                    "ssl = required",
                    f"ssl_cert = <{self.ca}",
                    f"ssl_key = <{key}",
                    "auth_mechanisms = plain",
                    "auth_failure_delay = 0",
                    f"log_path = {self.log}",
                    f"mail_location = maildir:{mail}/Maildir",
                    *settings,
                    "passdb {",
                    "  driver = passwd-file",
                    f"  args = scheme=PLAIN {base / 'passwd'}",
                    "}",
                    "userdb {",
                    "  driver = passwd-file",
                    f"  args = {base / 'passwd'}",
                    "}",
                    "service imap-login {",
                    "  chroot =",
                    "  inet_listener imap {",
                    "    port = 0",
                    "  }",
                    "  inet_listener imaps {",
                    "    address = 127.0.0.1",
                    f"    port = {self.port}",
                    "    ssl = yes",
                    "  }",
                    "}",
                    "service anvil {",
                    "  chroot =",
                    "}",
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                log = self.log.read_text() if self.log.exists() else ""
                raise RuntimeError(f"dovecot did not start: {err} {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not listen within 20 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, folder: str = "INBOX") -> str:
        return f"imaps://{USER}@127.0.0.1:{self.port}/{folder}"

    def open(self) -> imaplib.IMAP4_SSL:
        """A client of our own, logged in: to fill the mailbox and to look at it after."""
        context = ssl.create_default_context(cafile=str(self.ca))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, folder: str, message: bytes, arrived: dt.datetime) -> int:
        """Stores ``message`` as arrived at that time; its UID."""
        client = self.open()
        try:
            client.create(quoted_mailbox(folder))  # NO when it exists already: fine
            when = imaplib.Time2Internaldate(arrived)
            typ, data = client.append(quoted_mailbox(folder), "", when, message)
            assert typ == "OK", data
            found = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            assert found, data
            return int(found.group(1))
        finally:
            client.logout()

    def state(self, folder: str) -> dict[int, tuple[bytes, frozenset[str]]]:
        """Every message of ``folder``: its bytes and flags, read without changing them."""
        client = self.open()
        try:
            typ, _ = client.select(quoted_mailbox(folder), readonly=True)
            assert typ == "OK"
            flags: dict[int, frozenset[str]] = {}
            typ, data = client.uid("FETCH", "1:*", "(UID FLAGS)")
            for line in data:
                if isinstance(line, bytes):
                    uid = re.search(rb"UID (\d+)", line)
                    found = re.search(rb"FLAGS \(([^)]*)\)", line)
                    assert uid and found, line
                    # \Recent belongs to a session, not to the message.
                    names = set(found.group(1).decode().split()) - {"\\Recent"}
                    flags[int(uid.group(1))] = frozenset(names)
            out: dict[int, tuple[bytes, frozenset[str]]] = {}
            for uid, kept in flags.items():
                typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
                body = next(item[1] for item in data if isinstance(item, tuple))
                out[uid] = (body, kept)
            return out
        finally:
            client.logout()
