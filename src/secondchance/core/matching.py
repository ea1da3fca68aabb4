"""Is this posting the role I was rejected for?

Recruiters re-post the same role with cosmetic edits: a new requisition id, a
level bump, "(Remote)" appended, a gender marker for German law. The key from
``normalise_role`` sets those edits aside so that ``similarity`` only has to
absorb genuine wording drift ("Programs" / "Program", "Full-Stack" /
"Fullstack"). Unlike ``text.normalise_title`` (strict equality, for repost
detection) this is meant for fuzzy comparison against the user's list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from secondchance.core.text import clean

# Tuned on the title table in tests/core/test_matching.py, where same-role pairs
# score >= 85.7 and different-role pairs <= 80: one word in three changed is
# another role, one word added to three shared ones is the same role.
DEFAULT_THRESHOLD: float = 85.0


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Where-and-how words: a segment made only of these says nothing about the role.
_PLACE_WORDS = _words(
    """
    remote hybrid onsite on-site office first friendly only based anywhere worldwide
    global us usa u.s. uk eu emea apac latam amer americas nam na anz dach nordics
    north south east west central northeast southeast midwest america europe asia
    pacific united states kingdom canada germany india
    """
)
_ARRANGEMENT = re.compile(r"\b(?:remote|hybrid|on-?site|wfh|work from home)\b", re.I)
# "Seattle, WA" / "Berlin, DE": only trusted with an upper-case code, which is
# why this runs before case-folding.
_CITY_CODE = re.compile(r"^[A-Z][\w.' -]*,\s*[A-Z]{2}$")

_GENDER = re.compile(
    r"\(?\s*\b[mfwdx]\s*/\s*[mfwdx]\s*(?:/\s*[mfwdx]\s*)?\)?(?!\w)|\(\s*all genders\s*\)", re.I
)
# Requisition ids: "R12345", "REQ-2291", "JR-1029", "#1234", "2024-118", "(4418)".
_REQ_ID = re.compile(
    r"(?<!\w)(?:#\s*\d+|(?:req|jr|r|job|id)[-_ #]?\d{3,}|\d{4}-\d{2,}|\d{4,})(?!\w)", re.I
)
_PERCENT = re.compile(r"\b\d{1,3}\s*%")
_PARENS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
# The last " - x", " | x" or ", x" segment (hyphens inside words like
# "Mid-Market" are not separators).
_TAIL = re.compile(r"^(?P<head>.*?\S)\s*(?:\s[-–—|]\s*|[–—|]|,)\s*(?P<tail>[^,\-–—|]+?)\s*$")
_CITY_TAIL = re.compile(r"^(?P<head>.*?\S)\s+[-–—|]\s+(?P<tail>[^,\-–—|]+,\s*[A-Z]{2})\s*$")
_HEAD = re.compile(r"^\s*(?P<place>[^,\-–—|]+?)\s+[-–—|]\s+(?P<rest>\S.*)$")
# Keep the languages that punctuation stripping would otherwise erase or merge.
_SYMBOLS = (("c++", " cpp "), ("c#", " csharp "), (".net", " dotnet "), ("&", " and "))
_NON_WORD = re.compile(r"[^\w]+")
_WORD_CUTOFF = 87.0

# Level words rarely name a role, so they go wherever they appear ...
_LEVELS = _words("senior sr snr junior jr jnr principal i ii iii iv v vi")
# ... but these also are role nouns ("Chief of Staff", "Operations Lead",
# "Strategy Associate"), so they only go as a leading modifier. "head" stays:
# "Head of Marketing" is a different job from "Marketing Manager".
_PREFIX_LEVELS = _words("lead staff associate")
_LEVEL_CODE = re.compile(r"^(?:l\d{1,2}|\d+)$")


def _is_place(segment: str) -> bool:
    words = [w for w in re.split(r"[\s,/]+", segment.casefold()) if w]
    if not words:
        return True
    if all(w in _PLACE_WORDS for w in words):
        return True
    return bool(_CITY_CODE.match(segment.strip()))


def _drop_noise_parens(match: re.Match[str]) -> str:
    inside = match.group(1)
    if _is_place(inside) or _ARRANGEMENT.search(inside):
        return " "
    return f" ({inside}) "


def _strip_place_segments(text: str) -> str:
    # Loop because boards stack them: "Data Analyst - Remote - US"; a leading
    # "Remote - " or "USA | " is the same note written first.
    while True:
        m = _CITY_TAIL.match(text) or _TAIL.match(text)
        if m is not None and _is_place(m.group("tail")):
            text = m.group("head")
            continue
        m = _HEAD.match(text)
        if m is not None and _is_place(m.group("place")):
            text = m.group("rest")
            continue
        return text


def _drop_levels(tokens: list[str]) -> list[str]:
    kept: list[str] = []
    for i, tok in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        # "Level 2" is a grade; "Level Designer" is a games role.
        is_grade = tok == "level" and (_LEVEL_CODE.match(following) or following in _LEVELS)
        if is_grade or tok in _LEVELS or _LEVEL_CODE.match(tok):
            continue
        if not kept and tok in _PREFIX_LEVELS:
            continue
        kept.append(tok)
    return kept


@lru_cache(maxsize=4096)
def normalise_role(title: str) -> str:
    """A comparison key that ignores what recruiters change on a re-post."""
    # Cached: every poll compares each posting with every watched role.
    text = unicodedata.normalize("NFKC", clean(title))
    text = _GENDER.sub(" ", text)
    text = _REQ_ID.sub(" ", text)
    text = _PERCENT.sub(" ", text)
    text = _PARENS.sub(_drop_noise_parens, text)
    text = _strip_place_segments(clean(text))
    text = text.casefold()
    for symbol, word in _SYMBOLS:
        text = text.replace(symbol, word)
    tokens = _drop_levels(_NON_WORD.sub(" ", text).split())
    return " ".join(tokens)


def _join_compounds(tokens: list[str], vocab: set[str]) -> list[str]:
    # "Full-Stack" vs "Fullstack", "Pre-Sales" vs "Presales": glue two words
    # when the other title spells them as one.
    joined: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and tokens[i] + tokens[i + 1] in vocab:
            joined.append(tokens[i] + tokens[i + 1])
            i += 2
        else:
            joined.append(tokens[i])
            i += 1
    return joined


def _canonical(tokens: list[str], vocab: list[str]) -> tuple[list[str], float]:
    # Spelling drift ("Programs", "Programme") maps onto the other title's word;
    # the cutoff keeps "Engineering" apart from "Engineer" (84). The returned
    # shortfall lets an exact spelling outrank a near one in best_match.
    out: list[str] = []
    shortfall = 0.0
    for tok in tokens:
        found = None
        if tok not in vocab:
            found = process.extractOne(tok, vocab, scorer=fuzz.ratio, score_cutoff=_WORD_CUTOFF)
        if found is None:
            out.append(tok)
        else:
            out.append(found[0])
            shortfall += 1 - found[1] / 100
    return out, shortfall


def similarity(a: str, b: str) -> float:
    """How alike two titles are as roles, 0..100, on their normalised keys.

    Measured on the test table, character-level scorers cannot separate
    "Customer Success Manager" / "... Engineer" (86) from genuine drift like
    "Full-Stack" / "Fullstack" (87), and token_set_ratio scores any subset as
    100 ("Engineer" vs "Staff Software Engineer"). So this is
    token_sort_ratio at word granularity: the share of words the two titles
    have in common, a near-spelled word counting as much as it resembles.
    """
    left, right = normalise_role(a).split(), normalise_role(b).split()
    if not left or not right:
        return 0.0
    left = _join_compounds(left, set(right))
    right = _join_compounds(right, set(left))
    right, shortfall = _canonical(right, left)
    score = fuzz.ratio(sorted(left), sorted(right)) - 200 * shortfall / (len(left) + len(right))
    return max(0.0, float(score))


def best_match(
    title: str, roles: Sequence[str], threshold: float = DEFAULT_THRESHOLD
) -> tuple[int, float] | None:
    """Index and score of the role most like ``title``, if any reaches ``threshold``.

    Ties go to the earliest role, so the user's list order is the tie-breaker.
    """
    best: tuple[int, float] | None = None
    for index, role in enumerate(roles):
        score = similarity(title, role)
        if score >= threshold and (best is None or score > best[1]):
            best = (index, score)
    return best
