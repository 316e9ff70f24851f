"""Periodic work of messaging/: due retries and deferred messages, maintenance reminders."""

from datetime import datetime

from django.utils import timezone

from aftercare.messaging import actions, tasks
from aftercare.messaging.models import Message

BATCH = 500


def run(now: datetime | None = None) -> dict[str, int]:
    """Enqueue every message whose next attempt has come (retries survive worker restarts).

    A message whose first task is still waiting in the queue may be enqueued twice; the
    task's claim (a row lock and a status check) lets only one attempt through.
    """
    now = now or timezone.now()
    due = list(
        Message.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH]
    )
    for pk in due:
        tasks.send_message.enqueue(pk, now.isoformat())
    return {
        "messages_due": len(due),
        "messages_interrupted": actions.fail_interrupted(now),
        "maintenance_reminders": actions.remind_maintenance(now),
    }
