"""API of spare parts (BS-12): the catalogue with stock, ledger lines, reservations in their
serving order, installations."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Id, Input, Moment, Number, responses
from aftercare.contracts.choices import CoverageKind
from aftercare.errors import InvalidInput
from aftercare.org.http import StaffRequest
from aftercare.parts import actions, queries
from aftercare.parts.choices import MovementKind, ReservationState, Unit
from aftercare.parts.models import Installation, Part, Reservation, StockMovement
from aftercare.servicedesk.queries import get_ticket_for
from aftercare.sites.models import Equipment

router = Router(tags=["parts"])


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _quantity(value: Decimal) -> str:
    return actions._plain(value)


class PartIn(Input):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    unit: Unit = Unit.PIECE
    unit_cost: Number = Field(..., description='Two decimal places at most: "350.00".')
    warranty_months: int = Field(0, ge=0, le=240)


class PartChangeIn(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    unit_cost: Number | None = None
    warranty_months: int | None = Field(None, ge=0, le=240)
    active: bool | None = None


class PartOut(Schema):
    id: int
    code: str
    name: str
    unit: Unit
    unit_cost: str
    warranty_months: int
    active: bool
    on_hand: str = Field(..., description="In the stores the reader may see (the ledger's sum).")
    reserved: str = Field(..., description="Held by served reservations.")
    available: str


def _part_out(part: Part, stock: queries.Stock) -> dict[str, Any]:
    return {
        "id": part.pk, "code": part.code, "name": part.name, "unit": part.unit,
        "unit_cost": _money(part.unit_cost), "warranty_months": part.warranty_months,
        "active": part.active, "on_hand": _quantity(stock.on_hand),
        "reserved": _quantity(stock.reserved), "available": _quantity(stock.available),
    }  # fmt: skip


def _part(request: StaffRequest, pk: int) -> Part:
    return queries.get_part_for(request.user, pk)


def _known_part(request: StaffRequest, pk: int) -> Part:
    """A part named in a body: one the catalogue does not hold is bad input (422), not a
    missing page (404)."""
    part = queries.visible_parts(request.user).filter(pk=pk).first()
    if part is None:
        message = _("Unknown part.")
        raise InvalidInput(message, fields={"part_id": [message]})
    return part


@router.post("/parts", response=responses({201: PartOut}, 409))
def create_part(request: StaffRequest, payload: PartIn) -> Status[dict[str, Any]]:
    """A catalogue line of the organisation; its code is unique there."""
    part = actions.create_part(
        by=request.user, code=payload.code, name=payload.name, unit=payload.unit,
        unit_cost=payload.unit_cost, warranty_months=payload.warranty_months,
    )  # fmt: skip
    return Status(201, _part_out(part, queries.stock_of(request.user, part)))


@router.get("/parts", response=responses({200: list[PartOut]}))
@paginate(BoundedPagination)
def list_parts(request: StaffRequest, q: str = "", active: bool | None = None) -> Any:
    """The catalogue by code; `q` finds a code or name by its start or any part of it."""
    parts = queries.visible_parts(request.user).order_by("code", "id")
    if q.strip():
        parts = parts.filter(Q(code__istartswith=q.strip()) | Q(name__icontains=q.strip()))
    if active is not None:
        parts = parts.filter(active=active)
    return _PartPage(request, parts)


class _PartPage:
    """A lazily sliced part list whose slices come out with their stock (one query)."""

    def __init__(self, request: StaffRequest, parts: Any) -> None:
        self.request, self.parts = request, parts

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        rows = list(self.parts[item])
        stock = queries.stock_by_part(self.request.user, rows)
        return [_part_out(part, stock[part.pk]) for part in rows]

    def count(self) -> int:
        return int(self.parts.count())

    def __len__(self) -> int:
        return self.count()


@router.get("/parts/{part_id}", response=responses({200: PartOut}, 404))
def get_part(request: StaffRequest, part_id: Id) -> dict[str, Any]:
    part = _part(request, part_id)
    return _part_out(part, queries.stock_of(request.user, part))


@router.patch("/parts/{part_id}", response=responses({200: PartOut}, 404))
def change_part(request: StaffRequest, part_id: Id, payload: PartChangeIn) -> dict[str, Any]:
    """Name, cost, warranty or whether it is still kept; earlier ledger lines and bills keep
    the cost of their moment."""
    part = actions.change_part(
        _part(request, part_id), by=request.user, name=payload.name,
        unit_cost=payload.unit_cost, warranty_months=payload.warranty_months,
        active=payload.active,
    )  # fmt: skip
    return _part_out(part, queries.stock_of(request.user, part))


class MovementIn(Input):
    part_id: Id
    quantity: Number = Field(..., description="Positive; an adjustment may be negative.")
    kind: MovementKind
    reason: str = Field("", max_length=300, description="Required for an adjustment.")
    ticket_id: Id | None = Field(None, description="For an issue or a return.")
    store_id: Id | None = Field(None, description="Default: the branch's main store.")
    at: Moment | None = None


class MovementOut(Schema):
    id: int
    part_id: int
    store_id: int
    kind: MovementKind
    quantity: str
    balance_after: str
    unit_cost: str
    ticket_id: int | None
    reason: str
    at: datetime


def _movement_out(line: StockMovement) -> dict[str, Any]:
    return {
        "id": line.pk, "part_id": line.part_id, "store_id": line.store_id, "kind": line.kind,
        "quantity": _quantity(line.quantity), "balance_after": _quantity(line.balance_after),
        "unit_cost": _money(line.unit_cost), "ticket_id": line.ticket_id,
        "reason": line.reason, "at": line.at,
    }  # fmt: skip


@router.post("/stock-movements", response=responses({201: MovementOut}, 404, 409))
def record_movement(request: StaffRequest, payload: MovementIn) -> Status[dict[str, Any]]:
    """A line of the stock ledger: a receipt, an issue to or return from a ticket, or an
    adjustment with its reason. Stock never goes below zero."""
    user = request.user
    ticket = get_ticket_for(user, payload.ticket_id) if payload.ticket_id is not None else None
    part = _known_part(request, payload.part_id)
    store = None
    if payload.store_id is not None:
        store = queries.visible_stores(user).filter(pk=payload.store_id).first()
        if store is None:
            message = _("Choose one of your stores.")
            raise InvalidInput(message, fields={"store_id": [message]})
    line = actions.record_movement(
        by=user, part=part, kind=payload.kind, quantity=payload.quantity,
        reason=payload.reason, store=store, ticket=ticket, at=payload.at,
    )  # fmt: skip
    return Status(201, _movement_out(line))


@router.get("/stock-movements", response=responses({200: list[MovementOut]}, 404))
@paginate(BoundedPagination)
def list_movements(request: StaffRequest, part_id: Id) -> Any:
    """A part's ledger lines in the reader's stores, newest first."""
    return [_movement_out(line) for line in queries.ledger(request.user, _part(request, part_id))]


class ReservationIn(Input):
    part_id: Id
    quantity: Number
    ticket_id: Id


class ReservationOut(Schema):
    id: int
    part_id: int
    store_id: int
    ticket_id: int
    ticket_number: str
    quantity: str
    coverage: CoverageKind
    covered: bool
    state: ReservationState
    served: bool
    position: int | None = Field(..., description="Place in the serving order (open ones).")
    why: str = Field(..., description="Why it stands there, in the reader's language.")
    requested_at: datetime
    served_at: datetime | None


def _reservation_out(reservation: Reservation, position: int | None = None) -> dict[str, Any]:
    return {
        "id": reservation.pk, "part_id": reservation.part_id, "store_id": reservation.store_id,
        "ticket_id": reservation.ticket_id, "ticket_number": reservation.ticket.number,
        "quantity": _quantity(reservation.quantity), "coverage": reservation.coverage,
        "covered": reservation.covered, "state": reservation.state,
        "served": reservation.state == ReservationState.SERVED, "position": position,
        "why": queries.why_text(reservation), "requested_at": reservation.requested_at,
        "served_at": reservation.served_at,
    }  # fmt: skip


@router.post("/reservations", response=responses({201: ReservationOut}, 404, 409))
def reserve(request: StaffRequest, payload: ReservationIn) -> Status[dict[str, Any]]:
    """Hold stock for a ticket. Served at once if the serving order reaches it (covered owners
    first, then the oldest); otherwise it waits, and BS-12 asks the parts clerk to procure."""
    user = request.user
    ticket = get_ticket_for(user, payload.ticket_id)  # 404 outside the reader's tickets
    part = _known_part(request, payload.part_id)
    reservation = actions.reserve(by=user, part=part, quantity=payload.quantity, ticket=ticket)
    return Status(201, _reservation_out(reservation))


@router.get("/parts/{part_id}/reservations", response=responses({200: list[ReservationOut]}, 404))
def list_reservations(request: StaffRequest, part_id: Id) -> list[dict[str, Any]]:
    """The part's open reservations in serving order, each with `served` and why."""
    part = _part(request, part_id)
    return [
        _reservation_out(line.reservation, line.position)
        for line in queries.reservation_queue(request.user, part)
    ]


class ReservationCancelIn(Input):
    reason: str = Field("", max_length=300)


@router.post(
    "/reservations/{reservation_id}/cancel", response=responses({200: ReservationOut}, 404, 409)
)
def cancel_reservation(
    request: StaffRequest, reservation_id: Id, payload: ReservationCancelIn
) -> dict[str, Any]:
    reservation = (
        Reservation.objects.filter(store__in=queries.visible_stores(request.user))
        .select_related("ticket")
        .get(pk=reservation_id)
    )
    return _reservation_out(
        actions.cancel_reservation(reservation, by=request.user, reason=payload.reason)
    )


class InstallationIn(Input):
    part_id: Id
    equipment_id: Id
    at: Moment | None = None
    serial: str = Field("", max_length=100)
    ticket_id: Id | None = None


class InstallationOut(Schema):
    id: int
    part_id: int
    equipment_id: int
    ticket_id: int | None
    installed_at: datetime
    serial: str
    warranty_starts_on: date | None
    warranty_ends_on: date | None


def _installation_out(row: Installation) -> dict[str, Any]:
    return {
        "id": row.pk, "part_id": row.part_id, "equipment_id": row.equipment_id,
        "ticket_id": row.ticket_id, "installed_at": row.installed_at, "serial": row.serial,
        "warranty_starts_on": row.warranty_starts_on, "warranty_ends_on": row.warranty_ends_on,
    }  # fmt: skip


@router.post("/installations", response=responses({201: InstallationOut}, 404))
def install(request: StaffRequest, payload: InstallationIn) -> Status[dict[str, Any]]:
    """A part fitted to an equipment item on its own (not at a ticket's resolve step): the
    item is covered by the part's own warranty from that day."""
    user = request.user
    equipment = (  # 404 outside the reader's sites
        Equipment.objects.visible_to(user)
        .select_related("system__site__branch__organisation")
        .get(pk=payload.equipment_id)
    )
    part = _known_part(request, payload.part_id)
    ticket = get_ticket_for(user, payload.ticket_id) if payload.ticket_id is not None else None
    row = actions.install(
        by=user, part=part, equipment=equipment, at=payload.at, serial=payload.serial,
        ticket=ticket,
    )  # fmt: skip
    return Status(201, _installation_out(row))
