"""Form 1 客戶檔案基本資料表: one customer's archive as a page, a PDF and a workbook."""

import re
from datetime import datetime

import pytest

from aftercare.customers import actions as customers
from tests.factories import UserFactory
from tests.paperwork.helpers import VIN, archived_customer, sheet_names, sheet_rows, table_rows

pytestmark = pytest.mark.django_db
TITLE = "客戶檔案基本資料表"


@pytest.fixture
def zhang(desk):
    return archived_customer(desk.branch_a, desk.alice)


def urls(customer) -> tuple[str, str, str]:
    base = f"/forms/customers/{customer.pk}/"
    return base, base + "form1.pdf", base + "form1.xlsx"


def test_page_shows_every_archive_field_each_vehicle_and_the_service_history(client, desk, zhang):
    customers.add_vehicle(zhang, by=desk.alice, plate="京B54321", model="RAV4")
    client.force_login(desk.alice)
    response = client.get(urls(zhang)[0])
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="form-title" id="form-title">{TITLE}</h1>' in html
    assert "北豐汽車 · 北區店" in html  # organisation and branch
    for text in (
        "張三", "張太太", "北京市朝陽區建國路 88 號", "138 0013 8000", "zhang@example.test",
        "Evening", "Phone", "Maintenance reminders", "Club events", "週末取送車",
        "SMS: Yes · Letters: Yes", "alice",
        "京A12345", "豐田 凱美瑞", "轎車", VIN, "2024-03-01", "20150", "6 months / 5000 km",
        "2026-12-02", "25150",  # the cycle restarted at the pick-up
        "2026-06-02 09:30", "2026-06-02 17:10", "更換機油", "機濾", "冷氣不冷",
        "2026-06-20 15:00", "詢問延長保固",
        "Handled by (signature)", "Supervisor (signature)",
    ):  # fmt: skip
        assert text in html, text
    assert table_rows(html, 1) == 2  # vehicles
    assert table_rows(html, 2) == 1  # repair orders
    assert table_rows(html, 3) == 1  # consultations
    assert urls(zhang)[1] in html and urls(zhang)[2] in html


def test_pdf_draws_the_chinese_title_and_the_customers_name(client, desk, zhang, pdf_text):
    client.force_login(desk.alice)
    response = client.get(urls(zhang)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "form1" not in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert TITLE in text
    assert "張三" in text
    assert "北京市朝陽區建國路" in text
    assert re.search(r"1\s*/\s*1", text)  # page numbers


def test_workbook_has_the_archive_vehicles_and_history_one_row_each(client, desk, zhang):
    customers.add_vehicle(zhang, by=desk.alice, plate="京B54321", model="RAV4")
    client.force_login(desk.alice)
    response = client.get(urls(zhang)[2])
    assert response.status_code == 200
    content = response.content
    assert sheet_names(content) == [
        "Customer archive", "Vehicles", "Service history", "Consultations"
    ]  # fmt: skip
    header, rows = sheet_rows(content, 0, first_header="Field")
    assert header == ("Field", "Value", "Original")
    values = {row[0]: row[1] for row in rows}
    assert values["Customer name"] == "張三"
    assert values["Address"] == "北京市朝陽區建國路 88 號"
    assert values["Follow-up advisor"] == "alice"
    assert len(rows) == 16  # one row per archive field
    header, rows = sheet_rows(content, 1)
    assert header == (
        "No.", "Number plate", "Model", "Vehicle type", "VIN", "Purchase date", "Mileage (km)",
        "Maintenance cycle", "Next maintenance date", "Next maintenance (km)",
    )  # fmt: skip
    assert [row[:2] for row in rows] == [(1, "京A12345"), (2, "京B54321")]
    assert rows[0][5] == datetime(2024, 3, 1)  # a real date cell
    header, rows = sheet_rows(content, 2)
    assert header[:3] == ("No.", "Checked in", "Picked up")
    assert rows == [
        (1, datetime(2026, 6, 2, 9, 30), datetime(2026, 6, 2, 17, 10), "京A12345", 20150,
         "機濾\n更換機油", "冷氣不冷", "alice"),  # in catalogue order
    ]  # fmt: skip
    header, rows = sheet_rows(content, 3)
    assert len(rows) == 1


def test_title_lines_head_the_first_sheet(client, desk, zhang):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(desk.alice)
    sheet = load_workbook(BytesIO(client.get(urls(zhang)[2]).content)).worksheets[0]
    lines = [row[0] for row in sheet.iter_rows(max_row=5, values_only=True)]
    assert lines[:4] == [TITLE, "Customer archive", "北豐汽車 · 北區店", "Customer: 張三"]
    assert lines[4].startswith("Printed ")


def test_a_customer_without_vehicles_or_visits_prints_empty_tables(client, desk):
    lee = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="李四")
    client.force_login(desk.alice)
    html = client.get(urls(lee)[0]).content.decode()
    assert "No vehicle on file." in html and "No repair orders." in html
    _header, rows = sheet_rows(client.get(urls(lee)[2]).content, 1)
    assert rows == []


def test_typed_text_is_never_a_formula_in_the_workbook(client, desk):
    odd = customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name='=HYPERLINK("http://x")'
    )
    client.force_login(desk.alice)
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(client.get(urls(odd)[2]).content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == odd.name]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_supervisor_and_administrator_print_the_branchs_customers(client, desk, zhang, who):
    client.force_login(getattr(desk, who))
    page, _pdf, xlsx = urls(zhang)  # the PDF is the page's own template (tested above)
    assert client.get(page).status_code == 200
    assert client.get(xlsx).status_code == 200


def test_another_branch_cannot_print_the_customer(client, desk, zhang):
    client.force_login(desk.carol)
    for url in urls(zhang):
        assert client.get(url).status_code == 404
    client.force_login(desk.sue)
    assert client.get(urls(zhang)[0]).status_code == 404


def test_staff_without_desk_rights_are_refused_and_strangers_sent_to_log_in(client, desk, zhang):
    engineer = UserFactory(username="ed", branch=desk.branch_a, roles=["engineer"])
    client.force_login(engineer)
    assert client.get(urls(zhang)[0]).status_code == 403
    client.logout()
    response = client.get(urls(zhang)[1])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_customer_page_links_to_form_1(client, desk, zhang):
    client.force_login(desk.alice)
    html = client.get(f"/customers/{zhang.pk}/").content.decode()
    for url in urls(zhang):
        assert url in html


def test_on_file_since_is_the_local_date(client, desk, zhang):
    client.force_login(desk.alice)
    html = client.get(urls(zhang)[0]).content.decode()
    from django.utils import timezone

    assert timezone.localtime(zhang.created_at, desk.org.tz).date().isoformat() in html


def header_line(text: str, title: str, next_title: str) -> str:
    """The first printed line of the table between two section titles of the PDF."""
    section = text.split(f"\n{title}\n", 1)[1].split(f"\n{next_title}\n", 1)[0]
    return next(line for line in section.splitlines() if line.strip())


def test_pdf_prints_each_column_header_on_one_line(client, desk, zhang, pdf_text):
    """Issue 10: narrow columns printed 服務顧問 one character per line (WeasyPrint ignores
    `word-break: keep-all`); every header word stays whole on the header's first line."""
    client.force_login(desk.alice)
    response = client.get(urls(zhang)[1], HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200
    text = pdf_text(response.content)
    vehicles = header_line(text, "車輛", "維修保養記錄")
    for header in ("序號", "車牌號碼", "車型", "車種", "購車日期", "里程", "下一次保養日期"):
        assert header in vehicles.split(), (header, vehicles)
    history = header_line(text, "維修保養記錄", "諮詢記錄")
    for header in ("序號", "進廠時間", "接車出廠", "車輛", "里程", "客戶描述", "服務顧問"):
        assert header in history.split(), (header, history)
