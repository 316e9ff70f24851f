"""The dealership's core loop end to end, organisation in Asia/Shanghai (DS-1…DS-6)."""

import pytest

from aftercare.cases import actions as cases
from aftercare.customers import actions as customers
from aftercare.followups import actions as followups
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions as workshop
from aftercare.workshop.models import ServiceItem
from tests.obligations.helpers import at, end

pytestmark = pytest.mark.django_db


def ob(customer, rule):
    return Obligation.objects.get(customer=customer, rule=rule)


def test_the_whole_loop(desk):
    ServiceItem.objects.create(
        organisation=desk.org, code="oil", name="機油保養", kind="maintenance"
    )
    customer = customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name="張三", phones=["13800138000"],
        followup_advisor=desk.alice,
    )  # fmt: skip
    vehicle = customers.add_vehicle(
        customer, by=desk.alice, plate="京A·12345", model="凱美瑞", vehicle_type="轎車",
        maintenance_months=6, maintenance_km=5000,
    )  # fmt: skip
    order = workshop.check_in(
        vehicle, by=desk.bob, at=at(2026, 1, 27, 9, 0), mileage=15000, items=["oil"]
    )
    assert ob(customer, "DS-1").due_at == end(2026, 1, 29)
    assert ob(customer, "DS-2").due_at == end(2026, 1, 29)
    assert ob(customer, "DS-1").owner == desk.alice  # the designated follow-up advisor

    workshop.record_pickup(order, by=desk.bob, at=at(2026, 1, 29, 18, 30))
    ds3 = ob(customer, "DS-3")
    assert (ds3.opens_at, ds3.due_at) == (at(2026, 2, 1, 0, 0), end(2026, 2, 5))
    vehicle.refresh_from_db()
    assert (vehicle.last_maintenance_on.isoformat(), vehicle.next_maintenance_km) == (
        "2026-01-29", 20000,
    )  # fmt: skip
    assert vehicle.next_maintenance_on.isoformat() == "2026-07-29"

    call = followups.record_call(
        customer, by=desk.alice, direction="out", purpose="first_followup",
        at=at(2026, 2, 3, 10, 0), reached=True, topics=["usage_and_opinion", "new_needs"],
        raised_items=[{"kind": "complaint", "text": "保養後異響", "answered_in_call": False}],
    )  # fmt: skip
    ds3.refresh_from_db()
    assert ds3.status_at(at(2026, 3, 1)) == "done_on_time"
    ds6 = ob(customer, "DS-6")
    assert (ds6.opens_at, ds6.due_at) == (at(2026, 2, 10, 0, 0), end(2026, 2, 17))
    ds4 = ob(customer, "DS-4")
    assert ds4.due_at == end(2026, 2, 5)
    [item] = call.raised_items.all()

    cases.escalate(item, by=desk.alice, at=at(2026, 2, 4, 11, 0))
    ds4.refresh_from_db()
    assert ds4.status_at(at(2026, 3, 1)) == "done_on_time"
    cases.record_solution(item, by=desk.sam, text="更換襯套", at=at(2026, 2, 6, 15, 0))
    ds5 = ob(customer, "DS-5")
    assert ds5.due_at == end(2026, 2, 6)
    cases.inform_customer(item, by=desk.alice, satisfied=True, at=at(2026, 2, 6, 17, 0))
    item.refresh_from_db()
    assert (item.state, item.satisfied) == ("closed", True)
    assert list(item.events.values_list("to_state", flat=True)) == [
        "open", "escalated", "solved", "closed",
    ]  # fmt: skip
    ds5.refresh_from_db()
    assert ds5.status_at(at(2026, 3, 1)) == "done_on_time"
    assert call.register_number == "A-T-2026-000001"
