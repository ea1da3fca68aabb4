"""The systemd notify client, against real AF_UNIX datagram sockets."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from secondchance.daemon import sdnotify

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="systemd notify is Linux-only")

# sockaddr_un.sun_path holds 108 bytes, terminator included.
MAX_SOCKET_PATH = 100


def _receiver(address: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(5)
    return sock


@pytest.fixture
def listener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A datagram socket bound in tmp_path, announced as $NOTIFY_SOCKET."""
    path = tmp_path / "notify.sock"
    if len(str(path)) > MAX_SOCKET_PATH:  # an unusually deep tmp_path
        path = Path(tempfile.mkdtemp(prefix="sc-")) / "n.sock"
    with _receiver(str(path)) as sock:
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        yield sock
    path.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
        monkeypatch.delenv(name, raising=False)


def test_without_notify_socket_nothing_is_sent() -> None:
    assert sdnotify.notify("READY=1") is False
    assert sdnotify.ready() is False
    assert sdnotify.watchdog() is False


def test_ready_reaches_the_socket(listener: socket.socket) -> None:
    assert sdnotify.ready() is True
    assert listener.recv(4096) == b"READY=1"


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (sdnotify.stopping, b"STOPPING=1"),
        (sdnotify.watchdog, b"WATCHDOG=1"),
        (lambda: sdnotify.status("watching 3 companies"), b"STATUS=watching 3 companies"),
        (lambda: sdnotify.notify("EXTEND_TIMEOUT_USEC=5000000"), b"EXTEND_TIMEOUT_USEC=5000000"),
    ],
)
def test_each_helper_sends_its_state(
    listener: socket.socket, send: Callable[[], bool], expected: bytes
) -> None:
    assert send() is True
    assert listener.recv(4096) == expected


def test_status_stays_on_one_line(listener: socket.socket) -> None:
    # A newline would start a second, bogus assignment in the datagram.
    assert sdnotify.status("polling\nAcme  now")
    assert listener.recv(4096) == b"STATUS=polling Acme now"


def test_abstract_namespace_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"secondchance-test-{uuid.uuid4().hex}"
    with _receiver("\0" + name) as sock:
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert sdnotify.ready() is True
        assert sock.recv(4096) == b"READY=1"


def test_unreachable_socket_returns_false(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens.sock"))
    assert sdnotify.ready() is False


@pytest.mark.parametrize("value", ["", "relative/notify.sock", "vsock:2:1234"])
def test_unsupported_addresses_are_ignored(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", value)
    assert sdnotify.notify("READY=1") is False


def test_watchdog_interval_unset() -> None:
    assert sdnotify.watchdog_interval() is None


def test_watchdog_interval_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "120000000")
    assert sdnotify.watchdog_interval() == 120.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert sdnotify.watchdog_interval() == 120.0


def test_watchdog_meant_for_another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "120000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert sdnotify.watchdog_interval() is None


@pytest.mark.parametrize(
    ("usec", "pid"), [("0", None), ("-5", None), ("soon", None), ("1000", "me")]
)
def test_watchdog_interval_rejects_bad_values(
    monkeypatch: pytest.MonkeyPatch, usec: str, pid: str | None
) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", usec)
    if pid is not None:
        monkeypatch.setenv("WATCHDOG_PID", pid)
    assert sdnotify.watchdog_interval() is None
