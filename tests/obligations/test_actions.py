"""Opening, fulfilling, cancelling and reassigning obligations; the derived status."""

from datetime import timedelta

import pytest

from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.obligations import actions
from aftercare.obligations.choices import Status
from aftercare.obligations.models import Obligation
from aftercare.standard import actions as standard_actions
from tests.factories import CustomerFactory, VehicleFactory
from tests.obligations.helpers import at, end

pytestmark = pytest.mark.django_db


@pytest.fixture
def ds3(desk):
    """DS-3 after a pick-up on 2026-01-29 18:30: window 02-01 00:00 … 02-05 end of day."""
    vehicle = VehicleFactory(customer=CustomerFactory(branch=desk.branch_a))
    return actions.open_obligation(
        "DS-3",
        branch=desk.branch_a,
        owner=desk.alice,
        event_at=at(2026, 1, 29, 18, 30),
        customer=vehicle.customer,
        subject=vehicle,
    )


def status_in_sql(obligation, now):
    return Obligation.objects.with_status(now).get(pk=obligation.pk).status


def test_open_obligation_takes_its_window_from_the_rulebook(ds3, desk):
    assert ds3.opens_at == at(2026, 2, 1, 0, 0)
    assert ds3.due_at == end(2026, 2, 5)
    assert ds3.title == ds3.subject.plate
    assert ds3.organisation == desk.org


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 1, 31, 23, 59), Status.UPCOMING),
        (at(2026, 2, 1, 0, 0), Status.OPEN),
        (end(2026, 2, 5), Status.OPEN),
        (end(2026, 2, 5) + timedelta(microseconds=1), Status.OVERDUE),
    ],
)
def test_pending_status_follows_the_clock(ds3, now, expected):
    assert ds3.status_at(now) == expected
    assert status_in_sql(ds3, now) == expected


@pytest.mark.parametrize(
    ("done_at", "expected"),
    [
        (at(2026, 1, 31, 12, 0), Status.DONE_EARLY),
        (at(2026, 2, 1, 0, 0), Status.DONE_ON_TIME),
        (end(2026, 2, 5), Status.DONE_ON_TIME),
        (at(2026, 2, 6, 0, 0), Status.DONE_LATE),
    ],
)
def test_done_status_compares_done_moment_with_window(ds3, desk, done_at, expected):
    done = actions.fulfil(ds3, by=desk.alice, at=done_at, outcome="reached")
    assert done.status_at(at(2026, 3, 1, 0, 0)) == expected
    assert status_in_sql(done, at(2026, 3, 1, 0, 0)) == expected
    assert done.done_by == desk.alice


def test_fulfil_twice_is_refused(ds3, desk):
    actions.fulfil(ds3, by=desk.alice, at=at(2026, 2, 2, 10))
    with pytest.raises(Conflict):
        actions.fulfil(ds3, by=desk.alice, at=at(2026, 2, 3, 10))
    ds3.refresh_from_db()
    assert ds3.done_at == at(2026, 2, 2, 10)


def test_fulfil_in_the_future_is_refused_and_changes_nothing(ds3, desk):
    from django.utils import timezone

    with pytest.raises(InvalidInput) as refused:
        actions.fulfil(ds3, by=desk.alice, at=timezone.now() + timedelta(hours=1))
    assert refused.value.code == "future_moment"
    ds3.refresh_from_db()
    assert ds3.done_at is None


def test_fulfil_before_the_triggering_event_is_refused(ds3, desk):
    with pytest.raises(InvalidInput):
        actions.fulfil(ds3, by=desk.alice, at=at(2026, 1, 29, 18, 0))


def test_cancel_needs_a_supervisor_and_a_reason(ds3, desk):
    with pytest.raises(NotAllowed):
        actions.cancel(ds3, by=desk.alice, reason="customer moved away")
    with pytest.raises(InvalidInput):
        actions.cancel(ds3, by=desk.sam, reason="  ")
    ds3.refresh_from_db()
    assert ds3.cancelled_at is None
    cancelled = actions.cancel(ds3, by=desk.sam, reason="customer moved away")
    assert cancelled.status_at() == Status.CANCELLED
    assert cancelled.cancel_reason == "customer moved away"


def test_reassign_within_the_branch_keeps_history(ds3, desk):
    actions.reassign(ds3, to=desk.bob, by=desk.sam, reason="alice on leave")
    ds3.refresh_from_db()
    assert ds3.owner == desk.bob
    owners = list(ds3.history.order_by("history_date").values_list("owner_id", flat=True))
    assert owners == [desk.alice.pk, desk.bob.pk]


def test_supervisor_cannot_reassign_to_another_branch(ds3, desk):
    with pytest.raises(NotAllowed):
        actions.reassign(ds3, to=desk.carol, by=desk.sam)
    ds3.refresh_from_db()
    assert ds3.owner == desk.alice


def test_disabled_rule_opens_nothing(desk):
    standard_actions.set_rule_setting(
        desk.org, "DS-2", by=desk.ada, opens_after=None, due_after=None, enabled=False
    )
    opened = actions.open_obligation(
        "DS-2", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 1, 29, 9)
    )
    assert opened is None
    assert not Obligation.objects.exists()


def test_fulfil_pending_closes_only_the_subjects_rule(desk):
    vehicle = VehicleFactory(customer=CustomerFactory(branch=desk.branch_a))
    other = VehicleFactory(customer=vehicle.customer)
    kw = {"branch": desk.branch_a, "owner": desk.alice, "event_at": at(2026, 1, 27, 9)}
    mine = actions.open_obligation("DS-1", subject=vehicle, **kw)
    theirs = actions.open_obligation("DS-1", subject=other, **kw)
    plan = actions.open_obligation("DS-2", subject=vehicle, **kw)
    assert actions.fulfil_pending("DS-1", by=desk.bob, at=at(2026, 1, 28, 9), subject=vehicle) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    plan.refresh_from_db()
    assert (mine.done_by, theirs.done_at, plan.done_at) == (desk.bob, None, None)


def test_a_duty_counted_from_a_later_moment_can_be_done_once_it_has_arisen(desk):
    """DS-13's monthly inspection arises on the 1st but is counted from the month's last day:
    done on the 10th it is on time, not refused as "before its event"."""
    obligation = actions.open_obligation(
        "DS-13",
        branch=desk.branch_a,
        owner=desk.sam,
        event_at=at(2026, 1, 31, 0, 0),
        triggered_at=at(2026, 1, 1, 0, 0),
    )
    assert obligation.due_at == end(2026, 1, 31)
    assert obligation.triggered_at == at(2026, 1, 1, 0, 0)
    actions.fulfil(obligation, by=desk.sam, at=at(2026, 1, 10, 9, 0))
    obligation.refresh_from_db()
    assert obligation.status_at(at(2026, 2, 1, 0, 0)) == Status.DONE_ON_TIME
    with pytest.raises(InvalidInput):
        late_arrival = actions.open_obligation(
            "DS-13",
            branch=desk.branch_a,
            owner=desk.sam,
            event_at=at(2026, 2, 28, 0, 0),
            triggered_at=at(2026, 2, 1, 0, 0),
        )
        actions.fulfil(late_arrival, by=desk.sam, at=at(2026, 1, 31, 9, 0))
