"""Reading one table of the watchlist into its msgspec Struct, reporting every mistake.

msgspec stops at the first mistake; the key it names is set aside and the table read
again, so every mistake of a table is reported at once, as the person editing the file
expects. Durations ("30m") become seconds first, within their bounds; tables inside a
table (a company's rejections) are read on their own, so a mistake in one hides nothing
of the others.

Tables are read strictly: ``enabled = 1`` or ``per_host = "4"`` is a mistake, not a
guess. A value a ``${NAME}`` gave is a string whatever its key wants, so those alone are
converted loosely first (``per_host = "${HOSTS}"`` with HOSTS=4 is 4).
"""

from __future__ import annotations

import contextlib
import functools
import typing
from collections.abc import Collection
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
    from_env: Collection[Loc] = (),
) -> M | None:
    """The table at ``loc``, or None with its mistakes added to ``errors``; ``from_env``
    holds the key paths whose value a ``${NAME}`` gave."""
    if not isinstance(raw, dict):
        errors.append((loc, "expected a table"))
        return None
    raw = dict(raw)
    found = _read_durations(model, raw, loc)
    if from_env:
        _loosen(model, raw, loc, from_env)
    removed = {str(key) for (*_, key), _ in found}
    for key in removed:
        del raw[key]
    table: M | None = None
    # msgspec stops at the first mistake; the key it names is set aside and the
    # table read again, so every mistake is reported at once, as the person
    # editing the file expects.
    for _ in range(len(raw) + 1):
        try:
            table = msgspec.convert(raw, model, strict=True)
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
                        read_table(sub, item, (*loc, where[0], index), found, from_env)
                    elif index == where[1]:  # not a table where one belongs
                        found.append(((*loc, *where), message))
            elif sub is not None and isinstance(value, dict):
                read_table(sub, value, (*loc, where[0]), found, from_env)  # a table in this one
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


def _loosen(model: type[Table], raw: dict[str, Any], loc: Loc, from_env: Collection[Loc]) -> None:
    """Each string a ``${NAME}`` gave, in ``raw`` and the tables inside it, converted
    to its key's type where it reads as one ("4" → 4, "true" → True)."""
    hints = _field_types(model)
    for key, value in raw.items():
        hint = hints.get(key)
        where = (*loc, key)
        if hint is None:
            continue
        if isinstance(value, str):
            if where in from_env:
                # What does not convert is left for the strict reading to report.
                with contextlib.suppress(msgspec.ValidationError):
                    raw[key] = msgspec.convert(value, hint, strict=False)
        elif isinstance(value, dict) and (sub := _table_of(hint)) is not None:
            raw[key] = inner = dict(value)
            _loosen(sub, inner, where, from_env)
        elif isinstance(value, list) and (sub := _table_of(_item_of(hint))) is not None:
            raw[key] = items = [dict(v) if isinstance(v, dict) else v for v in value]
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    _loosen(sub, item, (*where, index), from_env)


@functools.cache
def _field_types(model: type[Table]) -> dict[str, Any]:
    # Without Annotated's bounds: the strict reading checks those, and says so.
    hints = typing.get_type_hints(model)
    return {name: hints[name] for name in model.__struct_fields__}


def _table_of(hint: Any) -> type[Table] | None:
    for candidate in typing.get_args(hint) or (hint,):
        if isinstance(candidate, type) and issubclass(candidate, Table):
            return candidate
    return None


def _item_of(hint: Any) -> Any:
    for candidate in typing.get_args(hint) or (hint,):
        if typing.get_origin(candidate) is list:
            return typing.get_args(candidate)[0]
    return None


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
    """Durations ("30m", 90) become seconds in ``raw``, before validation checks their
    lower bounds; a value that is no duration, or too long, is reported here, in the
    words it was written in."""
    problems: Errors = []
    for key, longest in model.durations.items():
        if key in raw:
            try:
                raw[key] = parse_duration(raw[key], longest=longest)
            except ValueError as exc:
                problems.append(((*loc, key), str(exc)))
    return problems


def _nested(table: Table) -> list[tuple[Loc, Table]]:
    """Every table inside this one, however deep (a company's filter's min_pay)."""
    found: list[tuple[Loc, Table]] = []
    for name in table.__struct_fields__:
        value = getattr(table, name)
        if isinstance(value, Table):
            inner: list[tuple[Loc, Table]] = [((name,), value)]
        elif isinstance(value, list):
            inner = [((name, i), v) for i, v in enumerate(value) if isinstance(v, Table)]
        else:
            continue
        for loc, sub in inner:
            found.append((loc, sub))
            found += [((*loc, *deeper), t) for deeper, t in _nested(sub)]
    return found
