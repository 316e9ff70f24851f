"""API of the workshop: repair orders (check-in, pick-up) and consultations."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Id, Input, Moment, responses
from aftercare.customers.queries import get_customer_for, get_vehicle_for
from aftercare.workshop import actions, queries
from aftercare.workshop.models import Consultation, RepairOrder

router = Router(tags=["workshop"])


class ServiceItemOut(Schema):
    id: int
    code: str
    name: str
    kind: str


@router.get("/service-items", response=responses({200: list[ServiceItemOut]}))
def service_items(request):
    return list(queries.service_catalogue(request.user))


class RepairOrderOut(Schema):
    id: int
    branch_id: int
    vehicle_id: int
    customer_id: int
    advisor_id: int
    checked_in_at: datetime
    mileage: int | None
    description: str
    items: list[str]
    extra_items: list[str]
    shop_order_number: str
    ready_at: datetime | None
    picked_up_at: datetime | None

    @staticmethod
    def resolve_items(obj: RepairOrder) -> list[str]:
        """Catalogue codes, then the free-text items as typed (they have no code)."""
        return [item.code for item in obj.items.all()] + list(obj.extra_items or [])


class RepairOrderIn(Input):
    vehicle_id: Id
    checked_in_at: Moment | None = None
    mileage: int | None = Field(None, ge=0, le=3_000_000)
    description: str = Field("", max_length=5000)
    items: list[str] = Field([], max_length=50, description="service item codes (or ids)")
    extra_items: list[str] = Field([], max_length=20, description="items not in the catalogue")
    shop_order_number: str = Field("", max_length=30)


@router.post("/repair-orders", response=responses({201: RepairOrderOut}, 404))
def check_in(request, payload: RepairOrderIn):
    vehicle = get_vehicle_for(request.user, payload.vehicle_id)
    order = actions.check_in(
        vehicle, by=request.user, at=payload.checked_in_at, mileage=payload.mileage,
        description=payload.description, items=payload.items,
        extra_items=payload.extra_items, shop_order_number=payload.shop_order_number,
    )  # fmt: skip
    return Status(201, order)


@router.get("/repair-orders", response=responses({200: list[RepairOrderOut]}))
@paginate(BoundedPagination)
def list_repair_orders(
    request, customer_id: Id | None = None, vehicle_id: Id | None = None, in_shop: bool = False
):
    """Repair orders, newest first, in pages (`limit`, `offset`); `in_shop`: only those not
    picked up yet (the board)."""
    orders = queries.visible_orders(request.user).prefetch_related("items")
    if in_shop:
        orders = orders.filter(picked_up_at__isnull=True)
    if customer_id is not None:
        orders = orders.filter(customer_id=customer_id)
    if vehicle_id is not None:
        orders = orders.filter(vehicle_id=vehicle_id)
    return orders


@router.get("/repair-orders/{order_id}", response=responses({200: RepairOrderOut}, 404))
def get_repair_order(request, order_id: Id):
    return queries.get_order_for(request.user, order_id)


class PickupIn(Input):
    picked_up_at: Moment | None = None


@router.post("/repair-orders/{order_id}/pickup", response=responses({200: RepairOrderOut}, 404))
def pickup(request, order_id: Id, payload: PickupIn):
    order = queries.get_order_for(request.user, order_id)
    return actions.record_pickup(order, by=request.user, at=payload.picked_up_at)


class ReadyIn(Input):
    ready_at: Moment | None = None


@router.post("/repair-orders/{order_id}/ready", response=responses({200: RepairOrderOut}, 404, 409))
def ready(request, order_id: Id, payload: ReadyIn):
    """The workshop is done: the car waits on the board for pick-up (same action as the page)."""
    order = queries.get_order_for(request.user, order_id)
    return actions.mark_ready(order, by=request.user, at=payload.ready_at)


class ConsultationIn(Input):
    customer_id: Id
    occurred_at: Moment | None = None
    channel: Consultation.Channel = Consultation.Channel.WALK_IN
    notes: str = Field("", max_length=5000)
    vehicle_id: Id | None = None


class ConsultationOut(Schema):
    id: int
    customer_id: int
    advisor_id: int
    occurred_at: datetime
    channel: str
    notes: str


@router.post("/consultations", response=responses({201: ConsultationOut}, 404))
def consultation(request, payload: ConsultationIn):
    customer = get_customer_for(request.user, payload.customer_id)
    vehicle = None
    if payload.vehicle_id is not None:
        vehicle = get_vehicle_for(request.user, payload.vehicle_id)
    visit = actions.record_consultation(
        customer, by=request.user, at=payload.occurred_at, channel=str(payload.channel.value),
        notes=payload.notes, vehicle=vehicle,
    )  # fmt: skip
    return Status(201, visit)
