"""Pure: the jobs page's list narrowed and sorted as its query asks, fast enough for
100,000 postings (the list web/jobs.py keeps)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter

from secondchance.config.model import name_key
from secondchance.storage.queries import StoredPosting


def search_text(item: StoredPosting) -> str:
    """What a search of the jobs page looks in, as ``views.matches`` joins and folds
    the texts it is given."""
    p = item.posting
    return f"{p.title} {item.company} {p.department or ''}".casefold()


def narrowed(
    found: Sequence[StoredPosting], q: Mapping[str, str], texts: Sequence[str] | None = None
) -> list[StoredPosting]:
    """Postings narrowed and sorted as the query asks (q, company, location, remote,
    sort: date, company or pay). ``texts``: each posting's ``search_text``, made
    ahead (else made here)."""
    search, location = q.get("q", "").strip(), q.get("location", "").strip().casefold()
    remote, only = q.get("remote", ""), q.get("company", "").strip()
    # What ``views.matches`` does, with the query split once and each word a pass of its
    # own over what is left: the list may hold 100,000 postings, and a call per
    # posting would be most of the page's time. Positions, not pairs: 100,000 new
    # tuples would set the garbage collector going through every object kept.
    words = search.casefold().split()
    if words:
        if texts is None:
            texts = [search_text(item) for item in found]
        left: Iterable[int] = range(len(found))
        for word in words:
            left = [i for i in left if word in texts[i]]
        out = [found[i] for i in left]
    else:
        out = list(found)
    if only:
        wanted = name_key(only)
        out = [item for item in out if name_key(item.company) == wanted]
    if remote:
        # Remote is a StrEnum: compared as the string it is, without .value's lookup.
        out = [item for item in out if item.posting.remote == remote]
    if location and "\n" not in location:
        # The locations joined by a line break, which the query has none of, find
        # what looking in each finds (without a generator per posting).
        out = [i for i in out if location in "\n".join(i.posting.locations).casefold()]
    elif location:
        out = [i for i in out if any(location in loc.casefold() for loc in i.posting.locations)]
    sort = q.get("sort", "date")
    if sort == "company":
        # By company, then title, as a sort by (company, title) orders them: each
        # company's postings sorted alone, without a new tuple per posting.
        folded = {name: name.casefold() for name in {i.company for i in out}}
        groups: dict[str, list[StoredPosting]] = {}
        for item in out:
            groups.setdefault(folded[item.company], []).append(item)
        out = []
        for name in sorted(groups):
            out += sorted(groups[name], key=lambda i: i.posting.title.casefold())
    elif sort == "pay":
        out.sort(key=_pay_key, reverse=True)
    else:
        out.sort(key=_FIRST_SEEN, reverse=True)
    return out


_FIRST_SEEN = attrgetter("first_seen")


def _pay_key(item: StoredPosting) -> int:
    pay = item.posting.pay
    return pay.top if pay else -1
