"""Checking rows without the database: in this process, or over all the cores for a big file.

Each row is cleaned by the customer actions' own rules and its derived fields (search keys,
mileage date, next maintenance, which Form 1 fields it fills) are computed here, where the CPU
is. What needs the whole file or the archive (duplicate customers and plates) stays with the
caller, in row order. Rows are independent, so a pool gives the same answer as one process,
only sooner.

A checked row is a tuple (`Checked`) of plain values; a chunk comes back with what the
caller's checks need of each row, and the accepted rows pickled (`CheckedChunk`): small to
send between processes, and to keep for 100 000 rows until they are written (`ValidRows`).
"""

import gc
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.customers import actions as customer_actions
from aftercare.customers import archive
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
CUSTOMER_FIELDS = [f.attname for f in Customer._meta.concrete_fields]
VEHICLE_FIELDS = [f.attname for f in Vehicle._meta.concrete_fields]
_customer_values = attrgetter(*CUSTOMER_FIELDS)
_vehicle_values = attrgetter(*VEHICLE_FIELDS)
_NAME_KEY = CUSTOMER_FIELDS.index("name_key")
_PLATE_KEY = VEHICLE_FIELDS.index("plate_key")
# Form 1 fields of the archive (customers.archive): the customer's own, and a vehicle's.
_CUSTOMER_GAPS = frozenset(code for code, _label in archive.CUSTOMER_FIELDS)
_VEHICLE_GAPS = frozenset(code for code, _label in archive.VEHICLE_FIELDS)
# Columns whose cells rarely repeat (a name, a plate): parsed every time. The others (kinds,
# yes/no, services, makes and models, cycles, dates, advisors) are parsed once per distinct
# cell of a chunk.
_PARSED_EACH_TIME = frozenset({
    "name", "contact_person", "phones", "address", "email", "wanted_services_note", "notes",
    "plate", "vin", "purchase_date", "mileage", "last_maintenance_km",
})  # fmt: skip


def advisor_key(name: str) -> str:
    """A colleague's name as a sheet may write it: either script, spaces and case ignored."""
    return "name:" + name_key(name)


@dataclass(frozen=True)
class Sheet:
    """What checking a row needs to know of the branch; sent once to a worker. The file's
    columns (`positions`, a few kilobytes) travel with each chunk."""

    branch: object  # org.Branch with its organisation (the region decides phones and plates)
    # user name (lower case) or advisor_key(name) → active colleague of the branch (None when
    # two colleagues share the name)
    advisors: dict[str, object]
    language: str
    time_zone: str


class PhoneNumber(NamedTuple):
    """A cleaned number as it is stored (customers.identifiers.Phone without its region)."""

    e164: str
    national: str

    @property
    def last4(self) -> str:
        return self.national[-4:]


class Checked(NamedTuple):
    """One checked row. `customer` is None when the row is refused; `problems` lists why."""

    number: int
    problems: tuple[tuple[str, str], ...] = ()  # (column key, message)
    customer: tuple[Any, ...] | None = None  # the built customer's values (CUSTOMER_FIELDS)
    phones: tuple[PhoneNumber, ...] = ()
    vehicle: tuple[Any, ...] | None = None  # the built vehicle's values (next maintenance set)
    # Whether the row fills the archive's Form 1 fields (customers.archive): the customer's
    # own (name, address, services; the phone is judged on the merged numbers) and the
    # vehicle's. A customer's archive is complete when its first row fills its own, it has a
    # number, a vehicle, and every vehicle fills its own.
    fills_customer: bool = False
    fills_vehicle: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """Rows sharing (name key, first phone) are one customer."""
        assert self.customer is not None
        return self.customer[_NAME_KEY], self.phones[0].e164 if self.phones else ""

    @property
    def plate_key(self) -> str | None:
        return self.vehicle[_PLATE_KEY] if self.vehicle is not None else None


class CheckedChunk(NamedTuple):
    """What the caller gets of a chunk of checked rows.

    `rows`: for every row, in order, (number, problems, customer key, plate key), the keys None
    when the row is refused; enough for the checks that need the whole file. `accepted`: the
    rows accepted here (a customer and no problem), pickled: a few hundred bytes a row, where
    the same values as Python objects take some 1.5 kB, until they are written.
    """

    rows: list[tuple[int, tuple[tuple[str, str], ...], tuple[str, str] | None, str | None]]
    accepted: bytes


def _packed(checked: list[Checked]) -> CheckedChunk:
    return CheckedChunk(
        [
            (row.number, row.problems, row.key, row.plate_key)
            if row.customer is not None
            else (row.number, row.problems, None, None)
            for row in checked
        ],
        pickle.dumps(
            [row for row in checked if row.customer is not None and not row.problems],
            protocol=pickle.HIGHEST_PROTOCOL,
        ),
    )


class ValidRows:
    """The valid rows of a file, kept packed until they are written, and its customers: rows
    sharing a key are one customer, in the order customers first appear."""

    def __init__(self) -> None:
        self.chunks: list[tuple[bytes, frozenset[int]]] = []
        self.rows_of: dict[tuple[str, str], int] = {}  # customer key → its rows

    def add(self, key: tuple[str, str]) -> None:
        """One more valid row, of the customer `key` (its chunk is added after)."""
        self.rows_of[key] = self.rows_of.get(key, 0) + 1

    def add_chunk(self, accepted: bytes, refused: set[int]) -> None:
        """A chunk's accepted rows, but those refused since (`refused`: their numbers)."""
        self.chunks.append((accepted, frozenset(refused)))

    def __len__(self) -> int:
        return sum(self.rows_of.values())

    def __iter__(self) -> Iterator[Checked]:
        for accepted, refused in self.chunks:
            for row in pickle.loads(accepted):
                if row.number not in refused:
                    yield row

    def by_customer(self) -> Iterator[list[Checked]]:
        """Each customer's rows, customers in the order they first appear. A customer is given
        as soon as its last row is read: only the customers waiting for a later row (and
        those after them) are held, not the whole file."""
        left = dict(self.rows_of)
        waiting: dict[tuple[str, str], list[Checked]] = {}
        order = iter(self.rows_of)
        head = next(order, None)
        for row in self:
            key = row.key
            waiting.setdefault(key, []).append(row)
            left[key] -= 1
            while head is not None and left[head] == 0:
                yield waiting.pop(head)
                head = next(order, None)


def _field_column(name: str) -> str:
    name = name.split(".")[0]
    return {"followup_advisor_id": "followup_advisor", "plate_key": "plate"}.get(name, name)


def _parse_once(memo: dict, position: int, column: Column, value) -> tuple[bool, Any]:
    """(True, value) or (False, message) for a cell, from the chunk's memo when it was seen.

    The cell's type is part of the key: 1 and True are equal keys but different cells."""
    key = (position, value.__class__, value)
    found = memo.get(key)
    if found is None:
        try:
            found = (True, parse(column, value))
        except ValueError as error:
            found = (False, str(error))
        memo[key] = found
    if found[0] and found[1].__class__ is list:
        return True, list(found[1])  # each row gets a list of its own
    return found


def _advisor(sheet: Sheet, memo: dict, parsed: str) -> tuple[object | None, str | None]:
    """(colleague, None) or (None, problem) for what the advisor column says."""
    key = ("advisor", parsed)
    found = memo.get(key)
    if found is None:
        lower = parsed.lower()
        key_name = lower if lower in sheet.advisors else advisor_key(parsed)
        advisor = sheet.advisors.get(key_name)
        problem = None
        if key_name in sheet.advisors and advisor is None:
            problem = _(
                "Two colleagues are called “%(value)s”: give the user name instead."
            ) % {"value": parsed}  # fmt: skip
        elif advisor is None:
            problem = _(
                "“%(value)s” is neither the name nor the user name of an active colleague "
                "of this branch."
            ) % {"value": parsed}  # fmt: skip
        found = memo[key] = (advisor, problem)
    return found


def check_row(
    sheet: Sheet, positions: dict[int, Column], number: int, values: Sequence, memo: dict
) -> Checked:
    problems: list[tuple[str, str]] = []
    customer_fields: dict[str, Any] = {}
    vehicle_fields: dict[str, Any] = {}
    phones, advisor = [], None
    width = len(values)
    for position, column in positions.items():
        value = values[position] if position < width else None
        if value is None or value == "":
            continue  # what parse() makes of an empty cell, without asking it
        key = column.key
        if key in _PARSED_EACH_TIME:
            try:
                parsed = parse(column, value)
            except ValueError as error:
                problems.append((key, str(error)))
                continue
        else:
            ok, parsed = _parse_once(memo, position, column, value)
            if not ok:
                problems.append((key, parsed))
                continue
        if parsed is None:
            continue
        if key == "phones":
            phones = parsed
        elif key == "followup_advisor":
            advisor, problem = _advisor(sheet, memo, parsed)
            if problem is not None:
                problems.append((key, problem))
        elif column.target == "customer":
            customer_fields[key] = parsed
        else:
            vehicle_fields[key] = parsed
    try:
        cleaned, clean_phones, vehicle = customer_actions.validate_customer_row(
            branch=sheet.branch,
            customer_fields=customer_fields,
            phones=phones,
            vehicle_fields=vehicle_fields or None,
        )
    except InvalidInput as error:
        for name, messages in error.fields.items():
            problems.extend((_field_column(name), str(message)) for message in messages)
        return Checked(number, tuple(problems))
    customer = customer_actions.build_customer(
        branch=sheet.branch, followup_advisor=advisor, **cleaned
    )
    built = None
    if vehicle is not None:
        next_given = bool(
            vehicle_fields.get("next_maintenance_on") or vehicle_fields.get("next_maintenance_km")
        )
        built = customer_actions.build_vehicle(customer, vehicle, next_given=next_given)
    gaps = archive.missing_of(customer, True, [built] if built is not None else [])
    return Checked(
        number,
        tuple(problems),
        _customer_values(customer),
        tuple(PhoneNumber(p.e164, p.national) for p in clean_phones),
        _vehicle_values(built) if built is not None else None,  # customer_id comes at writing
        fills_customer=_CUSTOMER_GAPS.isdisjoint(gaps),
        fills_vehicle=built is not None and _VEHICLE_GAPS.isdisjoint(gaps),
    )


def check_chunk(
    sheet: Sheet, positions: dict[int, Column], rows: Sequence[tuple[int, Sequence]]
) -> CheckedChunk:
    memo: dict = {}  # cells seen in this chunk (kept per chunk: its messages are in one language)
    with translation.override(sheet.language), timezone.override(sheet.time_zone):
        return _packed([check_row(sheet, positions, n, values, memo) for n, values in rows])


def workers_for(rows: int) -> int:
    """How many processes check a file of about `rows` rows (1: this one)."""
    if rows < getattr(settings, "IMPORT_POOL_MIN_ROWS", POOL_MIN_ROWS):
        return 1
    chosen = getattr(settings, "IMPORT_WORKERS", None)
    if chosen:
        return int(chosen)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_workers = workers_for


def _start_method() -> str:
    """fork starts in milliseconds, but only a single-threaded process may fork safely."""
    chosen = getattr(settings, "IMPORT_POOL_START_METHOD", None)
    if chosen:
        return str(chosen)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return "fork" if forkable and threading.active_count() == 1 else "spawn"


def _chunks(rows: Iterable[tuple[int, Sequence]], size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def process_context() -> Any:
    """The multiprocessing context for the processes an import starts (see _start_method)."""
    return multiprocessing.get_context(_start_method())


class Checker:
    """Checks rows chunk by chunk, in file order; over a pool of `workers` processes if more
    than one.

    Use it as a context manager. Only a few chunks are in flight at a time, so the file's rows
    (read lazily) are never all in memory beside their checked values.
    """

    def __init__(self, sheet: Sheet, *, workers: int) -> None:
        self.sheet, self.workers = sheet, workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Checker":
        if self.workers > 1:
            self._start_pool()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:  # the caller may stop early: do not check the rest for nothing
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _start_pool(self) -> None:
        context = process_context()
        method = context.get_start_method()
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=worker.start,
            initargs=(pickle.dumps(self.sheet), method),
        )
        if method == "fork":
            # A forked pool starts all its processes at the first task. Objects alive now are
            # frozen for the garbage collector meanwhile: the workers' collections then leave
            # them (and the memory pages they share with this process) alone.
            gc.freeze()
            try:
                self.pool.submit(worker.ready)
            finally:
                gc.unfreeze()

    def check(
        self, positions: dict[int, Column], rows: Iterable[tuple[int, Sequence]]
    ) -> Iterator[CheckedChunk]:
        """The checked rows, chunk by chunk in file order (the caller reports progress).

        `rows` may be read lazily: it is read as the pool asks for more, a few chunks ahead.
        """
        if self.pool is None:
            for chunk in _chunks(rows, SERIAL_CHUNK):
                yield check_chunk(self.sheet, positions, chunk)
            return
        size = getattr(settings, "IMPORT_POOL_CHUNK", None) or POOL_CHUNK
        in_flight: deque[Future[CheckedChunk]] = deque()
        for chunk in _chunks(rows, size):
            in_flight.append(self.pool.submit(worker.check, positions, chunk))
            if len(in_flight) > 2 * self.workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


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


def check_in_worker(positions: dict[int, Column], rows: list[tuple[int, Sequence]]) -> CheckedChunk:
    assert _sheet is not None, "the worker was not started"
    return check_chunk(_sheet, positions, rows)
