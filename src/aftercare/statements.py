"""Querysets compiled to SQL once, then run with new values: for the statements every request
makes (the signed-in user, the bearer token, the stand-ins of the worklist).

Turning a queryset into SQL costs Django about a millisecond for a select_related of three
tables on this project's machines — more than PostgreSQL takes to answer it — and the same
shape is compiled again on every request with only its values changed. `Prepared` compiles a
queryset built from *sentinel* values once per database connection vendor, notes where each
sentinel landed among the SQL's parameters, and afterwards hands Django's own iterables (model
instances with their select_related objects, or values() dicts) a compiler whose `as_sql`
returns the stored SQL with the new values in those places. Everything after the SQL —
converters, instances, related objects — is Django's unchanged code.

Only plain parameters can be replaced: integers, strings and aware datetimes used as lookup
values, and strings in a `startswith` lookup (whose pattern is rebuilt as Django builds it). A
value Django transforms otherwise while compiling (a `contains` pattern, a list whose length
shapes the SQL) cannot be found among the parameters, and the first compile says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Model, QuerySet, Window

T = TypeVar("T", bound=Model)
# State of a compiled SQLCompiler that Django's iterables and results_iter read.
COMPILER_STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")
_serial = itertools.count(1)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per SQL parameter: (value name, its adapter) or (None, the constant it always is).
    slots: tuple[tuple[str | None, Any], ...]
    state: dict[str, Any]


def _sentinel(kind: type) -> Any:
    """A value no query of ours holds as a constant."""
    n = next(_serial)
    if kind is int:
        return -(10**15) - n
    if kind is str:
        return f"\x1fprepared-{n}\x1f"
    if kind is datetime:
        return datetime(1111, 1, 1, tzinfo=UTC) + timedelta(seconds=n)
    raise ImproperlyConfigured(f"Prepared statements take int, str or datetime values, not {kind}")


class Prepared(Generic[T]):
    """`build(**values)` returns the whole queryset (slicing and ordering included); `run`
    returns its rows for these values as `list(build(**values))` would."""

    def __init__(self, build: Callable[..., QuerySet[T, Any]], **kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, _Compiled] = {}
        self._template: QuerySet[T, Any] | None = None

    def run(self, **values: Any) -> list[Any]:
        using = DEFAULT_DB_ALIAS
        connection = connections[using]
        compiled = self._compiled.get(connection.vendor) or self._compile(using)
        params = tuple(
            value_or_adapt if name is None else value_or_adapt(connection, values[name])
            for name, value_or_adapt in compiled.slots
        )
        assert self._template is not None
        queryset = self._template.using(using)  # a clone: the template is never evaluated
        make_compiler = queryset.query.get_compiler

        def get_compiler(
            using: str | None = None, connection: Any = None, elide_empty: bool = True
        ) -> Any:
            compiler = make_compiler(using, connection, elide_empty)
            compiler.__dict__.update(compiled.state)
            compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
            return compiler

        queryset.query.get_compiler = get_compiler  # type: ignore[method-assign]
        return list(queryset)

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        sentinels = {name: _sentinel(kind) for name, kind in self.kinds.items()}
        template = self.build(**sentinels)
        compiler = template.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        found: dict[Any, tuple[str, Callable[[Any, Any], Any]]] = {}
        for name, value in sentinels.items():
            found[value] = (name, _as_is)
            if isinstance(value, str):  # `startswith`: the escaped value and a wildcard
                found[f"{value}%"] = (name, _starts_with)
            if isinstance(value, datetime):  # SQLite receives moments as text
                found[connection.ops.adapt_datetimefield_value(value)] = (name, _as_moment)
        slots: list[tuple[str | None, Any]] = []
        seen: set[str] = set()
        for param in params:
            hit = found.get(param) if isinstance(param, int | str | datetime) else None
            if hit is None:
                slots.append((None, param))
            else:
                slots.append(hit)
                seen.add(hit[0])
        missing = set(sentinels) - seen
        if missing:
            raise ImproperlyConfigured(
                f"Prepared statement: {sorted(missing)} not found among the SQL's parameters "
                "(transformed or shaping the SQL); build this queryset per request instead."
            )
        compiled = _Compiled(
            sql, tuple(slots), {name: getattr(compiler, name) for name in COMPILER_STATE}
        )
        self._template = template
        self._compiled[connection.vendor] = compiled
        return compiled


def _as_is(connection: Any, value: Any) -> Any:
    return value


def _starts_with(connection: Any, value: Any) -> Any:
    """The pattern Django's `startswith` lookup passes (its `param_pattern`)."""
    return f"{connection.ops.prep_for_like_query(value)}%"


def _as_moment(connection: Any, value: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def counted_page(rows: QuerySet[T, Any], *, limit: int, offset: int) -> QuerySet[T, Any]:
    """`rows[offset:offset + limit]` with the whole result's length beside each row ("total",
    a window count): a page and its length in one statement, for `page_length` to read."""
    page = rows.annotate(total=Window(Count("*")))[offset : offset + limit]
    return cast("QuerySet[T, Any]", page)  # annotate() loses the model type in the stubs


def page_length(rows: list[dict[str, Any]], offset: int, count: Callable[[], int]) -> int:
    """The length `counted_page` put beside each row (removed from the rows). Past the end of
    the result no row carries it: `count()` reads it in a statement of its own; at the start
    an empty page means an empty result."""
    if not rows:
        return count() if offset else 0
    length = int(rows[0]["total"])
    for row in rows:
        del row["total"]
    return length
