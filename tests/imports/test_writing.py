"""The write of an import: its progress on the job's page, and the fast ways of issue 17 (rows
read as they come, cells parsed once, COPY from the checked values) giving what the slow ways
gave."""

import multiprocessing
import pickle
import re
from datetime import date
from operator import attrgetter

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from openpyxl import Workbook

from aftercare.customers import actions as customer_actions
from aftercare.customers.models import Customer, CustomerPhone
from aftercare.imports import actions, checking, files, writing
from aftercare.imports.checking import PhoneNumber
from aftercare.imports.columns import match_headers
from aftercare.imports.models import ImportJob
from tests.imports.test_big_files import _workbook_bytes
from tests.imports.test_imports import HEADER, csv_bytes, xlsx

ROWS = 300


def _clean_rows() -> list[list]:
    """300 valid rows; every fifth customer brings a second car on a later row."""
    rows = [
        [f"客戶{i}", "個人", f"138{i:08d}", "北京市", "保養提醒", "", f"京A{i:05d}", "凱美瑞",
         "轎車", 6, date(2025, 1, 10), 1000 + i]
        for i in range(250)
    ]  # fmt: skip
    for i in range(0, 250, 5):
        rows.append([f"客戶{i}", "", f"138{i:08d}", "", "", "", f"京B{i:05d}", "RAV4", "SUV",
                     12, date(2024, 6, 1), None])  # fmt: skip
    return rows


def _shown(page: str) -> tuple[str, str, int, str]:
    """(status badge, line beside it, aria-valuenow, the bar's text) of the progress partial."""
    status = re.search(r'id="import-status">([^<]*)<', page)[1]
    beside = re.search(r'id="import-status">[^<]*</span>\s*([^<]*)</p>', page)[1].strip()
    percent = int(re.search(r'aria-valuenow="(\d+)"', page)[1])
    bar = re.search(r'class="progress-bar[^"]*"[^>]*>([^<]*)</div>', page)[1].strip()
    return status, beside, percent, bar


@pytest.mark.django_db(transaction=True)  # the write's transaction is the task's own
def test_the_page_shows_the_write_advancing_batch_by_batch(client, desk, monkeypatch):
    """While the customers are written (one transaction), the job's page shows how far the
    write is, batch after batch, up to 100 %."""
    rows = _clean_rows()
    job = ImportJob.objects.create(
        organisation=desk.org, branch=desk.branch_a, created_by=desk.alice, file_name="all.csv",
        content=csv_bytes(rows, HEADER), format="csv", language="en", total_rows=len(rows),
    )  # fmt: skip
    monkeypatch.setattr(actions, "WRITE_BATCH", 50)  # 250 customers: five batches
    client.force_login(desk.alice)
    seen, counts, read_elsewhere = [], [], []
    written = writing.WriteProgress.written

    def look_at_the_page(progress, count):
        written(progress, count)
        counts.append(count)
        url = reverse("imports:detail", args=[job.pk])
        seen.append(_shown(client.get(url, HTTP_HX_REQUEST="true").content.decode()))
        if connection.vendor == "postgresql":  # what the web server's own connection reads
            other = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT written_rows FROM imports_importjob WHERE id = %s", [job.pk]
                    )
                    read_elsewhere.append(cursor.fetchone()[0])
            finally:
                other.close()

    monkeypatch.setattr(writing.WriteProgress, "written", look_at_the_page)

    assert actions.run_import(job.pk) == "done"

    assert [shown[:2] for shown in seen] == [("Importing", "Writing the customers…")] * 5
    percents = [shown[2] for shown in seen]
    assert percents == sorted(set(percents)) and percents[-1] == 100, percents
    assert percents[0] < 100 / 3  # the first batch of five, not a bar already full
    assert [shown[3] for shown in seen] == [f"{percent} %" for percent in percents]
    assert counts[-1] == ROWS
    if connection.vendor == "postgresql":  # seen outside the write's open transaction
        assert read_elsewhere == counts
    job.refresh_from_db()
    assert (job.status, job.imported_customers, job.imported_vehicles) == ("done", 250, ROWS)
    done = _shown(client.get(reverse("imports:detail", args=[job.pk])).content.decode())
    assert done[0] == "Done" and done[2:] == (100, "100 %")


@pytest.mark.django_db
def test_the_bar_is_full_while_checking_again_before_writing(client, desk):
    job = ImportJob.objects.create(
        organisation=desk.org, branch=desk.branch_a, created_by=desk.alice, file_name="a.csv",
        content=b"", format="csv", status="importing", total_rows=300, processed_rows=120,
        valid_rows=280,
    )  # fmt: skip
    client.force_login(desk.alice)
    url = reverse("imports:detail", args=[job.pk])
    status, beside, _percent, bar = _shown(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    assert (status, beside, bar) == ("Importing", "Writing the customers…", "")
    ImportJob.objects.filter(pk=job.pk).update(written_rows=70)
    assert _shown(client.get(url, HTTP_HX_REQUEST="true").content.decode())[2:] == (25, "25 %")


# --- the fast ways give what the slow ways gave ---------------------------------------------


def _stored(branch) -> list[tuple]:
    """Every stored value of the branch's customers, phones and vehicles but ids and times."""
    skip = {"id", "branch_id", "customer_id", "created_at", "updated_at"}
    result = []
    for customer in Customer.objects.filter(branch=branch).prefetch_related("phones", "vehicles"):
        result.append((
            tuple(getattr(customer, f.attname) for f in Customer._meta.concrete_fields
                  if f.attname not in skip),
            tuple(tuple(getattr(p, f.attname) for f in CustomerPhone._meta.concrete_fields
                        if f.attname not in skip) for p in customer.phones.all()),
            tuple(sorted(tuple(str(getattr(v, f.attname)) for f in v._meta.concrete_fields
                               if f.attname not in skip) for v in customer.vehicles.all())),
        ))  # fmt: skip
    return sorted(result, key=str)


@pytest.mark.postgres  # COPY is PostgreSQL's: the PostgreSQL pass runs this
@pytest.mark.django_db
def test_copy_stores_what_the_model_instances_store(desk, monkeypatch):
    """PostgreSQL gets the checked values by COPY; the instances records.bulk writes elsewhere
    hold the same values (here both on PostgreSQL: the instances by the other path)."""
    assert connection.vendor == "postgresql"
    content = csv_bytes(_clean_rows(), HEADER)
    for branch, fast in ((desk.branch_a, True), (desk.branch_b, False)):
        monkeypatch.setattr(writing, "_copyable", lambda _model, fast=fast: fast)
        job = actions.start_import(branch=branch, by=desk.ada, file_name="all.csv",
                                   content=content, language="en")  # fmt: skip
        job.refresh_from_db()
        assert (job.status, job.imported_customers) == ("done", 250), job.errors
    assert _stored(desk.branch_a) == _stored(desk.branch_b)
    assert Customer.objects.filter(archive_complete=True).count() == 2 * 250


def test_a_copied_phone_row_is_the_one_build_phones_makes():
    customer = Customer(pk=7)
    phones = [PhoneNumber("+8613800138000", "13800138000"), PhoneNumber("+85291234567", "91234567")]
    names = [f.attname for f in CustomerPhone._meta.concrete_fields]
    built = customer_actions.build_phones(customer, phones)
    for position, (phone, instance) in enumerate(zip(phones, built, strict=True)):
        values = writing.phone_values(phone, position)
        values[names.index("customer_id")] = 7
        assert tuple(values) == attrgetter(*names)(instance)


@pytest.mark.django_db
def test_a_cell_parsed_once_per_chunk_keeps_its_type(desk):
    """1 and True are equal keys: the memo of parsed cells must not mix a number and a yes."""
    header = ["客戶名稱", "電話", "車牌", "保養週期(月)", "接受簡訊"]
    positions, _unknown, _missing = match_headers(header)
    sheet = checking.Sheet(branch=desk.branch_a, advisors={}, language="en",
                           time_zone="Asia/Shanghai")  # fmt: skip
    rows = [
        (2, ["王芳", "13700001111", "京A00001", True, 1]),
        (3, ["李雷", "13700002222", "京A00002", 1, True]),
        (4, ["韓梅", "13700003333", "京A00003", 1, "是"]),
    ]
    memo: dict = {}  # the chunk's parsed cells
    first, second, third = [checking.check_row(sheet, positions, n, v, memo) for n, v in rows]
    assert [key for key, _message in first.problems] == ["maintenance_months"]
    assert "True" in first.problems[0][1]
    assert not second.problems and not third.problems
    months = checking.VEHICLE_FIELDS.index("maintenance_months")
    sms = checking.CUSTOMER_FIELDS.index("consents_to_sms")
    assert (second.vehicle[months], second.customer[sms]) == (1, True)
    assert (third.vehicle[months], third.customer[sms]) == (1, True)


def test_rows_read_as_they_come_are_the_rows_of_the_whole_file():
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"] = "客戶名稱", "電話"
    sheet["B5"], sheet["D6"] = "張偉", 13800138000
    content = _workbook_bytes(workbook)
    streamed = files.open_rows(content, "xlsx")
    assert [streamed.header, *streamed.rows] == files.read_rows(content, "xlsx")
    assert streamed.count == 5
    for encoding in ("utf-8-sig", "gb18030"):
        content = '客戶名稱,電話\r\n"王\n芳",1\r\n\r\n李雷,2\r\n'.encode(encoding)
        streamed = files.open_rows(content, "csv")
        assert [streamed.header, *streamed.rows] == files.read_rows(content, "csv")
    with pytest.raises(files.UnreadableFile):
        files.open_rows(b"\xff\xfe\x00garbage\x81\x00", "csv")


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_workbook_read_in_a_process_of_its_own_gives_the_same_rows(start_method):
    workbook = Workbook()
    sheet = workbook.active
    sheet["B2"], sheet["C2"] = "客戶名稱", "電話"
    for row in range(3, 2500):  # a few batches of the child's
        sheet.cell(row=row, column=2, value=f"客戶{row}")
        sheet.cell(row=row, column=3, value=13800000000 + row)
    content = _workbook_bytes(workbook)
    context = multiprocessing.get_context(start_method)
    streamed = files.open_rows(content, "xlsx", apart=context)
    assert [streamed.header, *streamed.rows] == files.read_rows(content, "xlsx")
    assert streamed.count == 2498

    stopped = files.open_rows(content, "xlsx", apart=context)
    next(stopped.rows)
    stopped.rows.close()  # the import stopped early (a bad header): the child is stopped
    assert not multiprocessing.active_children()
    with pytest.raises(files.UnreadableFile):
        files.open_rows(b"PK\x03\x04 not a workbook", "xlsx", apart=context)


@pytest.mark.django_db
def test_a_big_workbook_read_apart_imports_the_same_customers(desk, monkeypatch):
    from tests.imports.test_big_files import _archive, _import, _shop_rows

    content = xlsx(_shop_rows())
    here = _import(desk, desk.branch_a, content, "big.xlsx")
    monkeypatch.setattr(actions, "READ_APART_BYTES", 0)
    apart = _import(desk, desk.branch_b, content, "big.xlsx")
    assert (apart.status, apart.total_rows, apart.errors) == (here.status, here.total_rows,
                                                              here.errors)  # fmt: skip
    assert _archive(desk.branch_a) == _archive(desk.branch_b)


def _valid(rows: list[tuple[int, str]], refused: set[int] = frozenset()) -> checking.ValidRows:
    """Valid rows of (number, customer name); each row is one car of that customer."""
    valid = checking.ValidRows()
    checked = [
        checking.Checked(number, customer=(None,) * checking._NAME_KEY + (name,),
                         vehicle=(None,) * 20)
        for number, name in rows
    ]  # fmt: skip
    for row in checked:
        if row.number not in refused:
            valid.add(row.key)
    valid.add_chunk(pickle.dumps(checked[:3]), {n for n in refused if n < 5})
    valid.add_chunk(pickle.dumps(checked[3:]), {n for n in refused if n >= 5})
    return valid


def test_customers_are_written_in_the_order_they_first_appear_whatever_comes_later():
    valid = _valid([(2, "甲"), (3, "乙"), (4, "甲"), (5, "丙"), (6, "乙"), (7, "丁"), (8, "甲")],
                   refused={6})  # fmt: skip
    customers = [[row.number for row in rows] for rows in valid.by_customer()]
    assert customers == [[2, 4, 8], [3], [5], [7]]
    assert len(valid) == 6 and [row.number for row in valid] == [2, 3, 4, 5, 7, 8]
