"""A tiny systemd notify client (the sd_notify(3) protocol), without dependencies.

Under ``Type=notify`` systemd passes ``$NOTIFY_SOCKET``; each state is one datagram
such as ``READY=1``. Anywhere else (a terminal, Docker) the variable is unset and
every call is a harmless no-op that returns False. Notifying never raises.
"""

from __future__ import annotations

import os
import socket

__all__ = ["notify", "ready", "status", "stopping", "watchdog", "watchdog_interval"]


def notify(state: str) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to systemd; True when it was sent."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if address.startswith("@"):  # a socket in the abstract namespace
        address = "\0" + address[1:]
    elif not address.startswith("/"):  # unset, or a kind of socket we do not speak
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(state.encode(), address)
    except OSError:
        return False
    return True


def ready() -> bool:
    """Start-up is complete (``Type=notify`` units are "active" from here)."""
    return notify("READY=1")


def stopping() -> bool:
    """A clean shutdown has begun."""
    return notify("STOPPING=1")


def watchdog() -> bool:
    """Still alive: must be sent more often than ``WatchdogSec=``."""
    return notify("WATCHDOG=1")


def status(text: str) -> bool:
    """A one-line status shown by ``systemctl status``."""
    return notify("STATUS=" + " ".join(text.split()))


def watchdog_interval() -> float | None:
    """The watchdog timeout in seconds when systemd expects pings from this process.

    None when no watchdog is armed, or when it is meant for another process
    (``$WATCHDOG_PID``). Ping at half this interval.
    """
    pid = os.environ.get("WATCHDOG_PID")
    try:
        if pid is not None and int(pid) != os.getpid():
            return None
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 1_000_000 if usec > 0 else None
