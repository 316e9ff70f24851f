"""API of campaigns (DS-7), their targets, and letters (DS-9)."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Day, Id, Input, Moment, responses
from aftercare.cases.models import RaisedItem
from aftercare.customers.queries import get_customer_for
from aftercare.errors import InvalidInput
from aftercare.org.models import Branch
from aftercare.outreach import actions, queries
from aftercare.outreach.choices import CampaignKind, Consent, LetterKind
from aftercare.outreach.targets import TargetFilters

router = Router(tags=["outreach"])


class FiltersIn(Input):
    vehicle_model: str = Field("", max_length=100)
    vehicle_type: str = Field("", max_length=60)
    last_visit_from: Day | None = None
    last_visit_to: Day | None = None
    maintenance_due_from: Day | None = None
    maintenance_due_to: Day | None = None
    consent: Consent = Consent.NONE


class CampaignIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    kind: CampaignKind
    content: str = Field("", max_length=5000)
    starts_at: Moment
    ends_at: Moment
    address: str = Field("", max_length=300)
    branch_id: Id | None = None
    filters: FiltersIn | None = None
    customer_ids: list[Id] = Field([], max_length=100_000)


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    content: str
    starts_at: datetime
    ends_at: datetime
    address: str
    branch_id: int
    filters: dict[str, Any]
    scheduled_at: datetime | None
    notices_late: bool
    targets: int
    results: dict[str, int]

    @staticmethod
    def resolve_targets(obj):
        return obj.targets.count()

    @staticmethod
    def resolve_results(obj):
        return queries.results(obj)


class TargetOut(Schema):
    id: int
    customer_id: int
    customer_name: str = Field(..., alias="customer.name")
    notified_at: datetime | None
    reached: bool | None
    letter_sent_at: datetime | None
    replied: bool | None
    attended: bool | None


class ScheduleIn(Input):
    at: Moment | None = None


def _branch(request, branch_id):
    user = request.user
    if branch_id is None:
        if user.branch_id is None:
            message = _("Choose the campaign's branch.")
            raise InvalidInput(message, fields={"branch_id": [message]})
        return user.branch
    branches = Branch.objects.all()
    if not user.is_superuser:
        branches = branches.filter(organisation_id=user.organisation_id)
    return get_object_or_404(branches.select_related("organisation"), pk=branch_id)


@router.post("/campaigns", response=responses({201: CampaignOut}, 404))
def create_campaign(request, payload: CampaignIn):
    branch = _branch(request, payload.branch_id)
    data = payload.filters.dict() if payload.filters else {}
    data["consent"] = data.get("consent", Consent.NONE)
    data["consent"] = getattr(data["consent"], "value", data["consent"])
    filters = TargetFilters(**data, customer_ids=list(payload.customer_ids))
    campaign = actions.create_campaign(
        by=request.user, branch=branch, filters=filters, name=payload.name,
        kind=payload.kind.value, content=payload.content, starts_at=payload.starts_at,
        ends_at=payload.ends_at, address=payload.address,
    )  # fmt: skip
    return Status(201, campaign)


@router.get("/campaigns", response=responses({200: list[CampaignOut]}))
@paginate(BoundedPagination)
def list_campaigns(request):
    return queries.visible_campaigns(request.user)


@router.get("/campaigns/{campaign_id}", response=responses({200: CampaignOut}, 404))
def get_campaign(request, campaign_id: Id):
    return queries.get_campaign_for(request.user, campaign_id)


@router.post(
    "/campaigns/{campaign_id}/schedule",
    response=responses({200: CampaignOut, 202: CampaignOut}, 404, 409),
    summary="Open a DS-7 phone notice for every target (once; a second run is a 409)",
)
def schedule_campaign(request, campaign_id: Id, payload: ScheduleIn):
    campaign = queries.get_campaign_for(request.user, campaign_id)
    campaign = actions.request_schedule(campaign, by=request.user, at=payload.at)
    return Status(200 if campaign.scheduled_at else 202, campaign)


@router.get("/campaigns/{campaign_id}/targets", response=responses({200: list[TargetOut]}, 404))
@paginate(BoundedPagination)
def list_targets(request, campaign_id: Id):
    campaign = queries.get_campaign_for(request.user, campaign_id)
    return queries.targets_of(campaign).order_by("id")


class LetterIn(Input):
    customer_id: Id
    kind: LetterKind
    sent_at: Moment | None = None
    campaign_id: Id | None = None
    raised_item_id: Id | None = None
    subject: str = Field("", max_length=200)
    body: str = Field("", max_length=20000)


class LetterAmendmentOut(Schema):
    id: int
    field: str
    old_value: Any
    new_value: Any
    reason: str
    by_id: int
    at: datetime


class LetterOut(Schema):
    id: int
    register_number: str
    branch_id: int
    customer_id: int
    kind: str
    sent_at: datetime
    sent_by_id: int
    campaign_id: int | None
    raised_item_id: int | None
    subject: str
    body: str
    address: str
    recorded_at: datetime
    amendments: list[LetterAmendmentOut]

    @staticmethod
    def resolve_amendments(obj):
        return list(obj.amendments.all())


class LetterQuery(Schema):
    kind: LetterKind | None = None
    campaign_id: Id | None = None
    customer_id: Id | None = None
    sent_from: Moment | None = None
    sent_before: Moment | None = None


@router.post("/letters", response=responses({201: LetterOut}, 404))
def record_letter(request, payload: LetterIn):
    customer = get_customer_for(request.user, payload.customer_id)
    campaign = (
        queries.get_campaign_for(request.user, payload.campaign_id) if payload.campaign_id else None
    )
    raised_item = None
    if payload.raised_item_id:
        raised_item = get_object_or_404(
            RaisedItem.objects.filter(customer__in=[customer]), pk=payload.raised_item_id
        )
    letter = actions.record_letter(
        customer, by=request.user, kind=payload.kind.value, at=payload.sent_at,
        campaign=campaign, raised_item=raised_item, subject=payload.subject, body=payload.body,
    )  # fmt: skip
    return Status(201, letter)


@router.get("/letters", response=responses({200: list[LetterOut]}))
@paginate(BoundedPagination)
def list_letters(request, filters: Query[LetterQuery]):
    letters = queries.visible_letters(request.user).prefetch_related("amendments")
    if filters.kind is not None:
        letters = letters.filter(kind=filters.kind.value)
    if filters.campaign_id is not None:
        letters = letters.filter(campaign_id=filters.campaign_id)
    if filters.customer_id is not None:
        letters = letters.filter(customer_id=filters.customer_id)
    if filters.sent_from is not None:
        letters = letters.filter(sent_at__gte=filters.sent_from)
    if filters.sent_before is not None:
        letters = letters.filter(sent_at__lt=filters.sent_before)
    return letters.order_by("sent_at", "id")


class LetterAmendmentIn(Input):
    field: str = Field(..., max_length=40)
    value: Any = None
    reason: str = Field(..., max_length=300)


@router.post("/letters/{letter_id}/amendments", response=responses({201: LetterAmendmentOut}, 404))
def amend_letter(request, letter_id: Id, payload: LetterAmendmentIn):
    letter = queries.get_letter_for(request.user, letter_id)
    amendment = actions.amend_letter(
        letter, by=request.user, field=payload.field, value=payload.value, reason=payload.reason
    )
    return Status(201, amendment)
