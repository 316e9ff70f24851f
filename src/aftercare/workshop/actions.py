"""Check-in, pick-up and consultation: the events that start the after-sales clock."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.customers import actions as customer_actions
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.followups import actions as followup_actions
from aftercare.moments import event_moment
from aftercare.obligations.actions import cancel_superseded, open_obligation
from aftercare.obligations.models import Obligation, replaced_by_visit
from aftercare.org.access import ensure_allowed, ensure_allowed_in
from aftercare.workshop.models import Consultation, RepairOrder, ServiceItem


def followup_owner(customer, fallback):
    """The customer's designated follow-up advisor owns follow-up work; else who served them."""
    return customer.followup_advisor or fallback


def _title(customer, vehicle=None) -> dict:
    """The title of DS-1, DS-2, DS-3 (and DS-6, copied): names and plates, in no language."""
    if vehicle is not None:
        return {
            "title_key": "customer_vehicle",
            "title_params": {"customer": customer.name, "plate": vehicle.plate},
        }
    return {"title_key": "customer", "title_params": {"customer": customer.name}}


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


MAX_EXTRA_ITEMS = 20
MAX_EXTRA_ITEM_LENGTH = 200


def _clean_extra_items(lines, errors: Errors) -> list[str]:
    """Free-text items beside the catalogue: trimmed, blank lines dropped, duplicates once."""
    cleaned: list[str] = []
    for index, line in enumerate(lines or []):
        text = " ".join(str(line).split())
        if len(text) > MAX_EXTRA_ITEM_LENGTH:
            errors.add(
                f"extra_items.{index}",
                _("An item is at most %(n)s characters.") % {"n": MAX_EXTRA_ITEM_LENGTH},
            )
        elif text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_EXTRA_ITEMS:
        errors.add("extra_items", _("At most %(n)s other items.") % {"n": MAX_EXTRA_ITEMS})
    return cleaned


def _clean_shop_number(branch, number, errors: Errors, *, order=None) -> str:
    """The shop's own repair-order number: optional, but one order per number in a branch."""
    number = (number or "").strip()
    if len(number) > 30:
        errors.add("shop_order_number", _("At most 30 characters."))
    elif number:
        taken = RepairOrder.objects.filter(branch=branch, shop_order_number=number)
        if order is not None:
            taken = taken.exclude(pk=order.pk)
        if taken.exists():
            errors.add(
                "shop_order_number",
                _("Repair order %(number)s is already on file in this branch.")
                % {"number": number},
            )
    return number


@transaction.atomic
def check_in(
    vehicle, *, by, at=None, mileage=None, description="", items=(), extra_items=(),
    shop_order_number="",
) -> RepairOrder:  # fmt: skip
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
    extra = _clean_extra_items(extra_items, errors)
    number = _clean_shop_number(branch, shop_order_number, errors)
    errors.raise_if_any(_("The vehicle cannot be checked in."))
    order = RepairOrder.objects.create(
        branch=branch,
        vehicle=vehicle,
        customer=customer,
        advisor=by,
        checked_in_at=at,
        mileage=mileage,
        description=description,
        extra_items=extra,
        shop_order_number=number,
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
            subject=subject, **title,
        )  # fmt: skip
    followup_actions.draft_plan(customer, at=at)
    customer_actions.refresh_archive(customer, by=by, at=at)


def _ensure_in_shop(order: RepairOrder) -> None:
    if order.picked_up_at is not None:
        raise InvalidInput(
            _("This vehicle was already picked up."),
            code="already_picked_up",
            fields={"picked_up_at": [_("This vehicle was already picked up.")]},
        )


@transaction.atomic
def mark_ready(order: RepairOrder, *, by, at=None) -> RepairOrder:
    """The workshop is done: the board shows the car as waiting for pick-up from `at` on."""
    ensure_allowed(by, "workshop.change_repairorder", order.branch)
    order = RepairOrder.objects.select_for_update().get(pk=order.pk)
    at = event_moment(at, field="ready_at")
    _ensure_in_shop(order)
    if order.ready_at is not None:
        raise Conflict(_("This vehicle is already marked ready."), code="already_ready")
    if at < order.checked_in_at:
        message = _("The car cannot be ready before the check-in.")
        raise InvalidInput(message, fields={"ready_at": [message]})
    order.ready_at = at
    order.save(update_fields=["ready_at"])
    return order


@transaction.atomic
def set_shop_order_number(order: RepairOrder, *, by, number: str) -> RepairOrder:
    """The shop's own number often comes after check-in, from the dealer system; the history
    keeps what it was before a correction."""
    ensure_allowed(by, "workshop.change_repairorder", order.branch)
    order = RepairOrder.objects.select_for_update().get(pk=order.pk)
    errors = Errors()
    number = _clean_shop_number(order.branch, number, errors, order=order)
    errors.raise_if_any(_("The repair-order number cannot be saved."))
    order.shop_order_number = number
    order.save(update_fields=["shop_order_number"])
    return order


def _move_first_followup(new, vehicle, *, at) -> None:
    """One pending first follow-up per vehicle (DS-3): a new visit with the same car replaces
    the older pending call, which is cancelled with the visit's date as its reason. Both stay
    on file, so the figures show the replaced duty as cancelled, not as missed."""
    if new is None or vehicle is None:
        return
    day = timezone.localtime(at, new.organisation.tz).date()
    older = Obligation.objects.pending().filter(rule="DS-3", customer_id=new.customer_id)
    older = older.exclude(pk=new.pk).filter(triggered_at__lte=at)
    orders = RepairOrder.objects.filter(vehicle=vehicle).values("pk")
    visits = Consultation.objects.filter(vehicle=vehicle).values("pk")
    older = older.filter(
        Q(subject_type=ContentType.objects.get_for_model(RepairOrder), subject_id__in=orders)
        | Q(subject_type=ContentType.objects.get_for_model(Consultation), subject_id__in=visits)
    )
    for obligation in older.select_for_update():
        cancel_superseded(obligation, at=at, reason=replaced_by_visit(day))


@transaction.atomic
def record_pickup(order: RepairOrder, *, by, at=None) -> RepairOrder:
    """DS-3 opens at pick-up; a maintenance visit restarts the maintenance cycle."""
    ensure_allowed(by, "workshop.change_repairorder", order.branch)
    order = RepairOrder.objects.select_for_update().get(pk=order.pk)
    at = event_moment(at, field="picked_up_at")
    _ensure_in_shop(order)
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
    first = open_obligation(
        "DS-3", branch=order.branch, owner=followup_owner(customer, order.advisor), event_at=at,
        customer=customer, subject=order, **_title(customer, order.vehicle),
    )  # fmt: skip
    _move_first_followup(first, order.vehicle, at=at)
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
        notes=notes, vehicle=vehicle,
    )  # fmt: skip
    _open_archive_and_plan(customer, vehicle, by=by, at=at, subject=visit)
    first = open_obligation(
        "DS-3", branch=customer.branch, owner=followup_owner(customer, by), event_at=at,
        customer=customer, subject=visit, **_title(customer, vehicle),
    )  # fmt: skip
    _move_first_followup(first, vehicle, at=at)
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
