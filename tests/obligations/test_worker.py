"""The task worker really executes enqueued tasks against the configured database.

Runs on SQLite in `make test` and on PostgreSQL in CI's second pass (DATABASE_URL).
"""

import pytest
from django.core.management import call_command

from aftercare import tick
from aftercare.obligations.models import Notification
from tests.obligations.helpers import at


@pytest.mark.django_db(transaction=True)
def test_db_worker_executes_the_overdue_notification(desk, settings):
    from django_tasks_db.models import DBTaskResult

    from aftercare.obligations import actions

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    assert tick.run(now=at(2026, 3, 5))["overdue_notified"] == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not Notification.objects.exists()  # nothing happens until the worker runs

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["sam"]
