"""A building-systems branch with a signed contract (the hotline's world) and maintenance plans
drafted, submitted and confirmed through the agreement workflow (organisation in
Asia/Shanghai, region CN)."""

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType

from aftercare.agreements import actions as agreements
from aftercare.maintenance import actions
from aftercare.maintenance.models import MaintenanceVisit
from aftercare.obligations.models import Obligation
from tests.servicedesk.helpers import SH, Hotline, at, hotline, png

__all__ = ["SH", "at", "bs9", "confirm", "do", "draft", "end", "everything_ok", "hotline", "png"]


def end(y, m, d) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SH)


def draft(h: Hotline, *, systems=None, drafted_at=None, **terms):
    terms.setdefault("starts_on", "2026-01-15")
    terms.setdefault("ends_on", "2026-12-31")
    if "dates" not in terms:
        terms.setdefault("every_months", 3)
    terms["system_ids"] = [system.pk for system in (systems or [h.cctv])]
    return actions.create_plan(
        by=h.sam, site=h.site, contract=h.contract, engineer=h.eve, terms=terms,
        at=drafted_at or at(2026, 1, 5, 9, 0),
    )  # fmt: skip


def confirm(h: Hotline, plan, *, submitted_at=None, confirmed_at=None):
    agreements.submit(plan.agreement, by=h.sam, at=submitted_at or at(2026, 1, 6, 9, 0))
    return agreements.confirm(
        plan.agreement, by=h.sam, confirmed_by="王經理", signature_png=png(),
        at=confirmed_at or at(2026, 1, 8, 10, 0),
    )  # fmt: skip


def visits(plan):
    return list(plan.visits.order_by("scheduled_on", "id"))


def bs9(visit) -> list[Obligation]:
    return list(
        Obligation.objects.filter(
            rule="BS-9",
            subject_type=ContentType.objects.get_for_model(MaintenanceVisit),
            subject_id=visit.pk,
        ).order_by("id")
    )


def everything_ok(visit, special=None):
    special = special or {}
    """Every check ok (a reading inside its range); `special` maps a check id to its input."""
    items = []
    for check in visit.checks.order_by("order"):
        if check.pk in special:
            items.append(actions.CheckInput(check_id=check.pk, **special[check.pk]))
            continue
        reading = None
        if check.kind == "reading":
            reading = check.low if check.low is not None else check.high
        items.append(actions.CheckInput(check_id=check.pk, result="ok", reading=reading))
    return items


def do(h: Hotline, visit, done_at, special=None):
    return actions.record_result(
        visit, by=h.eve, items=everything_ok(visit, special), signed_by="李經理",
        signature_png=png(), done_at=done_at,
    )  # fmt: skip


def day(text: str) -> date:
    return date.fromisoformat(text)
