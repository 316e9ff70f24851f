"""The hotline API (what the acceptance checks use): the issue's exact moments over HTTP, the
answers' clocks, and bad input refused with a translated 4xx that changes nothing."""

import pytest

from aftercare.obligations.models import Obligation
from aftercare.servicedesk.models import Suspension, Ticket, TicketEvent
from tests.servicedesk.helpers import hotline, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return hotline()


def body(h, **changes):
    data = {
        "site_id": h.site.pk,
        "system_id": h.cctv.pk,
        "reported_at": "2026-04-30T16:30:00+08:00",
        "caller_name": "王先生",
        "caller_phone": "13800138000",
        "category": "line_fault",
        "emergency": False,
        "description": "三樓監控畫面全黑",
    }
    data.update(changes)
    return data


def counts():
    return (Ticket.objects.count(), TicketEvent.objects.count(), Obligation.objects.count(),
            Suspension.objects.count())  # fmt: skip


def test_a_call_through_the_api_answers_its_number_coverage_and_clocks(h, api_client):
    api = api_client.as_user(h.sam)
    response = api.post("/tickets", body(h))
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert ticket["number"] == "BS-H-2026-000001"
    assert (ticket["coverage"], ticket["contract_id"]) == ("contract", h.contract.pk)
    assert [(c["rule"], c["due_at"], c["done_at"], c["status"]) for c in ticket["clocks"]] == [
        ("BS-7", "2026-05-06T09:30:00+08:00", None, "overdue"),
        ("BS-8", "2026-05-06T11:30:00+08:00", None, "overdue"),
    ]
    # From the QR label: the equipment item alone names its system.
    response = api.post("/tickets", body(h, system_id=None, equipment_id=h.camera.pk,
                                         reported_at="2026-05-08T17:00:00+08:00"))  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["system_id"] == h.cctv.pk
    assert response.json()["clocks"][0]["due_at"] == "2026-05-09T10:00:00+08:00"
    # The standard's word "software" is the contracts' `software_fault`.
    software = api.post("/tickets", body(h, category="software"))
    assert software.status_code == 201, software.content
    assert software.json()["category"] == "software_fault"
    software_id = software.json()["id"]
    assert api.patch(f"/tickets/{software_id}", {"category": "software"}).status_code == 200
    api.patch(f"/tickets/{software_id}", {"category": "line_fault"})
    listed = api.get("/tickets", open="true").json()
    assert [row["number"] for row in listed["items"]] == [
        "BS-H-2026-000002", "BS-H-2026-000003", "BS-H-2026-000001"]  # fmt: skip
    assert api.get(f"/tickets/{ticket['id']}").json()["clocks"] == ticket["clocks"]


def test_the_field_work_over_the_api(h, api_client):
    api = api_client.as_user(h.sam)
    ticket = api.post("/tickets", body(h, reported_at="2026-06-02T16:00:00+08:00")).json()
    url = f"/tickets/{ticket['id']}"
    response = api.post(f"{url}/dispatch", {"engineer_id": h.eve.pk,
                                            "at": "2026-06-02T16:05:00+08:00"})  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "dispatched"
    api = api_client.as_user(h.eve)
    paused = api.post(f"{url}/pause", {"at": "2026-06-02T17:00:00+08:00", "reason": "parts"})
    assert paused.json()["clocks"][1]["due_at"] is None  # stopped
    assert paused.json()["pause_reason"] == "parts"
    resumed = api.post(f"{url}/resume", {"at": "2026-06-03T10:00:00+08:00"}).json()
    assert resumed["clocks"][1]["due_at"] == "2026-06-03T13:00:00+08:00"
    arrived = api.post(f"{url}/arrival", {"at": "2026-06-03T10:30:00+08:00",
                                          "latitude": 31.2304, "longitude": 121.4737})  # fmt: skip
    assert arrived.status_code == 200, arrived.content
    assert arrived.json()["clocks"][0]["status"] == "done_on_time"
    # The supervisor corrects the category: the overnight pause still counts.
    changed = api_client.as_user(h.sam).patch(url, {"category": "line_fault", "emergency": True,
                                                    "at": "2026-06-03T10:40:00+08:00"})  # fmt: skip
    assert changed.status_code == 200, changed.content
    # An emergency's 4 h on 24×7: 1 h before the pause (17:00 → 10:00), 3 h after it.
    assert changed.json()["emergency"] is True
    assert changed.json()["calendar_id"] != h.office.pk
    assert changed.json()["clocks"][1]["due_at"] == "2026-06-03T13:00:00+08:00"
    api = api_client.as_user(h.eve)
    resolved = api.post(f"{url}/resolve", {
        "at": "2026-06-03T10:50:00+08:00", "work_done": "更換電源", "cause": "電源老化",
        "labour_minutes": 50, "signed_by": "王先生", "signature_png": png(),
    })  # fmt: skip
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "resolved"
    assert resolved.json()["clocks"][1]["status"] == "done_on_time"
    again = api.post(f"{url}/pause", {"reason": "parts"})
    assert again.status_code == 409
    assert again.json()["code"] == "ticket_resolved"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "broken"}, "category"),
        ({"caller_name": ""}, "caller_name"),
        ({"reported_at": "2026-06-02T10:00:00"}, "reported_at"),
        ({"system_id": None}, "system_id"),
        ({"nickname": "x"}, "nickname"),
    ],
)
def test_bad_calls_are_refused_and_write_nothing(h, api_client, changes, field):
    api = api_client.as_user(h.sam)
    before = counts()
    response = api.post("/tickets", body(h, **changes))
    assert response.status_code == 422, response.content
    assert field in str(response.json()["fields"])
    assert counts() == before


def test_other_branches_and_roles_are_kept_out(h, api_client):
    ticket = api_client.as_user(h.sam).post("/tickets", body(h)).json()
    assert api_client.as_user(h.sue).get(f"/tickets/{ticket['id']}").status_code == 404
    assert api_client.as_user(h.sue).get("/tickets").json()["count"] == 0
    # An engineer may take a call but not dispatch; another engineer may not arrive.
    eve = api_client.as_user(h.eve)
    refused = eve.post(f"/tickets/{ticket['id']}/dispatch", {"engineer_id": h.eve.pk})
    assert refused.status_code == 403
    api_client.as_user(h.sam).post(f"/tickets/{ticket['id']}/dispatch",
                                   {"engineer_id": h.kim.pk})  # fmt: skip
    assert api_client.as_user(h.eve).post(f"/tickets/{ticket['id']}/arrival", {}).status_code == 403
    # A supervisor cannot be dispatched as the engineer of another branch.
    refused = api_client.as_user(h.sam).post(f"/tickets/{ticket['id']}/dispatch",
                                             {"engineer_id": h.sue.pk})  # fmt: skip
    assert refused.status_code == 422
    assert "engineer_id" in refused.json()["fields"]


def test_suspensions_over_the_api(h, api_client):
    api = api_client.as_user(h.sam)
    ticket = api.post("/tickets", body(h, system_id=h.fire.pk,
                                       reported_at="2026-06-02T10:00:00+08:00")).json()  # fmt: skip
    response = api.post("/suspensions", {
        "branch_id": h.branch.pk, "starts_at": "2026-06-02T11:00:00+08:00",
        "ends_at": "2026-06-02T14:00:00+08:00", "reason": "typhoon_8",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    assert api.get(f"/tickets/{ticket['id']}").json()["clocks"][1]["due_at"] == (
        "2026-06-02T17:00:00+08:00"
    )
    assert [row["reason"] for row in api.get("/suspensions").json()["items"]] == ["typhoon_8"]
    before = counts()
    bad = api.post("/suspensions", {
        "branch_id": h.branch.pk, "starts_at": "2026-06-02T11:00:00+08:00",
        "ends_at": "2026-06-02T10:00:00+08:00", "reason": "typhoon_8",
    })  # fmt: skip
    assert bad.status_code == 422 and "ends_at" in bad.json()["fields"]
    other = api.post("/suspensions", {"branch_id": h.other_branch.pk,
                                      "starts_at": "2026-06-02T11:00:00+08:00",
                                      "reason": "black_rainstorm"})  # fmt: skip
    assert other.status_code == 403
    assert api_client.as_user(h.eve).post("/suspensions", {
        "branch_id": h.branch.pk, "starts_at": "2026-06-02T11:00:00+08:00", "reason": "other",
        "note": "停電",
    }).status_code == 403  # fmt: skip
    assert counts() == before
    api = api_client.as_user(h.sam)
    rain = api.post("/suspensions", {"branch_id": h.branch.pk, "reason": "black_rainstorm",
                                     "starts_at": "2026-06-02T15:00:00+08:00"}).json()  # fmt: skip
    assert api.get(f"/tickets/{ticket['id']}").json()["clocks"][1]["due_at"] is None
    ended = api.post(f"/suspensions/{rain['id']}/end", {"ends_at": "2026-06-02T16:30:00+08:00"})
    assert ended.status_code == 200, ended.content
    assert api.get(f"/tickets/{ticket['id']}").json()["clocks"][1]["due_at"] == (
        "2026-06-02T18:30:00+08:00"
    )
    again = api.post(f"/suspensions/{rain['id']}/end", {"ends_at": "2026-06-02T17:00:00+08:00"})
    assert again.status_code == 409
