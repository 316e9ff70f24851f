"""Check-in, pick-up and consultation: the events that start the after-sales clock."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.customers import actions as customer_actions
from aftercare.errors import Errors, InvalidInput
from aftercare.followups import actions as followup_actions
from aftercare.moments import event_moment
from aftercare.obligations.actions import open_obligation
from aftercare.org.access import ensure_allowed, ensure_allowed_in
from aftercare.workshop.models import Consultation, RepairOrder, ServiceItem


def followup_owner(customer, fallback):
    """The customer's designated follow-up advisor owns follow-up work; else who served them."""
    return customer.followup_advisor or fallback


def _title(customer, vehicle=None) -> str:
    return f"{customer.name} {vehicle.plate}" if vehicle else customer.name


def _resolve_items(organisation, items, errors: Errors):
    """Items by catalogue code or id; unknown ones are reported, not ignored."""
    codes = [str(item) for item in items or []]
    found = {
        key: item
        for item in ServiceItem.objects.filter(organisation=organisation, active=True)
        for key in (item.code, str(item.pk))
        if key in codes
    }
    for index, code in enumerate(codes):
        if code not in found:
            errors.add(f"items.{index}", _("Unknown service item “%(code)s”.") % {"code": code})
    return list({item.pk: item for item in found.values()}.values())


@transaction.atomic
def check_in(vehicle, *, by, at=None, mileage=None, description="", items=()) -> RepairOrder:
    """DS-1 and DS-2 open at check-in: archive the customer and plan the next service."""
    customer = vehicle.customer
    branch = customer.branch
    ensure_allowed(by, "workshop.add_repairorder", branch)
    at = event_moment(at, field="checked_in_at")
    errors = Errors()
    if mileage is not None and (mileage < 0 or mileage > 3_000_000):
        errors.add("mileage", _("Enter kilometres between 0 and 3,000,000."))
    elif mileage is not None and vehicle.mileage is not None and mileage < vehicle.mileage:
        errors.add(
            "mileage",
            _("The mileage is lower than the last reading (%(km)s km).") % {"km": vehicle.mileage},
        )
    resolved = _resolve_items(branch.organisation, items, errors)
    errors.raise_if_any(_("The vehicle cannot be checked in."))
    order = RepairOrder.objects.create(
        branch=branch,
        vehicle=vehicle,
        customer=customer,
        advisor=by,
        checked_in_at=at,
        mileage=mileage,
        description=description,
    )
    order.items.set(resolved)
    customer_actions.record_mileage(
        vehicle, km=mileage, on=timezone.localtime(at, branch.organisation.tz).date()
    )
    _open_archive_and_plan(customer, vehicle, by=by, at=at, subject=order)
    return order


def _open_archive_and_plan(customer, vehicle, *, by, at, subject) -> None:
    owner = followup_owner(customer, by)
    title = _title(customer, vehicle)
    for rule in ("DS-1", "DS-2"):
        open_obligation(
            rule, branch=customer.branch, owner=owner, event_at=at, customer=customer,
            subject=subject, title=title,
        )  # fmt: skip
    followup_actions.draft_plan(customer, at=at)
    customer_actions.refresh_archive(customer, by=by, at=at)


@transaction.atomic
def record_pickup(order: RepairOrder, *, by, at=None) -> RepairOrder:
    """DS-3 opens at pick-up; a maintenance visit restarts the maintenance cycle."""
    ensure_allowed(by, "workshop.change_repairorder", order.branch)
    order = RepairOrder.objects.select_for_update().get(pk=order.pk)
    at = event_moment(at, field="picked_up_at")
    if order.picked_up_at is not None:
        raise InvalidInput(
            _("This vehicle was already picked up."),
            code="already_picked_up",
            fields={"picked_up_at": [_("This vehicle was already picked up.")]},
        )
    if at < order.checked_in_at:
        message = _("The pick-up cannot be before the check-in.")
        raise InvalidInput(message, fields={"picked_up_at": [message]})
    order.picked_up_at = at
    order.save(update_fields=["picked_up_at"])
    customer = order.customer
    if order.includes_maintenance:
        local = timezone.localtime(at, order.branch.organisation.tz).date()
        customer_actions.record_maintenance(order.vehicle, on=local, km=order.mileage)
        customer_actions.refresh_archive(customer, by=by, at=at)
    open_obligation(
        "DS-3", branch=order.branch, owner=followup_owner(customer, order.advisor), event_at=at,
        customer=customer, subject=order, title=_title(customer, order.vehicle),
    )  # fmt: skip
    return order


@transaction.atomic
def record_consultation(customer, *, by, at=None, channel="walk_in", notes="", vehicle=None):
    """A consultation without a repair order opens DS-1, DS-2 and, as it ends, DS-3."""
    ensure_allowed(by, "workshop.add_consultation", customer.branch)
    at = event_moment(at, field="occurred_at")
    errors = Errors()
    if channel not in Consultation.Channel.values:
        errors.add("channel", _("Unknown channel."))
    if vehicle is not None and vehicle.customer_id != customer.pk:
        errors.add("vehicle_id", _("This vehicle belongs to another customer."))
    errors.raise_if_any(_("The consultation cannot be recorded."))
    visit = Consultation.objects.create(
        branch=customer.branch, customer=customer, advisor=by, occurred_at=at, channel=channel,
        notes=notes,
    )  # fmt: skip
    _open_archive_and_plan(customer, vehicle, by=by, at=at, subject=visit)
    open_obligation(
        "DS-3", branch=customer.branch, owner=followup_owner(customer, by), event_at=at,
        customer=customer, subject=visit, title=_title(customer, vehicle),
    )  # fmt: skip
    return visit


# ------------------------------------------------------------- the service-item catalogue


def _check_item(organisation, code: str, name: str, kind: str, errors: Errors, *, instance=None):
    from django.utils.text import slugify

    if not code or slugify(code) != code:
        errors.add("code", _("Use lower-case letters, digits and hyphens for the code."))
    else:
        # Imports and the API name items by code: it is unique in the organisation.
        taken = ServiceItem.objects.filter(organisation=organisation, code=code)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.add("code", _("Another service item already has this code."))
    if not name.strip():
        errors.add("name", _("Enter the service item's name."))
    if kind not in ServiceItem.Kind.values:
        errors.add("kind", _("Choose the kind of service item."))


@transaction.atomic
def create_service_item(organisation, *, by, code: str, name: str, kind: str) -> ServiceItem:
    """A new line of the catalogue that advisors pick at check-in."""
    ensure_allowed_in(by, "workshop.add_serviceitem", organisation)
    errors = Errors()
    _check_item(organisation, code, name, kind, errors)
    errors.raise_if_any(_("The service item cannot be created."))
    item = ServiceItem(organisation=organisation, code=code, name=name.strip(), kind=kind)
    item._history_user = by  # who changed it, for the history row
    item.save()
    return item


@transaction.atomic
def update_service_item(item: ServiceItem, *, by, code: str, name: str, kind: str,
                        active: bool) -> ServiceItem:  # fmt: skip
    """Edit or deactivate a catalogue line; repair orders that used it keep it (no deletion)."""
    ensure_allowed_in(by, "workshop.change_serviceitem", item.organisation)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    errors = Errors()
    _check_item(item.organisation, code, name, kind, errors, instance=item)
    errors.raise_if_any(_("The service item cannot be changed."))
    item.code, item.name, item.kind, item.active = code, name.strip(), kind, active
    item._history_user = by  # who changed it, for the history row
    item.save()
    return item
