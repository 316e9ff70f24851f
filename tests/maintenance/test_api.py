"""The maintenance API: plans drafted with their terms (submitted and confirmed through the
plan workflow's API), visits by plan, a visit's result and moves, the checklists. Bad input is
a 422 naming the field with nothing written; another branch's records are not found."""

import pytest
import time_machine

from aftercare.agreements.models import Agreement
from aftercare.maintenance.models import MaintenancePlan, MaintenanceVisit, VisitReschedule
from aftercare.servicedesk.models import Ticket
from tests.maintenance.helpers import at, confirm, draft, hotline, png, visits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        yield


def body(h, **extra):
    return {
        "site_id": h.site.pk, "contract_id": h.contract.pk, "system_ids": [h.cctv.pk],
        "every_months": 3, "starts_on": "2026-01-15", "ends_on": "2026-12-31", **extra,
    }  # fmt: skip


def test_a_plan_is_drafted_read_and_its_visits_listed(api_client):
    h = hotline()
    api = api_client.as_user(h.sam)
    created = api.post("/maintenance-plans", body(h, engineer_id=h.eve.pk))
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["state"] == "draft" and plan["version"] == 1 and plan["visits"] == []
    assert plan["terms"]["every_months"] == 3 and plan["terms"]["non_working_day"] == "previous"
    assert Agreement.objects.get(pk=plan["id"]).kind == "maintenance"
    now = at(2026, 12, 1, 9, 0)
    confirm(h, MaintenancePlan.objects.get(pk=plan["id"]), submitted_at=now, confirmed_at=now)
    detail = api.get(f"/maintenance-plans/{plan['id']}").json()
    assert detail["state"] == "confirmed"
    assert [row["number"] for row in detail["versions"]] == [1]
    assert [row["scheduled_on"] for row in detail["visits"]] == [
        "2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15",
    ]  # fmt: skip
    listed = api.get("/maintenance-visits", plan_id=plan["id"]).json()
    assert listed["count"] == 4
    first = listed["items"][0]
    assert first["bs9"]["due_at"] == "2026-01-15T23:59:59.999999+08:00"
    assert first["bs9"]["owner_id"] == h.eve.pk
    assert api.get("/maintenance-plans", state="confirmed").json()["count"] == 1
    assert api.get("/maintenance-plans", state="draft").json()["count"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"system_ids": []}, "system_ids"),
        ({"every_months": 0}, "every_months"),
        ({"every_months": None}, "every_months"),
        ({"dates": ["2026-03-01"]}, "every_months"),  # both a frequency and dates
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"ends_on": "2032-01-01"}, "ends_on"),
        ({"non_working_day": "sideways"}, "non_working_day"),
        ({"site_id": 999999}, "site_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_plans_are_refused_naming_the_field_and_nothing_is_written(api_client, change, field):
    h = hotline()
    response = api_client.as_user(h.sam).post("/maintenance-plans", body(h, **change))
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]
    assert not Agreement.objects.exists() and not MaintenancePlan.objects.exists()


def test_a_system_of_another_site_is_refused(api_client):
    h = hotline()
    from aftercare.sites import actions as sites

    elsewhere = sites.add_system(by=h.sam, site=h.other_site, kind="cctv", name="商場監控")
    response = api_client.as_user(h.sam).post(
        "/maintenance-plans", body(h, system_ids=[h.cctv.pk, elsewhere.pk])
    )
    assert response.status_code == 422 and "system_ids" in response.json()["fields"]
    assert not Agreement.objects.exists()


def test_result_and_reschedule_through_the_api(api_client):
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    first, second, *_ = visits(plan)
    api = api_client.as_user(h.eve)
    checks = api.get(f"/maintenance-visits/{first.pk}").json()["checks"]
    items = [
        {
            "check_id": row["id"],
            "result": "ok",
            "reading": "30" if row["kind"] == "reading" else None,
            "note": "",
        }  # fmt: skip
        for row in checks
    ]
    items[0] = {**items[0], "result": "defect", "note": "畫面模糊"}
    bad = api.post(f"/maintenance-visits/{first.pk}/result",
                   {"items": items[1:], "signed_by": "李經理", "signature_png": png()})  # fmt: skip
    assert bad.status_code == 422 and "items" in bad.json()["fields"]
    assert MaintenanceVisit.objects.get(pk=first.pk).state == "planned"
    done = api.post(f"/maintenance-visits/{first.pk}/result",
                    {"done_at": "2026-01-15T10:00:00+08:00", "items": items,
                     "signed_by": "李經理", "signature_png": png()})  # fmt: skip
    assert done.status_code == 200, done.json()
    result = done.json()
    assert result["state"] == "done" and result["bs9"]["status"] == "done_on_time"
    assert result["checks"][0]["ticket_number"] == Ticket.objects.get().number
    again = api.post(f"/maintenance-visits/{first.pk}/result",
                     {"items": items, "signed_by": "李經理", "signature_png": png()})  # fmt: skip
    assert again.status_code == 409

    refused = api.post(f"/maintenance-visits/{second.pk}/reschedule", {"to": "2026-04-20",
                                                                      "reason": ""})  # fmt: skip
    assert refused.status_code == 422 and "reason" in refused.json()["fields"]
    moved = api.post(f"/maintenance-visits/{second.pk}/reschedule",
                     {"to": "2026-04-20", "reason": "業主大堂裝修"})  # fmt: skip
    assert moved.status_code == 200
    data = moved.json()
    assert (data["planned_on"], data["scheduled_on"]) == ("2026-04-15", "2026-04-20")
    assert data["reschedules"][0]["reason"] == "業主大堂裝修"
    assert data["bs9"]["due_at"] == "2026-04-20T23:59:59.999999+08:00"


def test_another_branch_sees_nothing_and_a_parts_clerk_may_only_read(api_client):
    from tests.factories import UserFactory

    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    visit = visits(plan)[0]
    api = api_client.as_user(h.sue)  # supervisor of the other branch
    assert api.get(f"/maintenance-plans/{plan.pk}").status_code == 404
    assert api.get("/maintenance-visits", plan_id=plan.pk).status_code == 404
    assert api.get(f"/maintenance-visits/{visit.pk}").status_code == 404
    moved = api.post(f"/maintenance-visits/{visit.pk}/reschedule", {"to": "2026-01-20",
                                                                    "reason": "x"})  # fmt: skip
    assert moved.status_code == 404 and not VisitReschedule.objects.exists()
    assert api.get("/maintenance-plans").json()["count"] == 0
    clerk = UserFactory(username="pat", branch=h.branch, roles=["parts_clerk"])
    api = api_client.as_user(clerk)
    assert api.get(f"/maintenance-plans/{plan.pk}").status_code == 200
    assert api.post("/maintenance-plans", body(h)).status_code == 403
    refused = api.post(f"/maintenance-visits/{visit.pk}/reschedule", {"to": "2026-01-20",
                                                                     "reason": "x"})  # fmt: skip
    assert refused.status_code == 403 and not VisitReschedule.objects.exists()


def test_the_checklists_are_shipped_per_kind_in_the_readers_language(api_client, client):
    h = hotline()
    api = api_client.as_user(h.eve)
    rows = api.get("/checklist-templates", system_kind="cctv").json()
    (cctv,) = rows
    assert cctv["items"][0]["code"] == "cctv_image"
    assert cctv["items"][0]["text"] == "Every camera shows a clear image, day and night"
    retention = next(item for item in cctv["items"] if item["kind"] == "reading")
    assert (retention["unit"], retention["low"], retention["high"]) == ("d", "30", None)
    assert len(api.get("/checklist-templates").json()) == 9  # every kind of system


def test_a_checks_photo_travels_as_base64_and_a_bad_one_is_refused(api_client):
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    first = visits(plan)[0]
    api = api_client.as_user(h.eve)
    checks = api.get(f"/maintenance-visits/{first.pk}").json()["checks"]
    items = [
        {"check_id": row["id"], "result": "ok",
         "reading": "30" if row["kind"] == "reading" else None, "note": ""}
        for row in checks
    ]  # fmt: skip
    bad = [{**items[0], "photo_base64": "bm90IGFuIGltYWdl"}, *items[1:]]  # "not an image"
    refused = api.post(f"/maintenance-visits/{first.pk}/result",
                       {"items": bad, "signed_by": "李經理", "signature_png": png()})  # fmt: skip
    assert refused.status_code == 422
    assert "items.0.photo" in refused.json()["fields"]
    assert MaintenanceVisit.objects.get(pk=first.pk).state == "planned"
    good = [{**items[0], "photo_base64": png()}, *items[1:]]
    done = api.post(f"/maintenance-visits/{first.pk}/result",
                    {"items": good, "signed_by": "李經理", "signature_png": png()})  # fmt: skip
    assert done.status_code == 200, done.json()
    assert done.json()["checks"][0]["has_photo"] is True
    photo = MaintenanceVisit.objects.get(pk=first.pk).checks.get(pk=items[0]["check_id"]).photo
    assert photo.read().startswith(b"\x89PNG")
