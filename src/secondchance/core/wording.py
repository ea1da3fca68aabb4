"""Counted nouns for messages and log lines: "1 posting", "2 postings"."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 posting``, ``2 postings``, ``0 companies`` (``nouns`` when not noun + s)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def ago(seconds: float | None) -> str:
    """How long ago, briefly: ``never``, ``just now`` (a clock a little ahead),
    ``42s ago``, ``5m ago``, ``3h ago``, ``2d ago``: one wording for the terminal's
    status table and the dashboard."""
    if seconds is None:
        return "never"
    whole = int(seconds)
    if whole < 0:
        return "just now"
    if whole < 90:
        return f"{whole}s ago"
    if whole < 5400:
        return f"{whole // 60}m ago"
    if whole < 172800:
        return f"{whole // 3600}h ago"
    return f"{whole // 86400}d ago"
