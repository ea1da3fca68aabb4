"""``${NAME}`` and ``${NAME:-default}`` in the watchlist's strings, from the environment.

Every value resolved this way, and every string it ends up in, is a secret: it is
masked in every log line (logs.py), never echoed in an error.
"""

from __future__ import annotations

import os
import re
from typing import Any

from secondchance.config.errors import Errors, Loc

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
# "${" that starts no reference ("${SLACK-HOOK}", "${DB_URL"): kept as text, it became
# a SQLite file named "${DB-URL}" or a URL Apprise refused without saying why.
_NOT_A_REF = re.compile(r"\$\{(?![A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\})")


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
    resolved_at.add(loc)

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        resolved = os.environ.get(name)
        if resolved is None or resolved == "":
            if default is not None:
                return default
            errors.append((loc, f"environment variable {name} is not set"))
            return ""
        secrets.add(resolved)
        return resolved

    if _NOT_A_REF.search(value):
        errors.append(
            (
                loc,
                "'${' starts no ${NAME} or ${NAME:-default} reference "
                "(a NAME is letters, digits and _, and ends with })",
            )
        )
    resolved = _ENV_REF.sub(substitute, value)
    secrets.add(resolved)
    return resolved
