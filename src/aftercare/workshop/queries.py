"""Read side of the workshop: repair orders and the service-item catalogue, scoped by user."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext

from aftercare.org.access import ensure_permission, restrict
from aftercare.workshop.models import RepairOrder, ServiceItem

VIEW_ORDERS = "workshop.view_repairorder"


def visible_orders(user) -> QuerySet[RepairOrder]:
    """Repair orders of the user's branch (administrators: their organisation's), newest first."""
    orders = RepairOrder.objects.order_by("-checked_in_at", "-id")
    return restrict(orders, user, VIEW_ORDERS)


def get_order_for(user, order_id: int) -> RepairOrder:
    return get_object_or_404(visible_orders(user), pk=order_id)


def service_catalogue(user) -> QuerySet[ServiceItem]:
    """The organisation's active service items, for whoever checks cars in."""
    ensure_permission(user, VIEW_ORDERS)
    return ServiceItem.objects.filter(organisation_id=user.organisation_id, active=True)


def in_shop(user, text: str = "") -> QuerySet[RepairOrder]:
    """The board: the branch's cars checked in and not yet picked up, longest waiting first.

    What was typed finds an order by the shop's own repair-order number (prefix, any case) or
    by its customer as the customer search does (name, pinyin, phone, last 4 digits, plate).
    """
    from aftercare.customers.models import Customer
    from aftercare.customers.queries import search_condition

    orders = visible_orders(user).filter(picked_up_at__isnull=True)
    text = text.strip()
    if text:
        customers = Customer.objects.filter(search_condition(text)).values("pk")
        orders = orders.filter(
            Q(shop_order_number__istartswith=text) | Q(customer_id__in=customers)
        )
    return (
        orders.select_related("vehicle", "customer", "advisor", "branch")
        .prefetch_related("items")
        .order_by("checked_in_at", "id")
    )


def age_label(since: datetime, now: datetime) -> str:
    """How long a car has been in the shop: minutes in the first hour, hours for the first two
    days, then days — what a desk reads at a glance."""
    age = max(now - since, timedelta(0))
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        minutes = int(age.total_seconds() // 60)
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return ngettext("%(n)s day", "%(n)s days", age.days) % {"n": age.days}


@dataclass
class BoardRow:
    order: RepairOrder
    age: str
    waiting: str  # since when it waits for pick-up, or ""


def board(user, now: datetime, text: str = "") -> dict[str, list[BoardRow]]:
    """The board's two columns: still in work, and ready and waiting for the customer."""
    columns: dict[str, list[BoardRow]] = {"in_work": [], "ready": []}
    for order in in_shop(user, text):
        waiting = age_label(order.ready_at, now) if order.ready_at else ""
        row = BoardRow(order, age_label(order.checked_in_at, now), waiting)
        columns["ready" if order.ready_at else "in_work"].append(row)
    return columns


def catalogue_for(user) -> QuerySet[ServiceItem]:
    """Every item of the organisation's catalogue, inactive ones too, for who maintains it."""
    ensure_permission(user, "workshop.change_serviceitem")
    items = ServiceItem.objects.select_related("organisation").order_by("-active", "kind", "code")
    return items if user.is_superuser else items.filter(organisation_id=user.organisation_id)
