"""Equipment lists from .xlsx into a system, through the import machinery: every row checked,
a row report, all or nothing or only the valid rows, progress on the job's page."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from aftercare.imports.models import ImportJob
from aftercare.sites import actions
from aftercare.sites.models import Equipment

HEADER = ["名稱", "型號", "序號", "位置", "安裝日期"]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _system(building):
    site = actions.create_site(by=building.vera, customer=building.owner_a, name="浦江中心")
    system = actions.add_system(by=building.vera, site=site, kind="cctv", name="閉路電視")
    actions.add_equipment(by=building.vera, system=system, name="NVR", serial="NVR-0001")
    return system


def _upload(client, user, system, content, mode="all_or_nothing", name="設備.xlsx"):
    client.force_login(user)
    return client.post(
        f"/sites/systems/{system.pk}/import/",
        {"file": SimpleUploadedFile(name, content), "mode": mode},
    )


ROWS = [
    ["半球攝像機", "DS-2CD3126", "HK-001", "1F 大堂", date(2026, 3, 2)],
    ["半球攝像機", "DS-2CD3126", "hk 001", "2F 電梯廳", "2026-03-02"],  # same serial as row 2
    ["", "DS-2CD3126", "HK-003", "3F", "2026-03-02"],  # no name
    ["槍機", "DS-2CD2T", "nvr0001", "B1", "2026-03-02"],  # already in the system
    ["槍機", "DS-2CD2T", "HK-005", "B2 停車場", "三月二日"],  # not a date
    ["球機", "DS-2DE4", "HK-006", "屋頂", "2026/03/05"],
]


def test_all_or_nothing_reports_each_bad_row_and_imports_nothing(client, building):
    system = _system(building)
    response = _upload(client, building.eric, system, xlsx(ROWS))
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    assert (job.kind, job.system, job.branch) == ("equipment", system, building.branch_a)
    assert (job.status, job.total_rows, job.valid_rows, job.error_rows) == ("validated", 6, 2, 4)
    by_row = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert set(by_row) == {(3, "序號"), (4, "名稱"), (5, "序號"), (6, "安裝日期")}
    assert "row 2" in by_row[(3, "序號")]
    assert "already in the system" in by_row[(5, "序號")]
    assert Equipment.objects.count() == 1
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="error-table"' in page and 'id="import-valid"' in page

    client.post(f"/imports/{job.pk}/import-valid/")
    job.refresh_from_db()
    assert (job.status, job.imported_equipment) == ("done", 2)
    added = Equipment.objects.filter(system=system).exclude(serial="NVR-0001").order_by("id")
    assert [(e.serial, e.serial_key, e.location, e.installed_on) for e in added] == [
        ("HK-001", "HK001", "1F 大堂", date(2026, 3, 2)),
        ("HK-006", "HK006", "屋頂", date(2026, 3, 5)),
    ]
    assert added[0].history.get().history_user == building.eric
    done = client.get(f"/imports/{job.pk}/").content.decode()
    assert "2 equipment items imported" in done and f"/sites/systems/{system.pk}/" in done


def test_a_clean_file_is_imported_at_once(client, building):
    system = _system(building)
    _upload(client, building.vera, system, xlsx([ROWS[0], ROWS[5]]))
    job = ImportJob.objects.get()
    assert (job.status, job.imported_equipment, job.processed_rows) == ("done", 2, 2)
    assert Equipment.objects.filter(system=system).count() == 3


def test_a_file_without_the_name_column_is_refused_on_the_form(client, building):
    system = _system(building)
    response = _upload(client, building.eric, system, xlsx([["X", "1"]], header=["型號", "序號"]))
    assert response.status_code == 200
    assert "Missing columns: 名稱." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_readers_cannot_import_and_other_branches_do_not_see_the_job(client, building):
    system = _system(building)
    assert _upload(client, building.tina, system, xlsx([ROWS[0]])).status_code == 403
    _upload(client, building.eric, system, xlsx(ROWS))
    job = ImportJob.objects.get()
    client.force_login(building.walt)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/import-valid/").status_code == 404
    assert Equipment.objects.count() == 1
    # The engineer follows the job, but customer imports stay out of reach.
    client.force_login(building.eric)
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    assert client.get("/imports/new/").status_code == 403


def test_the_template_downloads_and_imports_cleanly(client, building):
    system = _system(building)
    client.force_login(building.eric)
    template = client.get(f"/sites/systems/{system.pk}/import/", {"template": "1"})
    assert template["Content-Disposition"] == 'attachment; filename="equipment.xlsx"'
    _upload(client, building.eric, system, template.content)
    assert ImportJob.objects.get().status == "done"
    assert Equipment.objects.filter(serial="HKDS-2026-00001").exists()
