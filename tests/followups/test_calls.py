"""Calls: the register numbers (DS-8), the second follow-up (DS-6), plans (DS-2)."""

import pytest

from aftercare.customers import actions as customers
from aftercare.followups import actions
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions as workshop
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(desk):
    return customers.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")


def call(customer, by, when, purpose="other", reached=True, **kw):
    return actions.record_call(
        customer, by=by, direction="out", purpose=purpose, at=when, reached=reached, **kw
    )


def test_register_numbers_run_per_branch_and_year(desk, customer):
    other = customers.create_customer(branch=desk.branch_b, by=desk.carol, name="李四")
    numbers = [
        call(customer, desk.alice, at(2025, 12, 31, 23, 0)).register_number,
        call(customer, desk.alice, at(2025, 12, 31, 23, 30)).register_number,
        call(other, desk.carol, at(2025, 12, 31, 23, 30)).register_number,
        # 2026-01-01 00:30 in Shanghai is still 2025 in UTC: the local year counts.
        call(customer, desk.bob, at(2026, 1, 1, 0, 30)).register_number,
    ]
    assert numbers == ["A-T-2025-000001", "A-T-2025-000002", "B-T-2025-000001", "A-T-2026-000001"]


def test_second_follow_up_fulfils_ds6(desk, customer):
    vehicle = customers.add_vehicle(customer, by=desk.alice, plate="京A12345")
    order = workshop.check_in(vehicle, by=desk.alice, at=at(2026, 1, 27, 9))
    workshop.record_pickup(order, by=desk.alice, at=at(2026, 1, 29, 18, 30))
    call(customer, desk.alice, at(2026, 2, 3, 10), purpose="first_followup", topics=["new_needs"])
    call(customer, desk.bob, at(2026, 2, 12, 10), purpose="second_followup", topics=["visit"])
    ds6 = Obligation.objects.get(rule="DS-6")
    assert (ds6.done_by, ds6.status_at(at(2026, 3, 1))) == (desk.bob, "done_on_time")


def test_confirming_the_plan_fulfils_ds2(desk, customer):
    vehicle = customers.add_vehicle(customer, by=desk.alice, plate="京A12345")
    workshop.check_in(vehicle, by=desk.alice, at=at(2026, 1, 27, 9))
    plan = customer.plans.get()
    actions.confirm_plan(
        plan, by=desk.alice, at=at(2026, 1, 28, 9), topics=["maintenance_due", "campaign"],
        planned_contact_at=at(2026, 2, 2, 15),
    )  # fmt: skip
    ds2 = Obligation.objects.get(rule="DS-2")
    assert ds2.status_at(at(2026, 3, 1)) == "done_on_time"
    plan.refresh_from_db()
    assert (plan.topics, plan.confirmed_by) == (["maintenance_due", "campaign"], desk.alice)


def test_topics_are_kept_in_the_standards_order(desk, customer):
    recorded = call(customer, desk.alice, at(2026, 2, 3, 10), topics=["visit", "usage_and_opinion"])
    assert recorded.topics == ["usage_and_opinion", "visit"]
