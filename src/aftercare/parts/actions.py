"""The only writers of the parts app: the catalogue, stock movements, reservations and their
serving order (BS-12), installations on equipment. One transaction each; the actor first.

Every movement locks its part's ``StockLevel`` row in that store, then writes the ledger line
with the balance after it and the level in the same transaction, then serves the reservations
again (``allocate``). So stock is never negative (the level's CHECK constraint stands behind the
check below) and twenty engineers issuing the last unit at once get one success and nineteen
clear refusals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.contracts.choices import CoverageKind
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.moments import event_moment
from aftercare.money import parse_money, to_decimal
from aftercare.obligations.actions import (
    cancel_superseded,
    first_supervisor,
    fulfil_pending,
    open_obligation,
)
from aftercare.obligations.models import Obligation
from aftercare.org.access import ensure_allowed, ensure_allowed_in
from aftercare.org.models import Branch, User
from aftercare.org.roles import Role
from aftercare.parts.choices import (
    OPEN_RESERVATION_STATES,
    WHOLE_UNITS,
    MovementKind,
    ReservationState,
    Unit,
)
from aftercare.parts.models import (
    Installation,
    Part,
    Reservation,
    StockLevel,
    StockMovement,
    Store,
)
from aftercare.servicedesk.models import Ticket
from aftercare.sites.models import Equipment
from aftercare.standard.deadlines import last_covered_day

RULE = "BS-12"
RESERVATION_CANCELLED = json.dumps({"code": "reservation_cancelled"})
#: A reservation closed by the resolve step (its reason is worded when shown).
TICKET_RESOLVED = "ticket_resolved"
MAX_QUANTITY = Decimal("1000000")


# -- input --------------------------------------------------------------------------------------


def parse_quantity(
    value: Any, *, unit: str, field: str, errors: Errors, signed: bool = False
) -> Decimal:
    """A quantity in the part's unit: whole for pieces, sets and boxes, up to three decimals
    for metres and litres; above zero (or, `signed`, anything but zero)."""
    number = to_decimal(value)
    if number is None:
        errors.add(field, _("Give a quantity such as 2."))
        return Decimal(0)
    if unit in WHOLE_UNITS and number != number.to_integral_value():
        errors.add(
            field,
            _("This part is counted in whole units (%(unit)s).") % {"unit": Unit(unit).label},
        )
        return Decimal(0)
    if number != number.quantize(Decimal("0.001")):
        errors.add(field, _("A quantity has at most three decimal places."))
        return Decimal(0)
    if (number == 0) or (number < 0 and not signed) or abs(number) > MAX_QUANTITY:
        errors.add(
            field,
            _("Give a quantity other than 0.") if signed else _("Give a quantity above 0."),
        )
        return Decimal(0)
    return number


def _text(value: Any, *, field: str, errors: Errors, max_length: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(field, _("At most %(n)s characters.") % {"n": max_length})
    return text


def _warranty_months(value: Any, errors: Errors) -> int:
    try:
        months = int(str(value))
        if str(value).strip() != str(months) or not 0 <= months <= 240:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("warranty_months", _("Give the warranty in whole months (0 to 240)."))
        return 0
    return months


# -- the catalogue -------------------------------------------------------------------------------


@transaction.atomic
def create_part(
    *,
    by: User,
    code: Any,
    name: Any,
    unit_cost: Any,
    unit: Any = Unit.PIECE,
    warranty_months: Any = 0,
) -> Part:
    """A new catalogue line of the actor's organisation (codes are unique in it)."""
    organisation = by.organisation
    ensure_allowed_in(by, "parts.add_part", organisation)
    assert organisation is not None
    errors = Errors()
    code_text = _text(code, field="code", errors=errors, max_length=40, required=True)
    name_text = _text(name, field="name", errors=errors, max_length=200, required=True)
    if unit not in Unit.values:
        errors.add("unit", _("Choose a unit."))
    cost = parse_money(unit_cost, field="unit_cost", errors=errors)
    months = _warranty_months(warranty_months, errors)
    if code_text and Part.objects.filter(organisation=organisation, code=code_text).exists():
        errors.add("code", _("Another part already has this code."))
    errors.raise_if_any(_("The part cannot be saved."))
    return Part.objects.create(
        organisation=organisation,
        code=code_text,
        name=name_text,
        unit=unit,
        unit_cost=cost,
        warranty_months=months,
    )


@transaction.atomic
def change_part(
    part: Part,
    *,
    by: User,
    name: Any = None,
    unit_cost: Any = None,
    warranty_months: Any = None,
    active: bool | None = None,
) -> Part:
    """Change what the catalogue says (the history keeps every earlier value; ledger lines and
    bills keep the cost of their moment)."""
    ensure_allowed_in(by, "parts.change_part", part.organisation)
    errors = Errors()
    if name is not None:
        part.name = _text(name, field="name", errors=errors, max_length=200, required=True)
    if unit_cost is not None:
        part.unit_cost = parse_money(unit_cost, field="unit_cost", errors=errors)
    if warranty_months is not None:
        part.warranty_months = _warranty_months(warranty_months, errors)
    if active is not None:
        part.active = bool(active)
    errors.raise_if_any(_("The part cannot be saved."))
    part.save()
    return part


def default_store(branch: Branch) -> Store:
    """The branch's default store, made on first need."""
    store, _created = Store.objects.get_or_create(branch=branch, is_default=True)
    return store


# -- the ledger ----------------------------------------------------------------------------------


def _level(part: Part, store: Store) -> StockLevel:
    """The part's level in the store, locked for the rest of the transaction."""
    StockLevel.objects.get_or_create(part=part, store=store)
    return StockLevel.objects.select_for_update().get(part=part, store=store)


def _issued_to(ticket: Ticket, part: Part) -> Decimal:
    """Net quantity of a part issued to a ticket (issues less returns)."""
    total = StockMovement.objects.filter(
        ticket=ticket, part=part, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
    ).aggregate(total=Sum("quantity"))["total"]
    return -(total or Decimal(0))


def _write(
    level: StockLevel,
    *,
    by: User,
    kind: str,
    quantity: Decimal,
    at: datetime,
    reason: str = "",
    ticket: Ticket | None = None,
) -> StockMovement:
    level.on_hand += quantity
    line = StockMovement.objects.create(
        part=level.part,
        store=level.store,
        kind=kind,
        quantity=quantity,
        balance_after=level.on_hand,
        unit_cost=level.part.unit_cost,
        ticket=ticket,
        reason=reason,
        at=at,
        by=by,
    )
    level.save(update_fields=["on_hand"])
    return line


def _refuse_short(level: StockLevel, wanted: Decimal, own_served: Decimal) -> None:
    """More than is free (on hand less what other tickets' served reservations hold)."""
    free = level.on_hand - (level.reserved - own_served)
    if wanted > free:
        message = _(
            "Only %(free)s %(unit)s of %(part)s are free in this store (%(on_hand)s on hand, "
            "%(held)s held for other tickets)."
        ) % {
            "free": _plain(max(free, Decimal(0))),
            "unit": Unit(level.part.unit).label,
            "part": level.part.code,
            "on_hand": _plain(level.on_hand),
            "held": _plain(level.reserved - own_served),
        }
        raise InvalidInput(message, code="not_enough_stock", fields={"quantity": [message]})


def _plain(number: Decimal) -> str:
    """2.000 → "2", 1.500 → "1.5"."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def record_movement(
    *,
    by: User,
    part: Part,
    kind: Any,
    quantity: Any,
    reason: Any = "",
    store: Store | None = None,
    ticket: Ticket | None = None,
    at: datetime | None = None,
) -> StockMovement:
    """A receipt, an adjustment (signed, with a reason), or an issue to / return from a ticket,
    in a store of the actor's branch (its default store unless given)."""
    errors = Errors()
    if kind not in MovementKind.values:
        errors.add("kind", _("Choose receipt, issue, return or adjustment."))
        errors.raise_if_any(_("The movement cannot be recorded."))
    if store is None:
        branch = ticket.branch if ticket is not None else by.branch
        if branch is None:
            errors.add("store_id", _("Choose the store."))
            errors.raise_if_any(_("The movement cannot be recorded."))
        assert branch is not None
        store = default_store(branch)
    ensure_allowed(by, "parts.add_stockmovement", store.branch)
    if part.organisation_id != store.branch.organisation_id:
        errors.add("part_id", _("Unknown part."))
    amount = parse_quantity(
        quantity, unit=part.unit, field="quantity", errors=errors,
        signed=kind == MovementKind.ADJUSTMENT,
    )  # fmt: skip
    why = _text(
        reason, field="reason", errors=errors, max_length=300,
        required=kind == MovementKind.ADJUSTMENT,
    )  # fmt: skip
    if kind in (MovementKind.ISSUE, MovementKind.RETURN) and ticket is None:
        errors.add("ticket_id", _("Name the ticket the part goes to or comes back from."))
    if ticket is not None and ticket.branch_id != store.branch_id:
        errors.add("ticket_id", _("The ticket is not of this store's branch."))
    errors.raise_if_any(_("The movement cannot be recorded."))
    moment = event_moment(at)
    if kind == MovementKind.ISSUE:
        assert ticket is not None
        return _issue(by=by, part=part, store=store, ticket=ticket, quantity=amount, at=moment)
    level = _level(part, store)
    if kind == MovementKind.RETURN:
        assert ticket is not None
        if amount > _issued_to(ticket, part):
            message = _("More than was issued to this ticket cannot come back from it.")
            raise InvalidInput(message, fields={"quantity": [message]})
    if kind == MovementKind.ADJUSTMENT and amount < 0:
        _refuse_short(level, -amount, Decimal(0))
    line = _write(
        level, by=by, kind=kind, at=moment, reason=why, ticket=ticket,
        quantity=amount,
    )  # fmt: skip
    allocate(level, at=moment, by=by)
    return line


def _issue(
    *, by: User, part: Part, store: Store, ticket: Ticket, quantity: Decimal, at: datetime
) -> StockMovement:
    """Out of the store to the ticket: its own served reservations are used first (and closed),
    the rest must be free stock."""
    level = _level(part, store)
    own = list(
        Reservation.objects.select_for_update()
        .filter(part=part, store=store, ticket=ticket, state=ReservationState.SERVED)
        .order_by("requested_at", "id")
    )
    own_served = sum((row.quantity for row in own), Decimal(0))
    _refuse_short(level, quantity, own_served)
    left = quantity
    for row in own:
        if left <= 0:
            break
        if row.quantity <= left:
            left -= row.quantity
            row.state, row.closed_at = ReservationState.ISSUED, at
            row.save(update_fields=["state", "closed_at"])
            level.reserved -= row.quantity
        else:  # part of it is used now; the rest stays held for the ticket
            row.quantity -= left
            row.save(update_fields=["quantity"])
            level.reserved -= left
            left = Decimal(0)
    level.save(update_fields=["reserved"])
    line = _write(level, by=by, kind=MovementKind.ISSUE, quantity=-quantity, at=at, ticket=ticket)
    allocate(level, at=at, by=by)
    return line


# -- reservations --------------------------------------------------------------------------------


@transaction.atomic
def reserve(
    *, by: User, part: Part, quantity: Any, ticket: Ticket, at: datetime | None = None
) -> Reservation:
    """Hold stock of the ticket's branch store for the ticket. Whether it is served now depends
    on the serving order (covered owners first, then the oldest), not on who asked first."""
    ensure_allowed(by, "parts.add_reservation", ticket.branch)
    errors = Errors()
    if part.organisation_id != ticket.branch.organisation_id:
        errors.add("part_id", _("Unknown part."))
    amount = parse_quantity(quantity, unit=part.unit, field="quantity", errors=errors)
    if not ticket.is_open:
        errors.add("ticket_id", _("The ticket is resolved: nothing more is reserved for it."))
    errors.raise_if_any(_("The reservation cannot be recorded."))
    moment = event_moment(at)
    store = default_store(ticket.branch)
    level = _level(part, store)
    reservation = Reservation.objects.create(
        part=part,
        store=store,
        ticket=ticket,
        quantity=amount,
        coverage=ticket.coverage,
        covered=ticket.coverage in (CoverageKind.WARRANTY, CoverageKind.CONTRACT),
        requested_at=moment,
        requested_by=by,
    )
    allocate(level, at=moment, by=by, fresh=reservation.pk)
    reservation.refresh_from_db()
    return reservation


@transaction.atomic
def cancel_reservation(reservation: Reservation, *, by: User, reason: Any = "") -> Reservation:
    ensure_allowed(by, "parts.add_reservation", reservation.store.branch)
    level = _level(reservation.part, reservation.store)
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.state not in OPEN_RESERVATION_STATES:
        raise Conflict(_("This reservation is already closed."), code="reservation_closed")
    errors = Errors()
    why = _text(reason, field="reason", errors=errors, max_length=300, required=False)
    errors.raise_if_any()
    now = timezone.now()
    _close(reservation, at=now, reason=why)
    allocate(level, at=now, by=by)
    return reservation


def _close(reservation: Reservation, *, at: datetime, reason: str) -> None:
    reservation.state = ReservationState.CANCELLED
    reservation.closed_at = at
    reservation.cancel_reason = reason
    reservation.save(update_fields=["state", "closed_at", "cancel_reason"])
    for duty in _duties(reservation).filter(done_at__isnull=True, cancelled_at__isnull=True):
        cancel_superseded(duty, at=at, reason=RESERVATION_CANCELLED)


def _duties(reservation: Reservation) -> Any:
    return Obligation.objects.filter(
        rule=RULE,
        subject_type=ContentType.objects.get_for_model(Reservation),
        subject_id=reservation.pk,
    )


def serving_order(part: Part, store: Store) -> Any:
    """Open reservations in the order they are served: covered owners first, then the oldest
    (the index ``reservation_open_order``)."""
    return Reservation.objects.filter(
        part=part, store=store, state__in=OPEN_RESERVATION_STATES
    ).order_by("-covered", "requested_at", "id")


def allocate(level: StockLevel, *, at: datetime, by: User, fresh: int | None = None) -> None:
    """Serve the open reservations of the level's part and store from its stock on hand, in
    serving order, without overtaking: once one cannot be served, the ones after it wait too
    (a large covered job is not starved by small ones behind it). A reservation that starts
    waiting opens BS-12 for the parts clerk; one that is served fulfils it. The caller holds
    the level's lock."""
    remaining = level.on_hand
    held = Decimal(0)
    blocked = False
    for row in serving_order(level.part, level.store).select_for_update():
        served = not blocked and row.quantity <= remaining
        if served:
            remaining -= row.quantity
            held += row.quantity
        else:
            blocked = True
        state = ReservationState.SERVED if served else ReservationState.WAITING
        if state == row.state and row.pk != fresh:
            continue
        row.state = state
        row.served_at = at if served else None
        row.save(update_fields=["state", "served_at"])
        if served:
            fulfil_pending(RULE, by=by, at=at, subject=row)
        elif not _duties(row).filter(done_at__isnull=True, cancelled_at__isnull=True).exists():
            _open_duty(row, at)
    if level.reserved != held:
        level.reserved = held
        level.save(update_fields=["reserved"])


def parts_clerk(branch: Branch) -> User | None:
    """Who procures for a branch: its first parts clerk, else its first supervisor."""
    clerk = (
        User.objects.filter(is_active=True, branch_id=branch.pk, groups__name=Role.PARTS_CLERK)
        .order_by("pk")
        .first()
    )
    return clerk or first_supervisor(branch)


def _open_duty(reservation: Reservation, at: datetime) -> None:
    branch = reservation.store.branch
    owner = parts_clerk(branch)
    if owner is None:
        raise Conflict(
            _("The branch has no parts clerk, supervisor or administrator to procure parts."),
            code="no_parts_clerk",
        )
    ticket = reservation.ticket
    open_obligation(
        RULE,
        branch=branch,
        owner=owner,
        event_at=at,
        customer=ticket.site.customer,
        subject=reservation,
        title_key="part_needed",
        title_params={
            "code": reservation.part.code,
            "name": reservation.part.name,
            "quantity": _plain(reservation.quantity),
            "number": ticket.number,
        },
    )


# -- installation --------------------------------------------------------------------------------


def warranty_of_installation(part: Part, installed_on: date) -> tuple[date | None, date | None]:
    """(first, last covered day) of a part's own warranty from its installation day; None,
    None for a part without one."""
    if part.warranty_months <= 0:
        return None, None
    return installed_on, last_covered_day(installed_on, part.warranty_months)


@transaction.atomic
def install(
    *,
    by: User,
    part: Part,
    equipment: Equipment,
    at: datetime | None = None,
    serial: Any = "",
    ticket: Ticket | None = None,
    movement: StockMovement | None = None,
) -> Installation:
    """Record a part fitted to an equipment item. The part's own warranty runs from the
    installation day for its months, and the item's coverage follows it
    (``contracts.queries.coverage`` reads the item's own warranty first) — unless the item is
    already covered longer, which the installation does not shorten."""
    branch = equipment.system.site.branch
    ensure_allowed(by, "parts.add_installation", branch)
    errors = Errors()
    if part.organisation_id != branch.organisation_id:
        errors.add("part_id", _("Unknown part."))
    serial_text = _text(serial, field="serial", errors=errors, max_length=100, required=False)
    if equipment.removed_on is not None:
        errors.add("equipment_id", _("This item was replaced; fit the part to its successor."))
    errors.raise_if_any(_("The installation cannot be recorded."))
    moment = event_moment(at)
    day = timezone.localtime(moment, branch.organisation.tz).date()
    starts, ends = warranty_of_installation(part, day)
    installation = Installation.objects.create(
        part=part,
        equipment=equipment,
        ticket=ticket,
        movement=movement,
        installed_at=moment,
        serial=serial_text,
        warranty_starts_on=starts,
        warranty_ends_on=ends,
        by=by,
    )
    current = equipment.warranty_ends_on if equipment.own_warranty else None
    system_end = equipment.system.warranty_ends_on
    longest = max((d for d in (current, system_end) if d is not None), default=None)
    if ends is not None and (longest is None or ends > longest):
        equipment.warranty_starts_on = starts
        equipment.warranty_ends_on = ends
        equipment.own_warranty = True
        equipment.save(update_fields=["warranty_starts_on", "warranty_ends_on", "own_warranty"])
    return installation


# -- the hotline's resolve step -------------------------------------------------------------------


@dataclass(frozen=True)
class _Use:
    part: Part
    quantity: Decimal
    equipment: Equipment | None
    serial: str


def use_on_ticket(
    ticket: Ticket, *, by: User, at: datetime, parts: Iterable[Mapping[str, Any]]
) -> list[StockMovement]:
    """The parts an engineer used to fix a ticket (``servicedesk.actions.resolve`` calls this
    through the app's ``ticket_resolved`` listener, inside its transaction): each is issued to
    the ticket from its branch's store and, with an equipment item, installed on it. Every
    line is checked before any is written; errors name the line (``parts[1].quantity``). The
    ticket's reservations not used are cancelled: the ticket needs nothing more."""
    errors = Errors()
    uses: list[_Use] = []
    organisation_id = ticket.branch.organisation_id
    for index, line in enumerate(parts):
        where = f"parts[{index}]"
        part = Part.objects.filter(
            pk=_int(line.get("part_id")) or 0, organisation_id=organisation_id
        ).first()
        if part is None:
            errors.add(f"{where}.part_id", _("Unknown part."))
            continue
        quantity = parse_quantity(
            line.get("quantity"), unit=part.unit, field=f"{where}.quantity", errors=errors
        )
        equipment = None
        if line.get("equipment_id") not in (None, ""):
            equipment = (
                Equipment.objects.select_related("system__site__branch__organisation")
                .filter(pk=_int(line.get("equipment_id")) or 0, system__site_id=ticket.site_id)
                .first()
            )
            if equipment is None:
                errors.add(f"{where}.equipment_id", _("This item is not at the ticket's site."))
        serial = _text(
            line.get("serial"), field=f"{where}.serial", errors=errors, max_length=100,
            required=False,
        )  # fmt: skip
        uses.append(_Use(part, quantity, equipment, serial))
    errors.raise_if_any(_("The parts used cannot be recorded."))
    store = default_store(ticket.branch)
    lines: list[StockMovement] = []
    for use in uses:
        issued = _issue(
            by=by, part=use.part, store=store, ticket=ticket, quantity=use.quantity, at=at
        )
        lines.append(issued)
        if use.equipment is not None:
            install(
                by=by, part=use.part, equipment=use.equipment, at=at, serial=use.serial,
                ticket=ticket, movement=issued,
            )  # fmt: skip
    for reservation in Reservation.objects.filter(
        ticket=ticket, state__in=OPEN_RESERVATION_STATES
    ).select_related("part", "store"):
        level = _level(reservation.part, reservation.store)
        _close(reservation, at=at, reason=TICKET_RESOLVED)
        allocate(level, at=at, by=by)
    return lines


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def ticket_resolved(
    ticket: Ticket, *, by: User, at: datetime, parts: Iterable[Mapping[str, Any]]
) -> bool:
    """The resolve step's listener (``aftercare.apps.ticket_resolved``): the parts used, and
    the ticket's open reservations closed. Answers True: the parts are taken."""
    use_on_ticket(ticket, by=by, at=at, parts=parts)
    return True
