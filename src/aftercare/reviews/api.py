"""API of reviews: compliance figures of a branch and period, and the reviews (DS-11).

`from` and `to` are local dates of the organisation, both included: a period runs from 00:00
local on `from` to 00:00 local after `to`, so an obligation due 23:59:59.999999 local on `to`
counts and one due at 00:00 the next day does not. Both default to the current month.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Id, Input, responses
from aftercare.errors import InvalidInput
from aftercare.reviews import actions, periods, queries
from aftercare.reviews.choices import ReviewKind, ReviewStatus

router = Router(tags=["reviews"])


def _require_view(request) -> None:
    if not request.user.has_perm(queries.VIEW):
        raise PermissionDenied


class ComplianceFilters(Schema):
    branch_id: Id | None = Field(None, description="Default: the user's own branch.")
    date_from: date | None = Field(
        None, alias="from", description="First local date, included. Default: month start."
    )
    date_to: date | None = Field(
        None, alias="to", description="Last local date, included. Default: month end."
    )
    group_by: Literal["rule", "owner"] = "rule"


class ComplianceRow(Schema):
    rule: str | None = None
    owner_id: int | None = None
    owner: str | None = None
    due: int
    on_time: int
    late: int
    early: int
    open: int
    overdue: int
    cancelled: int
    on_time_rate: float | None = Field(..., description="on_time / due; null when nothing fell due")


def _period(filters: ComplianceFilters, tz) -> periods.Period:
    today = queries.local_today(tz)
    for name, day in (("from", filters.date_from), ("to", filters.date_to)):
        if day is not None and not periods.FIRST_YEAR <= day.year <= periods.LAST_YEAR:
            message = _("Choose dates between 2000 and 2100.")
            raise InvalidInput(message, fields={name: [message]})
    first = filters.date_from or (filters.date_to or today).replace(day=1)
    last = filters.date_to or periods.month_of(first, tz).last
    if last < first:
        message = _("The end comes before the start.")
        raise InvalidInput(message, fields={"to": [message]})
    return periods.Period(first, last, tz)


@router.get(
    "/compliance", response=responses({200: list[ComplianceRow]}, 404), summary="Compliance"
)
def compliance(request, filters: Query[ComplianceFilters]):
    """Per rule or per owner: what fell due in the period and how it went (SQL GROUP BY)."""
    _require_view(request)
    branch = queries.get_branch_for(request.user, filters.branch_id)
    period = _period(filters, branch.organisation.tz)
    return queries.compliance_rows(branch, period, group_by=filters.group_by, now=timezone.now())


class ReviewOut(Schema):
    id: int
    branch_id: int
    kind: ReviewKind
    period: str
    summary: str
    figures: dict[str, Any]
    status: ReviewStatus
    finalised_at: datetime | None
    finalised_by_id: int | None
    created_at: datetime


class ReviewFilters(Schema):
    branch_id: Id | None = None
    kind: ReviewKind | None = None
    status: ReviewStatus | None = None


class ReviewIn(Input):
    branch_id: Id
    kind: ReviewKind
    period: str = Field(..., max_length=7, description='"2026-07" (monthly) or "2026" (yearly)')
    summary: str = Field("", max_length=actions.SUMMARY_MAX)


class ReviewPatch(Input):
    summary: str = Field(..., max_length=actions.SUMMARY_MAX)


class FinaliseIn(Input):
    summary: str | None = Field(None, max_length=actions.SUMMARY_MAX)


@router.get("/reviews", response=responses({200: list[ReviewOut]}))
@paginate(BoundedPagination)
def list_reviews(request, filters: Query[ReviewFilters]):
    _require_view(request)
    qs = queries.visible_reviews(request.user).order_by("-period", "kind", "id")
    if filters.branch_id is not None:
        qs = qs.filter(branch_id=filters.branch_id)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs


@router.post("/reviews", response=responses({201: ReviewOut}, 404, 409))
def create_review(request, payload: ReviewIn):
    """Start the review of a period that ended (tick drafts them too; then this is a 409)."""
    _require_view(request)
    branch = queries.get_branch_for(request.user, payload.branch_id)
    review = actions.create_review(
        branch, by=request.user, kind=payload.kind, period=payload.period, summary=payload.summary
    )
    return Status(201, review)


@router.get("/reviews/{review_id}", response=responses({200: ReviewOut}, 404))
def get_review(request, review_id: Id):
    _require_view(request)
    return queries.get_review_for(request.user, review_id)


@router.patch("/reviews/{review_id}", response=responses({200: ReviewOut}, 404, 409))
def update_review(request, review_id: Id, payload: ReviewPatch):
    """Change a draft's summary; a finalised review answers 409 and stays as it was."""
    _require_view(request)
    review = queries.get_review_for(request.user, review_id)
    return actions.update_review(review, by=request.user, summary=payload.summary)


@router.post("/reviews/{review_id}/finalise", response=responses({200: ReviewOut}, 404, 409))
def finalise_review(request, review_id: Id, payload: FinaliseIn | None = None):
    """Freeze the summary and the figures and fulfil DS-11; a second call is a 409."""
    _require_view(request)
    review = queries.get_review_for(request.user, review_id)
    summary = payload.summary if payload is not None else None
    return actions.finalise_review(review, by=request.user, summary=summary)
