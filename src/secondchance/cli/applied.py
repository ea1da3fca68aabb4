"""`import`'s applications without an answer, marked applied in the database: the
dashboard's "I applied", one record (storage/marks.py). Matched to the snapshot's
postings by importers/applied.py; written only with --write, through the database as
it is (never created nor migrated); a dry run says what would be marked."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from secondchance.cli.common import data_dir, plural, print_json
from secondchance.core.text import shown

if TYPE_CHECKING:
    from datetime import tzinfo

    from secondchance.config import Config
    from secondchance.importers.applied import Verdict
    from secondchance.importers.merge import Application
    from secondchance.storage.marks import PostingKey

SHOWN = 10  # postings named in the summary line; --json and the dry run list them all


@dataclass
class Outcome:
    verdicts: list[Verdict]
    tz: tzinfo
    now: datetime
    written: bool
    # The postings marked (--write) or that would be, with the mark's id once written.
    marked: list[tuple[Verdict, int | None]] = field(default_factory=list)
    settled: int = 0  # matched, and left alone: marked already, or an applied mark undone

    @property
    def ambiguous(self) -> int:
        return sum(1 for v in self.verdicts if v.ambiguous)


def key_of(verdict: Verdict) -> PostingKey:
    assert verdict.posting is not None
    ref, posting = verdict.posting.source, verdict.posting.posting
    return (ref.company, ref.kind, ref.board, posting.id)


def mark_applications(
    args: argparse.Namespace, path: Path, applications: list[Application], write: bool
) -> None:
    """Match ``applications`` to the stored postings of their companies and mark them
    applied (``write``) or say which would be; one line and nothing more when the
    database cannot be read or written."""
    if not applications:
        return
    outcome = _outcome(args, path, applications, write)
    if outcome is None:
        return
    if args.json:
        for verdict, mark_id in outcome.marked:
            print_json(_record(verdict, mark_id, outcome))
    elif not write:
        sys.stdout.write(_section(outcome))
        sys.stdout.flush()
    print(f"secondchance: {summary(outcome)}", file=sys.stderr)


def _outcome(
    args: argparse.Namespace, path: Path, applications: list[Application], write: bool
) -> Outcome | None:
    from sqlalchemy.exc import SQLAlchemyError

    from secondchance import logs
    from secondchance.config import ConfigError, load
    from secondchance.daemon.app import existing_store
    from secondchance.importers.applied import match_all
    from secondchance.storage import StorageError, marks, queries

    config: Config | None = None
    not_marked = (
        "applications not marked applied in the database"
        if write
        else "cannot say which postings --write would mark applied"
    )
    try:
        if path.exists():
            config = load(path)
        store = existing_store(config, data_dir(args), writable=write)
    except ConfigError as exc:
        problem = exc.problems[0] if exc.problems else exc
        print(f"secondchance: {not_marked}: {path}: {problem}", file=sys.stderr)
        return None
    except StorageError as exc:
        print(f"secondchance: {not_marked}: {exc}", file=sys.stderr)
        return None
    tz = config.policy.tz if config else UTC
    outcome = Outcome([], tz, datetime.now(UTC), write)
    try:
        companies = sorted({a.company for a in applications})
        stored = {name: store.read_now(queries.stored_postings, name) for name in companies}
        outcome.verdicts = match_all(applications, stored)
        chosen = [v for v in outcome.verdicts if v.posting is not None]
        if write:
            wanted = [_wanted(v, outcome) for v in chosen]
            made = store.write_now(marks.mark_applied, wanted, outcome.now)
            by_key = {m.posting: m.id for m in made}
            outcome.marked = [(v, by_key[key_of(v)]) for v in chosen if key_of(v) in by_key]
        else:
            left = store.read_now(marks.settled, [key_of(v) for v in chosen])
            outcome.marked = [(v, None) for v in chosen if key_of(v) not in left]
        outcome.settled = len(chosen) - len(outcome.marked)
    except (SQLAlchemyError, OSError) as exc:
        print(f"secondchance: {not_marked}: {logs.first_line(exc)}", file=sys.stderr)
        return None
    finally:
        store.dispose()
    return outcome


def _wanted(verdict: Verdict, outcome: Outcome) -> tuple[PostingKey, str | None, datetime]:
    from secondchance.importers.applied import marked_at

    assert verdict.posting is not None
    at = marked_at(verdict.application.found.date, outcome.tz, outcome.now)
    return key_of(verdict), verdict.posting.posting.title, at


def _record(verdict: Verdict, mark_id: int | None, outcome: Outcome) -> dict[str, object]:
    from secondchance.storage.shapes import mark_json

    key, title, at = _wanted(verdict, outcome)
    found = verdict.application.found
    record = mark_json("applied", key, title, at, mark_id)
    record.update(
        written=mark_id is not None,
        by=verdict.by,
        application={
            "role": found.role,
            "date": found.date.isoformat() if found.date else None,
            "url": found.url,
            "file": found.file,
        },
    )
    return record


def _label(verdict: Verdict) -> str:
    assert verdict.posting is not None
    return shown(f"{verdict.posting.company}: {verdict.posting.posting.title}")


def _section(outcome: Outcome) -> str:
    """The dry run's list of the postings --write would mark, as TOML comments."""
    if not outcome.marked:
        return ""
    lines = [
        "",
        "# ── --write marks these postings applied in the database (the dashboard's "
        '"I applied") ──',
    ]
    for verdict, _ in outcome.marked:
        assert verdict.posting is not None
        found = verdict.application.found
        when = found.date.isoformat() if found.date else "(date unknown)"
        status = verdict.posting.status
        ref = verdict.posting.source.label
        lines.append(
            f"# {_label(verdict)} ({ref}, posting {shown(verdict.posting.posting.id)}, "
            f"{status}): applied {when}, found by its {verdict.by}"
        )
    return "\n".join(lines) + "\n"


def summary(outcome: Outcome) -> str:
    """One line: the postings marked (or that would be), then what was left alone."""
    count = len(outcome.marked)
    names = [_label(v) for v, _ in outcome.marked[:SHOWN]]
    if count > SHOWN:
        names.append(f"and {count - SHOWN} more")
    postings = plural(count, "posting") if count else "no posting"
    if outcome.written:
        head = f"marked {postings} applied in the database"
    else:
        head = f"{postings} to mark applied in the database"
    head += f": {'; '.join(names)}" if names else ""
    notes = []
    if outcome.settled:
        notes.append(f"{outcome.settled} marked already")
    if outcome.ambiguous:
        notes.append(
            f"{plural(outcome.ambiguous, 'application')} alike to several postings, "
            "left for the dashboard"
        )
    unmatched = sum(1 for v in outcome.verdicts if v.posting is None and not v.ambiguous)
    if unmatched:
        notes.append(f"{plural(unmatched, 'application')} with no posting stored")
    if not outcome.written and count:
        notes.append("--write marks them")
    return head + (f" ({', '.join(notes)})" if notes else "")
