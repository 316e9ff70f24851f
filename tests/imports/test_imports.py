"""Importing customers with their vehicles from .xlsx / .csv (tasks run immediately here)."""

import codecs
import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from simple_history.utils import get_history_model_for_model

from aftercare.customers import queries as customer_queries
from aftercare.customers.models import Customer, CustomerPhone, Vehicle
from aftercare.imports import actions
from aftercare.imports.columns import HEADERS
from aftercare.imports.models import ImportJob
from aftercare.obligations.models import Obligation
from tests.factories import CustomerFactory, VehicleFactory

HEADER = ["客戶名稱", "類型", "電話", "地址", "希望的服務", "跟蹤服務顧問", "車牌", "車型",
          "車輛類型", "保養週期(月)", "上次保養日期", "里程"]  # fmt: skip
CLEAN = [
    [
        "張偉",
        "個人",
        "138 0013 8000 / 010-6234 5678",
        "北京市朝陽區建國路 1 號",
        "保養提醒; 優惠活動",
        "alice",
        "京a·12345",
        "凱美瑞",
        "轎車",
        6,
        date(2025, 1, 10),
        "35,000",
    ],
    ["張偉", "", "13800138000", "", "", "", "京B 54321", "RAV4", "SUV", 12, date(2024, 6, 1), None],
    [
        "李娜",
        "個人",
        13912345678,
        "上海市",
        "免費檢測",
        "",
        "滬C88888",
        "雅閣",
        "轎車",
        6,
        None,
        None,
    ],
    [
        "北豐物流有限公司",
        "公司",
        "+852 9123 4567",
        "香港",
        "",
        "",
        "粵B12345",
        "Hiace",
        "貨車",
        6,
        "2025/02/03",
        80000,
    ],
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, bom=True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8")


def upload(client, user, content, name="customers.xlsx", mode="all_or_nothing", **extra):
    client.force_login(user)
    return client.post(
        reverse("imports:new"),
        {"file": SimpleUploadedFile(name, content), "mode": mode, **extra},
    )


def last_job() -> ImportJob:
    return ImportJob.objects.latest("id")


# --- template --------------------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_template_parses_back_with_the_chinese_header(client, desk):
    client.force_login(desk.alice)
    response = client.get(reverse("imports:template"), {"format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[0][0] == "客戶名稱" and "車牌" in rows[0]
    assert rows[1][0] == "張偉"


@pytest.mark.django_db
def test_csv_template_has_a_bom_and_the_header(client, desk):
    client.force_login(desk.sam)
    response = client.get(reverse("imports:template"), {"format": "csv"})
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS and len(rows) == 2


@pytest.mark.django_db
def test_the_template_imports_cleanly(client, desk):
    client.force_login(desk.alice)
    content = client.get(reverse("imports:template"), {"format": "xlsx"}).content
    upload(client, desk.alice, content)
    job = last_job()
    assert (job.status, job.error_rows, job.imported_customers) == ("done", 0, 1), job.errors


# --- a clean file ----------------------------------------------------------------------


@pytest.mark.django_db
def test_clean_xlsx_imports_customers_vehicles_phones_and_search_keys(client, desk):
    response = upload(client, desk.alice, xlsx(CLEAN))
    job = last_job()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[job.pk])
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.total_rows, job.valid_rows, job.error_rows) == (4, 4, 0)
    assert (job.imported_customers, job.imported_vehicles) == (3, 4)

    zhang = Customer.objects.get(name="張偉")
    assert zhang.branch == desk.branch_a and zhang.followup_advisor == desk.alice
    assert [p.number for p in zhang.phones.all()] == ["+8613800138000", "+861062345678"]
    assert zhang.phones.first().last4 == "8000"
    assert sorted(zhang.vehicles.values_list("plate", flat=True)) == ["京A12345", "京B54321"]
    assert zhang.wanted_services == ["maintenance_reminder", "promotions"]
    assert (zhang.name_key, zhang.name_pinyin, zhang.name_initials) == ("张伟", "zhangwei", "zw")
    assert zhang.archive_complete is True
    camry = Vehicle.objects.get(plate="京A12345")
    assert camry.plate_key == "京A12345" and camry.mileage == 35000
    assert camry.mileage_on is not None
    assert camry.next_maintenance_on == date(2025, 7, 10)  # computed from the cycle
    assert camry.next_maintenance_overridden is False
    li = Customer.objects.get(name="李娜")
    assert li.phones.get().number == "+8613912345678"  # a number cell from Excel
    assert li.archive_complete is False  # no next maintenance: the archive is not complete
    company = Customer.objects.get(name="北豐物流有限公司")
    assert company.kind == Customer.Kind.COMPANY
    assert company.phones.get().number == "+85291234567"
    assert company.vehicles.get().last_maintenance_on == date(2025, 2, 3)

    # Search finds them like customers typed in: pinyin, initials, phone, plate.
    assert list(customer_queries.search(desk.bob, "zhangwei")) == [zhang]
    assert list(customer_queries.search(desk.bob, "ln")) == [li]
    assert list(customer_queries.search(desk.bob, "8000")) == [zhang]
    assert list(customer_queries.search(desk.bob, "粤b12345")) == [company]
    assert not customer_queries.search(desk.carol, "zhangwei").exists()  # other branch

    # History rows exist and name the uploader; no obligation is opened by an import.
    assert zhang.history.get().history_user == desk.alice
    assert get_history_model_for_model(Vehicle).objects.count() == 4
    assert get_history_model_for_model(CustomerPhone).objects.count() == 4
    assert not Obligation.objects.exists()


@pytest.mark.django_db
def test_csv_with_bom_and_english_headers_imports(client, desk):
    header = ["Name", "Phone", "Plate", "Model", "Vehicle type", "Maintenance months",
              "Last maintenance"]  # fmt: skip
    rows = [["王芳", "13700001111", "京C11111", "Golf", "Saloon", "6", "2025-04-01"]]
    upload(client, desk.sam, csv_bytes(rows, header), name="old.CSV")
    job = last_job()
    assert (job.format, job.status, job.imported_customers) == ("csv", "done", 1), job.errors
    vehicle = Vehicle.objects.get()
    assert (vehicle.plate, vehicle.vehicle_type) == ("京C11111", "轎車")
    assert vehicle.next_maintenance_on == date(2025, 10, 1)


@pytest.mark.django_db
def test_gbk_csv_without_bom_imports(client, desk):
    content = "客户名称,电话,车牌\n刘洋,13600002222,苏E12345\n".encode("gb18030")
    upload(client, desk.alice, content, name="gbk.csv")
    assert Customer.objects.get().name == "刘洋"


# --- errors ----------------------------------------------------------------------------


def _rows_with_errors():
    bad_phone = list(CLEAN[2])
    bad_phone[2] = "12345"
    bad_plate = list(CLEAN[3])
    bad_plate[6] = "XYZ"
    return [CLEAN[0], bad_phone, bad_plate]


@pytest.mark.django_db
def test_all_or_nothing_imports_nothing_and_reports_each_bad_row(client, desk):
    upload(client, desk.alice, xlsx(_rows_with_errors()))
    job = last_job()
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.total_rows, job.valid_rows, job.error_rows) == (3, 1, 2)
    assert not Customer.objects.exists() and not Vehicle.objects.exists()
    by_row = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert set(by_row) == {(3, "電話"), (4, "車牌")}
    assert "12345" in by_row[(3, "電話")] and "phone number" in by_row[(3, "電話")]
    assert "XYZ" in by_row[(4, "車牌")] and "number plate" in by_row[(4, "車牌")]

    page = client.get(reverse("imports:detail", args=[job.pk]))
    text = page.content.decode()
    assert "error-table" in text and "XYZ" in text and 'id="import-valid"' in text
    assert "hx-trigger" not in text  # finished checking: no more polling

    report = client.get(reverse("imports:errors", args=[job.pk]))
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Column", "Reason"]
    assert [line[:2] for line in lines[1:]] == [["3", "電話"], ["4", "車牌"]]


@pytest.mark.django_db
def test_user_can_then_import_only_the_valid_rows(client, desk):
    upload(client, desk.alice, xlsx(_rows_with_errors()))
    job = last_job()
    client.force_login(desk.sam)
    response = client.post(reverse("imports:import-valid", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.mode, job.confirmed_by) == ("done", "valid_only", desk.sam)
    assert (job.imported_customers, job.imported_vehicles) == (1, 1)
    assert list(Customer.objects.values_list("name", flat=True)) == ["張偉"]
    assert Customer.objects.get().history.get().history_user == desk.sam


@pytest.mark.django_db
def test_valid_only_mode_imports_the_good_rows_at_once(client, desk):
    upload(client, desk.alice, xlsx(_rows_with_errors()), mode="valid_only")
    job = last_job()
    assert (job.status, job.error_rows, job.imported_customers) == ("done", 2, 1)
    assert Customer.objects.get().name == "張偉"
    assert len(job.errors) == 2


@pytest.mark.django_db
def test_cancel_leaves_nothing_and_cannot_import_later(client, desk):
    upload(client, desk.alice, xlsx(_rows_with_errors()))
    job = last_job()
    client.post(reverse("imports:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled"
    client.post(reverse("imports:import-valid", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled" and not Customer.objects.exists()


@pytest.mark.django_db
def test_duplicate_plates_in_file_and_branch_and_existing_customer_are_errors(client, desk):
    VehicleFactory(customer=CustomerFactory(branch=desk.branch_a), plate="京A99999",
                   plate_key="京A99999")  # fmt: skip
    VehicleFactory(customer=CustomerFactory(branch=desk.branch_b), plate="京A77777",
                   plate_key="京A77777")  # another branch: no conflict  # fmt: skip
    rows = [
        ["甲", "", "13800000001", "", "", "", "京A 99999", "", "", None, None, None],
        ["乙", "", "13800000002", "", "", "", "京A88888", "", "", None, None, None],
        ["丙", "", "13800000003", "", "", "", "京A-88888", "", "", None, None, None],
        ["丁", "", "13800000004", "", "", "", "京A77777", "", "", None, None, None],
    ]
    upload(client, desk.alice, xlsx(rows))
    job = last_job()
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "車牌"), (4, "車牌")]
    assert "row 3" in job.errors[1]["message"]
    assert job.valid_rows == 2


@pytest.mark.django_db
def test_cell_level_errors_name_the_column(client, desk):
    header = ["客戶名稱", "電郵", "接受簡訊", "跟蹤服務顧問", "車牌", "購車日期", "里程", "VIN"]
    rows = [
        ["", "not-an-email", "maybe", "carol", "京A11111", "yesterday", "-5", "LSVAB"],
        ["趙六", "", "", "", "京A22222", date(2999, 1, 1), None, None],
    ]
    upload(client, desk.alice, xlsx(rows, header))
    job = last_job()
    columns = {(e["row"], e["column"]) for e in job.errors}
    assert columns == {
        (2, "客戶名稱"), (2, "電郵"), (2, "接受簡訊"), (2, "跟蹤服務顧問"), (2, "購車日期"),
        (2, "里程"), (2, "VIN"), (3, "購車日期"),
    }  # fmt: skip
    assert not Customer.objects.exists()


# --- the upload form -------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_header_is_refused_on_the_form(client, desk):
    response = upload(client, desk.alice, xlsx([["x"]], ["客戶名稱", "鞋碼"]))
    assert response.status_code == 200
    assert "鞋碼" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_wrong_file_type_or_garbage_is_refused_on_the_form(client, desk):
    assert upload(client, desk.alice, b"hello", name="x.txt").status_code == 200
    assert upload(client, desk.alice, b"not a zip", name="x.xlsx").status_code == 200
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_administrator_picks_the_branch(client, desk):
    response = upload(client, desk.ada, xlsx(CLEAN[:1]), branch=desk.branch_b.pk)
    assert response.status_code == 302
    job = last_job()
    assert job.branch == desk.branch_b
    # alice works at branch A: she cannot be the follow-up advisor of a branch-B customer.
    assert [e["column"] for e in job.errors] == ["跟蹤服務顧問"]
    upload(client, desk.ada, xlsx(CLEAN[2:3]), branch=desk.branch_b.pk)
    assert Customer.objects.get().branch == desk.branch_b


# --- permissions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, desk):
    response = client.get(reverse("imports:new"))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_user_without_add_customer_is_refused(client, desk):
    from tests.factories import UserFactory

    engineer = UserFactory(username="eve", branch=desk.branch_a, roles=["engineer"])
    response = upload(client, engineer, xlsx(CLEAN))
    assert response.status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403
    assert client.get(reverse("imports:list")).status_code == 403
    assert not ImportJob.objects.exists() and not Customer.objects.exists()


@pytest.mark.django_db
def test_other_branch_sees_404_and_cannot_act(client, desk):
    upload(client, desk.alice, xlsx(_rows_with_errors()))
    job = last_job()
    client.force_login(desk.carol)
    for name in ("imports:detail", "imports:errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:import-valid", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:cancel", args=[job.pk])).status_code == 404
    assert job.pk not in [j.pk for j in client.get(reverse("imports:list")).context["page"]]
    job.refresh_from_db()
    assert job.status == "validated" and not Customer.objects.exists()


@pytest.mark.django_db
def test_action_refuses_another_branch(desk):
    from aftercare.errors import NotAllowed

    with pytest.raises(NotAllowed):
        actions.start_import(branch=desk.branch_b, by=desk.alice, file_name="a.xlsx",
                             content=xlsx(CLEAN))  # fmt: skip
    assert not ImportJob.objects.exists()


# --- progress --------------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_partial_polls_while_running_and_stops_when_done(client, desk):
    job = ImportJob.objects.create(
        organisation=desk.org, branch=desk.branch_a, created_by=desk.alice, file_name="big.xlsx",
        content=b"", format="xlsx", status="validating", total_rows=2000, processed_rows=500,
    )  # fmt: skip
    client.force_login(desk.alice)
    partial = client.get(reverse("imports:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in text
    assert 'hx-trigger="every 1s"' in text and 'aria-valuenow="25"' in text
    assert "500 of 2000 rows checked" in text
    full = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "<html" in full and 'hx-trigger="every 1s"' in full

    ImportJob.objects.filter(pk=job.pk).update(status="done", processed_rows=2000)
    text = client.get(reverse("imports:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in text.content.decode()


@pytest.mark.django_db
def test_list_shows_the_branch_jobs(client, desk):
    upload(client, desk.alice, xlsx(CLEAN))
    client.force_login(desk.bob)
    text = client.get(reverse("imports:list")).content.decode()
    assert "customers.xlsx" in text


@pytest.mark.django_db
def test_running_twice_does_not_import_twice(desk):
    job = actions.start_import(branch=desk.branch_a, by=desk.alice, file_name="a.xlsx",
                               content=xlsx(CLEAN))  # fmt: skip
    assert actions.run_import(job.pk) == "done"
    assert Customer.objects.count() == 3


@pytest.mark.django_db
def test_the_advisor_column_takes_the_name_people_type(client, desk):
    """Issue 10: the sheet had to give the advisor's user name, not 林小美."""
    desk.alice.display_name = "陳美華"
    desk.alice.save()
    simplified = [*CLEAN[2][:5], "陈美华", *CLEAN[2][6:]]  # typed in the simplified script
    upload(client, desk.alice, xlsx([simplified]))
    assert last_job().status == ImportJob.Status.DONE, last_job().errors
    assert Customer.objects.get().followup_advisor == desk.alice


@pytest.mark.django_db
def test_a_name_two_colleagues_share_asks_for_the_user_name(client, desk):
    from tests.factories import UserFactory

    desk.alice.display_name = "林小美"
    desk.alice.save()
    UserFactory(username="lin2", branch=desk.branch_a, display_name="林小美", roles=["advisor"])
    upload(client, desk.alice, xlsx([[*CLEAN[2][:5], "林小美", *CLEAN[2][6:]]]))
    job = last_job()
    assert job.error_rows == 1
    assert "Two colleagues are called “林小美”" in str(job.errors)
    assert not Customer.objects.exists()
