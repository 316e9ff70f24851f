"""Maintenance reminders (DS-2M): counted back from the maintenance, once per vehicle and due
date, a message to the customer, fulfilled by a reached reminder call."""

from datetime import date

import pytest

from aftercare.customers import actions as customers
from aftercare.followups import actions as followups
from aftercare.messaging import actions, tick
from aftercare.messaging.models import MaintenanceReminder, Message
from aftercare.obligations.models import Obligation
from aftercare.standard.models import RuleSetting
from tests.obligations.helpers import at, end

pytestmark = pytest.mark.django_db


def reminders():
    return list(Obligation.objects.filter(rule="DS-2M").order_by("id"))


@pytest.fixture
def car(desk, zhang):
    return customers.add_vehicle(
        zhang, by=desk.alice, plate="京A12345", next_maintenance_on=date(2026, 3, 1)
    )


def run(now, capture):
    with capture(execute=True):
        return tick.run(now)


def test_reminder_falls_due_seven_days_before_the_maintenance(
    desk, zhang, car, django_capture_on_commit_callbacks
):
    assert (
        run(at(2026, 2, 15, 0, 5), django_capture_on_commit_callbacks)["maintenance_reminders"] == 1
    )
    [reminder] = reminders()
    assert reminder.due_at == end(2026, 2, 22)
    assert reminder.owner == desk.alice
    assert reminder.customer == zhang
    assert reminder.subject == car
    # Arisen when tick found it (so it can be done from then on), counted from 03-01.
    assert reminder.triggered_at == at(2026, 2, 15, 0, 5)
    # The message was queued at the opening, past midnight: quiet hours keep it until 08:00.
    message = Message.objects.get()
    assert message.reason == f"DS-2M:vehicle:{car.pk}:2026-03-01"
    assert (message.channel, message.to) == ("sms", "+8613800138000")
    assert "京A12345" in message.body and "2026-03-01" in message.body
    assert (message.status, message.next_attempt_at) == ("deferred", at(2026, 2, 15, 8, 0))
    run(at(2026, 2, 15, 8, 0), django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == "sent"


def test_reminder_counted_back_across_a_leap_day(desk, zhang, django_capture_on_commit_callbacks):
    customers.add_vehicle(
        zhang, by=desk.alice, plate="京B54321", next_maintenance_on=date(2028, 3, 5)
    )
    run(at(2028, 2, 20, 10, 0), django_capture_on_commit_callbacks)
    [reminder] = reminders()
    assert reminder.due_at == end(2028, 2, 27)


def test_the_rule_setting_decides_the_days_before(desk, car, django_capture_on_commit_callbacks):
    RuleSetting.objects.create(organisation=desk.org, rule_id="DS-2M", due_after=-10)
    run(at(2026, 2, 12, 10, 0), django_capture_on_commit_callbacks)
    [reminder] = reminders()
    assert reminder.due_at == end(2026, 2, 19)


def test_a_disabled_rule_opens_nothing(desk, car, django_capture_on_commit_callbacks):
    RuleSetting.objects.create(organisation=desk.org, rule_id="DS-2M", enabled=False)
    run(at(2026, 2, 20, 10, 0), django_capture_on_commit_callbacks)
    assert reminders() == []
    assert Message.objects.count() == 0


def test_outside_the_horizon_nothing_opens_yet(desk, car, django_capture_on_commit_callbacks):
    # Horizon: 7 days before the maintenance plus 7 lead days → from 2026-02-15 on.
    run(at(2026, 2, 14, 10, 0), django_capture_on_commit_callbacks)
    assert reminders() == []
    run(at(2026, 2, 15, 10, 0), django_capture_on_commit_callbacks)
    assert len(reminders()) == 1


def test_one_reminder_per_vehicle_and_due_date(desk, car, django_capture_on_commit_callbacks):
    for moment in (at(2026, 2, 15, 10, 0), at(2026, 2, 15, 10, 1), at(2026, 2, 16, 10, 0)):
        run(moment, django_capture_on_commit_callbacks)
    assert len(reminders()) == 1
    assert Message.objects.count() == 1
    # Asked directly for the same vehicle and date: still one.
    assert actions.open_maintenance_reminder(car, date(2026, 3, 1), now=at(2026, 2, 17)) is None
    assert MaintenanceReminder.objects.count() == 1


def test_projected_by_mileage_when_that_comes_first(
    desk, zhang, django_capture_on_commit_callbacks
):
    # 3,000 km in 60 days = 50 km a day; 2,000 km left → 40 days after 2026-01-30.
    car = customers.add_vehicle(
        zhang, by=desk.alice, plate="京C11111", maintenance_months=12, maintenance_km=5000,
        last_maintenance_on=date(2025, 12, 1), last_maintenance_km=10000,
        mileage=13000, mileage_on=date(2026, 1, 30),
    )  # fmt: skip
    assert car.projected_maintenance_on() == date(2026, 3, 11)
    run(at(2026, 2, 26, 10, 0), django_capture_on_commit_callbacks)
    [reminder] = reminders()
    assert reminder.due_at == end(2026, 3, 4)
    assert Message.objects.get().reason == f"DS-2M:vehicle:{car.pk}:2026-03-11"


def test_no_message_unless_the_organisation_turns_them_on(
    desk, car, settings, django_capture_on_commit_callbacks
):
    settings.AFTERCARE_MAINTENANCE_MESSAGES = False
    run(at(2026, 2, 15, 10, 0), django_capture_on_commit_callbacks)
    assert len(reminders()) == 1
    assert Message.objects.count() == 0


def test_without_sms_consent_the_email_goes_instead(desk, django_capture_on_commit_callbacks):
    li = customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name="李四", phones=["13900139000"],
        email="li@example.test", followup_advisor=desk.bob,
    )  # fmt: skip
    customers.add_vehicle(li, by=desk.alice, plate="京D22222", next_maintenance_on=date(2026, 3, 1))
    run(at(2026, 2, 15, 10, 0), django_capture_on_commit_callbacks)
    [reminder] = reminders()
    assert reminder.owner == desk.bob
    message = Message.objects.get()
    assert (message.channel, message.status, message.to) == ("email", "sent", "li@example.test")


def test_no_consent_and_no_email_is_recorded_as_suppressed(
    desk, django_capture_on_commit_callbacks
):
    wang = customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name="王五", phones=["13700137000"]
    )
    customers.add_vehicle(
        wang, by=desk.alice, plate="京E33333", next_maintenance_on=date(2026, 3, 1)
    )
    run(at(2026, 2, 15, 10, 0), django_capture_on_commit_callbacks)
    [reminder] = reminders()
    # No follow-up advisor: the branch supervisor gets it (and may reassign it).
    assert reminder.owner == desk.sam
    message = Message.objects.get()
    assert (message.status, message.suppressed_because) == ("suppressed", "no_consent")


def test_a_reached_reminder_call_fulfils_it(desk, zhang, car, django_capture_on_commit_callbacks):
    run(at(2026, 2, 15, 10, 0), django_capture_on_commit_callbacks)
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="maintenance_reminder",
        at=at(2026, 2, 16, 9, 0), reached=False, vehicle=car,
    )  # fmt: skip
    [reminder] = reminders()
    assert reminder.done_at is None
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="maintenance_reminder",
        at=at(2026, 2, 16, 15, 0), reached=True, vehicle=car,
    )  # fmt: skip
    reminder.refresh_from_db()
    assert (reminder.done_at, reminder.done_by) == (at(2026, 2, 16, 15, 0), desk.alice)
    assert reminder.status_at(at(2026, 2, 23)) == "done_on_time"
    # Done: the next scan does not open another one for the same maintenance.
    run(at(2026, 2, 17, 10, 0), django_capture_on_commit_callbacks)
    assert len(reminders()) == 1


def test_another_purpose_does_not_fulfil_it(desk, zhang, car, django_capture_on_commit_callbacks):
    run(at(2026, 2, 15, 10, 0), django_capture_on_commit_callbacks)
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="other", at=at(2026, 2, 16, 9, 0)
    )
    assert reminders()[0].done_at is None


def test_a_drifting_projection_does_not_remind_twice_in_one_cycle(
    desk, zhang, django_capture_on_commit_callbacks
):
    car = customers.add_vehicle(
        zhang, by=desk.alice, plate="京C11111", maintenance_months=12, maintenance_km=5000,
        last_maintenance_on=date(2025, 12, 1), last_maintenance_km=10000,
        mileage=13000, mileage_on=date(2026, 1, 30),
    )  # fmt: skip
    run(at(2026, 2, 26, 10, 0), django_capture_on_commit_callbacks)
    [reminder] = reminders()
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="maintenance_reminder",
        at=at(2026, 2, 26, 11, 0), vehicle=car,
    )  # fmt: skip
    # A new reading moves the projection by a day: same cycle, no second reminder.
    customers.update_vehicle(car, by=desk.alice, mileage=13200, mileage_on=date(2026, 2, 5))
    car.refresh_from_db()
    assert car.projected_maintenance_on() != date(2026, 3, 11)
    run(at(2026, 2, 27, 10, 0), django_capture_on_commit_callbacks)
    assert reminders() == [reminder]
