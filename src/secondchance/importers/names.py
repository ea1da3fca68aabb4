"""When two spellings name one company or one role: the keys imports are merged by."""

from __future__ import annotations

import re
import unicodedata

# Legal forms, compared after dots are dropped ("S.A." is "sa") and only at the end of
# a name: "Co" ends "Acme Co" but starts "Co-op Bank".
_SUFFIXES = """
    inc incorporated llc llp lp ltd limited gmbh mbh ag kg kgaa ug sa sas sarl sasu spa srl
    bv nv plc corp corporation co company se oy oyj ab as asa aps pty pte pvt kk
"""
LEGAL_SUFFIXES = frozenset(_SUFFIXES.split())
_NON_WORD = re.compile(r"[^\w]+")


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w for w in _NON_WORD.sub(" ", plain.replace(".", "")).split() if w]


def company_key(name: str) -> str:
    """``name`` without case, spaces, punctuation, accents or trailing legal forms:
    "ACME, Inc." and "Acme GmbH & Co. KG" are both "acme"."""
    words = _words(name)
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES | {"and"}:
        words.pop()
    return "".join(words)


def role_key(role: str | None) -> str:
    """A role as recorded rejections are compared: case and spacing aside."""
    return " ".join((role or "").casefold().split())
