"""Thin, idempotent task wrappers (run by the worker)."""

from django_tasks import task

from aftercare.servicedesk import clocks, escalation


@task()
def recompute_clocks(organisation_id: int, branch_id: int | None = None) -> int:
    """A closure, make-up day or suspension changed service time: read every open clock again
    (recomputing twice gives the same moments, so a retry is harmless)."""
    return clocks.recompute_open(organisation_id=organisation_id, branch_id=branch_id)


@task()
def notify_escalation(notice_id: int) -> int:
    """BS-13: tell the person of one escalation step (once: see ``escalation.notify``)."""
    return escalation.notify(notice_id)


def calendar_changed(organisation_id: int) -> None:
    """The organisation's working-day calendar changed (``aftercare.apps.calendar_changed``)."""
    recompute_clocks.enqueue(organisation_id)
