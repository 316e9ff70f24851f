"""The only writers of workshop safety: places, bins and their clearances (DS-12), fire
equipment, its inspections and replacements (DS-13), and the recurring obligations."""

from datetime import datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.errors import Conflict, Errors
from aftercare.moments import event_moment
from aftercare.obligations import actions as obligations
from aftercare.org.access import ensure_allowed
from aftercare.safety import schedule
from aftercare.safety.choices import (
    CapacityUnit,
    DueKind,
    EquipmentKind,
    EquipmentStatus,
    InspectionResult,
)
from aftercare.safety.models import (
    BinPeriod,
    Clearance,
    Equipment,
    EquipmentDue,
    Inspection,
    Place,
    RagBin,
)
from aftercare.standard import calendar as cal

MAX_CAPACITY = Decimal("999999.9")


def _today(branch, now: datetime | None = None):
    return cal.local_date(now or timezone.now(), branch.organisation.tz)


def _staff_of(branch, user, field: str, errors: Errors) -> None:
    if user is None:
        errors.add(field, _("Choose a member of staff."))
    elif not user.is_active or user.branch_id != branch.pk:
        errors.add(field, _("Choose a member of staff of this branch."))


def _clean_name(value: str, field: str, errors: Errors, max_length: int = 100) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(field, _("At most %(n)d characters.") % {"n": max_length})
    return value


def _check_minimum(min_count, min_capacity, capacity_unit, errors: Errors) -> None:
    if min_count is None or min_count < 0 or min_count > 1000:
        errors.add("min_count", _("Give a number of items between 0 and 1000."))
    if min_capacity is not None and (min_capacity < 0 or min_capacity > MAX_CAPACITY):
        errors.add("min_capacity", _("The capacity cannot be negative."))
    if capacity_unit not in CapacityUnit.values:
        errors.add("capacity_unit", _("Choose kg or L."))


# Places ----------------------------------------------------------------------------------------


@transaction.atomic
def add_place(
    *, branch, by, name: str, keeper, min_count: int = 1, min_capacity: Decimal | None = None,
    capacity_unit: str = CapacityUnit.KG,
) -> Place:  # fmt: skip
    ensure_allowed(by, "safety.add_place", branch)
    errors = Errors()
    name = _clean_name(name, "name", errors)
    _staff_of(branch, keeper, "keeper", errors)
    _check_minimum(min_count, min_capacity, capacity_unit, errors)
    if name and Place.objects.filter(branch=branch, name=name).exists():
        errors.add("name", _("This branch already has a place of that name."))
    errors.raise_if_any()
    return Place.objects.create(
        branch=branch, name=name, keeper=keeper, min_count=min_count, min_capacity=min_capacity,
        capacity_unit=capacity_unit,
    )  # fmt: skip


@transaction.atomic
def set_minimum(
    place: Place, *, by, min_count: int, min_capacity: Decimal | None, capacity_unit: str
) -> Place:
    """The place's own minimum of fire equipment (DS-13's setting per place)."""
    ensure_allowed(by, "safety.change_place", place.branch)
    errors = Errors()
    _check_minimum(min_count, min_capacity, capacity_unit, errors)
    errors.raise_if_any()
    place = Place.objects.select_for_update().get(pk=place.pk)
    place.min_count, place.min_capacity = min_count, min_capacity
    place.capacity_unit = capacity_unit
    place.save(update_fields=["min_count", "min_capacity", "capacity_unit"])
    return place


# Rag bins (DS-12) -----------------------------------------------------------------------------


@transaction.atomic
def add_bin(
    *, place: Place, by, label: str, owner, every_days: int = 1, clear_at: time | None = None,
    starts_on=None, now: datetime | None = None,
) -> RagBin:  # fmt: skip
    """A bin at a place; its clearance obligation for today opens at once (DS-12)."""
    branch = place.branch
    ensure_allowed(by, "safety.add_ragbin", branch)
    errors = Errors()
    label = _clean_name(label, "label", errors)
    _staff_of(branch, owner, "owner", errors)
    if every_days is None or not 1 <= every_days <= 366:
        errors.add("every_days", _("Clear at least once a year: give 1 to 366 days."))
    errors.raise_if_any()
    bin_ = RagBin.objects.create(
        place=place, label=label, owner=owner, every_days=every_days, clear_at=clear_at,
        starts_on=starts_on or _today(branch, now),
    )  # fmt: skip
    open_bin_period(bin_, now=now)
    return bin_


def _bin_title(bin_: RagBin) -> str:
    if bin_.clear_at is not None:
        return _("Clear the rag bin %(bin)s by %(time)s") % {
            "bin": bin_, "time": bin_.clear_at.strftime("%H:%M")
        }  # fmt: skip
    return _("Clear the rag bin %(bin)s") % {"bin": bin_}


def open_bin_period(bin_: RagBin, *, now: datetime | None = None) -> BinPeriod | None:
    """Open DS-12 for the bin's current clearance day; nothing if it is open already.

    The period row is unique per bin and day, so two ticks racing open one obligation: the
    loser's insert fails inside its savepoint and it moves on.
    """
    branch = bin_.place.branch
    day = schedule.clearance_day(bin_.starts_on, bin_.every_days, _today(branch, now))
    if day is None or not bin_.active or BinPeriod.objects.filter(bin=bin_, day=day).exists():
        return None
    try:
        with transaction.atomic():
            period = BinPeriod.objects.create(bin=bin_, day=day)
            period.obligation = obligations.open_obligation(
                "DS-12", branch=branch, owner=bin_.owner, subject=period,
                event_at=cal.start_of_day(day, branch.organisation.tz), title=_bin_title(bin_),
            )  # fmt: skip
            period.save(update_fields=["obligation"])
    except IntegrityError:
        return None
    return period


@transaction.atomic
def log_clearance(bin_: RagBin, *, by, at: datetime | None = None, note: str = "") -> Clearance:
    """Log a clearance; it fulfils the bin's pending DS-12 for its day and any earlier day
    still open (those count as done late)."""
    branch = bin_.place.branch
    ensure_allowed(by, "safety.add_clearance", branch)
    at = event_moment(at)
    errors = Errors()
    note = (note or "").strip()
    if len(note) > 500:
        errors.add("note", _("At most %(n)d characters.") % {"n": 500})
    errors.raise_if_any()
    bin_ = RagBin.objects.select_for_update().get(pk=bin_.pk)
    if not bin_.active:
        raise Conflict(_("This rag bin is no longer in use."), code="bin_inactive")
    clearance = Clearance.objects.create(bin=bin_, cleared_at=at, by=by, note=note)
    day = cal.local_date(at, branch.organisation.tz)
    pending = BinPeriod.objects.filter(
        bin=bin_, day__lte=day, obligation__isnull=False, obligation__done_at__isnull=True,
        obligation__cancelled_at__isnull=True,
    )  # fmt: skip
    for period in pending:
        obligations.fulfil_pending("DS-12", by=by, at=at, subject=period)
    return clearance


@transaction.atomic
def retire_bin(bin_: RagBin, *, by, reason: str, at: datetime | None = None) -> RagBin:
    """A bin no longer in use: its open clearance duties are cancelled with the reason and no
    new ones open; its clearance log stays."""
    ensure_allowed(by, "safety.change_ragbin", bin_.place.branch)
    at = event_moment(at)
    reason = (reason or "").strip()
    if not reason:
        errors = Errors()
        errors.add("reason", _("Give a reason for retiring the bin."))
        errors.raise_if_any()
    bin_ = RagBin.objects.select_for_update().get(pk=bin_.pk)
    if not bin_.active:
        raise Conflict(_("This rag bin is no longer in use."), code="bin_inactive")
    pending = BinPeriod.objects.filter(
        bin=bin_, obligation__done_at__isnull=True, obligation__cancelled_at__isnull=True
    ).select_related("obligation")
    for period in pending:
        obligations.cancel(period.obligation, by=by, reason=reason, at=at)
    bin_.active = False
    bin_.save(update_fields=["active"])
    return bin_


# Fire equipment (DS-13) -----------------------------------------------------------------------


def _clean_equipment(fields: dict, errors: Errors, *, today) -> dict:
    kind = fields.get("kind")
    if kind not in EquipmentKind.values:
        errors.add("kind", _("Choose the type of equipment."))
    label = _clean_name(fields.get("label", ""), "label", errors)
    capacity = fields.get("capacity")
    if capacity is not None:
        capacity = Decimal(capacity)
        if capacity < 0:
            errors.add("capacity", _("The capacity cannot be negative."))
        elif capacity > MAX_CAPACITY:
            errors.add("capacity", _("The capacity is too large."))
    unit = fields.get("unit") or CapacityUnit.KG
    if unit not in CapacityUnit.values:
        errors.add("unit", _("Choose kg or L."))
    installed_on = fields.get("installed_on")
    expires_on = fields.get("expires_on")
    if installed_on is None:
        errors.add("installed_on", _("This field is required."))
    elif installed_on > today:
        errors.add("installed_on", _("The installation date cannot be in the future."))
    if installed_on is not None and expires_on is not None and expires_on <= installed_on:
        errors.add("expires_on", _("The expiry date must be after the installation date."))
    every = fields.get("inspect_every_months", 1)
    if every is None or not 1 <= every <= 12:
        errors.add("inspect_every_months", _("Inspect at least once a year: give 1 to 12 months."))
    notice = fields.get("replace_notice_days", 30)
    if notice is None or not 1 <= notice <= 365:
        errors.add("replace_notice_days", _("Give 1 to 365 days."))
    return {
        "kind": kind, "label": label, "capacity": capacity, "unit": unit,
        "installed_on": installed_on, "expires_on": expires_on, "inspect_every_months": every,
        "replace_notice_days": notice,
    }  # fmt: skip


@transaction.atomic
def add_equipment(*, place: Place, by, now: datetime | None = None, **fields) -> Equipment:
    """Put an item on the register; its current inspection (and, near expiry, replacement)
    obligations open at once."""
    ensure_allowed(by, "safety.add_equipment", place.branch)
    errors = Errors()
    cleaned = _clean_equipment(fields, errors, today=_today(place.branch, now))
    if not place.active:
        errors.add("place_id", _("This place is no longer in use."))
    errors.raise_if_any()
    item = Equipment.objects.create(place=place, **cleaned)
    open_equipment_dues(item, now=now)
    return item


def _open_due(item: Equipment, kind: str, period: schedule.Period, title: str):
    branch = item.place.branch
    if EquipmentDue.objects.filter(equipment=item, kind=kind, day=period.last).exists():
        return None
    try:
        with transaction.atomic():
            due = EquipmentDue.objects.create(
                equipment=item, kind=kind, from_day=period.first, day=period.last
            )
            # The duty is scheduled for the period's last day; DS-13 (same day by default)
            # makes it due at that day's end in the organisation's zone.
            due.obligation = obligations.open_obligation(
                "DS-13", branch=branch, owner=item.place.keeper, subject=due, title=title,
                event_at=cal.start_of_day(period.last, branch.organisation.tz),
                triggered_at=cal.start_of_day(period.first, branch.organisation.tz),
            )  # fmt: skip
            due.save(update_fields=["obligation"])
    except IntegrityError:
        return None
    return due


def open_equipment_dues(item: Equipment, *, now: datetime | None = None) -> int:
    """Open this period's inspection and, inside the notice, the replacement; idempotent."""
    if item.status != EquipmentStatus.IN_SERVICE:
        return 0
    today = _today(item.place.branch, now)
    names = {"item": item, "place": item.place}
    opened = 0
    period = schedule.inspection_period(today, item.inspect_every_months)
    if _open_due(item, DueKind.INSPECTION, period, _("Inspect %(item)s at %(place)s") % names):
        opened += 1
    if item.expires_on is not None:
        notice = schedule.replacement_notice(item.expires_on, item.replace_notice_days)
        if today >= notice.first and _open_due(
            item, DueKind.REPLACEMENT, notice, _("Replace %(item)s at %(place)s") % names
        ):
            opened += 1
    return opened


def _locked_in_service(item: Equipment) -> Equipment:
    item = Equipment.objects.select_for_update().select_related("place__branch").get(pk=item.pk)
    if item.status != EquipmentStatus.IN_SERVICE:
        raise Conflict(
            _("This item is no longer in service (%(status)s).")
            % {"status": item.get_status_display()},
            code="equipment_not_in_service",
        )
    return item


def _pending_dues(item: Equipment, kind: str):
    return EquipmentDue.objects.filter(
        equipment=item, kind=kind, obligation__isnull=False, obligation__done_at__isnull=True,
        obligation__cancelled_at__isnull=True,
    ).select_related("obligation")  # fmt: skip


@transaction.atomic
def record_inspection(
    item: Equipment, *, by, result: str, at: datetime | None = None,
    pressure_ok: bool | None = None, seal_ok: bool | None = None, note: str = "",
) -> Inspection:  # fmt: skip
    """Log an inspection; it fulfils the item's pending inspections of periods that had begun
    by then. A defect is recorded too: the item then counts as not available."""
    ensure_allowed(by, "safety.add_inspection", item.place.branch)
    at = event_moment(at)
    errors = Errors()
    if result not in InspectionResult.values:
        errors.add("result", _("Choose OK or defect."))
    note = (note or "").strip()
    if len(note) > 500:
        errors.add("note", _("At most %(n)d characters.") % {"n": 500})
    errors.raise_if_any()
    item = _locked_in_service(item)
    inspection = Inspection.objects.create(
        equipment=item, inspected_at=at, by=by, result=result, pressure_ok=pressure_ok,
        seal_ok=seal_ok, note=note,
    )  # fmt: skip
    day = cal.local_date(at, item.place.branch.organisation.tz)
    for due in _pending_dues(item, DueKind.INSPECTION).filter(from_day__lte=day):
        obligations.fulfil_pending("DS-13", by=by, at=at, subject=due)
    return inspection


def _cancel_pending(item: Equipment, *, by, at: datetime, reason: str) -> None:
    for due in _pending_dues(item, DueKind.INSPECTION):
        obligations.cancel(due.obligation, by=by, reason=reason, at=at)


@transaction.atomic
def replace_equipment(
    item: Equipment, *, by, at: datetime | None = None, now: datetime | None = None, **fields
) -> Equipment:
    """A new item takes the old one's place: the old one's replacement duty is fulfilled, its
    open inspections are cancelled, and it stays on the register as replaced."""
    ensure_allowed(by, "safety.change_equipment", item.place.branch)
    at = event_moment(at)
    item = _locked_in_service(item)
    errors = Errors()
    cleaned = _clean_equipment(fields, errors, today=_today(item.place.branch, now))
    errors.raise_if_any()
    new = Equipment.objects.create(place=item.place, **cleaned)
    for due in _pending_dues(item, DueKind.REPLACEMENT):
        obligations.fulfil_pending("DS-13", by=by, at=at, subject=due)
    _cancel_pending(item, by=by, at=at, reason=_("Replaced by %(item)s.") % {"item": new})
    item.status, item.replaced_by, item.status_changed_at = EquipmentStatus.REPLACED, new, at
    item.save(update_fields=["status", "replaced_by", "status_changed_at"])
    open_equipment_dues(new, now=now)
    return new


@transaction.atomic
def remove_equipment(item: Equipment, *, by, reason: str, at: datetime | None = None):
    """Take an item off duty without a successor; it stays on the register as removed."""
    ensure_allowed(by, "safety.change_equipment", item.place.branch)
    at = event_moment(at)
    reason = (reason or "").strip()
    if not reason:
        errors = Errors()
        errors.add("reason", _("Give a reason for removing the item."))
        errors.raise_if_any()
    item = _locked_in_service(item)
    _cancel_pending(item, by=by, at=at, reason=reason)
    for due in _pending_dues(item, DueKind.REPLACEMENT):
        obligations.cancel(due.obligation, by=by, reason=reason, at=at)
    item.status, item.status_changed_at = EquipmentStatus.REMOVED, at
    item.save(update_fields=["status", "status_changed_at"])
    return item


# Periodic work --------------------------------------------------------------------------------


def open_due_work(now: datetime | None = None) -> int:
    """Tick: open the current period's DS-12 and DS-13 obligations; running it again opens
    nothing new."""
    now = now or timezone.now()
    opened = 0
    bins = RagBin.objects.filter(active=True, place__active=True).select_related(
        "place__branch__organisation", "owner"
    )
    for bin_ in bins.iterator():
        opened += open_bin_period(bin_, now=now) is not None
    items = Equipment.objects.filter(status=EquipmentStatus.IN_SERVICE).select_related(
        "place__branch__organisation", "place__keeper"
    )
    for item in items.iterator():
        opened += open_equipment_dues(item, now=now)
    return opened
