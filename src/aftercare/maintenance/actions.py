"""The only writers of the maintenance app (BS-9): plans (drafted through the agreement
workflow), checklists, the visits a confirmed version schedules, their moves and results.
One transaction each; the actor first; each action checks its permission on the plan's branch
before it writes anything.

BS-9 is one obligation per visit, opened for the visit's engineer (else the branch's first
supervisor) at the start of its scheduled day and due at its end (the rule's ``due_after=0``
calendar days). Moving a visit cancels that obligation with the typed reason and opens the next
one; a revision of the plan holds back the visits still to come (their BS-9 cancelled with the
revision's reason) until the owner confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from aftercare.agreements import actions as agreements
from aftercare.agreements.models import Agreement, AgreementVersion
from aftercare.contracts.models import Contract
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.maintenance import terms as plan_terms
from aftercare.maintenance.checklists import shipped_for
from aftercare.maintenance.choices import ChecklistItemKind, CheckResult, VisitState
from aftercare.maintenance.models import (
    ChecklistItem,
    ChecklistTemplate,
    MaintenancePlan,
    MaintenanceVisit,
    VisitCheck,
    VisitReschedule,
)
from aftercare.moments import event_moment, plausible_year
from aftercare.money import to_decimal
from aftercare.obligations.actions import (
    cancel_superseded,
    first_supervisor,
    fulfil_pending,
    open_obligation,
)
from aftercare.obligations.models import Obligation, coded_reason
from aftercare.org.access import ensure_allowed, ensure_allowed_in
from aftercare.org.models import Organisation, User
from aftercare.servicedesk import actions as hotline
from aftercare.signatures import png_from_base64
from aftercare.sites.choices import SystemKind
from aftercare.sites.models import Site, System
from aftercare.standard.calendar import local_date, start_of_day
from aftercare.standard.deadlines import working_days
from aftercare.standard.schedules import every_months, visit_dates

RULE = "BS-9"
KIND = "maintenance"
CHANGE = "maintenance.change_maintenanceplan"
RECORD = "maintenance.record_visit"
MOVE = "maintenance.change_maintenancevisit"
TEMPLATES = "maintenance.change_checklisttemplate"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_MAGIC = (b"\x89PNG", b"\xff\xd8\xff")
MAX_READING = Decimal("999999999")


def _text(value: Any, *, field: str, errors: Errors, limit: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit:
        errors.add(field, _("At most %(n)s characters.") % {"n": limit})
    return text


# -- checklists ---------------------------------------------------------------------------------


def ensure_templates(organisation: Organisation) -> dict[str, ChecklistTemplate]:
    """Every kind's checklist of the organisation, the shipped ones created on first need
    (stored by code, so each reader sees the shipped wording in their language)."""
    found = {
        row.system_kind: row for row in ChecklistTemplate.objects.filter(organisation=organisation)
    }
    for kind in SystemKind.values:
        if kind in found:
            continue
        with transaction.atomic():
            template, created = ChecklistTemplate.objects.get_or_create(
                organisation=organisation, system_kind=kind
            )
            if created:
                ChecklistItem.objects.bulk_create(
                    ChecklistItem(
                        template=template,
                        order=index * 10,
                        kind=item.kind,
                        code=item.code,
                        unit=item.unit,
                        low=item.low,
                        high=item.high,
                    )  # fmt: skip
                    for index, item in enumerate(shipped_for(kind), start=1)
                )
        found[kind] = template
    return found


@dataclass(frozen=True)
class ItemInput:
    text: str
    kind: str
    unit: str = ""
    low: Any = None
    high: Any = None
    order: Any = None


def _bound(value: Any, field: str, errors: Errors) -> Decimal | None:
    if value is None or value == "":
        return None
    number = to_decimal(value)
    if number is None or abs(number) > MAX_READING or number != number.quantize(Decimal("0.001")):
        errors.add(field, _("Give a number such as 12.6 (at most three decimals)."))
        return None
    return number


def _item_fields(data: ItemInput, errors: Errors) -> dict[str, Any]:
    text = _text(data.text, field="text", errors=errors, limit=300, required=True)
    if data.kind not in ChecklistItemKind.values:
        errors.add("kind", _("Choose check, reading or photo."))
    unit = _text(data.unit, field="unit", errors=errors, limit=20, required=False)
    low, high = _bound(data.low, "low", errors), _bound(data.high, "high", errors)
    if data.kind != ChecklistItemKind.READING:
        unit, low, high = "", None, None
    if low is not None and high is not None and high < low:
        errors.add("high", _("The highest value cannot be below the lowest."))
    fields: dict[str, Any] = {"text": text, "kind": data.kind, "unit": unit, "low": low,
                              "high": high}  # fmt: skip
    if data.order not in (None, ""):
        try:
            order = int(str(data.order))
            if not 0 <= order <= 30000:
                raise ValueError
            fields["order"] = order
        except ValueError:
            errors.add("order", _("Give a whole number from 0 to 30000."))
    return fields


@transaction.atomic
def add_item(template: ChecklistTemplate, *, by: User, data: ItemInput) -> ChecklistItem:
    """A new item at the end of a checklist (or at the order given)."""
    ensure_allowed_in(by, TEMPLATES, template.organisation)
    errors = Errors()
    fields = _item_fields(data, errors)
    errors.raise_if_any(_("The item cannot be added."))
    if "order" not in fields:
        last = template.items.order_by("-order").values_list("order", flat=True).first()
        fields["order"] = (last or 0) + 10
    return ChecklistItem.objects.create(template=template, **fields)


@transaction.atomic
def change_item(item: ChecklistItem, *, by: User, data: ItemInput) -> ChecklistItem:
    """New wording, kind, unit or range of an item: it keeps its own text from now on. Visits
    already scheduled keep their copy."""
    ensure_allowed_in(by, TEMPLATES, item.template.organisation)
    errors = Errors()
    fields = _item_fields(data, errors)
    errors.raise_if_any(_("The item cannot be changed."))
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def remove_item(item: ChecklistItem, *, by: User) -> None:
    """Remove an item from its checklist; past and scheduled visits keep their copy."""
    ensure_allowed_in(by, TEMPLATES, item.template.organisation)
    item.delete()


# -- plans --------------------------------------------------------------------------------------


def default_title(site: Site) -> str:
    """A plan's title when none is typed, in the site's language (a title is stored text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Maintenance plan of %(site)s") % {"site": site.name}


@transaction.atomic
def create_plan(
    *,
    by: User,
    site: Site,
    terms: Mapping[str, Any],
    contract: Contract | None = None,
    engineer: User | None = None,
    title: str = "",
    at: datetime | None = None,
) -> MaintenancePlan:
    """A draft maintenance plan of a site: the agreement (its first version holds the terms)
    and the plan's own row with the same id, in one transaction."""
    branch = site.branch
    ensure_allowed(by, CHANGE, branch)
    errors = Errors()
    name = _text(title, field="title", errors=errors, limit=200, required=False)
    if contract is not None and contract.site_id != site.pk:
        errors.add("contract_id", _("This contract is not for the chosen site."))
    if engineer is not None and (
        engineer.branch_id != branch.pk or not engineer.is_active
        or not engineer.has_perm(RECORD)
    ):  # fmt: skip
        errors.add("engineer_id", _("Choose an engineer of the site's branch."))
    probe = Agreement(organisation=branch.organisation, branch=branch, site=site)
    plan_terms.clean(probe.site, terms, errors)
    errors.raise_if_any(_("The plan cannot be drafted."))
    agreement = agreements.draft(
        KIND, by=by, branch=branch, customer=site.customer, site=site,
        title=name or default_title(site), terms=terms, at=at,
    )  # fmt: skip
    return MaintenancePlan.objects.create(
        agreement=agreement, site=site, contract=contract, branch=branch, engineer=engineer
    )


@transaction.atomic
def assign_engineer(plan: MaintenancePlan, *, by: User, engineer: User | None) -> MaintenancePlan:
    """Who does the plan's visits from now on: the visits still planned, and their BS-9."""
    ensure_allowed(by, CHANGE, plan.branch)
    if engineer is not None and (
        engineer.branch_id != plan.branch_id or not engineer.is_active
        or not engineer.has_perm(RECORD)
    ):  # fmt: skip
        message = _("Choose an engineer of the plan's branch.")
        raise InvalidInput(message, fields={"engineer_id": [message]})
    plan.engineer = engineer
    plan.save(update_fields=["engineer"])
    owner = engineer or first_supervisor(plan.branch)
    visits = plan.visits.filter(state=VisitState.PLANNED)
    visits.update(engineer=engineer)
    if owner is not None:
        pending = Obligation.objects.pending().filter(
            rule=RULE, subject_type=_visit_type(), subject_id__in=visits.values("pk")
        )
        for row in pending:
            row.owner = owner
            row.save(update_fields=["owner"])
    return plan


# -- scheduling (called by the agreement workflow through agreement.KIND) -----------------------


def _visit_type() -> ContentType:
    return ContentType.objects.get_for_model(MaintenanceVisit)


def plan_dates(organisation: Organisation, terms: Mapping[str, Any]) -> list[date]:
    """The visit dates of a version's terms: from the start by month arithmetic (or the listed
    dates), within the term, moved off days that are not worked per the setting."""
    starts_on = date.fromisoformat(terms["starts_on"])
    ends_on = date.fromisoformat(terms["ends_on"])
    if terms.get("every_months"):
        planned = every_months(starts_on, int(terms["every_months"]), ends_on)
    else:
        planned = [date.fromisoformat(day) for day in terms.get("dates") or []]
    days = working_days(organisation)
    how = terms.get("non_working_day") or "previous"
    return visit_dates(planned, days, how, starts_on=starts_on, ends_on=ends_on)


def _title_params(visit: MaintenanceVisit) -> dict[str, Any]:
    plan = visit.plan
    return {"site": plan.site.name, "date": visit.scheduled_on.isoformat(),
            "plan": plan.agreement.title}  # fmt: skip


def _open_bs9(visit: MaintenanceVisit, *, at: datetime) -> Obligation | None:
    plan = visit.plan
    owner = visit.engineer or first_supervisor(plan.branch)
    if owner is None:
        return None
    event_at = start_of_day(visit.scheduled_on, plan.branch.organisation.tz)
    return open_obligation(
        RULE, branch=plan.branch, owner=owner, event_at=event_at, triggered_at=at,
        customer=plan.site.customer, subject=visit, title_key="maintenance_visit",
        title_params=_title_params(visit),
    )  # fmt: skip


def _cancel_bs9(visit: MaintenanceVisit, *, at: datetime, reason: str) -> None:
    pending = Obligation.objects.pending().filter(
        rule=RULE, subject_type=_visit_type(), subject_id=visit.pk
    )
    for row in pending.select_for_update():
        cancel_superseded(row, at=at, reason=reason)


def _copy_checks(
    visit: MaintenanceVisit, systems: Sequence[System], organisation: Organisation
) -> None:
    templates = ensure_templates(organisation)
    items: dict[str, list[ChecklistItem]] = {}
    rows = []
    order = 0
    for system in systems:
        if system.kind not in items:
            items[system.kind] = list(templates[system.kind].items.order_by("order", "id"))
        for item in items[system.kind]:
            order += 1
            rows.append(
                VisitCheck(
                    visit=visit,
                    system=system,
                    order=order,
                    code=item.code,
                    text=item.text,
                    kind=item.kind,
                    unit=item.unit,
                    low=item.low,
                    high=item.high,
                )  # fmt: skip
            )
    VisitCheck.objects.bulk_create(rows)


def schedule(agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime) -> None:
    """The owner confirmed `version`: the visits held back by a revision are cancelled, and the
    version's dates are scheduled — all of them for the first version; for a revision those
    after the last done visit and on or after the day it was drafted. Done visits never
    change. Runs inside the confirmation's transaction."""
    plan = (
        MaintenancePlan.objects.select_for_update()
        .select_related("agreement", "site__customer", "branch__organisation")
        .get(pk=agreement.pk)
    )
    organisation = plan.branch.organisation
    tz = organisation.tz
    for held in plan.visits.filter(state=VisitState.ON_HOLD):
        held.state, held.closed_at = VisitState.CANCELLED, at
        held.save(update_fields=["state", "closed_at"])
    dates = plan_dates(organisation, version.terms)
    if version.number > 1:
        last_done = (
            plan.visits.filter(state=VisitState.DONE)
            .order_by("-scheduled_on")
            .values_list("scheduled_on", flat=True)
            .first()
        )
        revised_on = local_date(version.drafted_at, tz)
        dates = [
            day for day in dates
            if day >= revised_on and (last_done is None or day > last_done)
        ]  # fmt: skip
    taken = set(
        plan.visits.filter(state__in=(VisitState.PLANNED, VisitState.DONE)).values_list(
            "scheduled_on", flat=True
        )
    )
    systems = list(
        System.objects.filter(pk__in=version.terms["system_ids"]).order_by("kind", "name", "id")
    )
    for day in dates:
        if day in taken:
            continue
        visit = MaintenanceVisit.objects.create(
            plan=plan, version=version, planned_on=day, scheduled_on=day, engineer=plan.engineer
        )
        _copy_checks(visit, systems, organisation)
        _open_bs9(visit, at=at)


def hold_back(agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime) -> None:
    """A confirmed plan was revised: the visits still to come (scheduled on or after the
    revision's day) wait for the new version's confirmation; their BS-9 is cancelled with the
    revision's reason. Visits already due stay planned; done ones never change."""
    plan = (
        MaintenancePlan.objects.select_for_update()
        .select_related("branch__organisation")
        .get(pk=agreement.pk)
    )
    revised_on = local_date(at, plan.branch.organisation.tz)
    reason = coded_reason("plan_revised", n=version.number, reason=version.reason)
    for visit in plan.visits.filter(state=VisitState.PLANNED, scheduled_on__gte=revised_on):
        visit.state, visit.closed_at = VisitState.ON_HOLD, at
        visit.save(update_fields=["state", "closed_at"])
        _cancel_bs9(visit, at=at, reason=reason)


# -- a visit ------------------------------------------------------------------------------------


def _locked_visit(visit: MaintenanceVisit) -> MaintenanceVisit:
    return (
        MaintenanceVisit.objects.select_for_update()
        .select_related("plan__agreement", "plan__site__customer", "plan__branch__organisation")
        .get(pk=visit.pk)
    )


def _ensure_planned(visit: MaintenanceVisit) -> None:
    if visit.state == VisitState.DONE:
        raise Conflict(_("This visit is done; its record is closed."), code="visit_done")
    if visit.state != VisitState.PLANNED:
        raise Conflict(
            _("This visit is “%(state)s”: it cannot be done or moved.")
            % {"state": visit.get_state_display()},
            code="visit_not_planned",
        )


@transaction.atomic
def reschedule(
    visit: MaintenanceVisit, *, by: User, to: Any, reason: str, at: datetime | None = None
) -> MaintenanceVisit:
    """Move a planned visit to another date, saying why. The date it was planned on stays on
    the record; BS-9 moves with it (the old one cancelled with the reason, a new one opened)."""
    ensure_allowed(by, MOVE, visit.plan.branch)
    visit = _locked_visit(visit)
    _ensure_planned(visit)
    moment = event_moment(at)
    errors = Errors()
    why = _text(reason, field="reason", errors=errors, limit=2000, required=True)
    day = to if isinstance(to, date) else None
    if day is None:
        try:
            day = date.fromisoformat(str(to))
        except ValueError:
            day = None
    if day is None or not plausible_year(day):
        errors.add("to", _("Give the new date, e.g. 2026-05-01."))
    elif day == visit.scheduled_on:
        errors.add("to", _("The visit is already on this date."))
    errors.raise_if_any(_("The visit cannot be moved."))
    assert day is not None
    VisitReschedule.objects.create(
        visit=visit, from_day=visit.scheduled_on, to_day=day, reason=why, by=by, at=moment
    )
    _cancel_bs9(
        visit, at=moment, reason=coded_reason("visit_moved", date=day.isoformat(), reason=why)
    )
    visit.scheduled_on = day
    visit.save(update_fields=["scheduled_on"])
    _open_bs9(visit, at=moment)
    return visit


@dataclass(frozen=True)
class CheckInput:
    check_id: Any
    result: Any
    reading: Any = None
    note: Any = ""
    photo: Any = None  # an UploadedFile from the page, or the bytes the API decoded


def _photo(upload: Any, field: str, errors: Errors) -> bytes | None:
    if upload is None:
        return None
    size = len(upload) if isinstance(upload, bytes) else upload.size
    if size is not None and size > MAX_PHOTO_BYTES:
        errors.add(field, _("The photo is too large (at most %(mb)s MB).") % {"mb": 10})
        return None
    data: bytes = upload if isinstance(upload, bytes) else upload.read()
    if not data.startswith(PHOTO_MAGIC):
        errors.add(field, _("Send the photo as JPEG or PNG."))
        return None
    return data


def _defect_description(
    plan: MaintenancePlan, visit: MaintenanceVisit, checks: list[VisitCheck]
) -> str:
    # The ticket's description is read by the hotline's staff: worded in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("Defects found on the maintenance visit of %(date)s (plan %(plan)s):")
            % {"date": visit.scheduled_on.isoformat(), "plan": plan.agreement.title}
        ]
        for check in checks:
            line = f"- {check.label}"
            if check.reading is not None:
                line += f" ({_('reading')}: {check.reading.normalize():f} {check.unit})".rstrip()
            if check.note:
                line += f": {check.note}"
            lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def record_result(
    visit: MaintenanceVisit,
    *,
    by: User,
    items: Iterable[CheckInput],
    signed_by: str,
    signature_png: Any,
    done_at: datetime | None = None,
    key: UUID | None = None,
) -> MaintenanceVisit:
    """The engineer's record of a visit: each check ok / defect / not applicable (a reading
    where the item asks for one), the owner's name and signature. Each system with defects gets
    one hotline ticket (equipment fault) reported at the visit's moment, linked from its
    checks. The visit is done (frozen) and its BS-9 fulfilled.

    With an idempotency ``key`` (the phone's offline queue), a visit already done with this
    key by this engineer is answered as it is and nothing changes; done otherwise is a 409."""
    ensure_allowed(by, RECORD, visit.plan.branch)
    visit = _locked_visit(visit)
    if (
        key is not None
        and visit.state == VisitState.DONE
        and visit.result_key == key
        and visit.done_by_id == by.pk
    ):
        return visit
    _ensure_planned(visit)
    if key is not None and MaintenanceVisit.objects.filter(result_key=key).exists():
        raise Conflict(
            _("This key was already used for another visit's result."), code="key_reused"
        )
    moment = event_moment(done_at, field="done_at")
    errors = Errors()
    checks = {check.pk: check for check in visit.checks.select_related("system")}
    given: dict[int, tuple[int, CheckInput]] = {}
    for index, item in enumerate(items):
        check_id = item.check_id
        if isinstance(check_id, bool) or not isinstance(check_id, int) or check_id not in checks:
            errors.add(f"items.{index}.check_id", _("This check is not part of the visit."))
            continue
        if check_id in given:
            errors.add(f"items.{index}.check_id", _("This check is given twice."))
            continue
        given[check_id] = (index, item)
    missing = [pk for pk in checks if pk not in given]
    if missing:
        errors.add("items", _("Give a result for every check (%(n)s missing).") % {
            "n": len(missing)})  # fmt: skip
    results: dict[int, tuple[str, Decimal | None, str, bytes | None]] = {}
    for pk, (index, item) in given.items():
        check = checks[pk]
        result = str(item.result or "")
        if result not in CheckResult.values:
            errors.add(f"items.{index}.result", _("Choose ok, defect or not applicable."))
        reading = None
        if item.reading not in (None, ""):
            reading = _bound(item.reading, f"items.{index}.reading", errors)
        elif check.kind == ChecklistItemKind.READING and result in (
            CheckResult.OK,
            CheckResult.DEFECT,
        ):
            errors.add(f"items.{index}.reading", _("Give the reading (%(unit)s).") % {
                "unit": check.unit or "—"})  # fmt: skip
        note = _text(item.note, field=f"items.{index}.note", errors=errors, limit=2000,
                     required=False)  # fmt: skip
        photo = _photo(item.photo, f"items.{index}.photo", errors)
        results[pk] = (result, reading, note, photo)
    name = _text(signed_by, field="signed_by", errors=errors, limit=100, required=True)
    png = png_from_base64(signature_png, errors)
    errors.raise_if_any(_("The visit's result cannot be recorded."))
    assert png is not None
    plan = visit.plan
    defects: dict[int, list[VisitCheck]] = {}
    for pk, (result, reading, note, photo) in results.items():
        check = checks[pk]
        check.result, check.reading, check.note = result, reading, note
        check.out_of_range = check.outside(reading)
        if photo is not None:
            check.photo.save(f"visit-{visit.pk}-check-{pk}.jpg", ContentFile(photo), save=False)
        if result == CheckResult.DEFECT:
            defects.setdefault(check.system_id, []).append(check)
    for found in defects.values():
        found.sort(key=lambda check: check.order)
        ticket = hotline.report(
            by=by, site=plan.site, system=found[0].system, caller_name=str(by)[:100],
            category="equipment_fault", description=_defect_description(plan, visit, found),
            reported_at=moment,
        )  # fmt: skip
        for check in found:
            check.ticket = ticket
    for check in checks.values():
        check.save()
    visit.state, visit.done_at, visit.done_by, visit.signed_by = VisitState.DONE, moment, by, name
    visit.result_key = key
    visit.signature.save(f"visit-{visit.pk}.png", ContentFile(png), save=False)
    visit.save()
    fulfil_pending(RULE, by=by, at=moment, subject=visit)
    return visit
