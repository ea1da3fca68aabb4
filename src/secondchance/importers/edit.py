"""Editing the watchlist in place: the TOML helpers `discover --add` and `import --write`
share. The file keeps its comments and layout (tomlkit), and is replaced atomically,
only after the whole `check` passed on the new text, and only if nobody changed it
since it was read."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondchance import config
from secondchance.sources import SOURCES, SpecError


@dataclass(frozen=True)
class Original:
    """The watchlist as it was read: what it must still be when it is replaced."""

    path: Path
    text: str
    mtime_ns: int | None  # None: the file did not exist

    @classmethod
    def read(cls, path: Path) -> Original:
        try:
            # The time first: a write between the two reads then shows as a change.
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return cls(path, "", None)
        return cls(path, path.read_text(encoding="utf-8"), mtime)

    @property
    def digest(self) -> str:
        """What a form carries to say which version of the file it was made from."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]

    def unchanged(self) -> bool:
        try:
            return (
                self.path.stat().st_mtime_ns == self.mtime_ns
                and self.path.read_text(encoding="utf-8") == self.text
            )
        except FileNotFoundError:
            return self.mtime_ns is None


def find_company(document: Mapping[str, Any], name: str) -> Any:
    """The [[company]] table named ``name`` (case ignored), or None."""
    companies = document.get("company")
    tables = companies if isinstance(companies, list) else []
    wanted = name.casefold()
    matches = (
        t for t in tables if isinstance(t, Mapping) and str(t.get("name", "")).casefold() == wanted
    )
    return next(matches, None)


def has_board(company: Mapping[str, Any], kind: str, value: object) -> bool:
    """Whether the plain ``company`` table already watches that board (compared by
    the source's key, so "Acme" and "acme" are one Greenhouse board)."""
    if kind not in company or kind not in SOURCES:
        return False
    source = SOURCES[kind]
    companions = {k: company[k] for k in source.companion_keys if k in company}
    current = company[kind]
    try:
        wanted = source.parse_spec(value, {}).key
    except SpecError:
        return False
    for item in current if isinstance(current, list) else [current]:
        try:
            if source.parse_spec(item, companions).key == wanted:
                return True
        except SpecError:
            continue
    return False


def replace_validated(path: Path, text: str, original: Original | None = None) -> None:
    """Replace ``path`` with ``text`` atomically, keeping its mode, once the whole
    watchlist check passes on ``text`` (else ConfigError, and nothing written); with
    ``original``, refuse (ConfigError) when the file changed since it was read."""
    mode = stat.S_IMODE(path.stat().st_mode)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        temporary.chmod(mode)
        try:
            config.load(temporary)
        except config.ConfigError as exc:
            problems = [p.replace(str(temporary), str(path)) for p in exc.problems]
            raise config.ConfigError(path, problems) from exc
        if original is not None and not original.unchanged():
            raise config.ConfigError(
                path, [f"{path}: changed while it was being edited; nothing written, try again"]
            )
        temporary.replace(path)  # atomic: same directory
    finally:
        temporary.unlink(missing_ok=True)
