"""Emergency escalation (BS-13): each step of the contract's chain tells its person once, at
its minute on the emergency clock, while the ticket is still open.

tick claims due steps with a conditional UPDATE of ``notified_at`` (two ticks cannot both win)
and enqueues the notice in the same transaction; the notice is a ``Notification`` of kind
``emergency`` on the ticket's arrival clock (unique per clock, person and kind, so a retried
task adds nothing)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from aftercare.obligations.actions import notify as notify_obligation
from aftercare.obligations.models import Notification, Obligation
from aftercare.records.claims import claim_unset
from aftercare.servicedesk.choices import TicketState
from aftercare.servicedesk.models import EscalationNotice, Ticket


def due_steps(now: datetime, *, limit: int = 1000) -> list[int]:
    """The unsent steps due by `now` (what a tick will try to claim): a range of the
    `escalation_due` index; resolving a ticket deletes its unsent steps."""
    return list(
        EscalationNotice.objects.filter(notified_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


def claim(candidates: list[int], now: datetime) -> list[int]:
    """Claim the steps with one conditional UPDATE: of two ticks that both saw a step, exactly
    one wins it."""
    return claim_unset(EscalationNotice, candidates, "notified_at", now)


def claim_due(now: datetime, *, limit: int = 1000) -> list[int]:
    return claim(due_steps(now, limit=limit), now)


def run(now: datetime) -> dict[str, int]:
    from aftercare.servicedesk import tasks

    with transaction.atomic():
        claimed = claim_due(now)
        for pk in claimed:
            tasks.notify_escalation.enqueue(pk)
    return {"emergency_escalations": len(claimed)}


def notify(notice_id: int) -> int:
    notice = EscalationNotice.objects.select_related("user", "ticket").filter(pk=notice_id).first()
    if notice is None or notice.ticket.state == TicketState.RESOLVED:
        return 0
    clock = (
        Obligation.objects.filter(
            subject_type=ContentType.objects.get_for_model(Ticket),
            subject_id=notice.ticket_id,
            rule__in=("BS-7", "BS-8"),
        )
        .order_by("rule", "id")
        .first()
    )
    if clock is None:
        return 0
    return len(notify_obligation(clock, kind=Notification.Kind.EMERGENCY, recipients=[notice.user]))
