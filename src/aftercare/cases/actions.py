"""Raised items move through one transition map; each move writes its timeline row.

open ──answered in the call──────────────────────────────> closed
open ──research──> researching ──solution──> solved ──inform──> closed
open | researching ──escalate (DS-4)──> escalated ──solution──> solved (DS-5 opens)
"""

from django.db import transaction
from django.utils.translation import gettext as _

from aftercare.cases.models import ItemEvent, Kind, RaisedItem, State, ToldBy
from aftercare.cases.queries import SOLVE_ESCALATED
from aftercare.errors import Conflict, Errors, InvalidInput, NotAllowed
from aftercare.moments import event_moment
from aftercare.obligations.actions import fulfil_pending, open_obligation
from aftercare.org.access import ensure_allowed

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "answer": ((State.OPEN,), State.CLOSED),
    "research": ((State.OPEN,), State.RESEARCHING),
    "escalate": ((State.OPEN, State.RESEARCHING), State.ESCALATED),
    "solve": ((State.OPEN, State.RESEARCHING, State.ESCALATED), State.SOLVED),
    "inform": ((State.SOLVED,), State.CLOSED),
}


def _check_move(item: RaisedItem, action: str, at) -> None:
    sources, _target = TRANSITIONS[action]
    if item.state not in sources:
        raise Conflict(
            _("A raised item that is “%(state)s” cannot be moved that way.")
            % {"state": item.get_state_display()},
            code="invalid_transition",
        )
    if at < item.raised_at:
        message = _("This cannot happen before the item was raised.")
        raise InvalidInput(message, fields={"at": [message]})


def _move(item: RaisedItem, action: str, *, by, at, note: str = "", call=None) -> RaisedItem:
    _check_move(item, action, at)
    _sources, target = TRANSITIONS[action]
    ItemEvent.objects.create(
        item=item, from_state=item.state, to_state=target, at=at, by=by, note=note, call=call
    )
    item.state = target
    return item


def validate_item(data: dict, errors: Errors, *, prefix: str) -> None:
    if data.get("kind") not in Kind.values:
        errors.add(f"{prefix}.kind", _("Choose request, wish or complaint."))
    if not (data.get("text") or "").strip():
        errors.add(f"{prefix}.text", _("Say what the customer raised."))


def raise_item(call, *, by, kind: str, text: str, answered_in_call: bool = False) -> RaisedItem:
    """Called by record_call inside its transaction: an item answered in the call closes at
    once; otherwise DS-4 opens, due 2 days after the call."""
    ensure_allowed(by, "cases.add_raiseditem", call.branch)
    item = RaisedItem.objects.create(
        call=call, customer=call.customer, branch=call.branch, kind=kind, text=text.strip(),
        answered_in_call=answered_in_call, owner=by, raised_at=call.occurred_at,
    )  # fmt: skip
    ItemEvent.objects.create(item=item, to_state=State.OPEN, at=call.occurred_at, by=by)
    if answered_in_call:
        _move(item, "answer", by=by, at=call.occurred_at, note=_("Answered in the call."))
        item.closed_at = call.occurred_at
        item.save()
        return item
    open_obligation(
        "DS-4", branch=call.branch, owner=by, event_at=call.occurred_at, customer=call.customer,
        subject=item, title_key="raised_item",
        title_params={"customer": call.customer.name, "text": item.text[:60]},
    )  # fmt: skip
    return item


def _locked(item: RaisedItem, by) -> RaisedItem:
    ensure_allowed(by, "cases.change_raiseditem", item.branch)
    return RaisedItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def start_research(item: RaisedItem, *, by, at=None, note: str = "") -> RaisedItem:
    at = event_moment(at)
    item = _move(_locked(item, by), "research", by=by, at=at, note=note)
    item.save()
    return item


@transaction.atomic
def escalate(item: RaisedItem, *, by, at=None, note: str = "") -> RaisedItem:
    """DS-4 is met by escalating to the supervisor within 2 days of the call; DS-4E (our rule)
    puts the answer on the branch supervisor's My work and tells them, once."""
    at = event_moment(at)
    item = _move(_locked(item, by), "escalate", by=by, at=at, note=note)
    item.escalated_at = at
    item.save()
    fulfil_pending("DS-4", by=by, at=at, subject=item)
    _open_escalation_duty(item, at=at)
    return item


def _open_escalation_duty(item: RaisedItem, *, at) -> None:
    """DS-4E for the branch's first supervisor; the notice goes to every supervisor of the
    branch through the task queue, enqueued in this transaction (both land or neither)."""
    from aftercare.obligations.actions import first_supervisor
    from aftercare.obligations.tasks import notify_escalated

    supervisor = first_supervisor(item.branch)
    if supervisor is None:  # nobody to answer it: the queue page still lists the item
        return
    duty = open_obligation(
        "DS-4E", branch=item.branch, owner=supervisor, event_at=at, customer=item.customer,
        subject=item, title_key="raised_item",
        title_params={"customer": item.customer.name, "text": item.text[:60]},
    )  # fmt: skip
    if duty is not None:
        notify_escalated.enqueue(duty.pk)


@transaction.atomic
def record_solution(item: RaisedItem, *, by, text: str, at=None) -> RaisedItem:
    """DS-5 opens: the customer must be told by the end of the same day."""
    at = event_moment(at)
    if not (text or "").strip():
        message = _("Describe the solution.")
        raise InvalidInput(message, fields={"text": [message]})
    item = _locked(item, by)
    if item.state == State.ESCALATED and not by.has_perm(SOLVE_ESCALATED):
        raise NotAllowed(_("An escalated item is solved by the supervisor."))
    item = _move(item, "solve", by=by, at=at, note=text)
    item.solution, item.solved_at = text.strip(), at
    item.save()
    fulfil_pending("DS-4", by=by, at=at, subject=item)  # researched and resolved in time
    fulfil_pending("DS-4E", by=by, at=at, subject=item)  # the escalation is answered
    open_obligation(
        "DS-5", branch=item.branch, owner=item.owner, event_at=at, customer=item.customer,
        subject=item, title_key="raised_item",
        title_params={"customer": item.customer.name, "text": item.text[:60]},
    )  # fmt: skip
    return item


@transaction.atomic
def inform_customer(
    item: RaisedItem, *, by, satisfied: bool, at=None, note: str = "", told_by: str = ToldBy.OTHER
):
    """The customer is told the solution; their satisfaction closes the item (DS-5).

    Told by phone, it is a call: its record and register line (DS-8) are written in the same
    transaction and the timeline row links to it, so a refused call leaves the item open.
    """
    at = event_moment(at)
    if told_by not in ToldBy.values:
        message = _("Choose how the customer was told.")
        raise InvalidInput(message, fields={"told_by": [message]})
    item = _locked(item, by)
    call = None
    if told_by == ToldBy.PHONE:
        from aftercare.followups.actions import record_call
        from aftercare.followups.choices import Direction, Purpose

        _check_move(item, "inform", at)  # no register line for a move that will be refused
        call = record_call(
            item.customer, by=by, direction=Direction.OUT, purpose=Purpose.ITEM_REPLY, at=at,
            reached=True, notes=note or item.solution, vehicle=item.call.vehicle,
        )  # fmt: skip
    item = _move(item, "inform", by=by, at=at, note=note, call=call)
    item.informed_at, item.satisfied, item.closed_at = at, satisfied, at
    item.save()
    fulfil_pending("DS-5", by=by, at=at, subject=item)
    return item
