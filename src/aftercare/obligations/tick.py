"""Periodic work: idempotent, safe to run every minute from cron, systemd or `aftercare serve`."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from aftercare.obligations import actions, tasks


def run(now: datetime | None = None) -> dict[str, int]:
    """Each obligation that became overdue notifies its owner's supervisor exactly once.

    The claim and the enqueue share one transaction: with the database task backend both land
    or neither does, so a crash between them cannot lose a notification. The task only reads
    rows that were committed before, so it does not need to wait for on_commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = actions.mark_overdue_notified(now)
        for pk in claimed:
            tasks.notify_overdue.enqueue(pk)
    return {"overdue_notified": len(claimed)}
