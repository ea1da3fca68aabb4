"""Counted nouns for messages and log lines: "1 posting", "2 postings"."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 posting``, ``2 postings``, ``0 companies`` (``nouns`` when not noun + s)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"
