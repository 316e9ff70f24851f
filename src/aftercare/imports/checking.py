"""Checking rows without the database: in this process, or over all the cores for a big file.

Each row is cleaned by the customer actions' own rules and its derived fields (search keys,
mileage date, next maintenance) are computed here, where the CPU is. What needs the whole
file or the archive (duplicate customers and plates) stays with the caller, in row order.
Rows are independent, so a pool gives the same answer as one process, only sooner.
"""

import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.customers import actions as customer_actions
from aftercare.customers.identifiers import Phone
from aftercare.customers.models import Customer, Vehicle
from aftercare.customers.names import name_key
from aftercare.errors import InvalidInput
from aftercare.imports import worker
from aftercare.imports.columns import Column, parse

# Tunable through settings of the same names prefixed IMPORT_ (tests lower them):
POOL_MIN_ROWS = 2000  # below this, starting the pool costs more than it saves
POOL_CHUNK = 1000  # rows a worker checks between two progress updates
SERIAL_CHUNK = 500
# IMPORT_WORKERS (default: the cores we may use); IMPORT_POOL_START_METHOD ("fork"/"spawn").
# Built instances travel as their concrete fields' values, in order: `Model(*values)` is
# Django's fast way back (what `from_db` does), and a tuple pickles small.
_CUSTOMER_FIELDS = [f.attname for f in Customer._meta.concrete_fields]
_VEHICLE_FIELDS = [f.attname for f in Vehicle._meta.concrete_fields]
_NAME_KEY = _CUSTOMER_FIELDS.index("name_key")
_PLATE_KEY = _VEHICLE_FIELDS.index("plate_key")


def advisor_key(name: str) -> str:
    """A colleague's name as a sheet may write it: either script, spaces and case ignored."""
    return "name:" + name_key(name)


@dataclass(frozen=True)
class Sheet:
    """What checking a row needs to know of the file and the branch; sent once to a worker."""

    branch: object  # org.Branch with its organisation (the region decides phones and plates)
    positions: dict[int, Column]
    # user name (lower case) or advisor_key(name) → active colleague of the branch (None when
    # two colleagues share the name)
    advisors: dict[str, object]
    language: str
    time_zone: str


@dataclass
class Checked:
    number: int
    problems: list[tuple[str, str]] = field(default_factory=list)
    customer: tuple | None = None  # the built customer's values; None: the row is refused
    phones: list[Phone] = field(default_factory=list)
    vehicle: tuple | None = None  # the built vehicle's values (next maintenance computed)

    @property
    def key(self) -> tuple[str, str]:
        """Rows sharing (name key, first phone) are one customer."""
        return self.customer[_NAME_KEY], self.phones[0].e164 if self.phones else ""

    @property
    def plate_key(self) -> str | None:
        return self.vehicle[_PLATE_KEY] if self.vehicle is not None else None

    def build_customer(self) -> Customer:
        return Customer(*self.customer)

    def build_vehicle(self, customer: Customer) -> Vehicle:
        vehicle = Vehicle(*self.vehicle)
        vehicle.customer = customer
        return vehicle


def _field_column(name: str) -> str:
    name = name.split(".")[0]
    return {"followup_advisor_id": "followup_advisor", "plate_key": "plate"}.get(name, name)


def _values(instance, attnames: list[str]) -> tuple:
    return tuple([getattr(instance, name) for name in attnames])


def check_row(sheet: Sheet, number: int, values: Sequence) -> Checked:
    checked = Checked(number)
    problems = checked.problems
    customer_fields, vehicle_fields, phones, advisor = {}, {}, [], None
    for position, column in sheet.positions.items():
        value = values[position] if position < len(values) else None
        if value is None or value == "":
            continue  # what parse() makes of an empty cell, without asking it
        try:
            parsed = parse(column, value)
        except ValueError as error:
            problems.append((column.key, str(error)))
            continue
        if parsed is None:
            continue
        if column.key == "phones":
            phones = parsed
        elif column.key == "followup_advisor":
            key = parsed.lower() if parsed.lower() in sheet.advisors else advisor_key(parsed)
            advisor = sheet.advisors.get(key)
            if key in sheet.advisors and advisor is None:
                problems.append((column.key, _(
                    "Two colleagues are called “%(value)s”: give the user name instead."
                ) % {"value": parsed}))  # fmt: skip
            elif advisor is None:
                problems.append((column.key, _(
                    "“%(value)s” is neither the name nor the user name of an active colleague "
                    "of this branch."
                ) % {"value": parsed}))  # fmt: skip
        elif column.target == "customer":
            customer_fields[column.key] = parsed
        else:
            vehicle_fields[column.key] = parsed
    try:
        cleaned, checked.phones, vehicle = customer_actions.validate_customer_row(
            branch=sheet.branch,
            customer_fields=customer_fields,
            phones=phones,
            vehicle_fields=vehicle_fields or None,
        )
    except InvalidInput as error:
        for name, messages in error.fields.items():
            problems.extend((_field_column(name), str(message)) for message in messages)
        checked.phones = []
        return checked
    customer = customer_actions.build_customer(
        branch=sheet.branch, followup_advisor=advisor, **cleaned
    )
    checked.customer = _values(customer, _CUSTOMER_FIELDS)
    if vehicle is not None:
        next_given = bool(
            vehicle_fields.get("next_maintenance_on") or vehicle_fields.get("next_maintenance_km")
        )
        built = customer_actions.build_vehicle(customer, vehicle, next_given=next_given)
        checked.vehicle = _values(built, _VEHICLE_FIELDS)  # customer_id comes at writing
    return checked


def check_chunk(sheet: Sheet, rows: list[tuple[int, Sequence]]) -> list[Checked]:
    with translation.override(sheet.language), timezone.override(sheet.time_zone):
        return [check_row(sheet, number, values) for number, values in rows]


def check(sheet: Sheet, rows: list[tuple[int, Sequence]], *, workers: int | None = None):
    """Yield the checked rows chunk by chunk, in file order (the caller reports progress)."""
    workers = _workers(len(rows)) if workers is None else workers
    if workers <= 1:
        for start in range(0, len(rows), SERIAL_CHUNK):
            yield check_chunk(sheet, rows[start : start + SERIAL_CHUNK])
        return
    yield from _check_in_pool(sheet, rows, workers)


def _workers(rows: int) -> int:
    if rows < getattr(settings, "IMPORT_POOL_MIN_ROWS", POOL_MIN_ROWS):
        return 1
    chosen = getattr(settings, "IMPORT_WORKERS", None)
    if chosen:
        return chosen
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_method() -> str:
    """fork starts in milliseconds, but only a single-threaded process may fork safely."""
    chosen = getattr(settings, "IMPORT_POOL_START_METHOD", None)
    if chosen:
        return chosen
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return "fork" if forkable and threading.active_count() == 1 else "spawn"


def _check_in_pool(sheet: Sheet, rows, workers: int) -> Iterator[list[Checked]]:
    size = getattr(settings, "IMPORT_POOL_CHUNK", None) or POOL_CHUNK
    chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
    context = multiprocessing.get_context(_start_method())
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=worker.start,
        initargs=(pickle.dumps(sheet), context.get_start_method()),
    )
    try:
        yield from pool.map(worker.check, chunks)
    finally:  # the caller may stop early (an error): do not check the rest for nothing
        pool.shutdown(wait=True, cancel_futures=True)


# --- inside a worker process (entered through `worker`) ----------------------------------

_sheet: Sheet | None = None
_inherited_connections: list = []


def start_worker(sheet: bytes, start_method: str) -> None:
    global _sheet
    if start_method == "fork":
        _forget_parent_connections()
    _sheet = pickle.loads(sheet)  # after Django's set-up: it holds model instances


def _forget_parent_connections() -> None:
    """A forked worker shares the parent's database sockets: it must neither use nor close them.

    Closing one (even by garbage collection) would end the parent's session, so they are kept
    referenced here; the worker leaves with os._exit, which closes nothing.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _inherited_connections.append(connection.connection)
        connection.connection = None


def check_in_worker(rows: list[tuple[int, Sequence]]) -> list[Checked]:
    return check_chunk(_sheet, rows)
