"""The safety pages: the register, forms that refuse bad input and change nothing, HTMX."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare.obligations.models import Obligation
from aftercare.safety import actions
from aftercare.safety.models import Clearance, Equipment, Inspection, Place
from tests.safety.helpers import extinguisher, place

pytestmark = pytest.mark.django_db


def test_register_shows_places_and_badges(desk, client):
    where = place(desk, min_count=2)
    extinguisher(desk, where, now=timezone.now())
    client.force_login(desk.alice)
    page = client.get("/safety/").content.decode()
    assert "油漆房" in page
    assert 'data-sufficient="no"' in page
    assert 'data-state="due"' in page
    assert "Workshop safety" in page
    assert "/safety/places/new/" not in page  # advisors do not keep the register


def test_register_of_another_branch_is_404_and_engineers_403(desk, client):
    client.force_login(desk.carol)
    assert client.get(f"/safety/?branch={desk.branch_a.pk}").status_code == 404
    from tests.factories import UserFactory

    client.force_login(UserFactory(branch=desk.branch_a, roles=["engineer"]))
    assert client.get("/safety/").status_code == 403


def test_administrator_picks_a_branch(desk, client):
    place(desk)
    client.force_login(desk.ada)
    page = client.get(f"/safety/?branch={desk.branch_a.pk}").content.decode()
    assert "油漆房" in page and 'id="branch-select"' in page


def test_inspection_from_the_page(desk, client):
    item = extinguisher(desk, place(desk), now=timezone.now())
    client.force_login(desk.sam)
    moment = timezone.localtime(timezone.now() - timedelta(minutes=10), desk.org.tz)
    response = client.post(
        f"/safety/equipment/{item.pk}/",
        {
            "result": "ok",
            "pressure_ok": "yes",
            "seal_ok": "",
            "at": moment.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.pressure_ok, inspection.seal_ok) == (True, None)
    assert Obligation.objects.get(rule="DS-13").done_by == desk.sam
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="inspected"' in page


def test_equipment_form_refuses_negative_capacity_and_changes_nothing(desk, client):
    where = place(desk)
    client.force_login(desk.sam)
    response = client.post(
        f"/safety/places/{where.pk}/equipment/new/",
        {"kind": "powder", "label": "E-9", "capacity": "-4", "unit": "kg",
         "installed_on": "2026-01-05", "expires_on": "2025-01-01", "inspect_every_months": "1",
         "replace_notice_days": "30"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "The capacity cannot be negative." in page
    assert "The expiry date must be after the installation date." in page
    assert not Equipment.objects.exists()


def test_place_form_and_duplicate_name(desk, client):
    client.force_login(desk.sam)
    data = {"name": "油漆房", "keeper": desk.sam.pk, "min_count": "2", "capacity_unit": "kg"}
    assert client.post("/safety/places/new/", data).status_code == 302
    response = client.post("/safety/places/new/", data)
    assert "This branch already has a place of that name." in response.content.decode()
    assert Place.objects.count() == 1


def test_clearance_by_htmx_returns_the_row(desk, client):
    bin_ = actions.add_bin(place=place(desk), by=desk.sam, label="廢布桶", owner=desk.alice)
    client.force_login(desk.alice)
    response = client.post(f"/safety/bins/{bin_.pk}/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-state="cleared"' in response.content.decode()
    assert Clearance.objects.get().by == desk.alice
    assert Obligation.objects.get(rule="DS-12").done_by == desk.alice


def test_clearance_in_the_future_by_form_is_refused(desk, client):
    bin_ = actions.add_bin(place=place(desk), by=desk.sam, label="廢布桶", owner=desk.alice)
    client.force_login(desk.alice)
    later = timezone.localtime(timezone.now() + timedelta(hours=3), desk.org.tz)
    response = client.post(f"/safety/bins/{bin_.pk}/", {"at": later.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "A moment in the future cannot be recorded." in response.content.decode()
    assert not Clearance.objects.exists()
