"""Inserting many rows with their history rows, fast on PostgreSQL.

PostgreSQL: ids are reserved from the table's sequence, then the rows are streamed with COPY
(several times faster than INSERT … VALUES for 100 000 customers) and PostgreSQL copies them
into their history table itself.
Other databases: simple_history's `bulk_create_with_history`. Both write the same rows.
"""

from django.db import connection
from django.db.models import DateField, Field, JSONField
from simple_history.utils import bulk_create_with_history, get_history_model_for_model


def insert_with_history(model, objs: list, *, user, reason: str, at, batch_size: int) -> None:
    """Save unsaved `objs` (their pks are set afterwards) and one `+` history row each."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        bulk_create_with_history(
            objs, model, batch_size=batch_size, default_user=user,
            default_change_reason=reason, default_date=at,
        )  # fmt: skip
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    presaved = [f for f in fields if _sets_on_save(f)]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        for field in presaved:
            field.pre_save(obj, add=True)  # auto_now(_add) as a save would set them
    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
        _copy(cursor, table, [model._meta.pk, *fields], objs)
        _copy_history(cursor, model, [obj.pk for obj in objs], user=user, reason=reason, at=at)


def _copy_history(cursor, model, pks: list, *, user, reason: str, at) -> None:
    """The `+` history rows, copied by PostgreSQL from the rows just written (the same values
    as simple_history would take from the objects, without sending them a second time)."""
    quote = connection.ops.quote_name
    history = get_history_model_for_model(model)
    tracked = list(history.tracked_fields)
    targets = [history._meta.get_field(f.name).column for f in tracked]
    targets += [history._meta.get_field(name).column for name in ("history_date",
                "history_change_reason", "history_type", "history_user")]  # fmt: skip
    sources = ", ".join(quote(f.column) for f in tracked)
    cursor.execute(
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, targets))}) "
        f"SELECT {sources}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s) ORDER BY {quote(model._meta.pk.column)}",
        [at, reason, "+", user.pk if user else None, pks],
    )


def _sets_on_save(field) -> bool:
    """Whether pre_save may change the value (auto_now dates, custom fields) or just reads it."""
    if isinstance(field, DateField):  # DateTimeField too
        return field.auto_now or field.auto_now_add
    return type(field).pre_save is not Field.pre_save


def _copy(cursor, table, columns, objs) -> None:
    """COPY the attributes of each object into `columns` of `table`."""
    quote = connection.ops.quote_name
    json_positions = [i for i, f in enumerate(columns) if isinstance(f, JSONField)]
    names = ", ".join(quote(column.column) for column in columns)
    attnames = [field.attname for field in columns]
    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for obj in objs:
            row = [getattr(obj, name) for name in attnames]
            for i in json_positions:
                row[i] = columns[i].get_db_prep_save(row[i], connection)
            copy.write_row(row)
