"""One answer's body: kept as it came over the wire until it is read, then
decompressed (gzip, deflate) without ever producing more than the size cap."""

from __future__ import annotations

import hashlib
import re
import types
import zlib
from collections.abc import Mapping

from secondchance.core import limits
from secondchance.core.board import Validators
from secondchance.fetch.errors import FetchError

_inflate: types.ModuleType
try:
    # zlib-ng inflates about 2.5x faster than the stdlib's zlib (697 MB of gzip'd
    # boards: 1.3 -> 0.5 s of CPU) with the same API; no wheel on 32-bit ARM.
    from zlib_ng import zlib_ng as _inflate
except ImportError:  # pragma: no cover - depends on the platform
    _inflate = zlib


class Response:
    """One answer. A 200's body stays as it came over the wire until it is read:
    the poller compares ``digest`` (SHA-256 of the wire bytes) with the last
    poll's first, and a body that did not change is never decompressed or parsed.
    """

    __slots__ = (
        "_cap",
        "_coding",
        "_raw",
        "charset",
        "digest",
        "not_modified",
        "size",
        "status",
        "validators",
    )

    def __init__(
        self,
        status: int,
        raw: bytes,
        validators: Validators,
        *,
        not_modified: bool = False,
        content_encoding: str = "",
        max_body: int = 20 * 1024 * 1024,
        charset: str | None = None,
    ) -> None:
        self.status = status
        self.validators = validators
        self.not_modified = not_modified
        # The charset the Content-Type declares, if any (the body is read by it).
        self.charset = charset
        self.digest = hashlib.sha256(raw).digest()
        self.size = len(raw)  # as it came over the wire
        self._raw = raw
        self._coding = content_encoding
        self._cap = max_body

    @property
    def body(self) -> bytes:
        """The decoded body; raises FetchError if it cannot be decoded or is
        over the size cap once decompressed."""
        if self._coding:
            self._raw, self._coding = decode_body(self._raw, self._coding, self._cap), ""
        return self._raw


def too_large(cap: int) -> FetchError:
    return FetchError(f"response larger than {cap / (1024 * 1024):g} MB; not read")


def decode_body(raw: bytes, content_encoding: str, cap: int) -> bytes:
    """Undo a Content-Encoding (gzip, deflate, identity), never producing more
    than ``cap`` bytes: a small compressed body can expand to gigabytes."""
    body = raw
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):  # listed in the order they were applied
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            candidates = [zlib.MAX_WBITS | 16]
        elif coding == "deflate":
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            candidates = [zlib.MAX_WBITS, -zlib.MAX_WBITS]
        else:
            raise FetchError(f"the server used an unsupported Content-Encoding {coding!r}")
        for index, wbits in enumerate(candidates):
            decompressor = _inflate.decompressobj(wbits)
            try:
                out = decompressor.decompress(body, cap + 1)
            except _inflate.error as exc:
                if index + 1 < len(candidates):
                    continue
                raise FetchError(f"could not decode the response body ({coding}): {exc}") from None
            break
        if len(out) > cap or decompressor.unconsumed_tail:
            raise too_large(cap)
        if not decompressor.eof:
            raise FetchError(f"the response body ends early (incomplete {coding} data)")
        body = out
    return body


_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def charset_of(content_type: str | None) -> str | None:
    """The charset a Content-Type header declares ("text/html; charset=ISO-8859-1")."""
    match = _CHARSET.search(content_type) if content_type else None
    return match.group(1) if match else None


def validators_of(headers: Mapping[str, str]) -> Validators:
    """The answer's validators, for the next poll's conditional request. One longer
    than the database keeps is dropped: the next poll asks without it (a full answer)
    rather than failing the write where the database enforces lengths."""
    etag, modified = headers.get("etag"), headers.get("last-modified")
    if etag is not None and len(etag) > limits.ETAG:
        etag = None
    if modified is not None and len(modified) > limits.LAST_MODIFIED:
        modified = None
    return Validators(etag=etag, last_modified=modified)
