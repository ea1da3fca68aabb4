"""Applications from tables: the LinkedIn data export, and any tracker's CSV.

Each row is a Found (an application; a rejection when a tracker's status says so),
``file`` naming the row as ``PATH:LINE``; a row that cannot be read is a Problem that
skips it (``fatal=False``), a file that cannot be read one that ends it. No row's
contents ever go into a problem's line: only where, and what was wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from secondchance.importers.boards import board_in
from secondchance.importers.found import Found, Problem

FIELDS = ("company", "role", "date", "url", "status", "stage", "contact")
# Column names each field is recognised by, compared without case, accents or punctuation.
ALIASES: Mapping[str, tuple[str, ...]] = {
    "company": ("company", "company name", "employer", "organisation", "organization", "firm"),
    "role": ("role", "title", "job title", "position", "position title", "job", "job name"),
    "date": ("date", "applied", "applied on", "application date", "date applied", "applied at"),
    "url": ("url", "link", "job url", "job link", "posting url", "posting", "job posting"),
    "status": ("status", "outcome", "result", "state", "decision"),
    "stage": ("stage", "last stage", "round"),
    "contact": ("contact", "recruiter", "contact name"),
}
# Words of a status that mean no, in the languages the mail importer reads.
_REJECTED = re.compile(
    r"reject|declin|not selected|unsuccessful|no offer|turned down|not moving forward|"
    r"ghosted and closed|abgelehnt|absage|refus|rechaza|descartad|afgewezen|afwijzing",
)
_LINKEDIN_MEMBER = re.compile(r"(?:^|/)job applications(?:_\d+)?\.csv$", re.IGNORECASE)
_DATE_FORMATS = (
    # Two-digit years first: %Y would read "24" as the year 24.
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%b %d %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%d %B %Y",
)


class MappingError(ValueError):
    """A --map that names an unknown field, or a column the file does not have."""


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", letters).split())


def parse_date(text: str) -> dt.date | None:
    """A date as trackers write it: ISO, US m/d/y (d/m/y when the first is over 12),
    d.m.Y, "Nov 20, 2024"; a time after it is ignored ("11/20/24, 8:15 AM")."""
    value = text.strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    head = re.split(r"[,T]\s*\d{1,2}:\d{2}|\s+\d{1,2}:\d{2}", value)[0].strip()
    head = head.replace(",", "")
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(head, form).date()
        except ValueError:
            continue
    return None


def is_rejected(status: str | None) -> bool:
    return bool(status) and _REJECTED.search(_plain(status or "")) is not None


def decode(data: bytes) -> str:
    """UTF-8 (a BOM dropped), else Windows-1252: what spreadsheets save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def columns(header: list[str], mapping: Mapping[str, str], where: str) -> dict[str, int]:
    """Each field's column: ``mapping`` (field → column name) first, then the aliases."""
    plain = [_plain(name) for name in header]
    found: dict[str, int] = {}
    for field, name in mapping.items():
        if field not in FIELDS:
            raise MappingError(f"--map {field}=…: unknown field (known: {', '.join(FIELDS)})")
        if _plain(name) not in plain:
            raise MappingError(f"--map {field}={name}: {where} has no column {name!r}")
        found[field] = plain.index(_plain(name))
    for field, aliases in ALIASES.items():
        if field not in found:
            index = next((plain.index(a) for a in aliases if a in plain), None)
            if index is not None and index not in found.values():
                found[field] = index
    return found


def read_csv(
    text: str, where: str, mapping: Mapping[str, str] | None = None
) -> Iterator[Found | Problem]:
    """The rows of a tracker's CSV (``where``: its name in ``file`` and problems)."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield Problem(where, f"not a CSV file ({exc})")
        return
    fields = columns(header, mapping or {}, where)
    if "company" not in fields:
        yield Problem(where, "no company column (name one with --map company=COLUMN)")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Problem(f"{where}:{reader.line_num}", f"unreadable row ({exc})", fatal=False)
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield _row(row, fields, f"{where}:{reader.line_num}")


def _row(row: list[str], fields: Mapping[str, int], where: str) -> Found | Problem:
    def cell(field: str) -> str | None:
        index = fields.get(field)
        value = row[index].strip() if index is not None and index < len(row) else ""
        return value or None

    company = cell("company")
    if company is None:
        return Problem(where, "no company in this row; skipped", fatal=False)
    date_text = cell("date")
    date = parse_date(date_text) if date_text else None
    if date_text and date is None:
        return Problem(where, "a date it cannot read; skipped", fatal=False)
    status, stage = cell("status"), cell("stage")
    url = cell("url")
    return Found(
        company=company,
        role=cell("role"),
        date=date,
        status="rejected" if is_rejected(status) or is_rejected(stage) else "applied",
        stage=None if is_rejected(stage) else stage,
        contact=cell("contact"),
        board=board_in(url),
        file=where,
        url=url,
    )


def read_table_file(
    path: Path, mapping: Mapping[str, str] | None = None
) -> Iterator[Found | Problem]:
    """`import csv FILE`: a tracker's CSV."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), f"cannot read it: {exc.strerror or exc}")
        return
    yield from read_csv(decode(data), str(path), mapping)


def read_linkedin(
    path: Path, mapping: Mapping[str, str] | None = None
) -> Iterator[Found | Problem]:
    """`import linkedin PATH`: the export's zip (each ``Job Applications*.csv`` in it)
    or one of those CSV files (or any tracker's, read with ``mapping``). Every row of
    the export is an application."""
    if not zipfile.is_zipfile(path):
        yield from read_table_file(path, mapping)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if _LINKEDIN_MEMBER.search(m)]
            if not members:
                yield Problem(str(path), "no Jobs/Job Applications.csv in this zip")
                return
            for member in sorted(members):
                text = decode(archive.read(member))
                yield from read_csv(text, f"{path}:{member}")
    except (zipfile.BadZipFile, OSError) as exc:
        yield Problem(str(path), f"cannot read the zip: {exc}")
