"""API of the customer archive: customers, vehicles, search."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BaseModel

from aftercare.apischema import Day, Id, Input, RowPagination, responses
from aftercare.customers import actions, queries
from aftercare.customers.choices import ContactChannel, ContactTime, WantedService
from aftercare.customers.models import Customer
from aftercare.org.models import Branch, User
from aftercare.org.queries import branches_for

router = Router(tags=["customers"])


class VehicleOut(BaseModel):
    """A vehicle as `queries.vehicle_row` reads it: plain rows validated once by
    pydantic-core, not model instances read attribute by attribute."""

    id: int
    customer_id: int
    plate: str
    vin: str
    make: str
    model: str
    vehicle_type: str
    purchase_date: date | None
    mileage: int | None
    maintenance_months: int | None
    maintenance_km: int | None
    last_maintenance_on: date | None
    last_maintenance_km: int | None
    next_maintenance_on: date | None
    next_maintenance_km: int | None
    next_maintenance_overridden: bool
    projected_maintenance_on: date | None


class CustomerOut(BaseModel):
    """A customer as `queries.with_phones_and_vehicles` reads it (see VehicleOut)."""

    id: int
    branch_id: int
    kind: Customer.Kind
    name: str
    contact_person: str
    address: str
    email: str
    phones: list[str]
    contact_time: str
    contact_channel: str
    wanted_services: list[str]
    wanted_services_note: str
    prefers_letters: bool
    consents_to_sms: bool
    consents_to_letters: bool
    followup_advisor_id: int | None
    notes: str
    archive_complete: bool
    missing_fields: list[str]
    vehicles: list[VehicleOut]
    created_at: datetime


class CustomerFields(Input):
    """A customer's fields; on PATCH an absent field stays as it is.

    Only `followup_advisor_id` may be null (no advisor); `null` anywhere else is a 422 naming
    the field, not a silent "leave unchanged".
    """

    kind: Customer.Kind = None
    name: str = Field(None, min_length=1, max_length=200, pattern=r"\S")
    contact_person: str = Field(None, max_length=100)
    address: str = Field(None, max_length=300)
    email: str = Field(None, max_length=254)
    phones: list[str] = Field(None, max_length=10)
    contact_time: ContactTime = None
    contact_channel: ContactChannel = None
    wanted_services: list[WantedService] = None
    wanted_services_note: str = Field(None, max_length=300)
    prefers_letters: bool = None
    consents_to_sms: bool = None
    consents_to_letters: bool = None
    followup_advisor_id: Id | None = None
    notes: str = Field(None, max_length=5000)


class CustomerIn(CustomerFields):
    name: str = Field(..., min_length=1, max_length=200, pattern=r"\S")
    branch_id: Id | None = None


def _advisor(request, advisor_id):
    """Any active colleague of the organisation; the action checks the branch."""
    if advisor_id is None:
        return None
    staff = User.objects.filter(is_active=True, organisation_id=request.user.organisation_id)
    return get_object_or_404(staff, pk=advisor_id)


def _fields(payload: CustomerFields, request) -> dict:
    data = payload.dict(exclude_unset=True, exclude={"branch_id", "followup_advisor_id"})
    data = {k: v for k, v in data.items() if v is not None}
    for name in ("kind", "contact_time", "contact_channel"):
        if name in data:
            data[name] = str(data[name].value if hasattr(data[name], "value") else data[name])
    if "wanted_services" in data:
        data["wanted_services"] = [getattr(w, "value", w) for w in data["wanted_services"]]
    if "followup_advisor_id" in payload.model_fields_set:
        data["followup_advisor"] = _advisor(request, payload.followup_advisor_id)
    return data


def _customer_out(customer: Customer) -> dict[str, Any]:
    return queries.customer_row(customer.pk)


@router.post("/customers", response=responses({201: CustomerOut}, 404))
def create_customer(request, payload: CustomerIn):
    user = request.user
    if payload.branch_id is not None:
        branch = get_object_or_404(branches_for(user), pk=payload.branch_id)
    else:
        branch = get_object_or_404(Branch, pk=user.branch_id)
    fields = _fields(payload, request)
    customer = actions.create_customer(branch=branch, by=user, **fields)
    return Status(201, _customer_out(customer))


class CustomerQuery(Schema):
    q: str = Field("", max_length=100, description="name, pinyin, initials, phone, plate, VIN")
    archive_complete: bool | None = None


class CustomerPagination(RowPagination):
    """The page read by `queries.search_page` (three statements), as rows."""

    def page(self, source: Any, request: HttpRequest, *, limit: int, offset: int) -> Any:
        filters: CustomerQuery = source
        page = queries.search_page(
            request.user, filters.q, limit=limit, offset=offset,
            archive_complete=filters.archive_complete,
        )  # fmt: skip
        return {"count": page.count, "items": page.rows}


@router.get("/customers", response=responses({200: list[CustomerOut]}))
@paginate(CustomerPagination)
def list_customers(request, filters: Query[CustomerQuery]) -> CustomerQuery:
    """Customers the user may see, found by name, pinyin, initials, phone, plate or VIN."""
    return filters


@router.get("/customers/{customer_id}", response=responses({200: CustomerOut}, 404))
def get_customer(request, customer_id: Id):
    return _customer_out(queries.get_customer_for(request.user, customer_id))


@router.patch("/customers/{customer_id}", response=responses({200: CustomerOut}, 404))
def update_customer(request, customer_id: Id, payload: CustomerFields):
    customer = queries.get_customer_for(request.user, customer_id)
    actions.update_customer(customer, by=request.user, **_fields(payload, request))
    return _customer_out(customer)


class VehicleFields(Input):
    """A vehicle's fields; on PATCH an absent field stays as it is.

    The texts (plate, VIN, make, model, type) are never null in the archive: `null` for them
    is a 422 naming the field (it used to reach the database as an IntegrityError). Dates and
    numbers may be null: unknown.
    """

    plate: str = Field(None, max_length=20)
    vin: str = Field(None, max_length=20)
    make: str = Field(None, max_length=60)
    model: str = Field(None, max_length=100)
    vehicle_type: str = Field(None, max_length=60)
    purchase_date: Day | None = None
    mileage: int | None = Field(None, ge=0, le=3_000_000)
    maintenance_months: int | None = Field(None, ge=1, le=60)
    maintenance_km: int | None = Field(None, ge=0, le=3_000_000)
    last_maintenance_on: Day | None = None
    last_maintenance_km: int | None = Field(None, ge=0, le=3_000_000)
    next_maintenance_on: Day | None = None
    next_maintenance_km: int | None = Field(None, ge=0, le=3_000_000)


class VehicleIn(VehicleFields):
    customer_id: Id
    plate: str = Field(..., max_length=20)


@router.post("/vehicles", response=responses({201: VehicleOut}, 404))
def create_vehicle(request, payload: VehicleIn):
    customer = queries.get_customer_for(request.user, payload.customer_id)
    fields = payload.dict(exclude_unset=True, exclude={"customer_id"})
    vehicle = actions.add_vehicle(customer, by=request.user, **fields)
    return Status(201, queries.vehicle_row(vehicle))


@router.get("/vehicles/{vehicle_id}", response=responses({200: VehicleOut}, 404))
def get_vehicle(request, vehicle_id: Id):
    return queries.vehicle_row(queries.get_vehicle_for(request.user, vehicle_id))


@router.patch("/vehicles/{vehicle_id}", response=responses({200: VehicleOut}, 404))
def update_vehicle(request, vehicle_id: Id, payload: VehicleFields):
    vehicle = queries.get_vehicle_for(request.user, vehicle_id)
    fields = payload.dict(exclude_unset=True)
    return queries.vehicle_row(actions.update_vehicle(vehicle, by=request.user, **fields))
