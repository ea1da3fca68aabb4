"""The ``jsonld`` kind: any page publishing schema.org JobPosting JSON-LD.

For pages built for Google for Jobs (job detail pages, WordPress job plugins)
the structured data is the board; no selectors are needed. The extraction
itself lives in ``jsonld.py``, shared with the ``careers`` kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from secondchance.core.models import BoardSpec
from secondchance.sources import jsonld
from secondchance.sources.interface import Page, ParseError, Request, Source, SpecError
from secondchance.sources.toolkit import looks_like_challenge


class JsonLdSource(Source):
    kind = "jsonld"
    # 2: address placeholders dropped, the Content-Type's charset honoured.
    # 3: pay (schema.org baseSalary).
    reader = 3
    pays = True
    # One page is one fetch: JSON-LD has no notion of a next page.

    def detect(self, url: str) -> object | None:
        # Any page may carry JSON-LD; only fetching tells, which discover does.
        return None

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        if not isinstance(value, str) or not value:
            raise SpecError("expected the page URL, an absolute http(s) URL")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or value != value.strip():
            raise SpecError(f"{value!r} is not an absolute http(s) URL")
        return BoardSpec(kind=self.kind, key=value)

    def first_request(self, spec: BoardSpec, endpoints: Mapping[str, str]) -> Request:
        return Request(url=spec.key, expect="html")

    def parse(self, spec: BoardSpec, request: Request, body: bytes) -> Page:
        if looks_like_challenge(body):
            raise ParseError("got a bot-protection challenge page")
        postings, skipped = jsonld.read_postings(body, request.url)
        # A page that lost its markup must not read as every job closing.
        if not postings and not skipped:
            raise ParseError("no schema.org JobPosting found on the page")
        return Page(postings=postings, skipped=skipped)


SOURCE = JsonLdSource()
