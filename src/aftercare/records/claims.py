"""Claiming rows exactly once: the conditional UPDATE that tick's scans use as their lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, models


def claim_unset(
    model: type[models.Model], pks: Sequence[int], field: str, at: datetime
) -> list[int]:
    """Set `field` to `at` on those of `pks` where it is still empty; answer the ids claimed.

    One statement (``UPDATE … WHERE id IN (…) AND field IS NULL RETURNING id``) instead of one
    per row: a thousand newly overdue clocks were a thousand round trips. Of two ticks that
    both saw a row, exactly one claims it — the second's UPDATE waits for the first's row lock
    and then finds the field set (PostgreSQL re-checks the condition; SQLite writes one at a
    time).
    """
    if not pks:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    concrete = model._meta.get_field(field)
    assert isinstance(concrete, models.Field) and model._meta.pk is not None
    column = connection.ops.quote_name(str(concrete.column))
    key = connection.ops.quote_name(str(model._meta.pk.column))
    marks = ", ".join(["%s"] * len(pks))
    sql = (
        f"UPDATE {table} SET {column} = %s "  # noqa: S608  (names from the model, values bound)
        f"WHERE {key} IN ({marks}) AND {column} IS NULL RETURNING {key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(at), *pks])
        return sorted(row[0] for row in cursor.fetchall())
