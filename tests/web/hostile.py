"""A corpus of hostile job titles: what a board (or whoever controls one) could
publish to run script in the dashboard, break out of an attribute, plant a link, or
stretch a phone's page. Each payload sets ``window.__pwned`` if it ever runs."""

from __future__ import annotations

TITLES = [
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    '"><svg onload=window.__pwned=1>',
    "' onmouseover='window.__pwned=1",
    "Engineer \u202egnirihkcab\u202c (bidi override)",
]
# Where a posting's link is board text too.
JAVASCRIPT_URL = "javascript:window.__pwned=1"
LINK_TITLE = "Link to javascript: here"
# One unbroken 100 KB word: it must wrap, not widen the page.
LONG_TITLE = "Long" + "W" * 100_000

# The bidirectional controls a page must never show (U+202A–U+202E, U+2066–U+2069).
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
# Each title as written (the start of the long one), as the harness's own pages show it.
AS_WRITTEN = [*TITLES, LINK_TITLE, LONG_TITLE[:40]]
# What the dashboard shows of each, bidi controls removed: found as text.
VISIBLE = ["".join(c for c in t if c not in BIDI) for t in AS_WRITTEN]
