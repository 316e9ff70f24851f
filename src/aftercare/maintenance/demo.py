"""A demo maintenance plan on the first building site, written through the real actions: a
quarterly plan for the site's systems drafted, submitted and confirmed by the owner's
representative (drawn signature), its first visit done and signed with one defect (a hotline
ticket, equipment fault) and the later visits on the engineer's work (BS-9). Nothing without a
building site with systems, a supervisor and an engineer."""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from aftercare.agreements import actions as agreements
from aftercare.agreements.models import Agreement, AgreementEvent, AgreementVersion
from aftercare.maintenance import actions
from aftercare.maintenance.choices import ChecklistItemKind, CheckResult
from aftercare.maintenance.models import (
    ChecklistItem,
    ChecklistTemplate,
    MaintenancePlan,
    MaintenanceVisit,
    VisitCheck,
    VisitReschedule,
)
from aftercare.obligations.models import Obligation
from aftercare.org.models import Organisation, User
from aftercare.org.roles import Role
from aftercare.servicedesk.demo import signature_png
from aftercare.sites.models import Site
from aftercare.standard.calendar import local_date
from aftercare.standard.deadlines import add_months


def _signature() -> str:
    return base64.b64encode(signature_png()).decode()


def load(organisation: Organisation, now: datetime) -> None:
    if MaintenancePlan.objects.filter(branch__organisation=organisation).exists():
        return
    sites = Site.objects.filter(
        branch__organisation=organisation, branch__runs_building_systems=True,
        systems__isnull=False,
    ).distinct().order_by("id")  # fmt: skip
    site = sites.first()
    if site is None:
        return
    staff = User.objects.filter(is_active=True, branch=site.branch)
    supervisor = staff.filter(groups__name=Role.SUPERVISOR).order_by("pk").first()
    engineer = staff.filter(groups__name=Role.ENGINEER).order_by("pk").first()
    if supervisor is None or engineer is None:
        return
    tz = organisation.tz
    today = local_date(now, tz)
    starts_on = today - timedelta(days=45)
    contract = site.contracts.filter(signed_on__isnull=False).order_by("-starts_on").first()
    plan = actions.create_plan(
        by=supervisor, site=site, contract=contract, engineer=engineer,
        title=f"{site.name} 年度定期維護", at=now - timedelta(days=60),
        terms={
            "system_ids": list(site.systems.order_by("id").values_list("pk", flat=True)[:3]),
            "every_months": 3, "starts_on": starts_on.isoformat(),
            "ends_on": (add_months(starts_on, 12) - timedelta(days=1)).isoformat(),
            "non_working_day": "previous",
        },
    )  # fmt: skip
    agreement = plan.agreement
    agreements.submit(agreement, by=supervisor, at=now - timedelta(days=59))
    agreements.confirm(
        agreement, by=supervisor, confirmed_by="王經理", signature_png=_signature(),
        at=now - timedelta(days=58),
    )  # fmt: skip
    first = plan.visits.order_by("scheduled_on").first()
    if first is None or first.scheduled_on >= today:
        return
    done_at = datetime.combine(first.scheduled_on, time(10, 30), tzinfo=tz)
    items = []
    defect_given = False
    for check in first.checks.order_by("order"):
        result = CheckResult.OK
        reading = None
        note = ""
        if check.kind == ChecklistItemKind.READING:
            reading = check.low if check.low is not None else check.high
        if not defect_given and check.kind == ChecklistItemKind.CHECK:
            result, note, defect_given = CheckResult.DEFECT, "2 號機畫面模糊，鏡頭起霧", True
        items.append(actions.CheckInput(check_id=check.pk, result=result, reading=reading,
                                        note=note))  # fmt: skip
    actions.record_result(
        first, by=engineer, items=items, signed_by="王經理", signature_png=_signature(),
        done_at=done_at,
    )  # fmt: skip


def remove(organisation: Organisation) -> None:
    """The demo's plans with their visits, checks, moves, BS-9 duties and agreements (the
    tickets their defects opened go with the hotline's demo, after this). The agreement's
    versions and timeline refuse deletion row by row; the demo's reset removes them in bulk."""
    plans = MaintenancePlan.objects.filter(branch__organisation=organisation)
    visits = MaintenanceVisit.objects.filter(plan__in=plans)
    Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(MaintenanceVisit),
        subject_id__in=visits.values("pk"),
    ).delete()
    storage = MaintenanceVisit.signature.field.storage
    for name in visits.exclude(Q(signature="") | Q(signature__isnull=True)).values_list(
        "signature", flat=True
    ):
        storage.delete(name)
    checks = VisitCheck.objects.filter(visit__in=visits)
    for name in checks.exclude(Q(photo="") | Q(photo__isnull=True)).values_list("photo", flat=True):
        storage.delete(name)
    checks.delete()
    VisitReschedule.objects.filter(visit__in=visits).delete()
    MaintenanceVisit.history.filter(plan_id__in=plans.values("pk")).delete()
    visits.delete()
    agreements_of = Agreement.objects.filter(organisation=organisation, kind="maintenance")
    MaintenancePlan.history.filter(branch__organisation=organisation).delete()
    plans.delete()
    versions = AgreementVersion.objects.filter(agreement__in=agreements_of)
    for name in versions.exclude(Q(signature="") | Q(signature__isnull=True)).values_list(
        "signature", flat=True
    ):
        storage.delete(name)
    AgreementEvent.objects.filter(agreement__in=agreements_of).delete()
    versions.delete()
    agreements_of.delete()
    templates = ChecklistTemplate.objects.filter(organisation=organisation)
    ChecklistItem.history.filter(template_id__in=templates.values("pk")).delete()
    ChecklistItem.objects.filter(template__in=templates).delete()
    ChecklistTemplate.history.filter(organisation_id=organisation.pk).delete()
    templates.delete()
