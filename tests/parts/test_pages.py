"""The spare-parts pages (the catalogue, a new part, a part with its stock, serving order and
ledger, and the forms that write through the actions), the parts and billing sections of the
hotline's ticket page, and the engineer's resolve form with the parts used."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aftercare.parts import actions
from aftercare.parts.models import Installation, Part, Reservation, StockMovement
from aftercare.servicedesk import actions as hotline
from aftercare.servicedesk.models import Ticket
from aftercare.sites import actions as sites
from tests.factories import UserFactory
from tests.parts.helpers import at, png, stores

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return stores()


def text(response) -> str:
    return response.content.decode()


def part_url(s, name="parts:part", part=None):
    return reverse(name, args=[(part or s.camera_part).pk])


def queue_with_both(s):
    """Stock 1; an uncovered ticket reserved first, a covered one after: it is served."""
    s.receive(s.camera_part, 1, at=at(2026, 6, 1, 9, 0))
    uncovered = s.uncovered_call(at(2026, 6, 2, 9, 0))
    covered = s.covered_call(at(2026, 6, 2, 9, 30))
    actions.reserve(by=s.eve, part=s.camera_part, quantity=1, ticket=uncovered,
                    at=at(2026, 6, 2, 10, 0))  # fmt: skip
    actions.reserve(by=s.eve, part=s.camera_part, quantity=1, ticket=covered,
                    at=at(2026, 6, 2, 11, 0))  # fmt: skip
    return uncovered, covered


# -- the catalogue ---------------------------------------------------------------------------


def test_the_list_shows_stock_per_part_and_the_new_part_link_to_who_may_add(s, client):
    s.receive(s.camera_part, 3)
    queue_with_both(s)  # one more received, two reserved, one of them served
    for user, may_add in ((s.pat, True), (s.sam, True), (s.eve, False)):
        client.force_login(user)
        response = client.get(reverse("parts:list"))
        assert response.status_code == 200
        body = text(response)
        assert "CAM-D1" in body and "CAT6" in body
        assert ('id="part-new"' in body) is may_add
    client.force_login(s.pat)
    body = text(client.get(reverse("parts:list"), {"q": "cat"}))
    assert "CAT6" in body and "CAM-D1" not in body
    body = text(client.get(reverse("parts:list"), {"q": "CAM"}))
    row = body[body.index(f'data-part="{s.camera_part.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "data-on-hand>4" in row and "data-reserved>2" in row and "data-available>2" in row


def test_the_list_reads_the_stock_of_a_page_in_one_query(s, client, django_assert_max_num_queries):
    for n in range(30):
        actions.create_part(by=s.pat, code=f"P{n:03}", name="配件", unit_cost="1.00")
    client.force_login(s.pat)
    client.get(reverse("parts:list"))  # warm the session and the permission cache
    with django_assert_max_num_queries(8):
        response = client.get(reverse("parts:list"))
    assert response.status_code == 200 and "P029" in text(response)


def test_a_new_part_is_written_by_the_action_and_bad_input_writes_nothing(s, client):
    client.force_login(s.pat)
    assert client.get(reverse("parts:new")).status_code == 200
    bad = client.post(
        reverse("parts:new"),
        {"code": "SD-1", "name": "感煙探測器", "unit": "piece", "unit_cost": "85.005",
         "warranty_months": "24"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert not Part.objects.filter(code="SD-1").exists()
    assert "The part cannot be saved." in text(bad)
    taken = client.post(
        reverse("parts:new"),
        {"code": "CAM-D1", "name": "x", "unit": "piece", "unit_cost": "1.00"},
    )
    assert taken.status_code == 422 and "Another part already has this code." in text(taken)
    good = client.post(
        reverse("parts:new"),
        {"code": "SD-1", "name": "感煙探測器", "unit": "piece", "unit_cost": "85.00",
         "warranty_months": "24"},
    )  # fmt: skip
    part = Part.objects.get(code="SD-1")
    assert good.status_code == 302 and good["Location"] == part_url(s, part=part)
    assert (part.unit_cost, part.warranty_months) == (Decimal("85.00"), 24)
    client.force_login(s.eve)
    assert client.get(reverse("parts:new")).status_code == 403


# -- one part --------------------------------------------------------------------------------


def test_the_part_page_shows_the_serving_order_with_why_for_every_role(s, client):
    uncovered, covered = queue_with_both(s)
    for user, forms in (
        (s.pat, {"movement-form": True, "reserve-form": True, "change-form": True}),
        (s.sam, {"movement-form": True, "reserve-form": True, "change-form": True}),
        (s.eve, {"movement-form": False, "reserve-form": True, "change-form": False}),
    ):
        client.force_login(user)
        response = client.get(part_url(s))
        assert response.status_code == 200
        body = text(response)
        for form, shown in forms.items():
            assert (f'id="{form}"' in body) is shown, (user, form)
        first = body.index(f'data-reservation="{Reservation.objects.get(ticket=covered).pk}"')
        second = body.index(f'data-reservation="{Reservation.objects.get(ticket=uncovered).pk}"')
        assert first < second
        assert 'data-position="1" data-served="true"' in body
        assert 'data-position="2" data-served="false"' in body
        assert "Covered owner (Maintenance contract): served before uncovered demand." in body
        assert "Owner not covered: served after covered owners, oldest first." in body
        assert covered.number in body and uncovered.number in body


def test_a_receipt_an_adjustment_and_an_issue_through_the_movement_form(s, client):
    client.force_login(s.pat)
    response = client.post(part_url(s, "parts:movement"), {"kind": "receipt", "quantity": "5"})
    assert response.status_code == 302
    line = StockMovement.objects.get()
    assert (line.kind, line.quantity, line.balance_after, line.by) == (
        "receipt", Decimal(5), Decimal(5), s.pat,
    )  # fmt: skip
    # An adjustment needs its reason; a fractional camera is refused; nothing is written.
    for data, message in (
        ({"kind": "adjustment", "quantity": "-1"}, "This field is required."),
        ({"kind": "receipt", "quantity": "1.5"}, "This part is counted in whole units"),
        ({"kind": "issue", "quantity": "1"}, "Name the ticket the part goes to"),
        ({"kind": "issue", "quantity": "1", "ticket": "BS-H-2026-999999"},
         "No ticket of yours has this number."),
        ({"kind": "adjustment", "quantity": "-9", "reason": "盤點"}, "are free in this store"),
    ):  # fmt: skip
        refused = client.post(part_url(s, "parts:movement"), data)
        assert refused.status_code == 422, data
        assert message in text(refused), data
    assert StockMovement.objects.count() == 1
    ticket = s.covered_call(at(2026, 6, 2, 9, 30))
    client.post(
        part_url(s, "parts:movement"),
        {"kind": "adjustment", "quantity": "-1", "reason": "盤點短少"},
    )
    response = client.post(
        part_url(s, "parts:movement"),
        {"kind": "issue", "quantity": "2", "ticket": ticket.number.lower()},
    )
    assert response.status_code == 302
    issue = StockMovement.objects.get(kind="issue")
    assert (issue.ticket, issue.quantity, issue.balance_after) == (ticket, -2, 2)
    body = text(client.get(part_url(s)))
    assert "盤點短少" in body and ticket.number in body
    # The ledger, newest first: issue, adjustment, receipt.
    ledger = body[body.index('id="part-ledger"') :]
    assert ledger.index('data-kind="issue"') < ledger.index('data-kind="adjustment"')
    assert ledger.index('data-kind="adjustment"') < ledger.index('data-kind="receipt"')


def test_the_ledger_is_paginated(s, client):
    for _n in range(30):
        s.receive(s.cable, "1.5")
    client.force_login(s.pat)
    first = text(client.get(part_url(s, part=s.cable)))
    assert first.count('data-kind="receipt"') == 25 and "Page 1 of 2" in first
    second = text(client.get(part_url(s, part=s.cable), {"page": 2}))
    assert second.count('data-kind="receipt"') == 5


def test_the_engineer_reserves_and_cancels_and_may_not_move_stock(s, client):
    s.receive(s.camera_part, 1)
    ticket = s.uncovered_call(at(2026, 6, 2, 9, 0))
    client.force_login(s.eve)
    refused = client.post(part_url(s, "parts:reserve"), {"ticket": ticket.number, "quantity": "0"})
    assert refused.status_code == 422 and "Give a quantity above 0." in text(refused)
    assert not Reservation.objects.exists()
    response = client.post(part_url(s, "parts:reserve"), {"ticket": ticket.number, "quantity": "1"})
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert (reservation.ticket, reservation.state) == (ticket, "served")
    assert client.post(part_url(s, "parts:movement"),
                       {"kind": "receipt", "quantity": "1"}).status_code == 403  # fmt: skip
    cancel = reverse("parts:cancel", args=[s.camera_part.pk, reservation.pk])
    assert client.post(cancel, {f"cancel{reservation.pk}-reason": "客戶自備"}).status_code == 302
    reservation.refresh_from_db()
    assert (reservation.state, reservation.cancel_reason) == ("cancelled", "客戶自備")
    again = client.post(cancel, {})
    assert again.status_code == 409 and "This reservation is already closed." in text(again)
    assert "客戶自備" in text(client.get(part_url(s)))


def test_an_installation_on_its_own_finds_the_item_by_serial(s, client):
    client.force_login(s.eve)
    refused = client.post(
        part_url(s, "parts:install"), {"equipment": "NO-SUCH", "installed_at": "2026-07-20T10:00"}
    )
    assert refused.status_code == 422
    assert "None of your equipment has this serial number." in text(refused)
    response = client.post(
        part_url(s, "parts:install"),
        {"equipment": "hk 0001", "serial": "HK-9001", "installed_at": "2026-07-20T10:00"},
    )
    assert response.status_code == 302
    installation = Installation.objects.get()
    assert (installation.equipment, installation.serial) == (s.camera, "HK-9001")
    assert str(installation.warranty_ends_on) == "2027-07-19"


def test_another_branch_sees_the_catalogue_but_not_this_branchs_store(s, client):
    s.receive(s.camera_part, 3)
    queue_with_both(s)
    client.force_login(s.sue)
    body = text(client.get(part_url(s)))
    assert "No open reservation." in body and "No movements yet." in body
    assert "Nothing received yet." in body
    row = text(client.get(reverse("parts:list")))
    row = row[row.index(f'data-part="{s.camera_part.pk}"') :]
    assert "data-on-hand>0" in row[: row.index("</tr>")]
    reservation = Reservation.objects.first()
    cancel = reverse("parts:cancel", args=[s.camera_part.pk, reservation.pk])
    assert client.post(cancel, {}).status_code == 404
    assert Reservation.objects.filter(state="cancelled").count() == 0


def test_anonymous_and_roles_without_parts_are_refused(s, client):
    assert client.get(reverse("parts:list")).status_code == 302
    advisor = UserFactory(username="adv", branch=s.branch, roles=["advisor"])
    client.force_login(advisor)
    assert client.get(reverse("parts:list")).status_code == 403
    assert client.get(part_url(s)).status_code == 403


# -- the hotline's ticket page ------------------------------------------------------------------


def test_the_ticket_page_shows_the_parts_and_the_billing_decision_in_words(s, client):
    s.receive(s.camera_part, 2)
    covered = s.covered_call(at(2026, 6, 2, 9, 30))
    uncovered = s.uncovered_call(at(2026, 6, 2, 9, 40))
    actions.reserve(by=s.eve, part=s.camera_part, quantity=1, ticket=covered)
    client.force_login(s.sam)
    body = text(client.get(reverse("servicedesk:ticket", args=[covered.pk])))
    assert 'id="ticket-parts"' in body and 'id="ticket-reservations"' in body
    assert "under contract" in body and "(the contract runs until 2027-12-31)" in body
    body = text(client.get(reverse("servicedesk:ticket", args=[uncovered.pk])))
    assert "not covered: parts at cost and labour are billed" in body

    # A camera with its own warranty: "in warranty until …".
    actions.install(by=s.eve, part=s.camera_part, equipment=s.camera, at=at(2026, 7, 20, 10, 0))
    on_item = s.h.call(at(2026, 8, 3, 10, 0), equipment=s.camera)
    body = text(client.get(reverse("servicedesk:ticket", args=[on_item.pk])))
    assert "in warranty until 2027-07-19: nothing is billed" in body


def test_the_resolve_form_issues_and_installs_the_parts_used_and_bills(s, client):
    s.receive(s.camera_part, 2)
    ticket = s.uncovered_call(at(2026, 6, 2, 9, 0))
    hotline.dispatch(ticket, engineer=s.eve, by=s.sam)
    detector = sites.add_equipment(by=s.sam, system=s.fire, name="感煙探測器", serial="SD-0042")
    form = {
        "work_done": "更換探測器", "labour_minutes": "95", "signed_by": "王經理",
        "signature_png": png(),
        "part0-part": "cam-d1", "part0-quantity": "1.5", "part0-equipment": detector.pk,
        "part0-serial": "HK-9002",
        "part1-part": "CAT6", "part1-quantity": "3",
    }  # fmt: skip
    client.force_login(s.eve)
    url = reverse("servicedesk:resolve", args=[ticket.pk])
    refused = client.post(url, form)
    assert refused.status_code == 422
    body = text(refused)
    line0 = body[body.index('id="part-line-0"') : body.index('id="part-line-1"')]
    assert "This part is counted in whole units" in line0
    assert "<details" in body and 'id="parts-used" open' in body
    ticket.refresh_from_db()
    assert ticket.state != "resolved" and not StockMovement.objects.filter(kind="issue").exists()

    unknown = client.post(url, {**form, "part0-quantity": "1", "part1-part": "NOPE"})
    assert unknown.status_code == 422
    body = text(unknown)
    assert "Unknown part." in body[body.index('id="part-line-1"') :]

    s.receive(s.cable, 10)
    response = client.post(url, {**form, "part0-quantity": "1"})
    assert response.status_code == 302, text(response)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == "resolved"
    issues = StockMovement.objects.filter(ticket=ticket, kind="issue").order_by("id")
    assert [(line.part.code, line.quantity) for line in issues] == [
        ("CAM-D1", Decimal(-1)), ("CAT6", Decimal(-3)),
    ]  # fmt: skip
    installation = Installation.objects.get(ticket=ticket)
    assert (installation.equipment, installation.serial) == (detector, "HK-9002")
    client.force_login(s.sam)
    body = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert 'id="ticket-installations"' in body and "HK-9002" in body
    assert 'id="ticket-bills"' in body
