"""Issue 13's acceptance for spare parts (BS-12): the serving order, BS-12 for the parts
clerk, installations that give an item the part's own warranty."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from aftercare.contracts.queries import coverage
from aftercare.obligations.models import Obligation
from aftercare.parts import actions
from aftercare.parts.models import Reservation, StockMovement
from aftercare.parts.queries import ledger_mismatches, reservation_queue
from tests.parts.helpers import at, resolve, stores

pytestmark = pytest.mark.django_db


def bs12(reservation):
    return Obligation.objects.filter(rule="BS-12", subject_id=reservation.pk).order_by("id")


def test_a_covered_owner_is_served_before_an_earlier_uncovered_one_and_a_receipt_serves_the_rest():
    s = stores()
    s.receive(s.camera_part, 1, at=at(2026, 6, 1, 9, 0))
    uncovered_ticket = s.uncovered_call(at(2026, 6, 2, 9, 0))
    covered_ticket = s.covered_call(at(2026, 6, 2, 9, 30))
    uncovered = actions.reserve(
        by=s.eve, part=s.camera_part, quantity=1, ticket=uncovered_ticket, at=at(2026, 6, 2, 10, 0)
    )
    assert uncovered.state == "served" and not bs12(uncovered).exists()
    covered = actions.reserve(
        by=s.eve, part=s.camera_part, quantity=1, ticket=covered_ticket, at=at(2026, 6, 2, 11, 0)
    )
    uncovered.refresh_from_db()
    assert (covered.state, uncovered.state) == ("served", "waiting")
    queue = reservation_queue(s.pat, s.camera_part)
    assert [(line.position, line.reservation.pk, line.served) for line in queue] == [
        (1, covered.pk, True), (2, uncovered.pk, False),
    ]  # fmt: skip
    (duty,) = bs12(uncovered)
    assert duty.owner == s.pat and duty.done_at is None
    # 2 working days from Tuesday 2 June 11:00 (Shanghai): due at the end of Thursday 4 June.
    assert duty.due_at.astimezone(at(2026, 1, 1, 0, 0).tzinfo).date() == date(2026, 6, 4)
    s.receive(s.camera_part, 1, at=at(2026, 6, 3, 15, 0))
    uncovered.refresh_from_db()
    duty.refresh_from_db()
    assert uncovered.state == "served" and duty.done_at == at(2026, 6, 3, 15, 0)
    assert ledger_mismatches() == []


def test_issuing_uses_the_tickets_own_reservation_and_never_takes_another_tickets():
    s = stores()
    s.receive(s.camera_part, 1, at=at(2026, 6, 1, 9, 0))
    covered_ticket = s.covered_call(at(2026, 6, 2, 9, 30))
    other = s.uncovered_call(at(2026, 6, 2, 9, 40))
    actions.reserve(by=s.eve, part=s.camera_part, quantity=1, ticket=covered_ticket,
                    at=at(2026, 6, 2, 10, 0))  # fmt: skip
    with pytest.raises(actions.InvalidInput) as refused:
        actions.record_movement(by=s.pat, part=s.camera_part, kind="issue", quantity=1,
                                ticket=other, at=at(2026, 6, 2, 10, 5))  # fmt: skip
    assert "held for other tickets" in str(refused.value.message)
    line = actions.record_movement(by=s.pat, part=s.camera_part, kind="issue", quantity=1,
                                   ticket=covered_ticket, at=at(2026, 6, 2, 10, 10))  # fmt: skip
    assert (line.quantity, line.balance_after) == (Decimal(-1), Decimal(0))
    assert Reservation.objects.get(ticket=covered_ticket).state == "issued"


def test_a_part_installed_gives_the_item_its_own_warranty_and_the_bill_follows_it():
    s = stores()
    item = s.camera  # its system's warranty ended (the system was never under warranty)
    item.warranty_starts_on, item.warranty_ends_on = date(2024, 1, 1), date(2025, 12, 31)
    item.own_warranty = True
    item.save()
    actions.install(by=s.eve, part=s.camera_part, equipment=item, at=at(2026, 7, 20, 10, 0),
                    serial="HK-9001")  # fmt: skip
    item.refresh_from_db()
    assert (item.warranty_starts_on, item.warranty_ends_on) == (
        date(2026, 7, 20),
        date(2027, 7, 19),
    )
    assert coverage(item, date(2027, 7, 19)).kind == "warranty"
    # The CCTV system is under the contract until 2027-12-31; the fire system is not.
    fire_item = s.h.b.fire.equipment.create(name="煙感", serial="SD-1")
    actions.install(by=s.eve, part=s.camera_part, equipment=fire_item, at=at(2026, 7, 20, 10, 0))
    assert coverage(fire_item, date(2027, 7, 19)).kind == "warranty"
    assert coverage(fire_item, date(2027, 7, 20)).kind == "none"
    from aftercare.billing.models import Bill

    for day, billed in ((19, False), (20, True)):
        with time_machine.travel(at(2027, 7, day, 12, 0), tick=False):
            ticket = s.h.call(at(2027, 7, day, 9, 0), system=s.h.b.fire, equipment=fire_item)
            resolve(s, ticket, at(2027, 7, day, 11, 0))
        assert Bill.objects.filter(ticket=ticket).exists() is billed, day


def test_bad_input_is_refused_in_the_readers_language_and_writes_nothing(api_client):
    s = stores()
    api = api_client.as_user(s.pat)
    before = StockMovement.objects.count()
    cases = [
        ({"part_id": s.camera_part.pk, "quantity": "1.5", "kind": "receipt"}, "quantity"),
        ({"part_id": s.camera_part.pk, "quantity": -2, "kind": "receipt"}, "quantity"),
        ({"part_id": 999999, "quantity": 1, "kind": "receipt"}, "part_id"),
        ({"part_id": s.camera_part.pk, "quantity": 1, "kind": "adjustment"}, "reason"),
        ({"part_id": s.camera_part.pk, "quantity": -1, "kind": "adjustment", "reason": "盤點"},
         "quantity"),
    ]  # fmt: skip
    for body, field in cases:
        response = api.post("/stock-movements", body)
        assert response.status_code == 422, (body, response.content)
        assert field in str(response.json()), (body, response.json())
    assert StockMovement.objects.count() == before
    money = api.post("/parts", {"code": "X1", "name": "x", "unit_cost": "12.345"})
    assert money.status_code == 422 and "two decimal places" in str(money.json())
    chinese = api_client.as_user(s.pat)
    response = chinese.post(
        "/stock-movements",
        {"part_id": s.camera_part.pk, "quantity": "0.5", "kind": "receipt"},
    )
    assert response.status_code == 422


def test_a_refusal_is_worded_in_the_readers_language(client):
    s = stores()
    client.force_login(s.pat)
    before = StockMovement.objects.count()
    for language, words in (("zh-hant", "此備件以整數計量"), ("zh-hans", "此备件以整数计量")):
        response = client.post(
            "/api/v1/stock-movements",
            {"part_id": s.camera_part.pk, "quantity": "1.5", "kind": "receipt"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 422
        assert words in response.json()["fields"]["quantity"][0]
    assert StockMovement.objects.count() == before
