"""Read side of the workshop: repair orders and the service-item catalogue, scoped by user."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

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


def catalogue_for(user) -> QuerySet[ServiceItem]:
    """Every item of the organisation's catalogue, inactive ones too, for who maintains it."""
    ensure_permission(user, "workshop.change_serviceitem")
    items = ServiceItem.objects.select_related("organisation").order_by("-active", "kind", "code")
    return items if user.is_superuser else items.filter(organisation_id=user.organisation_id)
