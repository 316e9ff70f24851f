"""Archive completeness (Form 1) closes DS-1; maintenance due by date or projected mileage."""

from datetime import date

import pytest

from aftercare.customers import actions
from aftercare.customers.archive import missing_fields
from aftercare.customers.maintenance import projected_due_date
from aftercare.customers.models import Vehicle
from aftercare.errors import InvalidInput, NotAllowed
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions as workshop
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


def test_archive_becomes_complete_and_closes_ds1_by_itself(desk):
    customer = actions.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    vehicle = actions.add_vehicle(customer, by=desk.alice, plate="京A12345")
    workshop.check_in(vehicle, by=desk.alice, at=at(2026, 1, 27, 9))
    assert missing_fields(customer) == [
        "address", "phone", "wanted_services", "model", "vehicle_type", "maintenance_cycle",
        "next_maintenance",
    ]  # fmt: skip
    ds1 = Obligation.objects.get(rule="DS-1")
    assert ds1.done_at is None
    actions.update_customer(
        customer, by=desk.bob, at=at(2026, 1, 28, 10), address="北京市朝陽區建國路88號",
        phones=["13800138000"], wanted_services=["maintenance_reminder"],
    )  # fmt: skip
    ds1.refresh_from_db()
    assert ds1.done_at is None  # still no vehicle details
    actions.update_vehicle(
        vehicle, by=desk.bob, at=at(2026, 1, 28, 11), model="凱美瑞", vehicle_type="轎車",
        maintenance_months=6, next_maintenance_on=date(2026, 7, 27),
    )  # fmt: skip
    ds1.refresh_from_db()
    customer.refresh_from_db()
    assert customer.archive_complete
    assert (ds1.done_at, ds1.done_by) == (at(2026, 1, 28, 11), desk.bob)
    assert ds1.status_at(at(2026, 2, 1)) == "done_on_time"


def test_every_error_is_reported_at_once_and_nothing_is_written(desk):
    with pytest.raises(InvalidInput) as refused:
        actions.create_customer(
            branch=desk.branch_a, by=desk.alice, name="", phones=["123", "13800138000", "x"],
            contact_time="midnight",
        )  # fmt: skip
    assert set(refused.value.fields) == {"name", "phones.0", "phones.2", "contact_time"}
    from aftercare.customers.models import Customer

    assert not Customer.objects.exists()


def test_advisor_cannot_create_customers_in_another_branch(desk):
    with pytest.raises(NotAllowed):
        actions.create_customer(branch=desk.branch_b, by=desk.alice, name="李四")


def test_next_maintenance_from_cycle_and_hand_override(desk):
    customer = actions.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    vehicle = actions.add_vehicle(
        customer, by=desk.alice, plate="京A12345", maintenance_months=6, maintenance_km=5000,
        last_maintenance_on=date(2025, 8, 31), last_maintenance_km=10000,
    )  # fmt: skip
    assert (vehicle.next_maintenance_on, vehicle.next_maintenance_km) == (date(2026, 2, 28), 15000)
    vehicle = actions.update_vehicle(vehicle, by=desk.alice, next_maintenance_on=date(2026, 1, 15))
    assert vehicle.next_maintenance_overridden
    assert vehicle.next_maintenance_on == date(2026, 1, 15)


def test_projected_due_date_takes_whichever_comes_first():
    vehicle = Vehicle(
        last_maintenance_on=date(2026, 1, 1), last_maintenance_km=10000,
        next_maintenance_on=date(2026, 7, 1), next_maintenance_km=15000,
        mileage=12000, mileage_on=date(2026, 2, 1),
    )  # fmt: skip
    # 2,000 km in 31 days → 3,000 km more takes 46 days: 2026-03-19, earlier than July.
    assert projected_due_date(vehicle) == date(2026, 3, 19)
    vehicle.mileage = 10100  # barely driven: the date comes first
    assert projected_due_date(vehicle) == date(2026, 7, 1)


def test_clearing_a_hand_set_due_date_returns_to_the_computed_one(desk):
    customer = actions.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    vehicle = actions.add_vehicle(
        customer, by=desk.alice, plate="京A12345", maintenance_months=6,
        last_maintenance_on=date(2026, 1, 10), next_maintenance_on=date(2026, 3, 1),
    )  # fmt: skip
    assert vehicle.next_maintenance_overridden
    vehicle = actions.update_vehicle(vehicle, by=desk.alice, next_maintenance_on=None)
    assert not vehicle.next_maintenance_overridden
    assert vehicle.next_maintenance_on == date(2026, 7, 10)


def test_a_plate_is_on_file_once_per_branch(desk):
    first = actions.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    actions.add_vehicle(first, by=desk.alice, plate="京A12345")
    second = actions.create_customer(branch=desk.branch_a, by=desk.alice, name="李四")
    with pytest.raises(InvalidInput) as refused:
        actions.add_vehicle(second, by=desk.alice, plate="京a·12345")
    assert "張三" in refused.value.fields["plate"][0]
    assert Vehicle.objects.count() == 1


def test_bad_email_and_overlong_text_are_refused_before_the_database(desk):
    with pytest.raises(InvalidInput) as refused:
        actions.create_customer(
            branch=desk.branch_a, by=desk.alice, name="張三", email="not-an-address",
            address="路" * 301,
        )  # fmt: skip
    assert set(refused.value.fields) == {"email", "address"}
