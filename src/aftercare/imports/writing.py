"""Writing the checked rows of a customer import: one transaction, progress shown meanwhile.

On PostgreSQL the rows go from the checked values straight into COPY (no model instance per
row: 100 000 rows are 300 000 instances otherwise), with their history rows copied by
PostgreSQL itself (`records.bulk`); other databases build the instances and write them with
`records.bulk.insert_with_history`. Both write the same values.
"""

import json
import logging
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, DateTimeField, Field, JSONField, Model
from django.utils import timezone
from psycopg.types.json import Jsonb

from aftercare.customers import actions as customer_actions
from aftercare.customers.models import Customer, CustomerPhone, Vehicle
from aftercare.imports.checking import CUSTOMER_FIELDS, VEHICLE_FIELDS, Checked, PhoneNumber
from aftercare.imports.models import ImportJob
from aftercare.records.bulk import _copy_history, insert_with_history  # _copy_history: below

logger = logging.getLogger(__name__)

# The advisory lock a write takes on PostgreSQL instead of locking the job's row (which the
# progress connection updates): a second run of the same job waits for the first to finish.
_LOCK_SPACE = zlib.crc32(b"aftercare.imports.write") & 0x7FFFFFFF


class WriteProgress:
    """How many rows are written so far, shown on the job's page during the write.

    The write is one transaction, and what it updates is seen by others only at COMMIT; so on
    PostgreSQL the count goes through a connection of its own (autocommit), and the write
    locks an advisory key rather than the job's row. Inside a caller's transaction (tasks run
    at once, as in tests) or on another database (SQLite has one writer at a time) the count
    is updated in the write's transaction: the page sees it with the rest.
    """

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.side: BaseDatabaseWrapper | None = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __enter__(self) -> "WriteProgress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.side is not None:
            self.side.close()

    def lock(self) -> ImportJob:
        """The job, read in the write's transaction, once no other run writes it."""
        jobs = ImportJob.objects.defer("content")
        if self.side is None:
            return jobs.select_for_update().get(pk=self.job_id)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::int, %s::int)", [_LOCK_SPACE, self.job_id % 2**31]
            )
        return jobs.get(pk=self.job_id)

    def written(self, rows: int) -> None:
        if self.side is None:
            ImportJob.objects.filter(pk=self.job_id).update(written_rows=rows)
            return
        table = connection.ops.quote_name(ImportJob._meta.db_table)
        try:
            with self.side.cursor() as cursor:
                # Progress is worth no wait: someone holding the row (a cancel being refused)
                # makes this update give up rather than the import wait.
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    f"UPDATE {table} SET written_rows = %s WHERE id = %s", [rows, self.job_id]
                )
        except DatabaseError:
            logger.warning("import %s: progress not recorded", self.job_id, exc_info=True)


def merged_phones(group: Sequence[Checked]) -> list[PhoneNumber]:
    seen, phones = set(), []
    for row in group:
        for phone in row.phones:
            if phone.e164 not in seen:
                seen.add(phone.e164)
                phones.append(phone)
    return phones


def archive_complete(group: Sequence[Checked], phones: Sequence[PhoneNumber]) -> bool:
    """`customers.archive.missing_fields` of the customer being written is empty."""
    vehicles = [row for row in group if row.vehicle is not None]
    return (
        group[0].fills_customer
        and bool(phones)
        and bool(vehicles)
        and all(row.fills_vehicle for row in vehicles)
    )


def write_customers(
    customers: Iterable[list[Checked]],
    *,
    user: Model | None,
    reason: str,
    at: datetime,
    batch_size: int,
    progress: WriteProgress,
) -> tuple[int, int]:
    """Write the customers (each its rows) with their phones and vehicles, a batch at a time;
    (customers, vehicles) written."""
    history = {"user": user, "reason": reason, "at": at}
    fast = connection.vendor == "postgresql" and all(
        map(_copyable, (Customer, CustomerPhone, Vehicle))
    )
    customers_done = vehicles_done = rows_done = 0
    each = iter(customers)
    while batch := list(islice(each, batch_size)):
        if fast:
            vehicles_done += _copy_batch(batch, **history)
        else:
            vehicles_done += _insert_batch(batch, batch_size=batch_size, **history)
        customers_done += len(batch)
        rows_done += sum(len(group) for group in batch)
        progress.written(rows_done)
    return customers_done, vehicles_done


def _insert_batch(batch: list[list[Checked]], *, batch_size: int, **history: Any) -> int:
    """Model instances, as the customer actions build them, through records.bulk."""
    customers, phones, vehicles = [], [], []
    for group in batch:
        customer = Customer(*group[0].customer)
        its_phones = merged_phones(group)
        customer.archive_complete = archive_complete(group, its_phones)
        customers.append(customer)
        phones.extend(customer_actions.build_phones(customer, its_phones))
        for row in group:
            if row.vehicle is not None:
                vehicle = Vehicle(*row.vehicle)
                vehicle.customer = customer
                vehicles.append(vehicle)
    insert_with_history(Customer, customers, batch_size=batch_size, **history)
    insert_with_history(CustomerPhone, phones, batch_size=batch_size, **history)
    insert_with_history(Vehicle, vehicles, batch_size=batch_size, **history)
    return len(vehicles)


# --- PostgreSQL: the checked values straight into COPY ---------------------------------------


def _copyable(model: type[Model]) -> bool:
    """Whether saving sets no value of `model` but its automatic dates (set here alike)."""
    return all(
        isinstance(f, DateField) or type(f).pre_save is Field.pre_save
        for f in model._meta.concrete_fields
    )


def _stamped(field: Field[Any, Any]) -> bool:
    return isinstance(field, DateField) and bool(field.auto_now or field.auto_now_add)


class _Layout:
    """Where the values of one model's row go: its id, its customer, its automatic dates."""

    def __init__(self, model: type[Model], attnames: list[str]) -> None:
        self.model, self.fields = model, list(model._meta.concrete_fields)
        assert [f.attname for f in self.fields] == attnames, model
        self.id = attnames.index(model._meta.pk.attname)  # type: ignore[union-attr]
        self.customer = attnames.index("customer_id") if "customer_id" in attnames else None
        self.stamped = [(i, isinstance(f, DateTimeField)) for i, f in enumerate(self.fields)
                        if _stamped(f)]  # fmt: skip
        self.json = [i for i, f in enumerate(self.fields) if isinstance(f, JSONField)]
        self.adapted: dict[tuple[Any, ...], Any] = {}

    def row(self, values: Sequence[Any], pk: int, customer: int | None, now: datetime) -> list:
        row = list(values)
        row[self.id] = pk
        if self.customer is not None:
            row[self.customer] = customer
        for i, with_time in self.stamped:  # what pre_save sets on auto_now(_add) fields
            row[i] = now if with_time else date.today()  # noqa: DTZ011 (as DateField.pre_save)
        for i in self.json:
            row[i] = self._json(i, row[i])
        return row

    def _json(self, i: int, value: Any) -> Any:
        """The value as the field sends it; a list of texts (the services) adapted once, to
        the JSON text itself (what COPY sends of the adapted value)."""
        field = self.fields[i]
        if type(value) is not list or not all(type(item) is str for item in value):
            return field.get_db_prep_save(value, connection)
        key = (i, *value)
        adapted = self.adapted.get(key)
        if adapted is None:
            adapted = field.get_db_prep_save(value, connection)
            if isinstance(adapted, Jsonb):  # psycopg's wrapper: its text, made once
                adapted = (adapted.dumps or json.dumps)(adapted.obj)
            self.adapted[key] = adapted
        return adapted


_CUSTOMERS = _Layout(Customer, CUSTOMER_FIELDS)
_PHONES = _Layout(CustomerPhone, [f.attname for f in CustomerPhone._meta.concrete_fields])
_VEHICLES = _Layout(Vehicle, VEHICLE_FIELDS)
_COMPLETE = CUSTOMER_FIELDS.index("archive_complete")


class _PhoneValues:
    """A phone's values as `customer_actions.build_phones` makes its row (a test compares)."""

    def __init__(self) -> None:
        names = [f.attname for f in _PHONES.fields]
        self.defaults = tuple(attrgetter(*names)(CustomerPhone()))
        self.positions = [names.index(n) for n in ("number", "national", "last4", "position")]

    def __call__(self, phone: PhoneNumber, position: int) -> list[Any]:
        row = list(self.defaults)
        number, national, last4, order = self.positions
        row[number], row[national], row[last4] = phone.e164, phone.national, phone.last4
        row[order] = position
        return row


phone_values = _PhoneValues()


def _ids(cursor: Any, model: type[Model], count: int) -> Iterator[int]:
    if not count:
        return iter(())
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],  # type: ignore[union-attr]
    )
    return (pk for (pk,) in cursor.fetchall())


def _copy_batch(
    batch: list[list[Checked]], *, user: Model | None, reason: str, at: datetime
) -> int:
    now = timezone.now()  # as pre_save would set the automatic dates: the moment of writing
    phones_of = [merged_phones(group) for group in batch]
    customers: list[list[Any]] = []
    phones: list[list[Any]] = []
    vehicles: list[list[Any]] = []
    with connection.cursor() as cursor:
        customer_ids = _ids(cursor, Customer, len(batch))
        phone_ids = _ids(cursor, CustomerPhone, sum(map(len, phones_of)))
        vehicle_ids = _ids(cursor, Vehicle, sum(r.vehicle is not None for g in batch for r in g))
        for group, its_phones in zip(batch, phones_of, strict=True):
            customer_id = next(customer_ids)
            row = _CUSTOMERS.row(group[0].customer, customer_id, None, now)  # type: ignore[arg-type]
            row[_COMPLETE] = archive_complete(group, its_phones)
            customers.append(row)
            for position, phone in enumerate(its_phones):
                phone_row = phone_values(phone, position)
                phones.append(_PHONES.row(phone_row, next(phone_ids), customer_id, now))
            for checked in group:
                if checked.vehicle is not None:
                    vehicle_id = next(vehicle_ids)
                    vehicles.append(_VEHICLES.row(checked.vehicle, vehicle_id, customer_id, now))
        for layout, rows in ((_CUSTOMERS, customers), (_PHONES, phones), (_VEHICLES, vehicles)):
            if rows:
                _copy(cursor, layout, rows)
                pks = [row[layout.id] for row in rows]
                # The `+` history rows as insert_with_history copies them (records.bulk keeps
                # that private: it has no public way to write values that are not instances).
                _copy_history(cursor, layout.model, pks, user=user, reason=reason, at=at)
    return len(vehicles)


def _copy(cursor: Any, layout: _Layout, rows: list[list[Any]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in layout.fields)  # type: ignore[arg-type]
    table = quote(layout.model._meta.db_table)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
