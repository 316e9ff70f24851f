"""Issue 11's acceptance (BS-5, BS-6, BS-14): acceptance waits for a complete handover, starts
the warranty of the system and its equipment, and opens the contract offer for the branch
supervisor — counted back in calendar days, or in working days where the organisation says so.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from aftercare.documents import actions
from aftercare.documents.models import DocumentVersion
from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.obligations.models import Obligation
from aftercare.sites.models import Equipment, System
from aftercare.standard import actions as standard
from tests.documents.helpers import TITLES, a_file, upload_all

SHANGHAI = ZoneInfo("Asia/Shanghai")
API = "/api/v1"


def _upload(client, system, kind, title, content, name="manual.pdf"):
    return client.post(
        f"{API}/documents",
        {"system_id": system.pk, "kind": kind, "title": title, "file": a_file(name, content)},
    )


def _footprint(system) -> tuple:
    """What an acceptance would write: the system's history, the items' history, obligations,
    document versions."""
    return (
        System.history.filter(id=system.pk).count(),
        Equipment.history.filter(system_id=system.pk).count(),
        Obligation.objects.count(),
        DocumentVersion.objects.count(),
    )


def test_accepted_on_16_march_2026_the_offer_is_due_on_15_january_2028(building, client):
    """The issue's story over the API: the O&M manual missing → 422 naming om_manual and
    nothing written; upload it (version 1), a corrected one (version 2, version 1 still
    downloadable) → accepted; warranty through 2028-03-15; BS-6 due 2028-01-15 end of day."""
    client.force_login(building.sam)
    system = building.system
    for kind in ("as_built_drawing", "software_doc", "hardware_doc", "equipment_list"):
        answer = _upload(client, system, kind, TITLES[kind], f"{kind}".encode(), f"{kind}.pdf")
        assert answer.status_code == 201, answer.content
        assert answer.json()["version"] == 1

    handover = client.get(f"{API}/systems/{system.pk}/handover").json()
    assert handover["complete"] is False
    assert handover["missing"] == ["om_manual"]

    before = _footprint(system)
    body = {"accepted_on": "2026-03-16", "accepted_by": "業主代表 周先生"}
    refused = client.post(
        f"{API}/systems/{system.pk}/acceptance", body, content_type="application/json"
    )
    assert refused.status_code == 422, refused.content
    message = " ".join(refused.json()["fields"]["documents"])
    assert "om_manual" in message and "Operation and maintenance manual" in message
    assert _footprint(system) == before
    system.refresh_from_db()
    assert system.accepted_on is None and system.warranty_ends_on is None

    first = _upload(client, system, "om_manual", "操作及維護手冊", b"first edition")
    assert first.status_code == 201 and first.json()["version"] == 1
    second = _upload(client, system, "om_manual", "操作及維護手冊", b"corrected edition")
    assert second.status_code == 201 and second.json()["version"] == 2
    old = client.get(first.json()["download_url"])
    assert old.status_code == 200
    assert b"".join(old.streaming_content) == b"first edition"
    listed = client.get(f"{API}/documents", {"system_id": system.pk, "kind": "om_manual"}).json()
    assert sorted(row["version"] for row in listed["items"]) == [1, 2]

    accepted = client.post(
        f"{API}/systems/{system.pk}/acceptance", body, content_type="application/json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["warranty_starts_on"] == "2026-03-16"
    assert accepted.json()["warranty_ends_on"] == "2028-03-15"

    system.refresh_from_db()
    assert (system.accepted_on, system.accepted_by) == (date(2026, 3, 16), "業主代表 周先生")
    assert system.acceptance_recorded_by == building.sam
    building.camera.refresh_from_db()
    assert (building.camera.warranty_starts_on, building.camera.warranty_ends_on) == (
        date(2026, 3, 16), date(2028, 3, 15)
    )  # fmt: skip
    building.spare.refresh_from_db()  # a replacement keeps its own: from its installation
    assert (building.spare.warranty_starts_on, building.spare.warranty_ends_on) == (
        date(2026, 2, 1), date(2028, 1, 31)
    )  # fmt: skip

    offer = Obligation.objects.get(rule="BS-6")
    assert offer.owner == building.sam
    assert offer.customer_id == building.owner.pk
    assert offer.subject_type == ContentType.objects.get_for_model(System)
    assert offer.subject_id == system.pk
    assert offer.due_at == datetime(2028, 1, 15, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    shown = client.get(f"{API}/obligations", {"rule": "BS-6"}).json()
    row = shown["items"][0] if isinstance(shown, dict) else shown[0]
    assert row["due_at"] == "2028-01-15T23:59:59.999999+08:00"
    assert "閉路電視" in row["title"] and "2028-03-15" in row["title"]
    assert row["title"].startswith("Offer a maintenance contract")
    assert Obligation.objects.count() == before[2] + 1  # nothing else opened

    again = client.post(
        f"{API}/systems/{system.pk}/acceptance", body, content_type="application/json"
    )
    assert again.status_code == 409
    assert Obligation.objects.count() == before[2] + 1


def test_working_days_count_back_over_national_day_and_its_make_up_saturday(building):
    """An organisation counting BS-6 in working days (mainland China). With a 6-month
    warranty (the BS-5 setting) accepted 2026-04-13, the last covered day is Monday
    2026-10-12. Four working days before it: Sat 10 Oct (a make-up working day) 1, Fri 9 Oct
    2, Thu 8 Oct 3, then 1–7 Oct are National Day holidays and weekends, so Wed 30 Sep 4.
    Without the make-up Saturday it would be 29 Sep; in calendar days, 8 Oct."""
    standard.set_rule_setting(building.org, "BS-5", by=building.ada, opens_after=None,
                              due_after=6)  # fmt: skip
    standard.set_rule_setting(building.org, "BS-6", by=building.ada, opens_after=None,
                              due_after=-4, day_count="working")  # fmt: skip
    upload_all(building.sam, building.system)
    system = actions.record_acceptance(
        by=building.sam, system=building.system, accepted_on=date(2026, 4, 13), accepted_by="周"
    )
    assert system.warranty_ends_on == date(2026, 10, 12)
    offer = Obligation.objects.get(rule="BS-6")
    assert offer.due_at == datetime(2026, 9, 30, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_calendar_days_for_the_same_setting_land_on_8_october(building):
    standard.set_rule_setting(building.org, "BS-5", by=building.ada, opens_after=None,
                              due_after=6)  # fmt: skip
    standard.set_rule_setting(building.org, "BS-6", by=building.ada, opens_after=None,
                              due_after=-4)  # fmt: skip
    upload_all(building.sam, building.system)
    actions.record_acceptance(
        by=building.sam, system=building.system, accepted_on=date(2026, 4, 13), accepted_by="周"
    )
    offer = Obligation.objects.get(rule="BS-6")
    assert offer.due_at == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "field"),
    [(date(2099, 1, 1), "accepted_on"), (date(1999, 12, 31), "accepted_on")],
)
def test_a_future_or_implausible_date_is_refused(building, day, field):
    upload_all(building.sam, building.system)
    before = _footprint(building.system)
    with pytest.raises(InvalidInput) as refused:
        actions.record_acceptance(
            by=building.sam, system=building.system, accepted_on=day, accepted_by="周"
        )
    assert field in refused.value.fields
    assert _footprint(building.system) == before


def test_the_representative_is_required(building):
    upload_all(building.sam, building.system)
    with pytest.raises(InvalidInput) as refused:
        actions.record_acceptance(
            by=building.sam, system=building.system, accepted_on=date(2026, 3, 16), accepted_by=" "
        )
    assert "accepted_by" in refused.value.fields


def test_only_supervisors_of_the_branch_record_acceptance(building):
    upload_all(building.sam, building.system)
    for who in (building.eve, building.pat, building.sue):
        with pytest.raises(NotAllowed):
            actions.record_acceptance(
                by=who, system=building.system, accepted_on=date(2026, 3, 16), accepted_by="周"
            )
    system = actions.record_acceptance(
        by=building.ada, system=building.system, accepted_on=date(2026, 3, 16), accepted_by="周"
    )
    assert system.accepted_on == date(2026, 3, 16)
    with pytest.raises(Conflict):
        actions.record_acceptance(
            by=building.ada, system=building.system, accepted_on=date(2026, 3, 17), accepted_by="周"
        )


def test_without_a_supervisor_the_administrator_gets_the_offer(building):
    building.sam.groups.clear()
    upload_all(building.ada, building.system)
    actions.record_acceptance(
        by=building.ada, system=building.system, accepted_on=date(2026, 3, 16), accepted_by="周"
    )
    assert Obligation.objects.get(rule="BS-6").owner == building.ada


def test_a_site_document_does_not_complete_a_system(building):
    for kind, title in TITLES.items():
        actions.upload_document(by=building.sam, site=building.site, kind=kind, title=title,
                                file=a_file())  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        actions.record_acceptance(
            by=building.sam, system=building.system, accepted_on=date(2026, 3, 16), accepted_by="周"
        )
    assert "documents" in refused.value.fields
