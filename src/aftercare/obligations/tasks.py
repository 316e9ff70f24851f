"""Thin, idempotent task wrappers around actions (run by the worker)."""

from django_tasks import task

from aftercare.obligations import actions
from aftercare.obligations.models import Obligation


@task()
def notify_overdue(obligation_id: int) -> int:
    obligation = Obligation.objects.filter(pk=obligation_id).first()
    if obligation is None or not obligation.is_pending:
        return 0
    return len(actions.notify_overdue(obligation))


@task()
def notify_escalated(obligation_id: int) -> int:
    """DS-4E: tell the branch's supervisors that an item was escalated to them, once."""
    from aftercare.obligations.models import Notification

    obligation = Obligation.objects.filter(pk=obligation_id).select_related("branch").first()
    if obligation is None or not obligation.is_pending:
        return 0
    recipients = actions.branch_supervisors(obligation.branch)
    return len(actions.notify(obligation, kind=Notification.Kind.ESCALATED, recipients=recipients))
