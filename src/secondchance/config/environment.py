"""``${NAME}`` and ``${NAME:-default}`` in the watchlist's strings, from the environment;
``$${`` is a literal ``${`` (what imported text is written with: importers/edit.py).

Every value resolved this way, and every string it ends up in, is a secret: it is
masked in every log line (logs.py), never echoed in an error.
"""

from __future__ import annotations

import os
import re
from typing import Any

from secondchance.config.errors import Errors, Loc

# One pass, left to right: "$${" is an escaped "${" (so "$$${X}" is "$" then a literal
# "${X}"), then a reference, then a "${" that starts none. A "${" that starts no reference
# ("${SLACK-HOOK}", "${DB_URL"): kept as text, it became a SQLite file named "${DB-URL}"
# or a URL Apprise refused without saying why.
_TOKEN = re.compile(
    r"(?P<escaped>\$\$\{)|\$\{(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\})?"
)


def resolve(
    value: Any,
    loc: Loc,
    errors: Errors,
    secrets: set[str],
    resolved_at: set[Loc],
) -> Any:
    """``value`` with every reference substituted; an unset variable without a
    default is a problem at ``loc``. Adds what it resolved to ``secrets``, and where
    to ``resolved_at``. Recursive: config/document.py bounds the nesting first."""
    if isinstance(value, dict):
        return {k: resolve(v, (*loc, k), errors, secrets, resolved_at) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, (*loc, i), errors, secrets, resolved_at) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    substituted = False
    malformed = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal substituted, malformed
        if match.group("escaped"):
            return "${"
        name, default = match.group("name"), match.group("default")
        if name is None:
            malformed = True
            return match.group(0)
        substituted = True
        resolved = os.environ.get(name)
        if resolved is None or resolved == "":
            if default is not None:
                return default
            errors.append((loc, f"environment variable {name} is not set"))
            return ""
        secrets.add(resolved)
        return resolved

    resolved = _TOKEN.sub(substitute, value)
    if malformed:
        errors.append(
            (
                loc,
                "'${' starts no ${NAME} or ${NAME:-default} reference "
                "(a NAME is letters, digits and _, and ends with })",
            )
        )
    if not (substituted or malformed):
        return resolved  # only escapes: plain text, neither a secret nor from the environment
    resolved_at.add(loc)
    secrets.add(resolved)
    return resolved


def unescape(text: str) -> str:
    """``text`` with each ``$${`` read as ``${``, references left as they are: how an
    escaped string written to the watchlist compares with the text it came from."""
    return _TOKEN.sub(lambda m: "${" if m.group("escaped") else m.group(0), text)


def escape(text: str) -> str:
    """``text`` written so that loading it gives ``text`` back, ``${`` and all."""
    return text.replace("${", "$${")
