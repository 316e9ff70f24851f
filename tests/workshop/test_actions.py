"""Check-in, pick-up and consultations open the follow-up rules (DS-1, DS-2, DS-3)."""

import pytest

from aftercare.customers import actions as customers
from aftercare.errors import InvalidInput, NotAllowed
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions
from aftercare.workshop.models import RepairOrder, ServiceItem
from tests.obligations.helpers import at, end

pytestmark = pytest.mark.django_db


@pytest.fixture
def vehicle(desk):
    ServiceItem.objects.create(organisation=desk.org, code="pkg", name="保養套餐", kind="package")
    ServiceItem.objects.create(organisation=desk.org, code="brake", name="煞車", kind="repair")
    customer = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    return customers.add_vehicle(
        customer, by=desk.alice, plate="京A12345", maintenance_months=6, maintenance_km=5000,
        mileage=12000,
    )  # fmt: skip


def rules(customer):
    return sorted(Obligation.objects.filter(customer=customer).values_list("rule", flat=True))


def test_repair_without_maintenance_keeps_the_maintenance_due(desk, vehicle):
    order = actions.check_in(
        vehicle, by=desk.bob, at=at(2026, 1, 27, 9), mileage=15000, items=["brake"]
    )
    actions.record_pickup(order, by=desk.bob, at=at(2026, 1, 27, 17))
    vehicle.refresh_from_db()
    assert vehicle.last_maintenance_on is None and vehicle.mileage == 15000
    assert rules(vehicle.customer) == ["DS-1", "DS-2", "DS-3"]
    # No designated follow-up advisor: the advisor who served the customer owns the work.
    assert set(Obligation.objects.values_list("owner__username", flat=True)) == {"bob"}


def test_unknown_items_and_lower_mileage_are_refused_and_write_nothing(desk, vehicle):
    with pytest.raises(InvalidInput) as refused:
        actions.check_in(vehicle, by=desk.bob, at=at(2026, 1, 27, 9), mileage=100, items=["nope"])
    assert set(refused.value.fields) == {"mileage", "items.0"}
    assert not RepairOrder.objects.exists() and not Obligation.objects.exists()


def test_pickup_twice_or_before_check_in_is_refused(desk, vehicle):
    order = actions.check_in(vehicle, by=desk.bob, at=at(2026, 1, 27, 9), items=["pkg"])
    with pytest.raises(InvalidInput):
        actions.record_pickup(order, by=desk.bob, at=at(2026, 1, 27, 8, 59))
    actions.record_pickup(order, by=desk.bob, at=at(2026, 1, 27, 9))
    with pytest.raises(InvalidInput):
        actions.record_pickup(order, by=desk.bob, at=at(2026, 1, 28, 9))
    assert Obligation.objects.filter(rule="DS-3").count() == 1


def test_other_branch_cannot_check_in(desk, vehicle):
    with pytest.raises(NotAllowed):
        actions.check_in(vehicle, by=desk.carol, at=at(2026, 1, 27, 9))


def test_consultation_opens_archive_plan_and_first_follow_up(desk, vehicle):
    visit = actions.record_consultation(
        vehicle.customer, by=desk.alice, at=at(2026, 2, 27, 16), channel="phone"
    )
    assert rules(vehicle.customer) == ["DS-1", "DS-2", "DS-3"]
    ds3 = Obligation.objects.get(rule="DS-3")
    assert (ds3.opens_at, ds3.due_at) == (at(2026, 3, 2, 0, 0), end(2026, 3, 6))
    assert ds3.subject == visit


def test_check_in_drafts_a_next_service_plan_with_maintenance_due(desk, vehicle):
    from datetime import date

    customers.update_vehicle(vehicle, by=desk.alice, next_maintenance_on=date(2026, 2, 20))
    actions.check_in(vehicle, by=desk.bob, at=at(2026, 1, 27, 9))
    plan = vehicle.customer.plans.get()
    assert "maintenance_due" in plan.suggested_topics
    assert plan.planned_contact_at == at(2026, 1, 30, 10, 0)


def test_a_second_visit_in_the_week_moves_the_first_follow_up_of_the_vehicle(desk, vehicle, client):
    """Two visits in one week gave the customer two first follow-up calls (DS-3): the newer
    visit carries the call, the older one is cancelled with the reason, both kept."""
    other = customers.add_vehicle(vehicle.customer, by=desk.alice, plate="京B54321")
    first = actions.check_in(vehicle, by=desk.bob, at=at(2026, 1, 26, 9), items=["brake"])
    actions.record_pickup(first, by=desk.bob, at=at(2026, 1, 26, 17))
    second_car = actions.check_in(other, by=desk.bob, at=at(2026, 1, 27, 9), items=["brake"])
    actions.record_pickup(second_car, by=desk.bob, at=at(2026, 1, 27, 17))
    again = actions.check_in(vehicle, by=desk.bob, at=at(2026, 1, 29, 9), items=["brake"])
    actions.record_pickup(again, by=desk.bob, at=at(2026, 1, 29, 17))

    rows = Obligation.objects.filter(rule="DS-3").order_by("triggered_at")
    assert [(o.subject_id, o.triggered_at, o.cancelled_at) for o in rows] == [
        (first.pk, at(2026, 1, 26, 17), at(2026, 1, 29, 17)),
        (second_car.pk, at(2026, 1, 27, 17), None),  # another car keeps its own call
        (again.pk, at(2026, 1, 29, 17), None),
    ]
    replaced = rows[0]
    assert replaced.cancel_reason_text == ("Replaced by the follow-up of the visit of 2026-01-29.")
    from django.utils import translation

    with translation.override("zh-hant"):
        assert replaced.cancel_reason_text == "已由 2026-01-29 來店的回訪取代。"
    client.force_login(desk.bob)  # the owner of the follow-ups sees them on the customer page
    page = client.get(f"/customers/{vehicle.customer_id}/").content.decode()
    assert "Replaced by the follow-up of the visit of 2026-01-29." in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/customers/{vehicle.customer_id}/").content.decode()
    assert "已由 2026-01-29 来店的回访取代。" in page


def test_a_consultation_about_the_car_moves_its_pending_first_follow_up(desk, vehicle):
    order = actions.check_in(vehicle, by=desk.bob, at=at(2026, 1, 26, 9), items=["brake"])
    actions.record_pickup(order, by=desk.bob, at=at(2026, 1, 26, 17))
    actions.record_consultation(
        vehicle.customer, by=desk.bob, at=at(2026, 1, 27, 10), vehicle=vehicle
    )
    actions.record_consultation(vehicle.customer, by=desk.bob, at=at(2026, 1, 28, 10))
    pending = Obligation.objects.pending().filter(rule="DS-3").order_by("triggered_at")
    # The consultation about the car replaced the pick-up's call; one without a car is apart.
    assert [o.triggered_at for o in pending] == [at(2026, 1, 27, 10), at(2026, 1, 28, 10)]
    old = Obligation.objects.get(rule="DS-3", triggered_at=at(2026, 1, 26, 17))
    assert (old.cancelled_at, old.done_at) == (at(2026, 1, 27, 10), None)
