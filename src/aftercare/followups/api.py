"""API of follow-ups: calls (with raised items), amendments, next-service plans."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Id, Input, Moment, responses
from aftercare.cases.models import Kind
from aftercare.customers.queries import get_customer_for, get_vehicle_for
from aftercare.followups import actions, queries
from aftercare.followups.choices import Direction, PlanTopic, Purpose, Topic
from aftercare.followups.models import Call

router = Router(tags=["follow-ups"])


class RaisedItemIn(Input):
    kind: Kind
    text: str = Field(..., min_length=1, max_length=2000)
    answered_in_call: bool = False


class RaisedItemBrief(Schema):
    id: int
    kind: str
    text: str
    state: str
    answered_in_call: bool


class AmendmentOut(Schema):
    id: int
    field: str
    old_value: Any
    new_value: Any
    reason: str
    amended_by_id: int
    amended_at: datetime


class CallOut(Schema):
    id: int
    register_number: str
    branch_id: int
    customer_id: int
    vehicle_id: int | None
    advisor_id: int
    direction: str
    purpose: str
    occurred_at: datetime
    reached: bool
    topics: list[str]
    other_topics: str
    notes: str
    raised_items: list[RaisedItemBrief]
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_raised_items(obj: Call):
        return list(obj.raised_items.all())

    @staticmethod
    def resolve_amendments(obj: Call):
        return list(obj.amendments.all())


class CallIn(Input):
    customer_id: Id
    vehicle_id: Id | None = None
    direction: Direction
    purpose: Purpose
    occurred_at: Moment | None = None
    reached: bool = True
    topics: list[Topic] = Field([], max_length=7)
    other_topics: str = Field("", max_length=300)
    notes: str = Field("", max_length=5000)
    phone_number: str = Field("", max_length=20)
    raised_items: list[RaisedItemIn] = Field([], max_length=20)
    campaign_id: Id | None = Field(None, description="the campaign of a campaign-notice call")


def _visible_calls(user):
    return queries.visible_calls(user)


@router.post("/calls", response=responses({201: CallOut}, 404))
def record_call(request, payload: CallIn):
    customer = get_customer_for(request.user, payload.customer_id)
    vehicle = get_vehicle_for(request.user, payload.vehicle_id) if payload.vehicle_id else None
    campaign = None
    if payload.campaign_id:  # DS-7: a campaign-notice call
        from aftercare.outreach.queries import get_campaign_for

        campaign = get_campaign_for(request.user, payload.campaign_id)
    call = actions.record_call(
        customer, by=request.user, direction=payload.direction.value,
        purpose=payload.purpose.value, at=payload.occurred_at, reached=payload.reached,
        topics=[t.value for t in payload.topics], other_topics=payload.other_topics,
        notes=payload.notes, vehicle=vehicle, phone_number=payload.phone_number,
        campaign=campaign, raised_items=[
            {"kind": i.kind.value, "text": i.text, "answered_in_call": i.answered_in_call}
            for i in payload.raised_items
        ],
    )  # fmt: skip
    return Status(201, call)


@router.get("/calls", response=responses({200: list[CallOut]}))
@paginate(BoundedPagination)
def list_calls(request, customer_id: Id | None = None):
    """Call-register lines (DS-8), newest first, in pages (`limit`, `offset`)."""
    calls = _visible_calls(request.user).prefetch_related("raised_items", "amendments")
    if customer_id is not None:
        calls = calls.filter(customer_id=customer_id)
    return calls.order_by("-occurred_at", "-id")


@router.get("/calls/{call_id}", response=responses({200: CallOut}, 404))
def get_call(request, call_id: Id):
    return get_object_or_404(_visible_calls(request.user), pk=call_id)


class AmendmentIn(Input):
    field: str = Field(..., max_length=40)
    value: Any = None
    reason: str = Field(..., max_length=300)


@router.post("/calls/{call_id}/amendments", response=responses({201: AmendmentOut}, 404))
def amend_call(request, call_id: Id, payload: AmendmentIn):
    call = get_object_or_404(_visible_calls(request.user), pk=call_id)
    amendment = actions.amend_call(
        call, by=request.user, field=payload.field, value=payload.value, reason=payload.reason
    )
    return Status(201, amendment)


class PlanOut(Schema):
    id: int
    customer_id: int
    suggested_topics: list[str]
    topics: list[str]
    note: str
    planned_contact_at: datetime | None
    confirmed_at: datetime | None
    confirmed_by_id: int | None


class PlanConfirmIn(Input):
    topics: list[PlanTopic] | None = None
    planned_contact_at: Moment | None = None
    note: str | None = Field(None, max_length=2000)
    at: Moment | None = None


@router.get("/plans", response=responses({200: list[PlanOut]}))
@paginate(BoundedPagination)
def list_plans(request, customer_id: Id | None = None):
    """Next-service plans (DS-2), newest first, in pages (`limit`, `offset`)."""
    plans = queries.visible_plans(request.user)
    if customer_id is not None:
        plans = plans.filter(customer_id=customer_id)
    return plans.order_by("-id")


@router.post("/plans/{plan_id}/confirm", response=responses({200: PlanOut}, 404))
def confirm_plan(request, plan_id: Id, payload: PlanConfirmIn):
    plan = queries.get_plan_for(request.user, plan_id)
    return actions.confirm_plan(
        plan, by=request.user, at=payload.at, note=payload.note,
        topics=[t.value for t in payload.topics] if payload.topics is not None else None,
        planned_contact_at=payload.planned_contact_at,
    )  # fmt: skip


class UnreachableIn(Input):
    at: Moment | None = None


@router.post(
    "/obligations/{obligation_id}/close-unreachable",
    response=responses({200: dict}, 404, 409),
    summary="Close a first follow-up (DS-3) as unreachable after 3 failed attempts",
)
def close_unreachable(request, obligation_id: Id, payload: UnreachableIn):
    obligation = queries.get_followup_obligation_for(request.user, obligation_id)
    done = actions.close_unreachable(obligation, by=request.user, at=payload.at)
    return {"id": done.pk, "status": done.status_at(), "outcome": done.outcome}
