"""API of preventive maintenance (BS-9): plans (drafted here; submitted, confirmed and revised
through ``/plans/maintenance/{id}/…``), their visits, a visit's result and moves, and the
checklists. A plan's id is its agreement's."""

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from aftercare.agreements.choices import VersionState
from aftercare.apischema import BoundedPagination, Day, Id, Input, Moment, Number, responses
from aftercare.contracts.models import Contract
from aftercare.errors import InvalidInput
from aftercare.maintenance import actions, queries
from aftercare.maintenance.choices import (
    ChecklistItemKind,
    CheckResult,
    NonWorkingDay,
    PlanState,
    VisitState,
)
from aftercare.maintenance.models import MaintenancePlan, MaintenanceVisit, VisitCheck
from aftercare.obligations.models import Obligation
from aftercare.org.access import ensure_permission
from aftercare.org.http import StaffRequest
from aftercare.org.models import User
from aftercare.sites.choices import SystemKind
from aftercare.sites.models import Site

router = Router(tags=["maintenance"])


def _plain(value: Any) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


class MaintenancePlanIn(Input):
    site_id: Id
    contract_id: Id | None = None
    engineer_id: Id | None = None
    title: str = Field("", max_length=200)
    system_ids: list[Id] = Field(..., max_length=200)
    every_months: int | None = Field(None, description="1 to 24; or give `dates`.")
    dates: list[Day] | None = Field(None, max_length=120, description="Or `every_months`.")
    starts_on: Day
    ends_on: Day
    non_working_day: NonWorkingDay = NonWorkingDay.PREVIOUS


class MaintenanceVersionOut(Schema):
    number: int
    state: VersionState
    terms: dict[str, Any]
    reason: str
    drafted_at: datetime
    submitted_at: datetime | None
    confirmed_at: datetime | None
    confirmed_by: str


class MaintenancePlanOut(Schema):
    id: int
    title: str
    site_id: int
    site_name: str
    customer_id: int
    contract_id: int | None
    branch_id: int
    engineer_id: int | None
    state: PlanState = Field(..., description="The state of the latest version.")
    version: int = Field(..., description="The latest version's number.")
    terms: dict[str, Any] = Field(..., description="The latest version's terms.")
    created_at: datetime


class MaintenanceDutyOut(Schema):
    id: int
    status: str
    owner_id: int
    due_at: datetime
    done_at: datetime | None


class VisitRescheduleOut(Schema):
    from_day: date
    to_day: date
    reason: str
    by_id: int
    at: datetime


class VisitCheckOut(Schema):
    id: int
    system_id: int
    system_name: str
    order: int
    code: str
    text: str = Field(..., description="In the reader's language (a shipped item's wording).")
    kind: ChecklistItemKind
    unit: str
    low: str | None
    high: str | None
    result: CheckResult | None
    reading: str | None
    note: str
    out_of_range: bool
    has_photo: bool
    ticket_id: int | None
    ticket_number: str | None


class MaintenanceVisitOut(Schema):
    id: int
    plan_id: int
    version: int
    planned_on: date
    scheduled_on: date
    state: VisitState
    engineer_id: int | None
    done_at: datetime | None
    done_by_id: int | None
    signed_by: str
    bs9: MaintenanceDutyOut | None


class MaintenanceVisitDetailOut(MaintenanceVisitOut):
    checks: list[VisitCheckOut]
    reschedules: list[VisitRescheduleOut]


class MaintenancePlanDetailOut(MaintenancePlanOut):
    versions: list[MaintenanceVersionOut]
    visits: list[MaintenanceVisitOut]


def _plan_out(plan: MaintenancePlan) -> dict[str, Any]:
    agreement = plan.agreement
    latest = getattr(plan, "latest_state", None)
    number = getattr(plan, "latest_number", None)
    if latest is None or number is None:
        version = agreement.versions.order_by("-number").first()
        assert version is not None
        latest, number, terms = version.state, version.number, version.terms
    else:
        terms = (
            agreement.versions.filter(number=number).values_list("terms", flat=True).first() or {}
        )
    state = VersionState.CONFIRMED if latest == VersionState.SUPERSEDED else latest
    return {
        "id": plan.pk, "title": agreement.title, "site_id": plan.site_id,
        "site_name": plan.site.name, "customer_id": agreement.customer_id,
        "contract_id": plan.contract_id, "branch_id": plan.branch_id,
        "engineer_id": plan.engineer_id, "state": state, "version": number, "terms": terms,
        "created_at": agreement.created_at,
    }  # fmt: skip


def _bs9_out(row: Obligation | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.pk, "status": row.status_at(), "owner_id": row.owner_id,
            "due_at": row.due_at, "done_at": row.done_at}  # fmt: skip


def _visit_out(visit: MaintenanceVisit, bs9: Obligation | None) -> dict[str, Any]:
    return {
        "id": visit.pk, "plan_id": visit.plan_id, "version": visit.version.number,
        "planned_on": visit.planned_on, "scheduled_on": visit.scheduled_on,
        "state": visit.state, "engineer_id": visit.engineer_id, "done_at": visit.done_at,
        "done_by_id": visit.done_by_id, "signed_by": visit.signed_by, "bs9": _bs9_out(bs9),
    }  # fmt: skip


def _check_out(check: VisitCheck) -> dict[str, Any]:
    return {
        "id": check.pk, "system_id": check.system_id, "system_name": check.system.name,
        "order": check.order, "code": check.code, "text": check.label, "kind": check.kind,
        "unit": check.unit, "low": _plain(check.low), "high": _plain(check.high),
        "result": check.result or None, "reading": _plain(check.reading), "note": check.note,
        "out_of_range": check.out_of_range, "has_photo": bool(check.photo),
        "ticket_id": check.ticket_id,
        "ticket_number": check.ticket.number if check.ticket is not None else None,
    }  # fmt: skip


def _visit_detail(visit: MaintenanceVisit) -> dict[str, Any]:
    bs9 = queries.bs9_of([visit]).get(visit.pk)
    checks = visit.checks.select_related("system", "ticket").order_by("order", "id")
    return {
        **_visit_out(visit, bs9),
        "checks": [_check_out(check) for check in checks],
        "reschedules": [
            {
                "from_day": row.from_day,
                "to_day": row.to_day,
                "reason": row.reason,
                "by_id": row.by_id,
                "at": row.at,
            }  # fmt: skip
            for row in visit.reschedules.order_by("at", "id")
        ],
    }


@router.post("/maintenance-plans", response=responses({201: MaintenancePlanDetailOut}, 404))
def create_plan(request: StaffRequest, payload: MaintenancePlanIn) -> Status[dict[str, Any]]:
    """A draft plan of a site: its systems, every N months (or listed dates), the term and what
    happens to a date that is not worked. Submit and confirm it through
    `/plans/maintenance/{id}/…`; confirmation schedules its visits."""
    user = request.user
    ensure_permission(user, actions.CHANGE)
    site = Site.objects.visible_to(user).select_related("branch__organisation", "customer")
    found = site.filter(pk=payload.site_id).first()
    if found is None:
        raise _refuse("site_id", _("Unknown site."))
    contract = None
    if payload.contract_id is not None:
        contract = Contract.objects.filter(pk=payload.contract_id, branch=found.branch).first()
        if contract is None:
            raise _refuse("contract_id", _("Unknown contract."))
    engineer = None
    if payload.engineer_id is not None:
        engineer = User.objects.filter(pk=payload.engineer_id).first()
        if engineer is None:
            raise _refuse("engineer_id", _("Choose an engineer of the site's branch."))
    terms = {
        "system_ids": payload.system_ids, "every_months": payload.every_months,
        "dates": [day.isoformat() for day in payload.dates or []],
        "starts_on": payload.starts_on.isoformat(), "ends_on": payload.ends_on.isoformat(),
        "non_working_day": payload.non_working_day.value,
    }  # fmt: skip
    plan = actions.create_plan(
        by=user, site=found, contract=contract, engineer=engineer, title=payload.title,
        terms=terms,
    )  # fmt: skip
    return Status(201, _plan_detail(queries.get_plan_for(user, plan.pk)))


@router.get("/maintenance-plans", response=responses({200: list[MaintenancePlanOut]}))
@paginate(BoundedPagination)
def list_plans(
    request: StaffRequest, site_id: Id | None = None, state: PlanState | None = None
) -> Any:
    """The plans of the reader's branches, newest first; `state` is the latest version's."""
    plans = queries.visible_plans(request.user)
    if site_id is not None:
        plans = plans.filter(site_id=site_id)
    if state is not None:
        plans = queries.in_state(plans, state.value)
    return _Page(plans, _plan_out)


class _Page:
    def __init__(self, rows: QuerySet[Any], out: Any) -> None:
        self.rows, self.out = rows, out

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [self.out(row) for row in self.rows[item]]

    def count(self) -> int:
        return int(self.rows.count())

    def __len__(self) -> int:
        return self.count()


def _plan_detail(plan: MaintenancePlan) -> dict[str, Any]:
    visits = list(plan.visits.select_related("version").order_by("scheduled_on", "id"))
    bs9 = queries.bs9_of(visits)
    return {
        **_plan_out(plan),
        "versions": [
            {
                "number": row.number,
                "state": row.state,
                "terms": row.terms,
                "reason": row.reason,
                "drafted_at": row.drafted_at,
                "submitted_at": row.submitted_at,
                "confirmed_at": row.confirmed_at,
                "confirmed_by": row.confirmed_by,
            }  # fmt: skip
            for row in plan.agreement.versions.order_by("number")
        ],
        "visits": [_visit_out(visit, bs9.get(visit.pk)) for visit in visits],
    }


@router.get(
    "/maintenance-plans/{plan_id}", response=responses({200: MaintenancePlanDetailOut}, 404)
)
def get_plan(request: StaffRequest, plan_id: Id) -> dict[str, Any]:
    """A plan with every version's terms and its visits."""
    return _plan_detail(queries.get_plan_for(request.user, plan_id))


@router.get("/maintenance-visits", response=responses({200: list[MaintenanceVisitOut]}, 404))
@paginate(BoundedPagination)
def list_visits(
    request: StaffRequest,
    plan_id: Id | None = None,
    state: VisitState | None = None,
    engineer_id: Id | None = None,
) -> Any:
    """Visits of the reader's branches by scheduled date; `plan_id` one plan's (404 for a plan
    the reader cannot see)."""
    visits = queries.visible_visits(request.user).order_by("scheduled_on", "id")
    if plan_id is not None:
        plan = queries.get_plan_for(request.user, plan_id)
        visits = visits.filter(plan=plan)
    if state is not None:
        visits = visits.filter(state=state.value)
    if engineer_id is not None:
        visits = visits.filter(engineer_id=engineer_id)
    return _VisitPage(visits)


class _VisitPage(_Page):
    def __init__(self, rows: QuerySet[Any]) -> None:
        super().__init__(rows, None)

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        visits = list(self.rows[item])
        bs9 = queries.bs9_of(visits)
        return [_visit_out(visit, bs9.get(visit.pk)) for visit in visits]


@router.get(
    "/maintenance-visits/{visit_id}", response=responses({200: MaintenanceVisitDetailOut}, 404)
)
def get_visit(request: StaffRequest, visit_id: Id) -> dict[str, Any]:
    """A visit with its checklist (and what was found), its moves and its BS-9."""
    return _visit_detail(queries.get_visit_for(request.user, visit_id))


class VisitCheckIn(Input):
    check_id: Id
    result: CheckResult
    reading: Number | None = None
    note: str = Field("", max_length=2000)
    photo_base64: str | None = Field(
        None,
        max_length=200_000,
        pattern=r"^[A-Za-z0-9+/]*={0,2}$",
        description=(
            "A photo of the check, JPEG or PNG, base64 (about 150 KB at most: the phone page "
            "scales photos down before it queues them, so a visit fits in one request)."
        ),
    )


def _photo_bytes(index: int, text: str | None) -> bytes | None:
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        message = _("Send the photo as JPEG or PNG.")
        raise InvalidInput(message, fields={f"items.{index}.photo_base64": [message]}) from None


IdempotencyKey = Annotated[
    UUID | None,
    # Absent or a UUID: an optional header is never sent as JSON's null.
    WithJsonSchema({"type": "string", "format": "uuid"}),
    Header(
        None,
        alias="Idempotency-Key",
        description="A UUID chosen by the client for this one result (the phone's offline "
        "queue sends one). The same key again by the same engineer answers the recorded visit "
        "and changes nothing; a visit done otherwise is a 409.",
    ),
]


class VisitResultIn(Input):
    done_at: Moment | None = None
    at: Moment | None = Field(
        None,
        description="The moment the result was recorded on the phone (the offline queue adds "
        "it); the visit's moment when `done_at` is not given.",
    )
    items: list[VisitCheckIn] = Field(..., max_length=2000)
    signed_by: str = Field(..., max_length=100)
    signature_png: str = Field(
        ...,
        max_length=800_000,
        pattern=r"^(data:image/png;base64,)?[A-Za-z0-9+/]*={0,2}$",
        description="PNG, base64 or data: URL.",
    )


@router.post(
    "/maintenance-visits/{visit_id}/result",
    response=responses({200: MaintenanceVisitDetailOut}, 404, 409),
)
def record_result(
    request: StaffRequest,
    visit_id: Id,
    payload: VisitResultIn,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """The visit's result: every check ok / defect / na (a reading where the item asks for
    one), the owner's name and drawn signature. A defect opens a hotline ticket (equipment
    fault) per system; BS-9 is fulfilled; the visit is frozen. With `Idempotency-Key`, the
    same key by the same engineer again answers the recorded visit and changes nothing."""
    visit = queries.get_visit_for(request.user, visit_id)
    done_at = payload.done_at if payload.done_at is not None else payload.at
    done = actions.record_result(
        visit, by=request.user, done_at=done_at, signed_by=payload.signed_by,
        signature_png=payload.signature_png, key=idempotency_key,
        items=[
            actions.CheckInput(check_id=row.check_id, result=row.result.value,
                               reading=row.reading, note=row.note,
                               photo=_photo_bytes(index, row.photo_base64))  # fmt: skip
            for index, row in enumerate(payload.items)
        ],
    )  # fmt: skip
    return _visit_detail(queries.get_visit_for(request.user, done.pk))


class VisitRescheduleIn(Input):
    to: Day
    reason: str = Field(..., max_length=2000)


@router.post(
    "/maintenance-visits/{visit_id}/reschedule",
    response=responses({200: MaintenanceVisitDetailOut}, 404, 409),
)
def reschedule(request: StaffRequest, visit_id: Id, payload: VisitRescheduleIn) -> dict[str, Any]:
    """Move a planned visit to another date, with the reason; it keeps the date it was planned
    on, and BS-9 moves with it."""
    visit = queries.get_visit_for(request.user, visit_id)
    moved = actions.reschedule(visit, by=request.user, to=payload.to, reason=payload.reason)
    return _visit_detail(queries.get_visit_for(request.user, moved.pk))


class ChecklistItemOut(Schema):
    id: int
    order: int
    kind: ChecklistItemKind
    code: str
    text: str = Field(..., description="In the reader's language (a shipped item's wording).")
    unit: str
    low: str | None
    high: str | None


class ChecklistOut(Schema):
    id: int
    system_kind: SystemKind
    items: list[ChecklistItemOut]


@router.get("/checklist-templates", response=responses({200: list[ChecklistOut]}))
def list_checklists(request: StaffRequest, system_kind: SystemKind | None = None) -> Any:
    """The organisation's checklist per kind of system (the shipped ones until edited)."""
    templates = queries.visible_templates(request.user)
    if system_kind is not None:
        templates = [row for row in templates if row.system_kind == system_kind.value]
    return [
        {
            "id": row.pk,
            "system_kind": row.system_kind,
            "items": [
                {
                    "id": item.pk,
                    "order": item.order,
                    "kind": item.kind,
                    "code": item.code,
                    "text": item.label,
                    "unit": item.unit,
                    "low": _plain(item.low),
                    "high": _plain(item.high),
                }  # fmt: skip
                for item in row.items.order_by("order", "id")
            ],
        }
        for row in templates
    ]
