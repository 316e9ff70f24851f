"""Big files: rows checked over several processes give the same report and the same archive
as one process; the upload reads only the header; the fast paths agree with the slow ones."""

import io
import random
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from simple_history.utils import get_history_model_for_model

from aftercare.customers import identifiers
from aftercare.customers.identifiers import normalise_phone
from aftercare.customers.models import Customer
from aftercare.imports import actions, checking, files
from aftercare.imports.models import ImportJob
from tests.factories import CustomerFactory, VehicleFactory
from tests.imports.test_imports import HEADER, csv_bytes, xlsx

ROWS = 300


def _shop_rows() -> list[list]:
    """300 rows, the mistakes spread over several chunks of 50 rows."""
    rows = [
        [f"客戶{i}", "個人", f"138{i:08d}", "北京市", "保養提醒", "", f"京A{i:05d}", "凱美瑞",
         "轎車", 6, date(2025, 1, 10), 1000 + i]
        for i in range(ROWS)
    ]  # fmt: skip
    rows[5][2] = "12345"  # row 7: not a phone number
    rows[77][6] = "京A99999"  # row 79: already in the archive
    rows[130][6] = "XYZ"  # row 132: not a plate
    rows[200][0], rows[200][2] = rows[3][0], rows[3][2]  # row 202: row 5's customer, second car
    rows[200][9] = None  # …without a maintenance cycle
    rows[250][6] = rows[10][6]  # row 252: the plate of row 12, three chunks earlier
    rows[299][5] = "nobody"  # row 301: not a colleague
    return rows


def _archive(branch) -> list[tuple]:
    """What a user would see of the imported customers, whatever the branch."""
    customers = Customer.objects.filter(branch=branch).prefetch_related("phones", "vehicles")
    return sorted(
        (
            c.name,
            c.name_key,
            c.name_pinyin,
            c.name_initials,
            c.archive_complete,
            c.wanted_services,
            tuple(p.number for p in c.phones.all()),
            tuple(
                sorted(
                    (
                        v.plate,
                        v.plate_key,
                        v.mileage,
                        v.mileage_on,
                        v.next_maintenance_on,
                        v.next_maintenance_km,
                        v.next_maintenance_overridden,
                    )
                    for v in c.vehicles.all()
                )
            ),
        )  # fmt: skip
        for c in customers
    )


@pytest.fixture
def pool(settings):
    """Check with two processes, in chunks of 50 rows, whatever the size of the file."""
    settings.IMPORT_POOL_MIN_ROWS = 10
    settings.IMPORT_POOL_CHUNK = 50
    settings.IMPORT_WORKERS = 2
    return settings


def _import(desk, branch, content, name):
    old = CustomerFactory(branch=branch, name="老客戶")
    VehicleFactory(customer=old, plate="京A99999", plate_key="京A99999")
    job = actions.start_import(
        branch=branch, by=desk.ada, file_name=name, content=content, mode="valid_only",
        language="en",
    )  # fmt: skip
    job.refresh_from_db()
    return job


@pytest.mark.django_db
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_pool_reports_the_same_rows_and_imports_the_same_customers(desk, pool, start_method):
    pool.IMPORT_POOL_START_METHOD = start_method
    content = csv_bytes(_shop_rows(), HEADER)
    assert checking._workers(ROWS) == 2
    pooled = _import(desk, desk.branch_a, content, "big.csv")
    pool.IMPORT_POOL_MIN_ROWS = 10**9  # now one process
    assert checking._workers(ROWS) == 1
    serial = _import(desk, desk.branch_b, content, "big.csv")

    assert pooled.errors == serial.errors
    assert [(e["row"], e["column"]) for e in pooled.errors] == [
        (7, "電話"), (79, "車牌"), (132, "車牌"), (252, "車牌"), (301, "跟蹤服務顧問"),
    ]  # fmt: skip
    assert "row 12" in pooled.errors[3]["message"]
    counts = ("status", "total_rows", "valid_rows", "error_rows", "imported_customers",
              "imported_vehicles", "processed_rows")  # fmt: skip
    assert [getattr(pooled, name) for name in counts] == [getattr(serial, name) for name in counts]
    assert (pooled.status, pooled.valid_rows, pooled.imported_customers) == ("done", 295, 294)
    assert _archive(desk.branch_a) == _archive(desk.branch_b)
    # Row 202 joined row 5's customer: two cars, one number, and no longer a complete archive.
    fifth = Customer.objects.get(branch=desk.branch_a, name="客戶3")
    assert sorted(fifth.vehicles.values_list("plate", flat=True)) == ["京A00003", "京A00200"]
    assert fifth.archive_complete is False
    assert fifth.vehicles.get(plate="京A00003").next_maintenance_on == date(2025, 7, 10)


@pytest.mark.django_db
def test_pool_checks_an_xlsx_all_or_nothing_and_the_user_then_imports_the_valid_rows(
    client, desk, pool
):
    job = actions.start_import(
        branch=desk.branch_a, by=desk.alice, file_name="big.xlsx", content=xlsx(_shop_rows()),
        language="en",
    )  # fmt: skip
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows) == ("validated", ROWS, ROWS)
    assert job.error_rows == 4  # no existing plate in this branch
    assert not Customer.objects.exists()
    actions.import_valid_rows(job, by=desk.sam)
    job.refresh_from_db()
    assert (job.status, job.imported_customers, job.imported_vehicles) == ("done", 295, 296)


@pytest.mark.django_db
def test_blank_lines_are_skipped_and_row_numbers_stay_those_of_the_sheet(desk):
    rows = [
        ["王芳", "", "13700001111", "", "", "", "京C11111", "", "", None, None, None],
        [None] * 12,
        ["李雷", "", "12345", "", "", "", "京C22222", "", "", None, None, None],
    ]
    job = actions.start_import(
        branch=desk.branch_a, by=desk.alice, file_name="gaps.xlsx", content=xlsx(rows)
    )
    job.refresh_from_db()
    assert (job.total_rows, job.error_rows) == (2, 1)
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "電話")]


# --- reading only the header at upload ------------------------------------------------------


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_header_is_read_without_the_rows_and_the_size_is_estimated():
    content = xlsx([["張偉", "", "13800138000"]] * 25)
    header, estimated = files.read_head(content, "xlsx")
    assert list(header) == HEADER and estimated == 25
    assert list(files.read_rows(content, "xlsx")[0]) == HEADER


def test_header_after_a_chart_sheet_and_in_rich_text_is_read_like_the_whole_file():
    workbook = Workbook()
    workbook.create_chartsheet("圖表", 0)
    sheet = workbook.worksheets[0]
    sheet.append(["客戶名稱", None, "電話"])
    sheet["B1"] = CellRichText([TextBlock(InlineFont(b=True), "車"), "牌"])
    sheet.append(["張偉", "京A12345", "13800138000"])
    content = _workbook_bytes(workbook)
    header, estimated = files.read_head(content, "xlsx")
    assert list(header) == ["客戶名稱", "車牌", "電話"] == files.read_rows(content, "xlsx")[0]
    assert estimated == 1


def _handmade_xlsx(sheet_xml: str) -> bytes:
    """A workbook as some other programs write it: inline strings, no shared strings."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="客戶" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">{sheet_xml}</worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_inline_strings_and_skipped_cells_are_read_like_the_whole_file():
    content = _handmade_xlsx(
        "<sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>客戶名稱</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>電話</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>張偉</t></is></c>'
        '<c r="C2"><v>13800138000</v></c></row>'
        "</sheetData>"
    )
    header, estimated = files.read_head(content, "xlsx")
    assert list(header) == ["客戶名稱", None, "電話"]
    assert files.read_rows(content, "xlsx")[0] == ["客戶名稱", "", "電話"]
    assert estimated is None  # no <dimension>: the worker counts


@pytest.mark.django_db
def test_a_file_whose_header_row_is_not_the_first_is_refused(desk):
    content = _handmade_xlsx(
        '<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>客戶名稱</t></is></c></row>'
        "</sheetData>"
    )
    with pytest.raises(actions.InvalidInput) as error:
        actions.start_import(branch=desk.branch_a, by=desk.alice, file_name="a.xlsx",
                             content=content)  # fmt: skip
    assert "客戶名稱" in str(error.value.fields)
    assert not ImportJob.objects.exists()


def test_csv_header_and_estimate():
    header, estimated = files.read_head(csv_bytes([["王芳"] * 12] * 3, HEADER), "csv")
    assert list(header) == HEADER and estimated == 3


# --- fast paths ---------------------------------------------------------------------------


def test_plain_mainland_mobiles_skip_phonenumbers_but_get_the_same_answer():
    rng = random.Random(5)
    for prefix in range(100, 200):
        for _ in range(20):
            digits = f"{prefix}{rng.randrange(10**8):08d}"
            for text in (digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}",
                         f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"):  # fmt: skip
                slow = identifiers._parsed_phone.__wrapped__(text, "CN")
                try:
                    fast = normalise_phone(text, "CN")
                except ValueError:
                    fast = None
                assert fast == slow, text


def test_cached_phone_parses_still_refuse_and_accept_the_same():
    for _ in range(2):
        assert normalise_phone("010-6500 1234", "CN").e164 == "+861065001234"
        with pytest.raises(ValueError, match="12345"):
            normalise_phone("12345", "CN")


@pytest.mark.django_db
def test_history_rows_hold_the_imported_values(desk, pool):
    job = _import(desk, desk.branch_a, csv_bytes(_shop_rows()[:40], HEADER), "small.csv")
    assert job.imported_customers == 39  # row 7 has a bad phone
    reason = f"Imported from small.csv (import #{job.pk})"
    customer = Customer.objects.get(branch=desk.branch_a, name="客戶12")
    for instance in (customer, customer.phones.get(), customer.vehicles.get()):
        history = get_history_model_for_model(type(instance))
        record = history.objects.get(id=instance.pk)
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+",
            desk.ada,
            reason,
        )
        for field in history.tracked_fields:
            assert getattr(record, field.attname) == getattr(instance, field.attname), field
