"""The text helpers every parser's strings go through."""

from __future__ import annotations

import random

import pytest

from secondchance.core.text import clean


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  Senior   Engineer \n", "Senior Engineer"),
        ("Delivery\u200b Lead\ufeff", "Delivery Lead"),
        ("Desi\x00gner\x07", "Designer"),  # PostgreSQL cannot store the NUL
        ("Data\x1b[1m Analyst\x7f", "Data[1m Analyst"),
        ("Zürich\tOffice", "Zürich Office"),
        ("", ""),
    ],
)
def test_clean_removes_what_no_title_means(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_the_fast_path_for_printable_ascii_cleans_as_the_general_one() -> None:
    """clean() skips its translate table for printable ASCII. A zero-width space
    appended sends the same text down the general path (which deletes it): the two
    must agree on every string."""
    rng = random.Random(7)
    alphabet = "ab Z9.-\t\n\r\x00\x07\x1b\x1f\x7f\u00ad\u200b\ufeff\u00e9"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert clean(text) == clean(text + "\u200b"), repr(text)
