"""Why Aftercare's queue is the database: an enqueue is part of the business transaction.

tick claims an overdue obligation and enqueues its notification in one transaction; imports
keep the upload and enqueue its check the same way. With the database backend the task row
lands or vanishes with that transaction, so a crash can neither lose the work nor run work for
a change that never committed. A queue outside the database (Redis through django-tasks-rq)
cannot give that, which is why the README no longer offers it.
"""

import pytest
from django.db import transaction

from aftercare import tick
from aftercare.obligations import actions
from tests.obligations.helpers import at

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Crash(Exception):
    """The process dying mid-transaction."""


@pytest.mark.django_db
def test_a_tick_that_crashes_before_commit_leaves_no_task_and_the_next_one_redoes_it(
    desk, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    obligation = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    with pytest.raises(Crash), transaction.atomic():
        assert tick.run(now=at(2026, 3, 5))["overdue_notified"] == 1
        assert DBTaskResult.objects.count() == 1
        raise Crash  # the process dies before the transaction commits

    assert DBTaskResult.objects.count() == 0  # no notification for a claim that never was
    obligation.refresh_from_db()
    assert obligation.overdue_notified_at is None
    assert tick.run(now=at(2026, 3, 5, 0, 1))["overdue_notified"] == 1  # not lost either
    assert DBTaskResult.objects.count() == 1
