"""API of the one agreement workflow (BS-4): a plan of any kind, its versions and timeline, and
the moves — submit, the owner's confirmation or return, a revision with a reason.

The kind in the path must be the plan's own: `/plans/training/7` of a maintenance plan is 404,
so a client cannot act on a plan through the wrong kind's permission.
"""

import base64
import binascii
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from aftercare.agreements import actions, queries
from aftercare.agreements.choices import EventKind, PlanKindCode, VersionState
from aftercare.agreements.models import Agreement, AgreementVersion
from aftercare.apischema import Id, Input, Moment, responses
from aftercare.errors import InvalidInput
from aftercare.org.http import StaffRequest

router = Router(tags=["plans"])

# Both images travel as base64 text: ASCII, so the request stays within the body limit.
BASE64 = r"^[A-Za-z0-9+/]*={0,2}$"
PNG_BASE64 = r"^(data:image/png;base64,)?[A-Za-z0-9+/]*={0,2}$"


class PlanVersionOut(Schema):
    number: int
    state: VersionState
    terms: dict[str, Any]
    reason: str
    drafted_at: datetime
    submitted_at: datetime | None
    confirmed_at: datetime | None
    confirmed_by: str
    signed: bool = Field(..., description="A drawn signature or a scanned confirmation is kept.")
    superseded_at: datetime | None


class PlanEventOut(Schema):
    version: int
    kind: EventKind
    from_state: str
    to_state: VersionState
    at: datetime
    by: str
    person: str
    note: str


class AgreedPlanOut(Schema):
    id: int
    kind: PlanKindCode
    title: str
    customer_id: int
    site_id: int | None
    state: VersionState = Field(..., description="The state of the latest version.")
    version_in_force: int | None = Field(..., description="The confirmed version followed now.")
    versions: list[PlanVersionOut]
    events: list[PlanEventOut]


def _version_out(version: AgreementVersion) -> dict[str, Any]:
    return {
        "number": version.number, "state": version.state, "terms": version.terms,
        "reason": version.reason, "drafted_at": version.drafted_at,
        "submitted_at": version.submitted_at, "confirmed_at": version.confirmed_at,
        "confirmed_by": version.confirmed_by,
        "signed": bool(version.signature) or bool(version.scan),
        "superseded_at": version.superseded_at,
    }  # fmt: skip


def plan_out(agreement: Agreement) -> dict[str, Any]:
    """The plan with every version and its timeline (also used by the kinds' own APIs)."""
    versions = list(agreement.versions.order_by("number"))
    numbers = {version.pk: version.number for version in versions}
    in_force = [v.number for v in versions if v.state == VersionState.CONFIRMED]
    return {
        "id": agreement.pk, "kind": agreement.kind, "title": agreement.title,
        "customer_id": agreement.customer_id, "site_id": agreement.site_id,
        "state": versions[-1].state, "version_in_force": in_force[-1] if in_force else None,
        "versions": [_version_out(version) for version in versions],
        "events": [
            {"version": numbers[event.version_id], "kind": event.kind,
             "from_state": event.from_state, "to_state": event.to_state, "at": event.at,
             "by": event.by.get_full_name() or event.by.get_username(), "person": event.person,
             "note": event.note}
            for event in queries.timeline(agreement)
        ],
    }  # fmt: skip


def _plan(request: StaffRequest, kind: PlanKindCode, pk: int) -> Agreement:
    return queries.visible_agreements(request.user, kind).get(pk=pk)


class PlanMoveIn(Input):
    at: Moment | None = None


class PlanConfirmationIn(Input):
    confirmed_by: str = Field(
        ..., min_length=1, max_length=100, description="The owner's representative."
    )
    at: Moment | None = None
    signature_png: str | None = Field(
        None,
        max_length=800_000,
        pattern=PNG_BASE64,
        description="Their signature drawn on screen: PNG, base64 (a data: URL prefix is fine).",
    )
    scan_base64: str | None = Field(
        None,
        max_length=1_000_000,
        pattern=BASE64,
        description=(
            "Or a scanned confirmation: PDF, PNG or JPEG, base64 (up to about 700 KB here; "
            "the confirmation page takes scans up to 10 MB)."
        ),
    )
    scan_name: str = Field("", max_length=200)


class PlanRejectIn(Input):
    person: str = Field(..., min_length=1, max_length=100)
    reason: str = Field(..., min_length=1, max_length=2000)
    at: Moment | None = None


class PlanReviseIn(Input):
    reason: str = Field(..., min_length=1, max_length=2000, description="Why the plan changes.")
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="The terms that change, named as in the version's `terms`.",
    )
    at: Moment | None = None


class PlanEditIn(Input):
    changes: dict[str, Any]
    at: Moment | None = None


@router.get("/plans/{kind}/{plan_id}", response=responses({200: AgreedPlanOut}, 404))
def get_plan(request: StaffRequest, kind: PlanKindCode, plan_id: Id) -> dict[str, Any]:
    """A plan with every version's terms and the timeline of its moves."""
    return plan_out(_plan(request, kind, plan_id))


@router.post("/plans/{kind}/{plan_id}/edit", response=responses({200: AgreedPlanOut}, 404, 409))
def edit_plan(
    request: StaffRequest, kind: PlanKindCode, plan_id: Id, payload: PlanEditIn
) -> dict[str, Any]:
    """Change the draft's terms (only a draft: what the owner saw is never changed)."""
    agreement = _plan(request, kind, plan_id)
    actions.edit(agreement, by=request.user, changes=payload.changes, at=payload.at)
    return plan_out(agreement)


@router.post("/plans/{kind}/{plan_id}/submit", response=responses({200: AgreedPlanOut}, 404, 409))
def submit_plan(
    request: StaffRequest, kind: PlanKindCode, plan_id: Id, payload: PlanMoveIn
) -> dict[str, Any]:
    """The draft goes to the owner's representative for confirmation (BS-4)."""
    agreement = _plan(request, kind, plan_id)
    actions.submit(agreement, by=request.user, at=payload.at)
    return plan_out(agreement)


def _scan_bytes(text: str | None) -> bytes | None:
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        message = _("Send the scanned confirmation as PDF, PNG or JPEG.")
        raise InvalidInput(message, fields={"scan_base64": [message]}) from None


@router.post("/plans/{kind}/{plan_id}/confirm", response=responses({200: AgreedPlanOut}, 404, 409))
def confirm_plan(
    request: StaffRequest, kind: PlanKindCode, plan_id: Id, payload: PlanConfirmationIn
) -> dict[str, Any]:
    """The owner's representative confirmed the submitted version (name, moment, signature):
    delivery may start — a maintenance plan's visits are scheduled."""
    agreement = _plan(request, kind, plan_id)
    actions.confirm(
        agreement, by=request.user, confirmed_by=payload.confirmed_by, at=payload.at,
        signature_png=payload.signature_png, scan=_scan_bytes(payload.scan_base64),
        scan_name=payload.scan_name,
    )  # fmt: skip
    return plan_out(agreement)


@router.post("/plans/{kind}/{plan_id}/reject", response=responses({200: AgreedPlanOut}, 404, 409))
def reject_plan(
    request: StaffRequest, kind: PlanKindCode, plan_id: Id, payload: PlanRejectIn
) -> dict[str, Any]:
    """The owner's representative returned the submitted version: a draft again."""
    agreement = _plan(request, kind, plan_id)
    actions.reject(
        agreement, by=request.user, person=payload.person, reason=payload.reason, at=payload.at
    )
    return plan_out(agreement)


@router.post("/plans/{kind}/{plan_id}/revise", response=responses({200: AgreedPlanOut}, 404, 409))
def revise_plan(
    request: StaffRequest, kind: PlanKindCode, plan_id: Id, payload: PlanReviseIn
) -> dict[str, Any]:
    """A change after confirmation: a new version with the reason, to be confirmed again; the
    confirmed version is kept and delivery of what changes waits."""
    agreement = _plan(request, kind, plan_id)
    actions.revise(
        agreement, by=request.user, reason=payload.reason, changes=payload.changes, at=payload.at
    )
    return plan_out(agreement)
