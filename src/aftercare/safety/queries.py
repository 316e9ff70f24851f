"""Reads of workshop safety, scoped to the user's branch (administrators: the organisation)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aftercare.org.access import restrict
from aftercare.org.models import Branch
from aftercare.safety import schedule
from aftercare.safety.choices import DateState, DueKind, EquipmentStatus, InspectionResult
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


def branches_for(user):
    """Branches whose safety register the user may read (DS-12, DS-13)."""
    return restrict(Branch.objects.all(), user, "safety.view_place", branch_field="")


def visible_places(user):
    return Place.objects.filter(branch__in=branches_for(user)).select_related("branch", "keeper")


def visible_equipment(user):
    return Equipment.objects.filter(place__branch__in=branches_for(user)).select_related(
        "place__branch"
    )


def visible_bins(user):
    return RagBin.objects.filter(place__branch__in=branches_for(user)).select_related(
        "place__branch", "owner"
    )


def get_branch_for(user, branch_id: int | None) -> Branch:
    """The asked branch if visible, else the user's own; 404 for anything else."""
    if branch_id is None:
        if user.branch_id is not None:
            return get_object_or_404(branches_for(user), pk=user.branch_id)
        branch = branches_for(user).order_by("code").first()
        if branch is None:
            raise Branch.DoesNotExist
        return branch
    return get_object_or_404(branches_for(user), pk=branch_id)


def get_place_for(user, place_id: int) -> Place:
    return get_object_or_404(visible_places(user), pk=place_id)


def get_equipment_for(user, item_id: int) -> Equipment:
    return get_object_or_404(visible_equipment(user), pk=item_id)


def get_bin_for(user, bin_id: int) -> RagBin:
    return get_object_or_404(visible_bins(user), pk=bin_id)


class InspectionState:
    INSPECTED = "inspected"
    DUE = "due"
    OVERDUE = "overdue"


class BinState:
    CLEARED = "cleared"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"


@dataclass
class ItemRow:
    item: Equipment
    date_state: str
    last_inspected_at: datetime | None
    last_result: str | None
    inspection_state: str

    @property
    def defect(self) -> bool:
        return self.last_result == InspectionResult.DEFECT

    @property
    def available(self) -> bool:
        """Counts towards the place's minimum: in date and not found defective."""
        return self.date_state != DateState.EXPIRED and not self.defect

    @property
    def date_label(self) -> str:
        return DateState(self.date_state).label


@dataclass
class BinRow:
    bin: RagBin
    last_cleared_at: datetime | None
    state: str
    clearance_day: object


@dataclass
class PlaceRow:
    place: Place
    items: list[ItemRow] = field(default_factory=list)
    bins: list[BinRow] = field(default_factory=list)

    @property
    def available(self) -> list[ItemRow]:
        return [row for row in self.items if row.available]

    @property
    def available_count(self) -> int:
        return len(self.available)

    @property
    def available_capacity(self) -> Decimal:
        unit = self.place.capacity_unit
        return sum(
            (row.item.capacity or Decimal(0) for row in self.available if row.item.unit == unit),
            Decimal(0),
        )

    @property
    def count_ok(self) -> bool:
        return self.available_count >= self.place.min_count

    @property
    def capacity_ok(self) -> bool:
        minimum = self.place.min_capacity
        return minimum is None or self.available_capacity >= minimum

    @property
    def sufficient(self) -> bool:
        return self.count_ok and self.capacity_ok

    def count_of(self, state: str) -> int:
        return sum(1 for row in self.items if row.date_state == state)

    @property
    def in_date(self) -> int:
        return self.count_of(DateState.IN_DATE)

    @property
    def expiring(self) -> int:
        return self.count_of(DateState.EXPIRING)

    @property
    def expired(self) -> int:
        return self.count_of(DateState.EXPIRED)

    @property
    def defects(self) -> int:
        return sum(1 for row in self.items if row.defect)


def date_state(item: Equipment, today) -> str:
    """Expired from the expiry date on; expiring inside the item's replacement notice."""
    if item.expires_on is None:
        return DateState.IN_DATE
    if item.expires_on <= today:
        return DateState.EXPIRED
    if item.expires_on - today <= timedelta(days=item.replace_notice_days):
        return DateState.EXPIRING
    return DateState.IN_DATE


def _overdue_ids(qs, link: str, ids, now: datetime) -> set[int]:
    return set(
        qs.filter(
            **{f"{link}__in": ids},
            obligation__done_at__isnull=True,
            obligation__cancelled_at__isnull=True,
            obligation__due_at__lt=now,
        ).values_list(link, flat=True)
    )


def register(branch: Branch, *, now: datetime | None = None, place_ids=None) -> list[PlaceRow]:
    """Per active place of the branch: its in-service items and its bins, with their states."""
    now = now or timezone.now()
    tz = branch.organisation.tz
    today = cal.local_date(now, tz)
    places = Place.objects.filter(branch=branch, active=True).select_related("keeper")
    if place_ids is not None:
        places = places.filter(pk__in=place_ids)
    rows = {place.pk: PlaceRow(place) for place in places.order_by("name")}
    last_inspection = Inspection.objects.filter(equipment=OuterRef("pk")).order_by(
        "-inspected_at", "-id"
    )
    items = list(
        Equipment.objects.filter(place_id__in=rows, status=EquipmentStatus.IN_SERVICE)
        .annotate(
            last_inspected_at=Subquery(last_inspection.values("inspected_at")[:1]),
            last_result=Subquery(last_inspection.values("result")[:1]),
        )
        .order_by("kind", "label")
    )
    overdue_items = _overdue_ids(
        EquipmentDue.objects.filter(kind=DueKind.INSPECTION), "equipment",
        [item.pk for item in items], now,
    )  # fmt: skip
    for item in items:
        item.place = rows[item.place_id].place
        period = schedule.inspection_period(today, item.inspect_every_months)
        inspected = (
            item.last_inspected_at is not None
            and cal.local_date(item.last_inspected_at, tz) >= period.first
        )
        if inspected:
            state = InspectionState.INSPECTED
        elif item.pk in overdue_items:
            state = InspectionState.OVERDUE
        else:
            state = InspectionState.DUE
        rows[item.place_id].items.append(
            ItemRow(item, date_state(item, today), item.last_inspected_at, item.last_result, state)
        )
    last_clearance = Clearance.objects.filter(bin=OuterRef("pk")).order_by("-cleared_at", "-id")
    bins = list(
        RagBin.objects.filter(place_id__in=rows, active=True)
        .select_related("owner")
        .annotate(
            last_cleared_at=Subquery(last_clearance.values("cleared_at")[:1]),
        )
        .order_by("label")
    )
    overdue_bins = _overdue_ids(BinPeriod.objects.all(), "bin", [b.pk for b in bins], now)
    for bin_ in bins:
        bin_.place = rows[bin_.place_id].place
        day = schedule.clearance_day(bin_.starts_on, bin_.every_days, today)
        if day is None:
            state = BinState.NOT_STARTED
        elif bin_.last_cleared_at and cal.local_date(bin_.last_cleared_at, tz) >= day:
            state = BinState.CLEARED
        elif bin_.pk in overdue_bins:
            state = BinState.OVERDUE
        else:
            state = BinState.DUE
        rows[bin_.place_id].bins.append(BinRow(bin_, bin_.last_cleared_at, state, day))
    return list(rows.values())


def equipment_history(item: Equipment):
    """The item's inspections and its line of predecessors and successors."""
    chain_back = []
    previous = Equipment.objects.filter(replaced_by=item).first()
    while previous is not None and len(chain_back) < 50:
        chain_back.append(previous)
        previous = Equipment.objects.filter(replaced_by=previous).first()
    return {
        "inspections": item.inspections.select_related("by"),
        "predecessors": chain_back,
        "dues": item.dues.select_related("obligation").order_by("-day")[:24],
    }


def recent_clearances(bin_: RagBin, limit: int = 30):
    return bin_.clearances.select_related("by")[:limit]
