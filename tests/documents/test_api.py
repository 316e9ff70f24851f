"""The documents API: multipart uploads, versions, downloads, bad input refused with nothing
written (no row, no stored file), scopes."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftercare.documents.models import DocumentVersion
from tests.documents.helpers import a_file

API = "/api/v1"


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _post(client, **fields):
    return client.post(f"{API}/documents", fields)


def test_an_upload_answers_its_version_size_and_digest(building, client, settings):
    client.force_login(building.eve)  # engineers upload too
    content = "竣工圖 B1".encode()
    answer = _post(client, system_id=building.system.pk, kind="as_built_drawing",
                   title="竣工圖", file=a_file("B1 竣工圖.pdf", content))  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["version"] == 1 and body["kind"] == "as_built_drawing"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["original_name"] == "B1 竣工圖.pdf"
    assert body["download_url"] == f"{API}/documents/{body['id']}/file"
    download = client.get(body["download_url"])
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    # Stored under a fresh name below MEDIA_ROOT, never under the name the client sent.
    (stored,) = _stored_files(settings)
    assert stored.read_bytes() == content and "竣工圖" not in stored.name


def test_a_site_document_versions_separately_from_a_system_one(building, client):
    client.force_login(building.sam)
    site = _post(client, site_id=building.site.pk, kind="as_built_drawing", title="總平面圖",
                 file=a_file())  # fmt: skip
    system = _post(client, system_id=building.system.pk, kind="as_built_drawing",
                   title="總平面圖", file=a_file())  # fmt: skip
    assert (site.status_code, system.status_code) == (201, 201)
    assert site.json()["version"] == system.json()["version"] == 1
    assert site.json()["site_id"] == building.site.pk and site.json()["system_id"] is None
    listed = client.get(f"{API}/documents", {"site_id": building.site.pk}).json()
    assert [row["id"] for row in listed["items"]] == [site.json()["id"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "blueprint"}, "kind"),
        ({"file": SimpleUploadedFile("empty.pdf", b"")}, "file"),
        ({"title": "   "}, "title"),
        ({"system_id": None}, "system_id"),  # neither a system nor a site
        ({"file": None}, "file"),
    ],
)
def test_bad_input_is_refused_with_field_messages_and_nothing_stored(
    building, client, settings, fields, field
):
    client.force_login(building.sam)
    data = {"system_id": building.system.pk, "kind": "om_manual", "title": "手冊", "file": a_file()}
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    answer = client.post(f"{API}/documents", data)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["fields"], answer.json()
    assert DocumentVersion.objects.count() == 0
    assert _stored_files(settings) == []


def test_a_file_over_the_document_limit_is_refused(building, client, settings):
    settings.AFTERCARE_DOCUMENT_MAX_BYTES = 1000
    client.force_login(building.sam)
    answer = _post(client, system_id=building.system.pk, kind="om_manual", title="手冊",
                   file=a_file(content=b"x" * 1001))  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["fields"]["file"] == ["The file is too large (at most 0 MB)."]
    assert DocumentVersion.objects.count() == 0


def test_a_request_over_the_upload_limit_is_stopped_while_it_is_read(building, client, settings):
    settings.AFTERCARE_UPLOAD_MAX_BYTES = 4096
    client.force_login(building.sam)
    answer = _post(client, system_id=building.system.pk, kind="om_manual", title="手冊",
                   file=a_file(content=b"x" * 5000))  # fmt: skip
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    assert DocumentVersion.objects.count() == 0
    assert _stored_files(settings) == []


def test_a_200_mb_upload_is_refused_before_a_byte_is_stored(building, client, settings):
    """The declared length decides: nothing of the 200 MB is read, let alone stored."""
    client.force_login(building.sam)
    client.cookies.load({"django_language": "zh-hant"})
    answer = client.post(
        f"{API}/documents",
        {"system_id": building.system.pk, "kind": "om_manual", "title": "手冊", "file": a_file()},
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert answer.status_code == 413
    assert answer.json()["message"] == "檔案太大（最多 100 MB）。"
    assert DocumentVersion.objects.count() == 0
    assert _stored_files(settings) == []


def test_other_branches_and_roles(building, client):
    client.force_login(building.sue)  # a supervisor of the other branch
    answer = _post(client, system_id=building.system.pk, kind="om_manual", title="手冊",
                   file=a_file())  # fmt: skip
    assert answer.status_code == 404
    assert client.get(f"{API}/systems/{building.system.pk}/handover").status_code == 404
    client.force_login(building.pat)  # a parts clerk reads but does not upload
    answer = _post(client, system_id=building.system.pk, kind="om_manual", title="手冊",
                   file=a_file())  # fmt: skip
    assert answer.status_code == 403
    assert client.get(f"{API}/systems/{building.system.pk}/handover").status_code == 200
    body = {"accepted_on": "2026-03-16", "accepted_by": "周"}
    answer = client.post(f"{API}/systems/{building.system.pk}/acceptance", body,
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 403
    assert DocumentVersion.objects.count() == 0


def test_a_version_of_another_branch_is_not_found(building, client):
    from aftercare.documents import actions

    version = actions.upload_document(by=building.sam, system=building.system, kind="other",
                                      title="照片", file=a_file())  # fmt: skip
    client.force_login(building.sue)
    assert client.get(f"{API}/documents/{version.pk}/file").status_code == 404
    assert client.get(f"{API}/documents").json()["items"] == []
