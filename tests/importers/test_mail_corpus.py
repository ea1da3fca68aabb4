"""The classifier and the extractor on the corpus: every tuning case right, and the
precision and recall on the held-out set (never used to tune) printed and asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from mail_corpus import holdout, tuning
from mail_corpus.builder import Case, build

from secondchance.importers.found import Found, RawMail
from secondchance.importers.mail import verdict


def _run(case: Case) -> Found | None:
    result = verdict(RawMail(f"{case.name}.eml", build(case)))
    assert not isinstance(result, Exception)
    return result if isinstance(result, Found) else None


def _fields(found: Found) -> dict[str, str | None]:
    return {
        "company": found.company,
        "role": found.role,
        "stage": found.stage,
        "contact": found.contact,
        "date": found.date.isoformat() if found.date else None,
        "board": f"{found.board.kind}:{found.board.token}" if found.board else None,
    }


@pytest.mark.parametrize("case", tuning.CASES, ids=lambda c: c.name)
def test_every_tuning_case_is_judged_and_read_right(case: Case) -> None:
    found = _run(case)
    assert (found is not None) == case.is_rejection, case.label
    if found is not None:
        assert found.evidence
        got = _fields(found)
        assert {k: got[k] for k in case.expect} == case.expect


def test_the_held_out_set_has_precision_and_recall() -> None:
    tp = fp = fn = 0
    fields_right = fields_checked = 0
    misses: list[str] = []
    for case in holdout.CASES:
        found = _run(case)
        if found is not None and case.is_rejection:
            tp += 1
            got = _fields(found)
            for key, value in case.expect.items():
                fields_checked += 1
                if got[key] == value:
                    fields_right += 1
                else:
                    misses.append(f"{case.name}.{key}: {got[key]!r} != {value!r}")
        elif found is not None:
            fp += 1
            misses.append(f"{case.name}: a {case.label} taken for a rejection")
        elif case.is_rejection:
            fn += 1
            misses.append(f"{case.name}: a rejection missed")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    accuracy = fields_right / fields_checked if fields_checked else 1.0
    figures = (
        f"held-out mail corpus: {len(holdout.CASES)} mails, precision {precision:.3f}, "
        f"recall {recall:.3f}, fields right {fields_right}/{fields_checked} ({accuracy:.0%})"
    )
    print(f"\n{figures}")
    for miss in misses:
        print(f"  {miss}")
    assert precision >= 0.95 and recall >= 0.9, figures
    assert accuracy >= 0.8, f"{figures}; {misses}"


def test_the_corpus_covers_each_language_and_every_shape(tmp_path: Path) -> None:
    from mail_corpus.builder import SHAPES

    for cases in (tuning.CASES, holdout.CASES):
        rejections = [c for c in cases if c.is_rejection]
        assert {c.lang for c in rejections} == {"en", "de", "fr", "es", "nl"}
        assert {c.label for c in cases} >= {"rejection", "confirmation", "interview", "alert"}
    every = tuning.CASES + holdout.CASES
    assert {c.shape for c in every} == set(SHAPES)
    assert len({c.name for c in every}) == len(every)
