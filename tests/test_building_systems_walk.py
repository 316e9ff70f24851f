"""Issue 11's acceptance, end to end through the API: handover → acceptance → warranty → BS-6
offer for the branch supervisor → a signed contract fulfils it → coverage warranty, contract,
none. One organisation in Asia/Shanghai; each app is tested in detail in its own folder, this
is the walk the three apps make together.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftercare.documents.models import DocumentVersion
from aftercare.obligations.models import Obligation
from aftercare.sites.models import System
from tests.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
REQUIRED = ["as_built_drawing", "software_doc", "hardware_doc", "equipment_list"]


@pytest.fixture
def building(desk):
    desk.branch_a.runs_building_systems = True
    desk.branch_a.save()
    owner = CustomerFactory(branch=desk.branch_a, kind="company", name="華信置業有限公司")
    return desk, owner


def _upload(client, system_id, kind, title, content):
    return client.post(
        "/api/v1/documents",
        {
            "system_id": str(system_id),
            "kind": kind,
            "title": title,
            "file": SimpleUploadedFile(f"{kind}.pdf", content, "application/pdf"),
        },
    )


def _list(response):
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


def test_handover_acceptance_offer_contract_and_coverage(building, client, api_client):
    desk, owner = building
    api = api_client.as_user(desk.sam)

    site = api.post(
        "/sites", {"customer_id": owner.pk, "name": "華信大廈", "address": "上海市浦東新區"}
    )
    assert site.status_code == 201, site.content
    system = api.post(
        "/systems",
        {"site_id": site.json()["id"], "kind": "fire_alarm", "name": "火災報警", "key": True},
    )
    assert system.status_code == 201, system.content
    system_id = system.json()["id"]
    item = api.post(
        "/equipment",
        {
            "system_id": system_id,
            "name": "煙感探測器",
            "model": "JTY-GD-G3",
            "serial": "SD-0001",
            "location": "3F 東側走廊",
            "installed_on": "2026-02-20",
        },
    )
    assert item.status_code == 201, item.content
    assert item.json()["warranty_ends_on"] is None

    for kind in REQUIRED:
        assert (
            _upload(client, system_id, kind, kind, b"%PDF-1.4 " + kind.encode()).status_code == 201
        )

    # The O&M manual is missing: refused, naming it, and nothing is written.
    versions_before = DocumentVersion.objects.count()
    refused = api.post(
        f"/systems/{system_id}/acceptance", {"accepted_on": "2026-03-16", "accepted_by": "王建國"}
    )
    assert refused.status_code == 422
    assert "om_manual" in refused.content.decode()
    assert System.objects.get(pk=system_id).accepted_on is None
    assert not Obligation.objects.filter(rule="BS-6").exists()
    assert DocumentVersion.objects.count() == versions_before

    first = _upload(client, system_id, "om_manual", "操作維護手冊", b"%PDF-1.4 first")
    second = _upload(client, system_id, "om_manual", "操作維護手冊", b"%PDF-1.4 corrected")
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    old = client.get(first.json()["download_url"])
    assert old.status_code == 200
    assert b"".join(old.streaming_content if old.streaming else [old.content]) == b"%PDF-1.4 first"

    handover = api.get(f"/systems/{system_id}/handover").json()
    assert handover["complete"] is True and handover["missing"] == []
    accepted = api.post(
        f"/systems/{system_id}/acceptance", {"accepted_on": "2026-03-16", "accepted_by": "王建國"}
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["warranty_ends_on"] == "2028-03-15"
    equipment = _list(api.get("/equipment", system_id=system_id))
    assert [(e["warranty_starts_on"], e["warranty_ends_on"]) for e in equipment] == [
        ("2026-03-16", "2028-03-15")
    ]

    offer = Obligation.objects.get(rule="BS-6")
    assert offer.owner == desk.sam
    assert offer.due_at == datetime(2028, 1, 15, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    listed = _list(api.get("/obligations", rule="BS-6"))
    assert [(row["id"], row["subject"]) for row in listed] == [(offer.pk, {"system_id": system_id})]

    calendar = api.post(
        "/service-calendars",
        {"name": "工作日", "weekly": [[["09:00", "18:00"]]] * 5 + [[], []], "holidays": True},
    )
    assert calendar.status_code == 201, calendar.content
    contract = api.post(
        "/contracts",
        {
            "customer_id": owner.pk,
            "site_id": site.json()["id"],
            "system_ids": [system_id],
            "starts_on": "2028-03-16",
            "ends_on": "2029-03-15",
            "service_calendar_id": calendar.json()["id"],
            "targets": [{"category": "line_fault", "arrival_hours": 2, "fix_hours": 4}],
            "emergency": {
                "arrival_hours": 1,
                "fix_hours": 2,
                "escalation": [{"after_minutes": 30, "user_id": desk.sam.pk}],
            },
            "price": "48000.00",
            "parts_included": False,
            "labour_included": True,
            "visits_per_year": 4,
        },
    )
    assert contract.status_code == 201, contract.content
    contract_id = contract.json()["id"]
    signed = api.post(f"/contracts/{contract_id}/sign", {"signed_on": "2026-12-01"})
    assert signed.status_code == 200, signed.content
    offer.refresh_from_db()
    assert offer.done_at is not None
    renewal = [row for row in _list(api.get("/obligations", rule="BS-6")) if row["id"] != offer.pk]
    assert [(row["subject"], row["due_at"]) for row in renewal] == [
        ({"contract_id": contract_id}, "2029-01-14T23:59:59.999999+08:00")
    ]

    def coverage(at):
        answer = api.get("/coverage", system_id=system_id, at=at)
        assert answer.status_code == 200, answer.content
        return answer.json()["kind"], answer.json()["until"], answer.json()["contract_id"]

    assert coverage("2028-03-15T23:30:00+08:00") == ("warranty", "2028-03-15", None)
    assert coverage("2028-03-16T00:10:00+08:00") == ("contract", "2029-03-15", contract_id)
    assert coverage("2029-03-16T08:00:00+08:00") == ("none", None, None)
