"""Is this mail a rejection, and which sentence says so? A transparent scorer (pure).

Each sentence is tried against decision phrases, per language: what a company writes
when it turns an application down. A decision alone is not enough: the mail must be
about an application (context phrases, in the subject or the body), and negative cues
weigh against it: a job-alert sender or newsletter, an offer, an invitation to an
interview. The score is a sum anyone can recompute from the tables below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secondchance.importers.mail.phrases import (
    ALERT_SENDERS,
    ALERT_WORDS,
    CONTEXT,
    DECISIONS,
    NEGATIVES,
    PERSONAL_CONTEXT,
)

# A decision phrase weighs DECISION; the mail needs THRESHOLD to be a rejection.
DECISION = 4
CONTEXT_WEIGHT = 1
PERSONAL_WEIGHT = 1
BULK_WEIGHT = -1
THRESHOLD = 5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n{2,}|\n(?=\s*[-•*]\s)")
_SPACE = re.compile(r"\s+")
# Every decision phrase at once: one search a sentence, the table only on a hit.
_ANY_DECISION = re.compile("|".join(f"(?:{p.pattern})" for p in DECISIONS))


@dataclass(frozen=True, slots=True)
class Verdict:
    rejection: bool
    score: int
    evidence: str | None  # the sentence that made it a rejection
    reasons: tuple[str, ...]  # which rules weighed, for tests and tuning


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()


def sentences(text: str) -> list[str]:
    """The text's sentences, each on one line (a paragraph's wrapped lines joined)."""
    found = []
    for piece in _SENTENCE_END.split(text):
        sentence = normalise(piece)
        if sentence:
            found.append(sentence)
    return found


def judge(subject: str, text: str, sender: str, *, bulk: bool) -> Verdict:
    """The verdict on one mail: its subject, newest text, sender address, and whether
    it came as a mailing."""
    reasons: list[str] = []
    sender = sender.lower()
    whole = normalise(f"{subject}\n{text}").lower()
    if any(pattern.search(sender) for pattern in ALERT_SENDERS) or (
        bulk and any(pattern.search(whole) for pattern in ALERT_WORDS)
    ):
        return Verdict(False, 0, None, ("job alert",))
    evidence = None
    score = 0
    for sentence in [*sentences(text), normalise(subject)]:
        lowered = sentence.lower()
        if not _ANY_DECISION.search(lowered):
            continue
        hit = next((p.pattern for p in DECISIONS if p.search(lowered)), None)
        if hit:
            evidence, score = _shortened(sentence, lowered), DECISION
            reasons.append(f"decision: {hit}")
            break
    if evidence is None:
        return Verdict(False, 0, None, ("no decision",))
    if any(pattern.search(whole) for pattern in CONTEXT):
        score += CONTEXT_WEIGHT
        reasons.append("about an application")
    if any(pattern.search(whole) for pattern in PERSONAL_CONTEXT):
        score += PERSONAL_WEIGHT
        reasons.append("about your application")
    if bulk:
        score += BULK_WEIGHT
        reasons.append("a mailing")
    for pattern, weight in NEGATIVES:
        if pattern.search(whole):
            score += weight
            reasons.append(f"negative: {pattern.pattern}")
    return Verdict(
        score >= THRESHOLD, score, evidence if score >= THRESHOLD else None, tuple(reasons)
    )


EVIDENCE_CHARS = 300


def _shortened(sentence: str, lowered: str) -> str:
    """The sentence, or (a paragraph without full stops) the words around its decision."""
    if len(sentence) <= EVIDENCE_CHARS:
        return sentence
    match = _ANY_DECISION.search(lowered)
    middle = (match.start() + match.end()) // 2 if match else 0
    start = max(0, min(middle - EVIDENCE_CHARS // 2, len(sentence) - EVIDENCE_CHARS))
    end = start + EVIDENCE_CHARS
    return (
        f"{'…' if start else ''}{sentence[start:end].strip()}{'…' if end < len(sentence) else ''}"
    )
