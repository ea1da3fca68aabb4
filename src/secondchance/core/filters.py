"""Do I care about this posting? Include, exclude, location and pay filters.

``Filter`` is the plain data written in the watchlist (globally and per
company); ``merge`` layers a company's filter over the global one and
``compile_filter`` turns the result into regexes once, so that a bad pattern
is reported at config validation rather than in the middle of a poll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secondchance.core.models import Posting, Remote
from secondchance.core.pay import MinPay, judge

REGEX_PREFIX = "re:"


@dataclass(frozen=True)
class Filter:
    """Terms as written in the watchlist.

    None means "not set here": a company filter that leaves a key unset
    inherits the global value, whereas an explicit empty tuple clears it.
    After merging, None and () both mean "no constraint".
    """

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    locations: tuple[str, ...] | None = None
    min_pay: MinPay | None = None
    pay_required: bool | None = None


def merge(base: Filter | None, override: Filter | None) -> Filter:
    """The global filter ``base`` with the company's ``override`` laid over it,
    key by key: a key the company sets replaces the global one outright (no
    union: a company that lists its own includes means exactly those)."""
    base = base or Filter()
    if override is None:
        return base
    return Filter(
        include=base.include if override.include is None else override.include,
        exclude=base.exclude if override.exclude is None else override.exclude,
        locations=base.locations if override.locations is None else override.locations,
        min_pay=base.min_pay if override.min_pay is None else override.min_pay,
        pay_required=base.pay_required if override.pay_required is None else override.pay_required,
    )


def _compile_term(key: str, term: str) -> re.Pattern[str]:
    if term.startswith(REGEX_PREFIX):
        pattern = term[len(REGEX_PREFIX) :]
        if not pattern.strip():
            raise ValueError(f"{key}: empty regular expression in filter term {term!r}")
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(
                f"{key}: invalid regular expression {pattern!r} in filter term {term!r}: {exc}"
            ) from None
    words = term.split()
    if not words:
        # A blank term would match every posting, which is never what was meant.
        raise ValueError(f"{key}: empty filter term {term!r}")
    # Look-arounds rather than \b so that terms starting or ending in a symbol
    # ("C++", ".NET") still get boundaries; any run of spaces between words.
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _compile_terms(key: str, terms: tuple[str, ...] | None) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile_term(key, t) for t in terms or ())


def _any_search(patterns: tuple[re.Pattern[str], ...], texts: tuple[str, ...]) -> bool:
    # Each text is searched on its own so a phrase cannot straddle title and
    # department.
    return any(p.search(t) for p in patterns for t in texts)


@dataclass(frozen=True)
class CompiledFilter:
    """A merged ``Filter`` ready to test postings; build with ``compile_filter``."""

    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    locations: tuple[re.Pattern[str], ...] = ()
    # The arrangements the location terms ask for, matched against the
    # posting's remote flag: boards often say "Remote" only in that flag.
    arrangements: frozenset[Remote] = frozenset()
    min_pay: MinPay | None = None
    pay_required: bool = False

    def passes(self, posting: Posting) -> bool:
        texts = (posting.title, posting.department or "")
        if self.include and not _any_search(self.include, texts):
            return False
        if _any_search(self.exclude, texts):
            return False
        if not self._location_passes(posting):
            return False
        if self.min_pay is None and not self.pay_required:
            return True
        return judge(posting.pay, self.min_pay, self.pay_required).passes

    def _location_passes(self, posting: Posting) -> bool:
        if not self.locations:
            return True
        if _any_search(self.locations, posting.locations):
            return True
        if posting.remote in self.arrangements:
            return True
        # Nothing known about where the job is: let it through, since hiding
        # a possible second chance is worse than one alert too many. A known
        # arrangement without a place is judged on the arrangement alone.
        return not posting.locations and posting.remote is Remote.UNKNOWN

    def explain(self, posting: Posting) -> Verdict:
        """What ``passes`` decides, and why: the rule and the words that decided.
        Kept beside ``passes`` rather than under it: ``passes`` runs for every posting
        of every poll, this only for `--why` (tests/core/test_filters.py checks that
        the two always agree)."""
        why = self._explain_text(posting)
        if not why.passes or (self.min_pay is None and not self.pay_required):
            return why
        pay = judge(posting.pay, self.min_pay, self.pay_required)
        if not pay.passes:
            return Verdict(False, "pay", None, pay.reason)
        return Verdict(True, why.rule, why.matched, f"{why.reason}; {pay.reason}")

    def _explain_text(self, posting: Posting) -> Verdict:
        texts = (posting.title, posting.department or "")
        if self.include:
            found = _first_match(self.include, texts)
            if found is None:
                return Verdict(False, "include", None, "no include term in the title")
            why = Verdict(True, "include", found, f"include matched {found!r}")
        else:
            why = Verdict(True, None, None, "no include terms: every title")
        excluded = _first_match(self.exclude, texts)
        if excluded is not None:
            return Verdict(False, "exclude", excluded, f"exclude matched {excluded!r}")
        if not self.locations:
            return why
        place = _first_match(self.locations, posting.locations)
        if place is not None:
            return Verdict(True, "locations", place, f"{why.reason}; location matched {place!r}")
        if posting.remote in self.arrangements:
            arrangement = posting.remote.value
            return Verdict(
                True, "locations", arrangement, f"{why.reason}; the board flags it {arrangement}"
            )
        if not posting.locations and posting.remote is Remote.UNKNOWN:
            return Verdict(
                True, "locations", None, f"{why.reason}; no location given, so let through"
            )
        where = "; ".join(posting.locations) or posting.remote.value
        return Verdict(False, "locations", None, f"no locations term matches {where!r}")


@dataclass(frozen=True)
class Verdict:
    """Why a posting passes or is hidden: the rule that decided (``include``,
    ``exclude``, ``locations``, ``pay``; None: no filter) and the text it matched."""

    passes: bool
    rule: str | None
    matched: str | None
    reason: str


def _first_match(patterns: tuple[re.Pattern[str], ...], texts: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        for text in texts:
            if found := pattern.search(text):
                return found.group(0)
    return None


_ARRANGEMENT_TERMS = {"remote": Remote.YES, "hybrid": Remote.HYBRID}


def compile_filter(f: Filter) -> CompiledFilter:
    """Compile a merged filter; ValueError names any bad or empty term."""
    arrangements = frozenset(
        _ARRANGEMENT_TERMS[t.strip().casefold()]
        for t in f.locations or ()
        if t.strip().casefold() in _ARRANGEMENT_TERMS
    )
    return CompiledFilter(
        include=_compile_terms("include", f.include),
        exclude=_compile_terms("exclude", f.exclude),
        locations=_compile_terms("locations", f.locations),
        arrangements=arrangements,
        min_pay=f.min_pay,
        pay_required=bool(f.pay_required),
    )
