"""API of raised items: list, the supervisor's queue, and the transitions (DS-4, DS-5)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from aftercare.apischema import BoundedPagination, Id, Input, Moment, responses
from aftercare.cases import actions, queries
from aftercare.cases.models import Kind, State, ToldBy
from aftercare.formfields import user_tz

router = Router(tags=["raised items"])


class EventOut(Schema):
    from_state: str
    to_state: str
    at: datetime
    by_id: int
    note: str
    call_id: int | None


class RaisedItemOut(Schema):
    id: int
    call_id: int
    customer_id: int
    branch_id: int
    kind: str
    text: str
    answered_in_call: bool
    state: str
    owner_id: int
    raised_at: datetime
    escalated_at: datetime | None
    solution: str
    solved_at: datetime | None
    informed_at: datetime | None
    satisfied: bool | None
    closed_at: datetime | None
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class ItemQuery(Schema):
    """The filters of the items page, by the same names."""

    state: State | None = None
    kind: Kind | None = None
    open: bool = False
    branch: Id | None = None
    customer_id: Id | None = None


@router.get("/raised-items", response=responses({200: list[RaisedItemOut]}))
@paginate(BoundedPagination)
def list_items(request, filters: Query[ItemQuery]):
    """The items page's list, newest first, in pages (`limit`, `offset`)."""
    wanted = filters.dict(exclude_none=True)
    for name in ("state", "kind"):
        if name in wanted:
            wanted[name] = wanted[name].value
    items = queries.filtered_items(request.user, wanted, user_tz(request.user))
    return items.prefetch_related("events")


@router.get("/raised-items/queue", response=responses({200: list[RaisedItemOut]}))
@paginate(BoundedPagination)
def escalation_queue(request):
    """Escalated items waiting for the supervisor's solution, oldest first."""
    return queries.escalation_queue(request.user).prefetch_related("events")


def _item(request, item_id: Id):
    return get_object_or_404(queries.visible_items(request.user), pk=item_id)


class MoveIn(Input):
    at: Moment | None = None
    note: str = Field("", max_length=2000)


@router.get("/raised-items/{item_id}", response=responses({200: RaisedItemOut}, 404))
def get_item(request, item_id: Id):
    return _item(request, item_id)


@router.post("/raised-items/{item_id}/research", response=responses({200: RaisedItemOut}, 404, 409))
def research(request, item_id: Id, payload: MoveIn):
    return actions.start_research(
        _item(request, item_id), by=request.user, at=payload.at, note=payload.note
    )


@router.post("/raised-items/{item_id}/escalate", response=responses({200: RaisedItemOut}, 404, 409))
def escalate(request, item_id: Id, payload: MoveIn):
    return actions.escalate(
        _item(request, item_id), by=request.user, at=payload.at, note=payload.note
    )


class SolutionIn(Input):
    text: str = Field(..., min_length=1, max_length=5000)
    at: Moment | None = None


@router.post("/raised-items/{item_id}/solution", response=responses({200: RaisedItemOut}, 404, 409))
def solution(request, item_id: Id, payload: SolutionIn):
    return actions.record_solution(
        _item(request, item_id), by=request.user, text=payload.text, at=payload.at
    )


class InformIn(Input):
    satisfied: bool
    at: Moment | None = None
    note: str = Field("", max_length=2000)
    told_by: ToldBy = Field(
        ToldBy.OTHER, description="phone: a call-register line is written too (DS-8)"
    )


@router.post("/raised-items/{item_id}/inform", response=responses({200: RaisedItemOut}, 404, 409))
def inform(request, item_id: Id, payload: InformIn):
    return actions.inform_customer(
        _item(request, item_id), by=request.user, satisfied=payload.satisfied, at=payload.at,
        note=payload.note, told_by=str(payload.told_by.value),
    )  # fmt: skip
