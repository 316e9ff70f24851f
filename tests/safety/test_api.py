"""The safety API: places with sufficiency, the equipment register, inspections, clearances."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from aftercare.obligations.models import Obligation
from aftercare.safety import actions
from aftercare.safety.models import Clearance, Equipment, Inspection
from tests.safety.helpers import extinguisher, place

pytestmark = pytest.mark.django_db


def test_places_with_sufficiency(desk, api_client):
    where = place(desk, min_count=2)
    extinguisher(desk, where, now=timezone.now())
    body = api_client.as_user(desk.alice).get("/safety/places").json()
    assert [(p["name"], p["available_count"], p["min_count"], p["sufficient"]) for p in body] == [
        ("油漆房", 1, 2, False)
    ]
    assert body[0]["equipment"][0]["inspection_state"] == "due"


def test_other_branches_see_nothing_and_get_404(desk, api_client):
    place(desk)
    assert api_client.as_user(desk.carol).get("/safety/places").json() == []
    response = api_client.as_user(desk.carol).get("/safety/places", branch_id=desk.branch_a.pk)
    assert response.status_code == 404


def _equipment(where, **changes):
    return {
        "place_id": where.pk, "kind": "co2", "label": "C-7", "capacity": "5", "unit": "kg",
        "installed_on": "2025-01-10", "expires_on": "2030-01-10", **changes,
    }  # fmt: skip


def test_add_equipment(desk, api_client):
    where = place(desk)
    response = api_client.as_user(desk.sam).post("/safety/equipment", _equipment(where))
    assert response.status_code == 201, response.content
    assert response.json()["label"] == "C-7"
    assert Obligation.objects.filter(rule="DS-13", owner=desk.sam).count() == 1
    listed = api_client.get("/safety/equipment", place_id=where.pk).json()
    assert [row["label"] for row in listed["items"]] == ["C-7"]


@pytest.mark.parametrize(
    "changes, field",
    [({"capacity": "-3"}, "capacity"), ({"expires_on": "2024-12-31"}, "expires_on")],
)
def test_bad_equipment_is_422_and_nothing_written(desk, api_client, changes, field):
    where = place(desk)
    response = api_client.as_user(desk.sam).post("/safety/equipment", _equipment(where, **changes))
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    assert not Equipment.objects.exists()


def test_advisor_may_not_add_equipment(desk, api_client):
    where = place(desk)
    response = api_client.as_user(desk.alice).post("/safety/equipment", _equipment(where))
    assert response.status_code == 403
    assert not Equipment.objects.exists()


def test_record_inspection_fulfils_the_obligation(desk, api_client):
    item = extinguisher(desk, place(desk), now=timezone.now())
    moment = (timezone.now() - timedelta(minutes=5)).isoformat()
    response = api_client.as_user(desk.alice).post(
        f"/safety/equipment/{item.pk}/inspections",
        {"result": "ok", "at": moment, "pressure_ok": True, "seal_ok": True},
    )
    assert response.status_code == 201, response.content
    assert Obligation.objects.get(rule="DS-13").done_by == desk.alice


def test_inspection_of_another_branch_is_404(desk, api_client):
    item = extinguisher(desk, place(desk), now=timezone.now())
    response = api_client.as_user(desk.carol).post(
        f"/safety/equipment/{item.pk}/inspections", {"result": "ok"}
    )
    assert response.status_code == 404
    assert not Inspection.objects.exists()


def test_record_clearance_and_future_refused(desk, api_client):
    bin_ = actions.add_bin(place=place(desk), by=desk.sam, label="桶", owner=desk.alice,
                           starts_on=timezone.localdate() - timedelta(days=1))  # fmt: skip
    future = (timezone.now() + timedelta(hours=3)).isoformat()
    api = api_client.as_user(desk.bob)
    refused = api.post(f"/safety/bins/{bin_.pk}/clearances", {"at": future})
    assert refused.status_code == 422
    assert refused.json()["code"] == "future_moment"
    assert not Clearance.objects.exists()
    done = api.post(f"/safety/bins/{bin_.pk}/clearances", {"note": "清空"})
    assert done.status_code == 201
    assert Obligation.objects.get(rule="DS-12").done_by == desk.bob


def test_removed_item_inspection_is_409(desk, api_client):
    item = extinguisher(desk, place(desk), expires_on=date(2031, 1, 1), now=timezone.now())
    actions.remove_equipment(item, by=desk.sam, reason="移走")
    response = api_client.as_user(desk.sam).post(
        f"/safety/equipment/{item.pk}/inspections", {"result": "ok"}
    )
    assert response.status_code == 409
