"""tick: each obligation that became overdue notifies its owner's supervisor exactly once."""

import pytest
from django.core import mail

from aftercare import tick
from aftercare.obligations import actions
from aftercare.obligations.models import Notification
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


def test_overdue_obligation_notifies_the_supervisor_once(desk):
    overdue = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )  # due 2026-03-03 end of day
    assert tick.run(now=at(2026, 3, 3, 23, 59))["overdue_notified"] == 0
    assert tick.run(now=at(2026, 3, 4, 0, 1))["overdue_notified"] == 1
    assert tick.run(now=at(2026, 3, 4, 0, 2))["overdue_notified"] == 0
    [note] = Notification.objects.all()
    assert (note.recipient, note.obligation, note.kind) == (desk.sam, overdue, "overdue")
    assert [m.to for m in mail.outbox] == [[desk.sam.email]]
    assert "DS-1" in mail.outbox[0].subject


def test_done_or_cancelled_work_never_notifies(desk):
    done = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    actions.fulfil(done, by=desk.alice, at=at(2026, 3, 2, 9))
    cancelled = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    actions.cancel(cancelled, by=desk.sam, reason="duplicate", at=at(2026, 3, 2, 9))
    assert tick.run(now=at(2026, 3, 10))["overdue_notified"] == 0
    assert not Notification.objects.exists()


def test_notification_goes_to_the_owners_branch_supervisor_only(desk):
    actions.open_obligation(
        "DS-1", branch=desk.branch_b, owner=desk.carol, event_at=at(2026, 3, 1, 9)
    )
    tick.run(now=at(2026, 3, 5))
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["sue"]


def test_repeated_task_run_does_not_notify_twice(desk):
    obligation = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    actions.notify_overdue(obligation)
    actions.notify_overdue(obligation)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
