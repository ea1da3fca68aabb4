"""A host name pasted where the board's name belongs is refused with the fix."""

from __future__ import annotations

import pytest

from secondchance.sources import SOURCES, SpecError


@pytest.mark.parametrize(
    ("kind", "pasted", "name"),
    [
        ("bamboohr", "acme.bamboohr.com", "acme"),
        ("personio", "acme.jobs.personio.de", "acme"),
        ("teamtailor", "acme.teamtailor.com", "acme"),
        ("recruitee", "acme.recruitee.com", "acme"),
        ("workable", "apply.workable.com/acme", "acme"),
        ("ashby", "jobs.ashbyhq.com/acme", "acme"),
    ],
)
def test_a_pasted_host_names_the_slug_to_use(kind: str, pasted: str, name: str) -> None:
    with pytest.raises(SpecError, match=rf"\('{name}'\), not the URL"):
        SOURCES[kind].parse_spec(pasted, {})
