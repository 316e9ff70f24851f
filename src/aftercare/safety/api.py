"""Workshop safety API: places with their sufficiency, the equipment register, inspections
(DS-13) and rag bin clearances (DS-12)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from aftercare.apischema import BoundedPagination, Day, Id, Input, Moment, responses
from aftercare.org.models import Branch
from aftercare.safety import actions, queries
from aftercare.safety.choices import CapacityUnit, EquipmentKind, EquipmentStatus, InspectionResult

router = Router(tags=["safety"])


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class EquipmentStateOut(Schema):
    id: int
    kind: str
    label: str
    capacity: Decimal | None
    unit: str
    expires_on: date | None
    date_state: str
    last_inspected_at: datetime | None
    last_result: str | None
    inspection_state: str
    available: bool


class BinStateOut(Schema):
    id: int
    label: str
    every_days: int
    last_cleared_at: datetime | None
    state: str


class PlaceOut(Schema):
    id: int
    branch_id: int
    name: str
    min_count: int
    min_capacity: Decimal | None
    capacity_unit: str
    available_count: int
    available_capacity: Decimal
    in_date: int
    expiring: int
    expired: int
    defects: int
    sufficient: bool
    equipment: list[EquipmentStateOut]
    bins: list[BinStateOut]


def _place_out(row: queries.PlaceRow) -> dict:
    place = row.place
    return {
        "id": place.pk, "branch_id": place.branch_id, "name": place.name,
        "min_count": place.min_count, "min_capacity": place.min_capacity,
        "capacity_unit": place.capacity_unit, "available_count": row.available_count,
        "available_capacity": row.available_capacity, "in_date": row.in_date,
        "expiring": row.expiring, "expired": row.expired, "defects": row.defects,
        "sufficient": row.sufficient,
        "equipment": [
            {
                "id": r.item.pk, "kind": r.item.kind, "label": r.item.label,
                "capacity": r.item.capacity, "unit": r.item.unit,
                "expires_on": r.item.expires_on, "date_state": r.date_state,
                "last_inspected_at": r.last_inspected_at, "last_result": r.last_result,
                "inspection_state": r.inspection_state, "available": r.available,
            }
            for r in row.items
        ],
        "bins": [
            {
                "id": b.bin.pk, "label": b.bin.label, "every_days": b.bin.every_days,
                "last_cleared_at": b.last_cleared_at, "state": b.state,
            }
            for b in row.bins
        ],
    }  # fmt: skip


@router.get("/safety/places", response=responses({200: list[PlaceOut]}, 404))
def list_places(request, branch_id: Id | None = None):
    """Each active place of the branch: is its fire equipment sufficient and in date today?"""
    _require(request, "safety.view_place")
    try:
        branch = queries.get_branch_for(request.user, branch_id)
    except Branch.DoesNotExist:
        return []
    return [_place_out(row) for row in queries.register(branch)]


class EquipmentOut(Schema):
    id: int
    place_id: int
    kind: str
    label: str
    capacity: Decimal | None
    unit: str
    installed_on: date
    expires_on: date | None
    inspect_every_months: int
    replace_notice_days: int
    status: str
    replaced_by_id: int | None


class EquipmentFilters(Schema):
    place_id: Id | None = None
    status: EquipmentStatus | None = None


@router.get("/safety/equipment", response=responses({200: list[EquipmentOut]}))
@paginate(BoundedPagination)
def list_equipment(request, filters: Query[EquipmentFilters]):
    _require(request, "safety.view_place")
    items = queries.visible_equipment(request.user).order_by("id")
    if filters.place_id is not None:
        items = items.filter(place_id=filters.place_id)
    if filters.status is not None:
        items = items.filter(status=filters.status.value)
    return items


# 0 to 999999.9 with one decimal at most, as a JSON number or as decimal text ("5", "2.5"),
# which keeps the digits exact. pydantic's own schema offered any string, "" included.
CapacityIn = Annotated[
    Decimal,
    Field(ge=0, max_digits=7, decimal_places=1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 999999.9},
                {"type": "string", "pattern": r"^[0-9]{1,6}(\.[0-9])?$"},
            ]
        }
    ),
]


class EquipmentIn(Input):
    place_id: Id
    kind: EquipmentKind
    label: str = Field(..., min_length=1, max_length=100)
    capacity: CapacityIn | None = None
    unit: CapacityUnit = CapacityUnit.KG
    installed_on: Day
    expires_on: Day | None = None
    inspect_every_months: int = Field(1, ge=1, le=12)
    replace_notice_days: int = Field(30, ge=1, le=365)


@router.post("/safety/equipment", response=responses({201: EquipmentOut}, 404))
def add_equipment(request, payload: EquipmentIn):
    """Put an item on the register; a negative capacity or an expiry before installation is
    refused (422) and nothing is written."""
    _require(request, "safety.add_equipment")
    place = queries.get_place_for(request.user, payload.place_id)
    fields = payload.dict(exclude={"place_id"})
    fields["kind"], fields["unit"] = payload.kind.value, payload.unit.value
    item = actions.add_equipment(place=place, by=request.user, **fields)
    return Status(201, item)


class InspectionIn(Input):
    result: InspectionResult
    at: Moment | None = None
    pressure_ok: bool | None = None
    seal_ok: bool | None = None
    note: str = Field("", max_length=500)


class InspectionOut(Schema):
    id: int
    equipment_id: int
    inspected_at: datetime
    by_id: int
    result: str
    pressure_ok: bool | None
    seal_ok: bool | None
    note: str


@router.post(
    "/safety/equipment/{item_id}/inspections",
    response=responses({201: InspectionOut}, 404, 409),
)
def record_inspection(request, item_id: Id, payload: InspectionIn):
    """Log an inspection (DS-13); it fulfils the item's pending inspection."""
    _require(request, "safety.add_inspection")
    item = queries.get_equipment_for(request.user, item_id)
    inspection = actions.record_inspection(
        item, by=request.user, result=payload.result.value, at=payload.at,
        pressure_ok=payload.pressure_ok, seal_ok=payload.seal_ok, note=payload.note,
    )  # fmt: skip
    return Status(201, inspection)


class ClearanceIn(Input):
    at: Moment | None = None
    note: str = Field("", max_length=500)


class ClearanceOut(Schema):
    id: int
    bin_id: int
    cleared_at: datetime
    by_id: int
    note: str


@router.post("/safety/bins/{bin_id}/clearances", response=responses({201: ClearanceOut}, 404, 409))
def record_clearance(request, bin_id: Id, payload: ClearanceIn):
    """Log a clearance of a rag bin (DS-12); a moment in the future is refused (422)."""
    _require(request, "safety.add_clearance")
    bin_ = queries.get_bin_for(request.user, bin_id)
    clearance = actions.log_clearance(bin_, by=request.user, at=payload.at, note=payload.note)
    return Status(201, clearance)
