"""What every source parser uses: bodies decoded defensively (a challenge page, HTML
for JSON, truncated JSON all fail the poll; a declared charset is honoured), text fields
cleaned, posting ids and titles checked (a posting without one is skipped, not the
board), board names read from the watchlist."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

import msgspec
import orjson

from secondchance.core.models import BoardSpec, Posting
from secondchance.core.text import clean
from secondchance.sources.interface import Malformed, ParseError, Skipped, Source, SpecError

T = TypeVar("T")

# The JSON values other than an object (NotObject) or an array (NotArray). A typed
# field declared ``SomeStruct | NotObject`` or ``list[...] | NotArray`` accepts any
# JSON value, so a surprising shape reaches the parser's own checks (and their
# messages) instead of failing the whole decode.
Scalar = str | int | float | bool | None
NotObject = list[Any] | Scalar
NotArray = dict[str, Any] | Scalar

# Markers of bot-protection interstitials served with status 200.
_CHALLENGE_MARKERS = (
    b"cf-browser-verification",
    b"challenge-platform",
    b"cf_chl_opt",
    b"<title>Just a moment...</title>",
    b"<title>Attention Required! | Cloudflare</title>",
    b"_Incapsula_Resource",
    b"captcha-delivery.com",
)


def looks_like_challenge(body: bytes) -> bool:
    head = body[:20000]
    return any(marker in head for marker in _CHALLENGE_MARKERS)


_BOM = codecs.BOM_UTF8
# Byte order marks say the encoding whatever the header says (UTF-32 before UTF-16:
# its little-endian mark starts with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# As browsers read these labels (the WHATWG Encoding standard): a page declared
# ISO-8859-1 is windows-1252, whose curly quotes and dashes it uses.
_AS_BROWSERS_DO = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def codec_of(charset: str | None) -> str | None:
    """Python's codec for a declared charset label; None for none or an unknown one."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None
    return _AS_BROWSERS_DO.get(name, name)


def as_utf8(body: bytes, charset: str | None) -> bytes:
    """The body in UTF-8, read by its byte order mark, else by its declared charset.

    Bytes that are valid UTF-8 stay as they are whatever a single-byte charset says:
    servers that label every answer ISO-8859-1 by default are common, and text in a
    single-byte charset with any letter beyond ASCII is almost never valid UTF-8.
    UTF-16 and UTF-32 are believed when declared (their ASCII is valid UTF-8)."""
    if body.startswith(_BOM):
        return body[len(_BOM) :]
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace").encode()
    codec = codec_of(charset)
    if codec is None or codec == "utf-8" or (body.isascii() and not codec.startswith("utf-")):
        return body
    if not codec.startswith("utf-"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return body
    try:
        return body.decode(codec, errors="replace").encode()
    except LookupError:  # a codec that is not a text encoding ("base64")
        return body


def _refuse_non_json(body: bytes) -> bytes:
    """An empty body and an HTML page (a login wall, a challenge, an error page
    served with 200) are failures of the poll, never an empty board. Returns the
    body without a UTF-8 byte order mark: RFC 8259 lets a parser ignore one, some
    servers send it, and neither decoder accepts it."""
    if body.startswith(_BOM):
        body = body[len(_BOM) :]
    stripped = body.lstrip()
    if not stripped:
        raise ParseError("empty response body")
    if stripped[:1] == b"<":
        if looks_like_challenge(body):
            raise ParseError("got a bot-protection challenge page instead of JSON")
        raise ParseError("got HTML where JSON was expected")
    return body


def load_json(body: bytes) -> Any:
    """Decode a JSON API body, telling apart the ways it can be wrong.

    Besides what ``_refuse_non_json`` refuses, truncated JSON fails the poll too.
    """
    body = _refuse_non_json(body)
    try:
        # orjson: several times faster than json on the multi-MB boards.
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"malformed JSON: {exc}") from exc


def decode_json(body: bytes, decoder: msgspec.json.Decoder[T], what: str) -> T:
    """``load_json`` into the decoder's typed Structs, which skip (never build) the
    fields they do not declare: the multi-MB descriptions of the big boards.

    A value the decoder refuses (one that does not fit a strictly typed field, a
    number out of range) fails as "{what}: {reason} - at `$.path`", for example
    "greenhouse response: Number out of range - at `$.jobs[3].id`".
    """
    body = _refuse_non_json(body)
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as exc:  # a DecodeError subclass: it goes first
        raise ParseError(f"{what}: {exc}") from exc
    # Invalid UTF-8 in a field that is read surfaces as UnicodeDecodeError (in a
    # skipped one it goes unread), and nesting past the recursion limit as RecursionError.
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        reason = str(exc).removeprefix("JSON is malformed: ")
        raise ParseError(f"malformed JSON: {reason}") from exc


def expect_type(value: Any, kind: type, what: str) -> Any:
    """Raise ParseError unless ``value`` is of ``kind`` (schema drift guard)."""
    if not isinstance(value, kind):
        raise ParseError(f"{what}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def expect_object(value: object, kind: type[T], what: str) -> T:
    """``expect_type`` for a JSON object decoded into the Struct ``kind``, in the
    words it used for dicts."""
    if not isinstance(value, kind):
        raise ParseError(f"{what}: expected dict, got {type(value).__name__}")
    return value


def clean_text(value: object) -> str | None:
    """A string field, cleaned; None when it is not a string or cleans to nothing."""
    if not isinstance(value, str):
        return None
    # clean()'s own fast path, inlined: a third of a million calls in a big poll.
    if value.isascii() and value.isprintable():
        return " ".join(value.split()) or None
    return clean(value) or None


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """The non-empty values, each once, in their first order (a posting's places)."""
    return tuple(dict.fromkeys(value for value in values if value))


# The reasons a posting is skipped, as the poll line counts them.
NO_ID, NO_TITLE, NOT_AN_OBJECT = "no id", "no title", "not an object"


def posting_id(
    value: object, what: str, index: int, key: str = "id", *, numbers: bool = True
) -> str:
    """A posting's identity on its board, stripped: a string, or a whole number where
    the board uses those (``numbers``). Anything else, blank included, makes the posting
    unreadable: Malformed "{what} #{index}: missing or invalid '{key}'"."""
    # Called for every posting: the message is only made for the one that fails.
    if isinstance(value, str):
        text = value.strip()
        if text:
            return text
    # bool is an int subclass; a true/false id is drift, not an identity.
    elif numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Malformed(NO_ID, f"{what} #{index}: missing or invalid '{key}'")


def posting_title(value: object, what: str, key: str = "title") -> str:
    """A posting's title, cleaned; Malformed "{what}: missing or invalid '{key}'" when
    it is not a string or is blank (a posting nobody could recognise in an alert)."""
    title = clean_text(value)
    if title is None:
        raise Malformed(NO_TITLE, f"{what}: missing or invalid '{key}'")
    return title


def posting_object(value: object, kind: type[T], what: str) -> T:
    """``expect_object`` for one posting of a list: another shape (a number, a null)
    is that posting's trouble, not the page's."""
    if not isinstance(value, kind):
        raise Malformed(NOT_AN_OBJECT, f"{what}: expected dict, got {type(value).__name__}")
    return value


def each_posting(
    items: Iterable[T], read: Callable[[T, int], Posting | None]
) -> tuple[list[Posting], list[Skipped]]:
    """``read`` over a page's items: the postings (None: an item that is not one, left
    out uncounted), and the items it could not read (it raised Malformed), skipped with
    their reason."""
    postings: list[Posting] = []
    skipped: list[Skipped] = []
    for index, item in enumerate(items):
        try:
            posting = read(item, index)
        except Malformed as exc:
            skipped.append(Skipped(exc.reason, str(exc)))
            continue
        if posting is not None:
            postings.append(posting)
    return postings, skipped


_SLUG = re.compile(r"^[A-Za-z0-9._-]+$")


def board_slug(
    value: object,
    *,
    example: str,
    domain: str,
    detect: Callable[[str], object | None],
    noun: str = "company slug",
    article: str = "the",
) -> str:
    """The board's name as written in the watchlist (``acme`` for acme.bamboohr.com).

    A pasted URL (or host name) is refused with the name ``detect`` finds in it,
    so the fix is in the message; otherwise the request would go to a host like
    acme.bamboohr.com.bamboohr.com.
    """
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"expected {article} {noun} ({example})")
    slug = value.strip()
    if "/" in slug or ":" in slug or domain in slug.lower():
        hint = detect(slug if "://" in slug else f"https://{slug}")
        use = f" ({hint!r})" if isinstance(hint, str) else ""
        raise SpecError(f"use the {noun}{use}, not the URL")
    if not _SLUG.match(slug):
        raise SpecError(f"{noun} may only contain letters, digits, '-', '_' and '.' (got {slug!r})")
    return slug


class SlugSource(Source):
    """A kind whose board is named by one slug (``acme`` for acme.bamboohr.com): the
    watchlist value is read by ``board_slug`` with the words of these attributes."""

    # The example in "expected the company slug (acme for acme.bamboohr.com)".
    slug_example: ClassVar[str]
    # Part of the host, to recognise a pasted URL or host name.
    slug_domain: ClassVar[str]
    slug_noun: ClassVar[str] = "company slug"
    slug_article: ClassVar[str] = "the"

    def parse_spec(self, value: object, companions: Mapping[str, object]) -> BoardSpec:
        slug = board_slug(
            value,
            example=self.slug_example,
            domain=self.slug_domain,
            detect=self.detect,
            noun=self.slug_noun,
            article=self.slug_article,
        )
        return BoardSpec(kind=self.kind, key=slug)
