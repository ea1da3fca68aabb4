"""Reading one table of the watchlist into its msgspec Struct, reporting every mistake.

msgspec stops at the first mistake; the key it names is set aside and the table read
again, so every mistake of a table is reported at once, as the person editing the file
expects. Durations ("30m") become seconds first; tables inside a table (a company's
rejections) are read on their own, so a mistake in one hides nothing of the others.
"""

from __future__ import annotations

import typing
from typing import Any, TypeVar

import msgspec

from secondchance.config.errors import Errors, Loc, translate
from secondchance.config.tables import Table
from secondchance.core.durations import parse_duration

M = TypeVar("M", bound=Table)


def read_table(
    model: type[M],
    raw: object,
    loc: Loc,
    errors: Errors,
) -> M | None:
    if not isinstance(raw, dict):
        errors.append((loc, "expected a table"))
        return None
    raw = dict(raw)
    found = _read_durations(model, raw, loc)
    removed = {str(key) for (*_, key), _ in found}
    for key in removed:
        del raw[key]
    table: M | None = None
    # msgspec stops at the first mistake; the key it names is set aside and the
    # table read again, so every mistake is reported at once, as the person
    # editing the file expects.
    for _ in range(len(raw) + 1):
        try:
            table = msgspec.convert(raw, model, strict=False)
            break
        except msgspec.ValidationError as exc:
            where, message = translate(str(exc))
            if message.startswith("invalid value") and len(where) == 1:
                allowed = _choices(model, str(where[0]))
                message = f"{message}: expected {allowed}" if allowed else message
            if where and where[0] in removed:
                break  # a required key set aside above: reported already
            sub = _inner_table(model, where)
            value = raw.get(str(where[0]))
            if sub is not None and isinstance(value, list):
                # A list of tables (a company's rejections): each is read on its
                # own, so a mistake in one does not hide those of the others.
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        read_table(sub, item, (*loc, where[0], index), found)
                    elif index == where[1]:  # not a table where one belongs
                        found.append(((*loc, *where), message))
            elif sub is not None and isinstance(value, dict):
                read_table(sub, value, (*loc, where[0]), found)  # a table in this one
            else:
                found.append(((*loc, *where), message))
            if not where or where[0] not in raw:  # a required key is missing
                break
            removed.add(str(where[0]))
            del raw[str(where[0])]
    if table is not None:
        found += [((*loc, key), message) for key, message in table.problems()]
        # Tables inside this one (a company's rejections) have checks of their own.
        for path, inner in _nested(table):
            found += [((*loc, *path, key), message) for key, message in inner.problems()]
    errors.extend(found)
    return None if found else table


def _inner_table(model: type[Table], where: Loc) -> type[Table] | None:
    """The table type a mistake at ``where`` lies in, when that is a table of this
    one (``filter``) or an entry of a list of tables (``rejection[2]``)."""
    if len(where) < 2:
        return None
    hint = typing.get_type_hints(model).get(str(where[0]))
    if isinstance(where[1], int):
        if typing.get_origin(hint) is not list:
            return None
        (hint,) = typing.get_args(hint)
    for candidate in typing.get_args(hint) or (hint,):
        if isinstance(candidate, type) and issubclass(candidate, Table):
            return candidate
    return None


def _choices(model: type[Table], key: str) -> str:
    """The values a Literal key allows, as "'a' or 'b'" ('' if it is not one)."""
    hint = typing.get_type_hints(model).get(key)
    if typing.get_origin(hint) is not typing.Literal:
        return ""
    return " or ".join(repr(value) for value in typing.get_args(hint))


def _read_durations(model: type[Table], raw: dict[str, Any], loc: Loc) -> Errors:
    """Durations ("30m", 90) become seconds in ``raw``, before validation checks
    their bounds; a value that is no duration is reported here."""
    problems: Errors = []
    for key in model.durations:
        if key in raw:
            try:
                raw[key] = parse_duration(raw[key])
            except ValueError as exc:
                problems.append(((*loc, key), str(exc)))
    return problems


def _nested(table: Table) -> list[tuple[Loc, Table]]:
    found: list[tuple[Loc, Table]] = []
    for name in table.__struct_fields__:
        value = getattr(table, name)
        if isinstance(value, Table):
            found.append(((name,), value))
        elif isinstance(value, list):
            found += [((name, i), v) for i, v in enumerate(value) if isinstance(v, Table)]
    return found
