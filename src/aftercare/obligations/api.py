"""API of obligations: the worklist, the filtered list, and the actions on one obligation."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BaseModel

from aftercare.apischema import BoundedPagination, Id, Input, Moment, RowPagination, responses
from aftercare.obligations import actions, queries, texts
from aftercare.obligations.choices import Status
from aftercare.obligations.models import Obligation
from aftercare.org.http import StaffRequest
from aftercare.org.models import User

router = Router(tags=["obligations"])


class ObligationOut(Schema):
    id: int
    rule: str
    title: str
    status: Status
    branch_id: int
    customer_id: int | None
    owner: int = Field(..., alias="owner_id")
    owner_name: str
    acting_owner: int | None = Field(None, alias="acting_owner_id")
    triggered_at: datetime
    opens_at: datetime | None
    due_at: datetime
    done_at: datetime | None
    done_by: int | None = Field(None, alias="done_by_id")
    outcome: str
    cancel_reason: str
    subject: dict[str, int] | None = Field(
        None,
        description='What the obligation is about, named by its kind: {"system_id": 7}, '
        '{"contract_id": 3}, {"repairorder_id": 12}; null when only the customer is.',
    )

    @staticmethod
    def resolve_owner_name(obj: Obligation) -> str:
        return str(obj.owner)

    @staticmethod
    def resolve_subject(obj: Obligation) -> dict[str, int] | None:
        if obj.subject_type_id is None or obj.subject_id is None:
            return None
        model = ContentType.objects.get_for_id(obj.subject_type_id).model  # cached per process
        return {f"{model}_id": obj.subject_id}

    @staticmethod
    def resolve_title(obj: Obligation) -> str:
        """Worded in the request's language (Accept-Language), not the stored snapshot."""
        return obj.display_title


class ObligationFilters(Schema):
    customer_id: Id | None = None
    rule: str | None = None
    status: Status | None = None
    owner: Id | None = None
    branch_id: Id | None = None


class WithActingOwner(BoundedPagination):
    """Pagination that resolves stand-ins for the page only, not the whole result."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Any],
        pagination: LimitOffsetPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = queries.with_acting_owner(page["items"])
        return page


class WorklistItemOut(BaseModel):
    """ObligationOut's fields as a plain pydantic model, filled from dicts.

    The worklist is the most frequent request; validating plain dicts in pydantic-core costs a
    fraction of ninja's attribute resolution over model instances (bench/RESULTS.md).
    """

    id: int
    rule: str
    title: str
    status: Status
    branch_id: int
    customer_id: int | None
    owner: int
    owner_name: str
    acting_owner: int | None
    triggered_at: datetime
    opens_at: datetime | None
    due_at: datetime
    done_at: datetime | None
    done_by: int | None
    outcome: str
    cancel_reason: str


# Pending rows: no done_at / done_by to read; status and stand-in come with the page.
WORKLIST_FIELDS = [
    "id", "rule", "title", "title_key", "title_params", "branch_id", "customer_id",
    "triggered_at", "outcome", "cancel_reason",
    "owner__username", "owner__display_name", "owner__first_name", "owner__last_name",
]  # fmt: skip


def _owner_name(row: Mapping[str, Any]) -> str:
    """What User.__str__ shows, from the joined columns."""
    full = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return row["owner__display_name"] or full or row["owner__username"]


class WorklistPagination(RowPagination):
    """The page read by `queries.worklist_page` (two statements), shaped as the output."""

    def page(self, source: Any, request: HttpRequest, *, limit: int, offset: int) -> Any:
        user: User = source
        page = queries.worklist_page(user, WORKLIST_FIELDS, limit=limit, offset=offset)
        return {
            "count": page.count,
            "items": [
                {
                    "id": row["id"],
                    "rule": row["rule"],
                    "title": texts.render(row["title_key"], row["title_params"], row["title"]),
                    "status": row["status"],
                    "branch_id": row["branch_id"],
                    "customer_id": row["customer_id"],
                    "owner": row["owner_id"],
                    "owner_name": _owner_name(row),
                    "acting_owner": row["acting_owner_id"],
                    "triggered_at": row["triggered_at"],
                    "opens_at": row["opens_at"],
                    "due_at": row["due_at"],
                    "done_at": None,
                    "done_by": None,
                    "outcome": row["outcome"],
                    "cancel_reason": row["cancel_reason"],
                }
                for row in page.rows
            ],
        }


@router.get("/worklist", response=responses({200: list[WorklistItemOut]}), summary="My work")
@paginate(WorklistPagination)
def worklist(request: StaffRequest) -> User:
    """Pending obligations of the user and of colleagues they stand in for, by due moment."""
    return request.user


@router.get("/obligations", response=responses({200: list[ObligationOut]}))
@paginate(WithActingOwner)
def list_obligations(
    request: StaffRequest, filters: Query[ObligationFilters]
) -> QuerySet[Obligation]:
    return queries.search(
        request.user,
        customer_id=filters.customer_id,
        rule=filters.rule,
        status=filters.status,
        owner_id=filters.owner,
        branch_id=filters.branch_id,
    )


def _get(request: StaffRequest, obligation_id: int) -> Obligation:
    return get_object_or_404(Obligation.objects.visible_to(request.user), pk=obligation_id)


def _out(obligation: Obligation) -> Obligation:
    obligation = Obligation.objects.with_status(timezone.now()).get(pk=obligation.pk)
    return queries.with_acting_owner([obligation])[0]


@router.get("/obligations/{obligation_id}", response=responses({200: ObligationOut}, 404))
def get_obligation(request: StaffRequest, obligation_id: Id) -> Obligation:
    return _out(_get(request, obligation_id))


class FulfilIn(Input):
    at: Moment | None = None
    outcome: str = Field("", max_length=500)


@router.post(
    "/obligations/{obligation_id}/fulfil", response=responses({200: ObligationOut}, 404, 409)
)
def fulfil(request: StaffRequest, obligation_id: Id, payload: FulfilIn) -> Obligation:
    obligation = _get(request, obligation_id)
    return _out(
        actions.mark_done(obligation, by=request.user, at=payload.at, outcome=payload.outcome)
    )


class CancelIn(Input):
    reason: str = Field(..., max_length=500)
    at: Moment | None = None


@router.post(
    "/obligations/{obligation_id}/cancel", response=responses({200: ObligationOut}, 404, 409)
)
def cancel(request: StaffRequest, obligation_id: Id, payload: CancelIn) -> Obligation:
    obligation = _get(request, obligation_id)
    return _out(actions.cancel(obligation, by=request.user, reason=payload.reason, at=payload.at))


class ReassignIn(Input):
    owner_id: Id
    reason: str = Field("", max_length=200)


@router.post(
    "/obligations/{obligation_id}/reassign", response=responses({200: ObligationOut}, 404, 409)
)
def reassign(request: StaffRequest, obligation_id: Id, payload: ReassignIn) -> Obligation:
    from aftercare.org.queries import visible_users

    obligation = _get(request, obligation_id)
    to = get_object_or_404(visible_users(request.user), pk=payload.owner_id)
    return _out(actions.reassign(obligation, to=to, by=request.user, reason=payload.reason))
