"""Pure: why a posting would be told or not, as `peek --why` and `jobs --why` say it.

The same rules as classify.py: a posting that is the role the user was turned down
for comes through whatever the filter says (a role back); any other comes through
when it passes the company's filter. This spells the decision out: the rule and word
that decided, and how alike the title is to each rejected role.
"""

from __future__ import annotations

from dataclasses import dataclass

from secondchance.core.filters import Verdict
from secondchance.core.matching import similarity
from secondchance.core.models import Posting
from secondchance.core.watchlist import Company


@dataclass(frozen=True)
class Explanation:
    verdict: Verdict
    # (rejected role, similarity 0..100) for each of the company's rejections.
    roles: tuple[tuple[str, float], ...]
    # The rejected role this posting would be told as coming back, if any.
    role_back: str | None

    @property
    def shown(self) -> bool:
        return self.role_back is not None or self.verdict.passes

    @property
    def reason(self) -> str:
        if self.role_back is not None:
            return f"the role you were turned down for ({self.role_back}): always shown"
        return self.verdict.reason

    def as_json(self) -> dict[str, object]:
        return {
            "shown": self.shown,
            "passes_filter": self.verdict.passes,
            "rule": self.verdict.rule,
            "matched": self.verdict.matched,
            "reason": self.reason,
            "role_back": self.role_back,
            "similarity": {role: round(score, 1) for role, score in self.roles},
        }


def explain(company: Company, posting: Posting, threshold: float) -> Explanation:
    verdict = (
        company.matcher.explain(posting)
        if company.matcher is not None
        else Verdict(True, None, None, "no filter: every posting")
    )
    roles = tuple((r.role, similarity(posting.title, r.role)) for r in company.rejections)
    best = max(
        ((role, score) for role, score in roles if score >= threshold),
        key=lambda item: item[1],
        default=None,
    )
    return Explanation(verdict, roles, best[0] if best else None)
