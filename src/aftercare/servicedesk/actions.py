"""The only writers of hotline tickets and suspensions (BS-7, BS-8, BS-13).

Every action checks its permission and branch first, refuses bad input with every problem at
once (422, nothing written), appends to the ticket's event log and recomputes the clocks from
the whole log (``clocks.recompute``). Moments are never in the future and never before the
ticket's last event, so the log reads in order.

Who may do what: the hotline desk (``add_ticket``) takes calls; a supervisor
(``dispatch_ticket``) dispatches, changes category or emergency and declares suspensions; the
dispatched engineer (``work_ticket``) arrives, pauses, resumes and resolves — a supervisor may
do that for them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.apps import ticket_resolved
from aftercare.contracts.choices import FaultCategory
from aftercare.contracts.models import Contract
from aftercare.contracts.queries import coverage
from aftercare.errors import Conflict, Errors, InvalidInput, NotAllowed
from aftercare.moments import event_moment, moment_problem
from aftercare.obligations.actions import (
    cancel_superseded,
    first_supervisor,
    fulfil,
    open_obligation,
)
from aftercare.obligations.models import PENDING_Q, Obligation
from aftercare.org.access import ensure_allowed, ensure_owner_of, is_owner, works_in
from aftercare.org.models import Branch, User
from aftercare.records.registers import next_number
from aftercare.servicedesk import clocks
from aftercare.servicedesk.choices import EventKind, PauseReason, SuspensionReason, TicketState
from aftercare.servicedesk.models import EscalationNotice, Suspension, Ticket, TicketEvent
from aftercare.signatures import png_from_base64
from aftercare.sites.models import Equipment, Site, System
from aftercare.standard.calendar import local_date
from aftercare.standard.rules import Rule

REGISTER = "H"
MAX_LABOUR_MINUTES = 100000

# Cancel reasons written by the hotline (rendered by obligations.models.cancel_reason_text).
RESOLVED_REMOTELY = json.dumps({"code": "resolved_remotely"})
NO_FIX_TARGET = json.dumps({"code": "no_fix_target"})


def _required(errors: Errors, field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, _("This field is required."))
    elif len(value) > limit:
        errors.add(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def _optional(errors: Errors, field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors.add(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def _title_params(ticket: Ticket) -> dict[str, Any]:
    return {"number": ticket.number, "site": ticket.site.name}


def _supervisor(branch: Branch) -> User:
    """The branch supervisor who owns a clock until the ticket is dispatched."""
    supervisor = first_supervisor(branch)
    if supervisor is None:
        raise Conflict(
            _("The branch has no supervisor or administrator to answer for the hotline."),
            code="no_supervisor",
        )
    return supervisor


@transaction.atomic
def report(
    *,
    by: User,
    site: Site,
    system: System | None = None,
    equipment: Equipment | None = None,
    caller_name: str,
    caller_phone: str = "",
    category: str,
    emergency: bool = False,
    description: str,
    reported_at: datetime | None = None,
) -> Ticket:
    """Take a call: a hotline register line, its coverage, and its clocks (BS-7; BS-8 for a
    line fault or where the contract sets a fix target; BS-13's targets for an emergency).

    The system may be left out when the equipment item (from its QR label) is given; it must
    be the site's, and the item the system's.
    """
    via_portal = is_owner(by)
    if via_portal:  # the owner's representative reports a fault of their own building
        ensure_owner_of(by, site.customer_id)
    else:
        ensure_allowed(by, "servicedesk.add_ticket", site.branch)
    errors = Errors()
    at = event_moment(reported_at, field="reported_at")
    if equipment is not None:
        if system is None:
            system = equipment.system
        elif equipment.system_id != system.pk:
            errors.add("equipment_id", _("This item is not part of the chosen system."))
    if system is None:
        errors.add("system_id", _("Choose the system at fault."))
    elif system.site_id != site.pk:
        errors.add("system_id", _("This system is not at the chosen site."))
    name = _required(errors, "caller_name", caller_name, 100)
    phone = _optional(errors, "caller_phone", caller_phone, 40)
    text = _required(errors, "description", description, 5000)
    if category not in FaultCategory.values:
        errors.add("category", _("Choose a fault category."))
    errors.raise_if_any(_("The call cannot be recorded."))
    assert system is not None
    branch = site.branch
    organisation = branch.organisation
    covered = coverage(equipment if equipment is not None else system, at)
    contract = covered.contract
    plan = clocks.plan(organisation, category=category, emergency=emergency, contract=contract)
    owner = _supervisor(branch)
    ticket = Ticket(
        branch=branch,
        site=site,
        system=system,
        equipment=equipment,
        caller_name=name,
        caller_phone=phone,
        category=category,
        emergency=emergency,
        description=text,
        reported_at=at,
        recorded_by=by,
        coverage=covered.kind,
        contract=contract,
        calendar=plan.calendar,
        arrival_minutes=plan.arrival_minutes,
        fix_minutes=plan.fix_minutes,
    )
    # A new ticket has no pauses: its clocks are read once, before anything is written, so
    # each row is written once (a suspension already declared for now still counts).
    steps = [(order, minutes) for order, (minutes, _user) in enumerate(plan.escalation, 1)]
    readings = clocks.read(
        ticket, plan.calendar.service_hours(), clocks.branch_stops(branch.pk, at), steps
    )
    ticket.next_due_at = clocks.next_due(readings)
    ticket.number = next_number(branch, REGISTER, local_date(at, organisation.tz).year)
    ticket.save(force_insert=True)
    reported: dict[str, Any] = {"category": category, "emergency": emergency}
    if via_portal:
        reported["via"] = "portal"
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.REPORTED, at=at, by=by, data=reported)
    for rule, reading in readings.clocks.items():
        _open_clock(ticket, rule, owner, clocks.stored_due(reading), plan.rules.get(rule))
    _plan_escalation(ticket, plan, readings.escalation)
    return ticket


def _open_clock(
    ticket: Ticket,
    rule: str,
    owner: User,
    due_at: datetime | None = None,
    setting: Rule | None = None,
) -> Obligation | None:
    """Open a clock; without `due_at`, its moment is written by the recompute that follows."""
    return open_obligation(
        rule,
        rule=setting,
        branch=ticket.branch,
        owner=owner,
        event_at=ticket.reported_at,
        due_at=due_at,
        subject=ticket,
        title_key="ticket_arrival" if rule == clocks.ARRIVAL else "ticket_fix",
        title_params=_title_params(ticket),
    )


def _plan_escalation(
    ticket: Ticket, plan: clocks.Plan, moments: dict[int, datetime | None] | None = None
) -> None:
    for order, (minutes, user_id) in enumerate(plan.escalation, start=1):
        due_at = (moments or {}).get(order)
        EscalationNotice.objects.get_or_create(
            ticket=ticket,
            order=order,
            defaults={"after_minutes": minutes, "user_id": user_id, "due_at": due_at},
        )


def _clocks(ticket: Ticket) -> Any:
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Ticket),
        subject_id=ticket.pk,
        rule__in=clocks.CLOCK_RULES,
    )


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update()
        .select_related("branch__organisation", "site")
        .get(pk=ticket.pk)
    )


def _ensure_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise Conflict(_("This ticket is resolved; its record is closed."), code="ticket_resolved")


def _moment(ticket: Ticket, at: datetime | None, field: str = "at") -> datetime:
    """The event's moment: not in the future, not before the ticket's last event."""
    moment = event_moment(at, field=field)
    last = ticket.events.order_by("-at", "-id").values_list("at", flat=True).first()
    if last is not None and moment < last:
        message = _("This moment is before the ticket's last event (%(last)s).") % {
            "last": timezone.localtime(last, ticket.branch.organisation.tz).strftime(
                "%Y-%m-%d %H:%M"
            )
        }
        raise InvalidInput(message, fields={field: [message]})
    return moment


def _ensure_worker(ticket: Ticket, by: User) -> None:
    """The dispatched engineer, or a supervisor of the branch, may work the ticket."""
    ensure_allowed(by, "servicedesk.work_ticket", ticket.branch)
    if ticket.engineer_id != by.pk and not by.has_perm("servicedesk.dispatch_ticket"):
        raise NotAllowed(_("This ticket is dispatched to someone else."))


def _log(ticket: Ticket, kind: str, at: datetime, by: User, **data: Any) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, at=at, by=by, data=data)


@transaction.atomic
def dispatch(ticket: Ticket, *, engineer: User, by: User, at: datetime | None = None) -> Ticket:
    """Send an engineer; a re-dispatch keeps the earlier one in the log. The pending clocks
    become the engineer's (until now the branch supervisor's)."""
    ensure_allowed(by, "servicedesk.dispatch_ticket", ticket.branch)
    ticket = _locked(ticket)
    _ensure_open(ticket)
    if not (
        engineer.is_active
        and works_in(engineer, ticket.branch)
        and engineer.has_perm("servicedesk.work_ticket")
    ):
        message = _("Choose an active field engineer of the ticket's branch.")
        raise InvalidInput(message, fields={"engineer_id": [message]})
    if engineer.pk == ticket.engineer_id:
        raise Conflict(_("This engineer is already dispatched."), code="already_dispatched")
    at = _moment(ticket, at)
    _log(ticket, EventKind.DISPATCHED, at, by, engineer_id=engineer.pk,
         previous_engineer_id=ticket.engineer_id)  # fmt: skip
    ticket.engineer = engineer
    if ticket.state == TicketState.REPORTED:
        ticket.state = TicketState.DISPATCHED
    ticket.save(update_fields=["engineer", "state"])
    _clocks(ticket).filter(PENDING_Q).update(owner=engineer)
    return ticket


def _coordinate(value: Any, field: str, limit: int, errors: Errors) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Give a number."))
        return None
    if not number.is_finite() or abs(number) > limit:
        errors.add(field, _("Give a number between -%(n)d and %(n)d.") % {"n": limit})
        return None
    return number.quantize(Decimal("0.000001"))


@transaction.atomic
def arrive(
    ticket: Ticket,
    *,
    by: User,
    at: datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> Ticket:
    """The engineer is on site (BS-7 met at `at`), with the position if the phone gave one.
    Arriving ends a pause (the owner let us in)."""
    ticket = _locked(ticket)
    _ensure_worker(ticket, by)
    _ensure_open(ticket)
    if ticket.state != TicketState.DISPATCHED:
        raise Conflict(_("Only a dispatched ticket can be arrived at."), code="not_dispatched")
    errors = Errors()
    lat = _coordinate(latitude, "latitude", 90, errors)
    lon = _coordinate(longitude, "longitude", 180, errors)
    if (lat is None) != (lon is None):
        errors.add("longitude", _("Give both latitude and longitude, or neither."))
    errors.raise_if_any(_("The arrival cannot be recorded."))
    at = _moment(ticket, at)
    if ticket.paused_since is not None:
        _end_pause(ticket, at, by)
    position = {"latitude": None if lat is None else str(lat),
                "longitude": None if lon is None else str(lon)}  # fmt: skip
    _log(ticket, EventKind.ARRIVED, at, by, **position)
    ticket.state = TicketState.ON_SITE
    ticket.arrived_at = at
    ticket.latitude, ticket.longitude = lat, lon
    ticket.save(update_fields=["state", "arrived_at", "latitude", "longitude"])
    for obligation in _clocks(ticket).filter(PENDING_Q, rule=clocks.ARRIVAL):
        fulfil(obligation, by=by, at=at)
    clocks.recompute(ticket)
    return ticket


def _end_pause(ticket: Ticket, at: datetime, by: User) -> None:
    _log(ticket, EventKind.RESUMED, at, by)
    ticket.paused_since = None
    ticket.pause_reason = ""
    ticket.save(update_fields=["paused_since", "pause_reason"])


@transaction.atomic
def pause(ticket: Ticket, *, by: User, reason: str, at: datetime | None = None) -> Ticket:
    """Stop the ticket's clocks for a recorded reason (no access, the owner's request, parts)."""
    ticket = _locked(ticket)
    _ensure_worker(ticket, by)
    _ensure_open(ticket)
    if ticket.paused_since is not None:
        raise Conflict(_("This ticket is already paused."), code="already_paused")
    if reason not in PauseReason.values:
        message = _("Choose why the work is paused.")
        raise InvalidInput(message, fields={"reason": [message]})
    at = _moment(ticket, at)
    _log(ticket, EventKind.PAUSED, at, by, reason=reason)
    ticket.paused_since = at
    ticket.pause_reason = reason
    ticket.save(update_fields=["paused_since", "pause_reason"])
    clocks.recompute(ticket)
    return ticket


@transaction.atomic
def resume(ticket: Ticket, *, by: User, at: datetime | None = None) -> Ticket:
    """Run the clocks again; each due moment moves by the service time the pause took."""
    ticket = _locked(ticket)
    _ensure_worker(ticket, by)
    _ensure_open(ticket)
    if ticket.paused_since is None:
        raise Conflict(_("This ticket is not paused."), code="not_paused")
    at = _moment(ticket, at)
    _end_pause(ticket, at, by)
    clocks.recompute(ticket)
    return ticket


@transaction.atomic
def resolve(
    ticket: Ticket,
    *,
    by: User,
    at: datetime | None = None,
    work_done: str,
    cause: str = "",
    labour_minutes: Any,
    signed_by: str,
    signature_png: Any,
    parts: Sequence[Mapping[str, Any]] = (),
) -> Ticket:
    """The fault is fixed: the visit report (work, cause, labour, the owner's drawn signature)
    is written once and the fix clock is met at `at`. Resolving while paused ends the pause;
    resolving without having arrived (fixed remotely) cancels the arrival clock with that
    reason rather than counting it met. `parts` used (part, quantity, item and serial) go to
    the apps that listen (``aftercare.apps.ticket_resolved``: the parts app issues and installs
    them, billing drafts the bill), in this transaction."""
    ticket = _locked(ticket)
    _ensure_worker(ticket, by)
    _ensure_open(ticket)
    if ticket.state == TicketState.REPORTED:
        raise Conflict(_("Dispatch the ticket before resolving it."), code="not_dispatched")
    errors = Errors()
    work = _required(errors, "work_done", work_done, 5000)
    cause_text = _optional(errors, "cause", cause, 2000)
    signer = _required(errors, "signed_by", signed_by, 100)
    minutes: int | None = None
    try:
        minutes = int(str(labour_minutes))
        if not 0 <= minutes <= MAX_LABOUR_MINUTES:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("labour_minutes", _("Give the labour in whole minutes (0 to 100000)."))
    png = png_from_base64(signature_png, errors)
    errors.raise_if_any(_("The visit report cannot be saved."))
    at = _moment(ticket, at)
    if ticket.paused_since is not None:
        _end_pause(ticket, at, by)
    _log(ticket, EventKind.RESOLVED, at, by, labour_minutes=minutes)
    ticket.state = TicketState.RESOLVED
    ticket.resolved_at = at
    ticket.resolved_by = by
    ticket.work_done, ticket.cause, ticket.labour_minutes = work, cause_text, minutes
    ticket.signed_by = signer
    ticket.next_due_at = None
    # Steps of an emergency's chain not yet sent are plans, not records: nobody is told now.
    ticket.escalations.filter(notified_at__isnull=True).delete()
    for obligation in _clocks(ticket).filter(PENDING_Q):
        if obligation.rule == clocks.FIX:
            fulfil(obligation, by=by, at=at)
        else:
            cancel_superseded(obligation, at=at, reason=RESOLVED_REMOTELY)
    # The listeners see the resolved ticket (not yet saved): parts they refuse undo it all
    # before the signature file is stored.
    ticket_resolved(ticket, by=by, at=at, parts=list(parts))
    assert png is not None
    ticket.signature.save(f"{ticket.number}.png", ContentFile(png), save=False)
    ticket.save()
    return ticket


@transaction.atomic
def change(
    ticket: Ticket,
    *,
    by: User,
    category: str | None = None,
    emergency: bool | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Correct the category or the emergency flag. The clocks are planned again (targets,
    calendar, whether a fix clock runs) and read again from the whole log, so time already
    paused stays paused; a fix clock no target covers any more is cancelled with that reason."""
    ensure_allowed(by, "servicedesk.dispatch_ticket", ticket.branch)
    ticket = _locked(ticket)
    _ensure_open(ticket)
    if category is not None and category not in FaultCategory.values:
        message = _("Choose a fault category.")
        raise InvalidInput(message, fields={"category": [message]})
    new_category = ticket.category if category is None else category
    new_emergency = ticket.emergency if emergency is None else emergency
    if new_category == ticket.category and new_emergency == ticket.emergency:
        return ticket
    at = _moment(ticket, at)
    if new_category != ticket.category:
        _log(ticket, EventKind.CATEGORY_CHANGED, at, by, old=ticket.category, new=new_category)
    if new_emergency != ticket.emergency:
        _log(ticket, EventKind.EMERGENCY_CHANGED, at, by, old=ticket.emergency, new=new_emergency)
    contract = (
        Contract.objects.filter(pk=ticket.contract_id).first() if ticket.contract_id else None
    )
    plan = clocks.plan(
        ticket.branch.organisation, category=new_category, emergency=new_emergency,
        contract=contract,
    )  # fmt: skip
    ticket.category, ticket.emergency = new_category, new_emergency
    ticket.calendar = plan.calendar
    ticket.arrival_minutes, ticket.fix_minutes = plan.arrival_minutes, plan.fix_minutes
    ticket.save(update_fields=["category", "emergency", "calendar", "arrival_minutes",
                               "fix_minutes"])  # fmt: skip
    fix_clocks = _clocks(ticket).filter(rule=clocks.FIX)
    if plan.fix_minutes is None:
        for obligation in fix_clocks.filter(PENDING_Q):
            cancel_superseded(obligation, at=at, reason=NO_FIX_TARGET)
    elif not fix_clocks.filter(cancelled_at__isnull=True).exists():
        _open_clock(ticket, clocks.FIX, ticket.engineer or _supervisor(ticket.branch))
    if new_emergency:
        _plan_escalation(ticket, plan)
    else:
        ticket.escalations.filter(notified_at__isnull=True).delete()
    clocks.recompute(ticket)
    return ticket


# -- suspensions --------------------------------------------------------------------------------


def _plausible(errors: Errors, field: str, value: datetime | None) -> None:
    if value is not None:
        problem = moment_problem(value)
        if problem:
            errors.add(field, problem)


@transaction.atomic
def declare_suspension(
    *,
    by: User,
    branch: Branch,
    reason: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    note: str = "",
) -> Suspension:
    """Stop every service clock of a branch for a span (typhoon signal No. 8, black rainstorm);
    an open end is given later (``end_suspension``). May be declared ahead of time. The open
    tickets' clocks are recomputed by the worker (``tasks.recompute_clocks``)."""
    ensure_allowed(by, "servicedesk.add_suspension", branch)
    errors = Errors()
    if reason not in SuspensionReason.values:
        errors.add("reason", _("Choose why service is suspended."))
    text = _optional(errors, "note", note, 300)
    if reason == SuspensionReason.OTHER and not text:
        errors.add("note", _("Say what the suspension is for."))
    _plausible(errors, "starts_at", starts_at)
    _plausible(errors, "ends_at", ends_at)
    if ends_at is not None and not errors and ends_at < starts_at:
        errors.add("ends_at", _("The end must not be before the start."))
    errors.raise_if_any(_("The suspension cannot be declared."))
    row = Suspension.objects.create(
        branch=branch, reason=reason, note=text, starts_at=starts_at, ends_at=ends_at,
        declared_by=by,
    )  # fmt: skip
    _recompute_later(branch)
    return row


@transaction.atomic
def end_suspension(suspension: Suspension, *, by: User, ends_at: datetime) -> Suspension:
    """Give an open suspension its end (the only change a suspension takes)."""
    ensure_allowed(by, "servicedesk.add_suspension", suspension.branch)
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if suspension.ends_at is not None:
        raise Conflict(_("This suspension has ended already."), code="suspension_ended")
    errors = Errors()
    _plausible(errors, "ends_at", ends_at)
    if not errors and ends_at < suspension.starts_at:
        errors.add("ends_at", _("The end must not be before the start."))
    errors.raise_if_any(_("The suspension cannot be ended."))
    suspension.ends_at = ends_at
    suspension.save(update_fields=["ends_at"])
    _recompute_later(suspension.branch)
    return suspension


def _recompute_later(branch: Branch) -> None:
    from aftercare.servicedesk import tasks

    tasks.recompute_clocks.enqueue(branch.organisation_id, branch.pk)
