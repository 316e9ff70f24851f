"""Finding customers: one search box for names, pinyin, phones, plates and VINs."""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Right
from django.shortcuts import get_object_or_404

from aftercare.customers.archive import missing_of
from aftercare.customers.identifiers import plate_key
from aftercare.customers.maintenance import projected_due_date
from aftercare.customers.models import PLATE_TAIL, VIEW_CUSTOMER, Customer, CustomerPhone, Vehicle
from aftercare.customers.names import name_key
from aftercare.org.access import Scope, read_scope
from aftercare.statements import Prepared, counted_page, page_length

_LATIN = re.compile(r"^[a-zA-Z\s']+$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{4,}$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def get_customer_for(user, customer_id: int) -> Customer:
    """The customer if the user may see it, else 404 (ids of other branches leak nothing)."""
    return get_object_or_404(Customer.objects.visible_to(user), pk=customer_id)


def get_vehicle_for(user, vehicle_id: int) -> Vehicle:
    visible = Customer.objects.visible_to(user).values("pk")
    return get_object_or_404(
        Vehicle.objects.select_related("customer__branch__organisation"),
        pk=vehicle_id,
        customer_id__in=visible,
    )


@dataclass(frozen=True)
class SearchTerms:
    """What a typed text can be, each as the key its index holds; None where it cannot be.

    Which terms are present (`shape`) decides the statement's SQL, their values only its
    parameters: a search statement is compiled once per shape (`search_page`)."""

    name: str  # prefix of `name_key` (always)
    latin: str | None = None  # prefix of the pinyin or of the initials
    last4: str | None = None  # a phone's last four digits
    national: str | None = None  # a phone's national digits, or their start
    international: str | None = None  # "+" and the digits: an E.164 number as typed
    plate: str | None = None  # prefix of a plate's key
    vin: str | None = None
    tail: str | None = None  # the end of a plate, as read off the car

    @classmethod
    def of(cls, text: str) -> "SearchTerms":
        text = text.strip()
        terms: dict[str, str | None] = {"name": name_key(text)}
        if _LATIN.match(text):
            terms["latin"] = re.sub(r"[\s']+", "", text).lower()
        if _PHONE_LIKE.match(text):
            digits = re.sub(r"\D", "", text)
            if len(digits) == 4:
                terms["last4"] = digits
            else:
                terms["national"], terms["international"] = digits, f"+{digits}"
        key = plate_key(text)
        if len(key) >= 3:
            terms["plate"] = key
            if _VIN.match(key):
                terms["vin"] = key
        if len(key) == PLATE_TAIL:
            terms["tail"] = key
        return cls(**terms)  # type: ignore[arg-type]

    @property
    def shape(self) -> tuple[str, ...]:
        return tuple(name for name, value in self.values().items() if value is not None)

    def values(self) -> dict[str, str | None]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def search_condition(text: str | SearchTerms, base: QuerySet[Customer] | None = None) -> Q:
    """Every interpretation of what was typed; each one uses an index.

    Phones and plates live in other tables: OR-ing their subqueries with the name columns
    makes PostgreSQL test every customer of the branch against them (a filter, no index;
    ~250 ms at 50 k customers a branch). A UNION ALL of the matching ids lets every arm use
    its own index. Names alone stay a plain OR of columns (a BitmapOr).
    """
    terms = text if isinstance(text, SearchTerms) else SearchTerms.of(text)
    condition = Q(name_key__startswith=terms.name)
    if terms.latin is not None:
        condition |= Q(name_pinyin__startswith=terms.latin)
        condition |= Q(name_initials__startswith=terms.latin)
    elsewhere = []
    if terms.last4 is not None:
        phones = CustomerPhone.objects.filter(last4=terms.last4)
        elsewhere.append(phones.order_by().values("customer_id"))
    if terms.national is not None:
        phones = CustomerPhone.objects.filter(
            Q(national=terms.national)
            | Q(number=terms.international)
            | Q(national__startswith=terms.national)
        )
        elsewhere.append(phones.order_by().values("customer_id"))
    if terms.plate is not None:
        plates = Q(plate_key__startswith=terms.plate)
        if terms.vin is not None:
            plates |= Q(vin=terms.vin)
        elsewhere.append(Vehicle.objects.filter(plates).order_by().values("customer_id"))
    if terms.tail is not None:  # indexed
        tails = Vehicle.objects.annotate(tail=Right("plate_key", PLATE_TAIL))
        elsewhere.append(tails.filter(tail=terms.tail).order_by().values("customer_id"))
    if not elsewhere:
        return condition
    by_name = (base if base is not None else Customer.objects).filter(condition)
    by_name = by_name.order_by().values("pk")
    return Q(pk__in=by_name.union(*elsewhere, all=True))


def search(user, text: str = ""):
    customers = Customer.objects.visible_to(user)
    if text.strip():
        customers = customers.filter(search_condition(text, base=customers))
    return customers.order_by("name", "id")


# What the API's customer list shows of each row (CustomerOut without phones and vehicles).
CUSTOMER_COLUMNS = [
    "id", "branch_id", "kind", "name", "contact_person", "address", "email", "contact_time",
    "contact_channel", "wanted_services", "wanted_services_note", "prefers_letters",
    "consents_to_sms", "consents_to_letters", "followup_advisor_id", "notes",
    "archive_complete", "created_at",
]  # fmt: skip
VEHICLE_COLUMNS = [
    "id", "customer_id", "plate", "vin", "make", "model", "vehicle_type", "purchase_date",
    "mileage", "mileage_on", "maintenance_months", "maintenance_km", "last_maintenance_on",
    "last_maintenance_km", "next_maintenance_on", "next_maintenance_km",
    "next_maintenance_overridden",
]  # fmt: skip


@dataclass(frozen=True)
class CustomerPage:
    rows: list[dict[str, Any]]  # see `with_phones_and_vehicles`
    count: int  # of the whole result


def search_page(
    user: Any,
    text: str,
    *,
    limit: int,
    offset: int,
    archive_complete: bool | None = None,
    kind: str | None = None,
    columns: Sequence[str] = CUSTOMER_COLUMNS,
) -> CustomerPage:
    """One page of `search` as rows of `columns`, in three statements: the page with the
    result's length beside each row (a window count, not a statement of its own), then the
    page's phones and vehicles — no model instances, which cost more than the statements on
    a page. `archive_complete` and `kind` narrow the search.

    The page's statement is compiled once per shape (the reader's scope, the kinds of term
    the text can be, the filters, the columns, the page): building and compiling it cost
    Django more than PostgreSQL takes to answer it."""
    scope = read_scope(user, VIEW_CUSTOMER)
    terms = SearchTerms.of(text) if text.strip() else None
    statement = _search_statement(
        scope.boundary, terms.shape if terms else None, archive_complete, kind is not None,
        tuple(columns), limit, offset,
    )  # fmt: skip
    values = {name: v for name, v in (terms.values() if terms else {}).items() if v is not None}
    if kind is not None:
        values["kind"] = kind
    rows = statement.run(**values, **scope.values)

    def count() -> int:
        customers = search(user, text)
        if archive_complete is not None:
            customers = customers.filter(archive_complete=archive_complete)
        if kind is not None:
            customers = customers.filter(kind=kind)
        return customers.count()

    length = page_length(rows, offset, count)
    # The API's rows say what the archive still misses; a list that reads fewer columns not.
    completeness = tuple(columns) == tuple(CUSTOMER_COLUMNS)
    return CustomerPage(with_phones_and_vehicles(rows, completeness=completeness), length)


@functools.lru_cache(maxsize=256)
def _search_statement(
    boundary: str,
    shape: tuple[str, ...] | None,
    archive_complete: bool | None,
    by_kind: bool,
    columns: tuple[str, ...],
    limit: int,
    offset: int,
) -> Prepared[Customer]:
    """`search_page`'s statement for one shape; `search` with the values as parameters."""

    def build(
        scope: int | None = None, kind: str = "", **terms: str
    ) -> QuerySet[Customer, dict[str, Any]]:
        customers = Scope(boundary, scope).applied_to(Customer.objects.all())
        if shape is not None:
            customers = customers.filter(search_condition(SearchTerms(**terms), base=customers))
        if archive_complete is not None:
            customers = customers.filter(archive_complete=archive_complete)
        if by_kind:
            customers = customers.filter(kind=kind)
        rows = customers.order_by("name", "id").values(*columns)
        return counted_page(rows, limit=limit, offset=offset)

    kinds: dict[str, type] = dict.fromkeys(shape or (), str)
    if by_kind:
        kinds["kind"] = str
    return Prepared(build, **kinds, **Scope(boundary).kinds)


class SearchPages:
    """A customer search as Django's `Paginator` reads it (its length, then a slice), each
    page read by `search_page`: the page the request asks for gives the length in the same
    statement, so a page of the list costs what a page of the API does."""

    def __init__(self, user: Any, text: str, *, per_page: int, asked: int, **filters: Any) -> None:
        self._read = functools.partial(search_page, user, text, **filters)
        self._asked = (max(asked, 1) - 1) * per_page, per_page  # offset, limit
        self._page: tuple[int, int, CustomerPage] | None = None

    def count(self) -> int:
        return self._pages(*self._asked).count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, cut: slice) -> list[dict[str, Any]]:
        offset = cut.start or 0
        return self._pages(offset, (cut.stop or offset) - offset).rows

    def _pages(self, offset: int, limit: int) -> CustomerPage:
        """The rows [offset, offset + limit): from the page read last when it holds them (the
        paginator cuts the last page to the length), else read."""
        if self._page is not None and self._page[0] == offset and self._page[1] >= limit:
            page = self._page[2]
            return CustomerPage(page.rows[:limit], page.count)
        self._page = (offset, limit, self._read(limit=max(limit, 1), offset=offset))
        return self._page[2]


def customer_row(customer_id: int) -> dict[str, Any]:
    """One customer as the API shows it (the caller has checked it may be seen)."""
    rows = list(Customer.objects.filter(pk=customer_id).values(*CUSTOMER_COLUMNS))
    return with_phones_and_vehicles(rows)[0]


def with_phones_and_vehicles(
    rows: list[dict[str, Any]], *, completeness: bool = True
) -> list[dict[str, Any]]:
    """Customer rows given their "phones" (numbers), "vehicles" (`vehicle_row`s) and, with
    `completeness` (rows of CUSTOMER_COLUMNS), "missing_fields", in two statements for all
    of them."""
    ids = [row["id"] for row in rows]
    phones: dict[int, list[str]] = {}
    vehicles: dict[int, list[dict[str, Any]]] = {}
    if ids:
        numbered = {f"c{i}": pk for i, pk in enumerate(ids)}
        phones_of, vehicles_of = _phones_and_vehicles_statements(len(ids))
        for customer_id, number in phones_of.run(**numbered):  # by position, id
            phones.setdefault(customer_id, []).append(number)
        for vehicle in vehicles_of.run(**numbered):
            vehicles.setdefault(vehicle["customer_id"], []).append(vehicle_row(vehicle))
    for row in rows:
        row["phones"] = phones.get(row["id"], [])
        row["vehicles"] = vehicles.get(row["id"], [])
        if completeness:
            row["missing_fields"] = missing_of(row, bool(row["phones"]), row["vehicles"])
    return rows


@functools.lru_cache(maxsize=64)
def _phones_and_vehicles_statements(count: int) -> tuple[Prepared[Any], Prepared[Any]]:
    """The phones and the vehicles of `count` customers, compiled once per page size."""
    names = [f"c{i}" for i in range(count)]

    def phones(**ids: int) -> QuerySet[CustomerPhone, tuple[int, str]]:
        customers = [ids[name] for name in names]
        rows = CustomerPhone.objects.filter(customer_id__in=customers)
        return rows.values_list("customer_id", "number")

    def vehicles(**ids: int) -> QuerySet[Vehicle, dict[str, Any]]:
        customers = [ids[name] for name in names]
        return Vehicle.objects.filter(customer_id__in=customers).values(*VEHICLE_COLUMNS)

    kinds = dict.fromkeys(names, int)
    return Prepared(phones, **kinds), Prepared(vehicles, **kinds)


def vehicle_row(vehicle: dict[str, Any] | Vehicle) -> dict[str, Any]:
    """A vehicle (read as VEHICLE_COLUMNS, or a model instance) as the API shows it."""
    row = (
        vehicle if isinstance(vehicle, dict) else {c: getattr(vehicle, c) for c in VEHICLE_COLUMNS}
    )
    row["projected_maintenance_on"] = projected_due_date(SimpleNamespace(**row))
    return row
