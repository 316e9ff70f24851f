"""Demo billing: the organisation's billing settings with a letterhead, and on the hotline's
demo tickets one issued bill and one draft waiting for the supervisor's review (BS-10).

The hotline demo's resolved tickets are drafted by the resolve step itself when nothing covers
them; when fewer than two are, uncovered repairs are added through the hotline's own actions
(a call, dispatch, arrival, resolve), with a part from the store when one is on hand. Nothing
without a building-systems site, an administrator and a supervisor.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType

from aftercare.billing import actions
from aftercare.billing.choices import BillState
from aftercare.billing.models import Bill, BillingSettings, BillLine, CreditNote, CreditNoteLine
from aftercare.contracts.choices import CoverageKind
from aftercare.contracts.queries import coverage
from aftercare.errors import DomainError
from aftercare.obligations.actions import first_supervisor
from aftercare.obligations.models import Obligation
from aftercare.org.models import Organisation, User
from aftercare.org.roles import Role
from aftercare.sites.models import System

LETTERHEAD = {
    "company_name": "弘安弱電工程有限公司",
    "address": "上海市浦東新區世紀大道 100 號 12 樓",
    "phone": "021-5888 6600",
    "tax_number": "91310115MA1K4XYZ3Q",
    "bank_account": "招商銀行上海分行 1219 0888 6610 001",
    "payment_terms": "請於收到本單後 30 日內付款；逾期請與本公司財務部聯繫。",
}
REPAIRS = (
    ("劉先生", "13817004004", "地下車庫煙感探測器誤報", "更換煙感探測器底座並重新編址", 95),
    ("吳女士", "13917005005", "消防廣播 6F 無聲", "更換 6F 廣播模塊接線端子", 50),
)


def _administrator(organisation: Organisation) -> User | None:
    return (
        User.objects.filter(organisation=organisation, groups__name=Role.ADMINISTRATOR)
        .order_by("pk")
        .first()
    )


def _uncovered_systems(organisation: Organisation, now: datetime) -> list[System]:
    systems = System.objects.filter(
        site__branch__organisation=organisation, site__branch__runs_building_systems=True
    ).order_by("id")
    return [s for s in systems if coverage(s, now).kind == CoverageKind.NONE]


def _part_on_hand(system: System) -> dict[str, Any] | None:
    from aftercare.parts.models import StockLevel

    level = (
        StockLevel.objects.filter(store__branch_id=system.site.branch_id, on_hand__gte=1)
        .order_by("part__code", "id")
        .first()
    )
    return {"part_id": level.part_id, "quantity": 1} if level is not None else None


def _repair(system: System, engineer: User, supervisor: User, now: datetime, index: int) -> None:
    """One uncovered repair, resolved through the hotline's actions (which draft its bill)."""
    from aftercare.servicedesk import actions as hotline
    from aftercare.servicedesk.demo import signature_png

    caller, phone, fault, work, minutes = REPAIRS[index % len(REPAIRS)]
    start = now - timedelta(hours=30 - index * 6)
    ticket = hotline.report(
        by=supervisor, site=system.site, system=system, equipment=None, caller_name=caller,
        caller_phone=phone, category="equipment_fault", emergency=False, description=fault,
        reported_at=start,
    )  # fmt: skip
    hotline.dispatch(ticket, engineer=engineer, by=supervisor, at=start + timedelta(minutes=10))
    hotline.arrive(ticket, by=engineer, at=start + timedelta(hours=1))
    signature = base64.b64encode(signature_png()).decode()
    used = _part_on_hand(system)
    for parts in ([used] if used else [], []):
        try:
            hotline.resolve(
                ticket, by=engineer, at=start + timedelta(hours=2), work_done=work,
                labour_minutes=minutes, signed_by=caller, signature_png=signature, parts=parts,
            )  # fmt: skip
        except DomainError:
            continue  # the part could not be issued after all: the repair without it
        return


def load(organisation: Organisation, now: datetime) -> None:
    admin = _administrator(organisation)
    if admin is None:
        return
    if not BillingSettings.objects.filter(organisation=organisation).exists():
        actions.save_settings(
            organisation, by=admin, labour_mode="per_hour", labour_rate="120.00",
            labour_minimum="100.00", labour_rounding="hour", **LETTERHEAD,
        )  # fmt: skip
    bills = Bill.objects.filter(branch__organisation=organisation)
    if bills.filter(state=BillState.ISSUED).exists():
        return  # loaded before
    if bills.filter(state=BillState.DRAFT).count() < 2:
        systems = _uncovered_systems(organisation, now)
        if not systems:
            return
        branch = systems[0].site.branch
        supervisor = first_supervisor(branch)
        engineer = (
            User.objects.filter(is_active=True, branch=branch, groups__name=Role.ENGINEER)
            .order_by("pk")
            .first()
        )
        if supervisor is None or engineer is None:
            return
        for index in range(2 - bills.filter(state=BillState.DRAFT).count()):
            _repair(systems[index % len(systems)], engineer, supervisor, now, index)
    drafts = list(bills.filter(state=BillState.DRAFT).order_by("drafted_at", "id"))
    if len(drafts) < 2:
        return
    first = drafts[0]
    supervisor = first_supervisor(first.branch)
    if supervisor is None:
        return
    actions.update_draft(first, by=supervisor, note="已與物業確認更換")
    actions.issue(first, by=supervisor, at=now - timedelta(hours=2))


def remove(organisation: Organisation) -> None:
    """The organisation's bills with their lines, credit notes and BS-10 duties, and its
    settings. Issued bills and credit notes refuse a model delete; the demo's reset removes
    them in bulk (a queryset delete), which nothing else may do."""
    bills = Bill.objects.filter(branch__organisation=organisation)
    Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Bill), subject_id__in=bills.values("pk")
    ).delete()
    CreditNoteLine.objects.filter(credit_note__bill__in=bills).delete()
    CreditNote.objects.filter(bill__in=bills).delete()
    BillLine.objects.filter(bill__in=bills).delete()
    bills.delete()
    BillingSettings.objects.filter(organisation=organisation).delete()
