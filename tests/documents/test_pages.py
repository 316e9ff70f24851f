"""The handover page, its forms, the handover list (print and PDF), downloads; the archive
refuses changes."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from aftercare.documents import actions
from aftercare.documents.models import DocumentVersion
from aftercare.errors import Conflict
from aftercare.obligations.models import Obligation
from tests.documents.helpers import a_file, upload_all


def test_the_page_lists_the_checklist_and_every_version(building, client):
    upload_all(building.sam, building.system, without=("om_manual",))
    actions.upload_document(by=building.sam, system=building.system, kind="software_doc",
                            title="軟件說明書", file=a_file(content=b"v2"))  # fmt: skip
    client.force_login(building.eve)
    page = client.get(reverse("documents:handover", args=[building.system.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="kind-om_manual" data-kind="om_manual" data-present="no"' in html
    assert 'id="kind-software_doc" data-kind="software_doc" data-present="yes"' in html
    assert html.count('data-title="軟件說明書"') == 2  # versions 2 and 1
    assert "Required kinds missing: 1" in html
    assert 'id="acceptance-form"' not in html  # engineers do not record acceptance


def test_upload_and_acceptance_through_the_page(building, client):
    client.force_login(building.sam)
    url = reverse("documents:upload", args=[building.system.pk])
    for kind in ("as_built_drawing", "software_doc", "hardware_doc", "equipment_list"):
        answer = client.post(url, {"kind": kind, "title": kind, "file": a_file()})
        assert answer.status_code == 302
    accept = reverse("documents:acceptance", args=[building.system.pk])
    refused = client.post(accept, {"accepted_on": "2026-03-16", "accepted_by": "周先生"})
    assert refused.status_code == 422
    assert "om_manual (Operation and maintenance manual)" in refused.content.decode()
    assert Obligation.objects.filter(rule="BS-6").count() == 0
    empty = client.post(url, {"kind": "om_manual", "title": "手冊",
                              "file": a_file(content=b"")})  # fmt: skip
    assert empty.status_code == 422 and "The file is empty." in empty.content.decode()
    client.post(url, {"kind": "om_manual", "title": "手冊", "file": a_file()})
    done = client.post(accept, {"accepted_on": "2026-03-16", "accepted_by": "周先生"})
    assert done.status_code == 302
    page = client.get(reverse("documents:handover", args=[building.system.pk])).content.decode()
    assert "2026-03-16 – 2028-03-15" in page


def test_the_equipment_list_is_generated_from_the_register(building, client):
    from openpyxl import load_workbook

    client.force_login(building.sam)
    url = reverse("documents:equipment-list", args=[building.system.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    versions = DocumentVersion.objects.filter(system=building.system, kind="equipment_list")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    latest = versions.get(version=2)
    sheet = load_workbook(BytesIO(latest.file.read())).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "CAM-0001" in values and "NVR-2" in values
    assert "NVR-1" not in values  # replaced: no longer in the building


def test_downloads_keep_every_version_and_the_scope(building, client):
    first = actions.upload_document(by=building.sam, system=building.system, kind="om_manual",
                                    title="手冊", file=a_file("m.pdf", b"one"))  # fmt: skip
    actions.upload_document(by=building.sam, system=building.system, kind="om_manual",
                            title="手冊", file=a_file("m.pdf", b"two"))  # fmt: skip
    client.force_login(building.pat)
    answer = client.get(reverse("documents:file", args=[first.pk]))
    assert b"".join(answer.streaming_content) == b"one"
    client.force_login(building.sue)
    assert client.get(reverse("documents:file", args=[first.pk])).status_code == 404
    assert client.get(reverse("documents:handover", args=[building.system.pk])).status_code == 404


def test_an_archived_version_cannot_be_changed_or_deleted(building):
    version = actions.upload_document(by=building.sam, system=building.system, kind="other",
                                      title="照片", file=a_file())  # fmt: skip
    version.title = "改"
    with pytest.raises(Conflict):
        version.save()
    with pytest.raises(Conflict):
        version.delete()
    assert DocumentVersion.objects.get(pk=version.pk).title == "照片"


def test_the_handover_list_prints_both_titles_and_the_missing_kind(building, client):
    upload_all(building.sam, building.system, without=("om_manual",))
    client.force_login(building.sam)
    page = client.get(reverse("documents:handover-list", args=[building.system.pk]))
    html = page.content.decode()
    assert "竣工資料移交清單" in html and "Handover list of as-built documents" in html
    assert 'class="record missing" data-kind="om_manual"' in html
    assert "Received by (owner's representative, signature)" in html


def test_the_handover_list_pdf(building, client, pdf_text):
    upload_all(building.sam, building.system, without=("om_manual",))
    client.force_login(building.sam)
    answer = client.get(reverse("documents:handover-list-pdf", args=[building.system.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert "竣工資料移交清單" in text
    assert "Handover list of as-built documents" in text
    assert "環球大廈" in text and "閉路電視" in text
    assert "軟件說明書" in text and "MISSING" in text
    assert "Operation and maintenance manual" in text
    assert "integrator" in text and "owner's representative" in text


def test_the_list_shows_the_acceptance_once_recorded(building, client):
    upload_all(building.sam, building.system)
    actions.record_acceptance(by=building.sam, system=building.system,
                              accepted_on=date(2026, 3, 16), accepted_by="周先生")  # fmt: skip
    client.force_login(building.sam)
    html = client.get(reverse("documents:handover-list", args=[building.system.pk])).content
    assert "2026-03-16" in html.decode() and "周先生" in html.decode()
    assert "Every required document has been handed over." in html.decode()


def test_an_upload_over_the_limit_on_the_page_is_named_and_stores_nothing(
    building, client, settings
):
    client.force_login(building.sam)
    client.cookies.load({"django_language": "zh-hant"})
    url = reverse("documents:upload", args=[building.system.pk])
    answer = client.post(
        url,
        {"kind": "om_manual", "title": "手冊", "file": a_file()},
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert answer.status_code == 413
    html = answer.content.decode()
    assert "檔案太大（最多 100 MB）。" in html
    assert 'id="error-page"' in html
    assert DocumentVersion.objects.count() == 0
