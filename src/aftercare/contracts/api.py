"""API of service calendars, maintenance contracts (BS-6) and coverage."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BeforeValidator, TypeAdapter, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from aftercare.apischema import BoundedPagination, Day, Id, Input, Moment, responses
from aftercare.contracts import actions, queries
from aftercare.contracts.choices import ContractStatus, FaultCategory
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.customers.models import Customer
from aftercare.errors import Errors, InvalidInput
from aftercare.org.http import StaffRequest
from aftercare.org.models import User
from aftercare.sites.models import Equipment, System
from aftercare.standard.clocks import read_clock

router = Router(tags=["contracts"])

# -- service calendars ------------------------------------------------------------------------

Week = list[list[list[str]]]


class ServiceCalendarIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    weekly: Week = Field(
        ...,
        description='7 lists (Monday first) of ["HH:MM", "HH:MM"] intervals; an end may be '
        '"24:00". Overlaps, an end before its start or bad times are refused (422).',
        examples=[[[["09:00", "12:00"], ["13:00", "18:00"]]] * 5 + [[], []]],
    )
    holidays: bool = Field(
        False, description="Follow the organisation's holidays, closures and make-up days."
    )


class ServiceCalendarOut(Schema):
    id: int
    name: str
    weekly: Week
    holidays: bool
    builtin: bool

    @staticmethod
    def resolve_holidays(obj: ServiceCalendar) -> bool:
        return obj.follows_holidays


@router.post("/service-calendars", response=responses({201: ServiceCalendarOut}))
def create_service_calendar(
    request: StaffRequest, payload: ServiceCalendarIn
) -> Status[ServiceCalendar]:
    """A named weekly calendar of the organisation (several intervals a day, Monday first)."""
    organisation = request.user.organisation
    if organisation is None:
        raise InvalidInput(_("You belong to no organisation."))
    calendar = actions.create_service_calendar(
        by=request.user,
        organisation=organisation,
        name=payload.name,
        weekly=payload.weekly,
        follows_holidays=payload.holidays,
    )
    return Status(201, calendar)


@router.get("/service-calendars", response=responses({200: list[ServiceCalendarOut]}))
@paginate(BoundedPagination)
def list_service_calendars(request: StaffRequest) -> QuerySet[ServiceCalendar]:
    """The organisation's calendars; the built-in 24×7 one first."""
    return queries.visible_calendars(request.user)


class CountedStretchOut(Schema):
    """A stretch of service time the clock counted: together they make up `hours`."""

    starts_at: datetime
    ends_at: datetime
    minutes: float


class ServiceDueOut(Schema):
    at: datetime
    hours: float
    due: datetime
    counted: list[CountedStretchOut]


@router.get("/service-calendars/{calendar_id}/due", response=responses({200: ServiceDueOut}, 404))
def preview_due(
    request: StaffRequest,
    calendar_id: Id,
    at: Moment,
    hours: Annotated[float, Field(ge=0, le=10000)],
) -> dict[str, Any]:
    """When `hours` of service time from `at` run out on this calendar: "a fault reported at
    … is due at …"."""
    calendar = queries.get_calendar_for(request.user, calendar_id)
    reading = read_clock(at, timedelta(hours=hours), calendar.service_hours())
    counted = [
        {"starts_at": s.starts_at, "ends_at": s.ends_at, "minutes": s.length.total_seconds() / 60}
        for s in reading.counted
    ]
    return {"at": at, "hours": hours, "due": reading.due_at, "counted": counted}


# -- contracts --------------------------------------------------------------------------------

_PRICE = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")


def _price_text(value: Any) -> Any:
    if isinstance(value, str) and not _PRICE.match(value):
        raise PydanticCustomError("price_text", _("Give a price such as 12000 or 12000.50."))
    return value


# A JSON number, or decimal text ("12000.50") that keeps the digits exact.
PriceIn = Annotated[
    Decimal,
    BeforeValidator(_price_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 9999999999.99},
                {"type": "string", "pattern": _PRICE.pattern},
            ]
        }
    ),
]
Hours = Annotated[float, Field(ge=0.01, le=999.99)]


class ContractTargetIn(Input):
    category: FaultCategory
    arrival_hours: Hours
    fix_hours: Hours


class EscalationIn(Input):
    after_minutes: int = Field(..., ge=0, le=100_000)
    user_id: Id


class EmergencyIn(Input):
    arrival_hours: Hours
    fix_hours: Hours
    escalation: list[EscalationIn] = Field(default_factory=list, max_length=20)


class ContractIn(Input):
    customer_id: Id
    site_id: Id
    system_ids: list[Id] = Field(..., min_length=1, max_length=500)
    starts_on: Day
    ends_on: Day
    service_calendar_id: Id | None = None
    targets: list[ContractTargetIn] = Field(default_factory=list, max_length=10)
    emergency: EmergencyIn | None = None
    price: PriceIn = Decimal(0)
    parts_included: bool = False
    labour_included: bool = True
    visits_per_year: int = Field(0, ge=0, le=365)


class ContractTargetOut(Schema):
    category: str
    arrival_hours: Decimal
    fix_hours: Decimal


class EscalationOut(Schema):
    after_minutes: int
    user_id: int


class EmergencyOut(Schema):
    arrival_hours: Decimal
    fix_hours: Decimal
    escalation: list[EscalationOut]


class ContractOut(Schema):
    id: int
    status: ContractStatus
    branch_id: int
    customer_id: int
    site_id: int
    system_ids: list[int]
    starts_on: date
    ends_on: date
    service_calendar_id: int
    targets: list[ContractTargetOut]
    emergency: EmergencyOut | None
    price: Decimal
    parts_included: bool
    labour_included: bool
    visits_per_year: int
    signed_on: date | None


def _contract_out(contract: Contract) -> dict[str, Any]:
    emergency = None
    if contract.emergency_arrival_hours is not None:
        emergency = {
            "arrival_hours": contract.emergency_arrival_hours,
            "fix_hours": contract.emergency_fix_hours,
            "escalation": [
                {"after_minutes": step.after_minutes, "user_id": step.user_id}
                for step in contract.escalation.all()
            ],
        }
    return {
        "id": contract.pk,
        "status": contract.status,
        "branch_id": contract.branch_id,
        "customer_id": contract.customer_id,
        "site_id": contract.site_id,
        "system_ids": sorted(link.system_id for link in contract.coverage.all()),
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "service_calendar_id": contract.service_calendar_id,
        "targets": [
            {"category": t.category, "arrival_hours": t.arrival_hours, "fix_hours": t.fix_hours}
            for t in contract.targets.all()
        ],
        "emergency": emergency,
        "price": contract.price,
        "parts_included": contract.parts_included,
        "labour_included": contract.labour_included,
        "visits_per_year": contract.visits_per_year,
        "signed_on": contract.signed_on,
    }


def _one(request: StaffRequest, pk: int) -> dict[str, Any]:
    return _contract_out(queries.contract_detail(request.user, pk, timezone.now()))


@router.post("/contracts", response=responses({201: ContractOut}, 404))
def offer_contract(request: StaffRequest, payload: ContractIn) -> Status[dict[str, Any]]:
    """Offer a maintenance contract for systems of one site (BS-6). Refused with 422, nothing
    written: an end before the start, systems of another site, an owner other than the site's,
    an unknown fault category, hours that are not positive, an escalation to someone outside
    the branch."""
    user = request.user
    site = queries.get_site_for(user, payload.site_id)
    errors = Errors()
    customer = Customer.objects.filter(pk=payload.customer_id, branch_id=site.branch_id).first()
    if customer is None or customer.pk != site.customer_id:
        errors.add("customer_id", _("The owner must be the site's owner."))
    wanted = set(payload.system_ids)
    systems = list(System.objects.filter(pk__in=wanted, site__branch_id=site.branch_id))
    if len(systems) != len(wanted):
        errors.add("system_ids", _("Every system must belong to the site."))
    calendar = None
    if payload.service_calendar_id is not None:
        calendar = ServiceCalendar.objects.filter(
            pk=payload.service_calendar_id, organisation_id=site.branch.organisation_id
        ).first()
        if calendar is None:
            errors.add("service_calendar_id", _("Choose a service calendar of your organisation."))
    emergency = None
    if payload.emergency is not None:
        ids = {step.user_id for step in payload.emergency.escalation}
        people = {
            person.pk: person
            for person in User.objects.filter(
                pk__in=ids, organisation_id=site.branch.organisation_id
            )
        }
        steps: list[tuple[int, User]] = []
        for index, step in enumerate(payload.emergency.escalation):
            person = people.get(step.user_id)
            if person is None:
                errors.add(
                    f"emergency.escalation.{index}.user_id",
                    _("Choose a colleague of the contract's branch."),
                )
            else:
                steps.append((step.after_minutes, person))
        emergency = actions.Emergency(
            Decimal(str(payload.emergency.arrival_hours)),
            Decimal(str(payload.emergency.fix_hours)),
            tuple(steps),
        )
    errors.raise_if_any(_("The contract cannot be offered."))
    assert customer is not None
    contract = actions.offer_contract(
        by=user,
        customer=customer,
        site=site,
        systems=systems,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        service_calendar=calendar,
        targets=[
            actions.Target(
                t.category.value, Decimal(str(t.arrival_hours)), Decimal(str(t.fix_hours))
            )
            for t in payload.targets
        ],
        emergency=emergency,
        price=payload.price,
        parts_included=payload.parts_included,
        labour_included=payload.labour_included,
        visits_per_year=payload.visits_per_year,
    )
    return Status(201, _one(request, contract.pk))


class ContractFilters(Schema):
    site_id: Id | None = None
    system_id: Id | None = None
    customer_id: Id | None = None
    status: ContractStatus | None = None


class ContractPagination(BoundedPagination):
    """Limit/offset over contracts, each answered with its systems, targets and chain."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Any],
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = [_contract_out(contract) for contract in page["items"]]
        return page


@router.get("/contracts", response=responses({200: list[ContractOut]}))
@paginate(ContractPagination)
def list_contracts(request: StaffRequest, filters: Query[ContractFilters]) -> QuerySet[Contract]:
    """The contracts of the user's branch (all branches for an administrator), newest first;
    `status` filters on today's status in the organisation's time zone."""
    contracts = queries.visible_contracts(request.user, timezone.now()).prefetch_related(
        "coverage", "targets", "escalation"
    )
    if filters.site_id is not None:
        contracts = contracts.filter(site_id=filters.site_id)
    if filters.system_id is not None:
        contracts = contracts.filter(coverage__system_id=filters.system_id)
    if filters.customer_id is not None:
        contracts = contracts.filter(customer_id=filters.customer_id)
    if filters.status is not None:
        today = queries.user_today(request.user, timezone.now())
        contracts = contracts.in_status(filters.status.value, today)
    return contracts.order_by("-starts_on", "-id")


@router.get("/contracts/{contract_id}", response=responses({200: ContractOut}, 404))
def get_contract(request: StaffRequest, contract_id: Id) -> dict[str, Any]:
    return _one(request, contract_id)


class ContractSignIn(Input):
    signed_on: Day


@router.post("/contracts/{contract_id}/sign", response=responses({200: ContractOut}, 404, 409))
def sign_contract(
    request: StaffRequest, contract_id: Id, payload: ContractSignIn
) -> dict[str, Any]:
    """Record the owner's signature (a local date, not in the future). Fulfils the pending BS-6
    offers of its systems (and of the contract it renews) and opens its own renewal offer."""
    contract = queries.contract_detail(request.user, contract_id, timezone.now())
    actions.sign_contract(by=request.user, contract=contract, signed_on=payload.signed_on)
    return _one(request, contract_id)


# -- coverage ---------------------------------------------------------------------------------

_MOMENT: TypeAdapter[datetime] = TypeAdapter(Moment)
_DAY: TypeAdapter[date] = TypeAdapter(Day)


def _moment_or_day(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return _DAY.validate_python(value)
        return _MOMENT.validate_python(value)
    except ValidationError as error:
        message = error.errors()[0].get("msg", "") or _("Give a moment or a date.")
        raise PydanticCustomError("moment_or_day", message) from None


MomentOrDay = Annotated[
    datetime | date,
    BeforeValidator(_moment_or_day),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    ),
]


class CoverageQuery(Schema):
    system_id: Id | None = None
    equipment_id: Id | None = None
    at: MomentOrDay | None = Field(
        None, description="A moment with its offset, or a local date; default now."
    )


class CoverageOut(Schema):
    kind: str
    until: date | None
    contract_id: int | None


@router.get("/coverage", response=responses({200: CoverageOut}, 404))
def get_coverage(request: StaffRequest, filters: Query[CoverageQuery]) -> dict[str, Any]:
    """What covers a system or an equipment item at a moment (default now): `warranty`,
    `contract` or `none`, until when, and which contract. Give exactly one of `system_id` and
    `equipment_id`."""
    if (filters.system_id is None) == (filters.equipment_id is None):
        message = _("Give exactly one of system_id and equipment_id.")
        raise InvalidInput(message, fields={"system_id": [message]})
    item: System | Equipment
    if filters.system_id is not None:
        item = System.objects.visible_to(request.user).get(pk=filters.system_id)
    else:
        assert filters.equipment_id is not None
        item = Equipment.objects.visible_to(request.user).get(pk=filters.equipment_id)
    found = queries.coverage(item, filters.at or timezone.now())
    return {"kind": found.kind, "until": found.until, "contract_id": found.contract_id}
