"""A customer with a full archive, a car, a workshop visit and calls, for the forms' tests."""

import re
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from aftercare.customers import actions as customers
from aftercare.followups import actions as followups
from aftercare.workshop import actions as workshop
from tests.factories import ServiceItemFactory

SH = ZoneInfo("Asia/Shanghai")
VIN = "1HGCM82633A004352"  # a valid check digit


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def archived_customer(branch, advisor, *, name="張三", plate="京A12345", phone="13800138000"):
    """A customer whose Form 1 has something in every field, a car and one workshop visit."""
    customer = customers.create_customer(
        branch=branch, by=advisor, name=name, phones=[phone, "010-6512 3456"],
        address="北京市朝陽區建國路 88 號", email="zhang@example.test", contact_person="張太太",
        contact_time="evening", contact_channel="phone",
        wanted_services=["maintenance_reminder", "club_events"],
        wanted_services_note="週末取送車", consents_to_sms=True, followup_advisor=advisor,
    )  # fmt: skip
    vehicle = customers.add_vehicle(
        customer, by=advisor, plate=plate, vin=VIN, make="豐田", model="凱美瑞",
        vehicle_type="轎車", purchase_date=date(2024, 3, 1), maintenance_months=6,
        maintenance_km=5000, next_maintenance_on=date(2026, 9, 1), next_maintenance_km=25000,
    )  # fmt: skip
    oil = ServiceItemFactory(organisation=branch.organisation, code="oil", name="更換機油")
    filters = ServiceItemFactory(organisation=branch.organisation, code="filter", name="機濾")
    order = workshop.check_in(
        vehicle, by=advisor, at=at(2026, 6, 2, 9, 30), mileage=20150,
        description="冷氣不冷", items=[oil.code, filters.code],
    )  # fmt: skip
    workshop.record_pickup(order, by=advisor, at=at(2026, 6, 2, 17, 10))
    workshop.record_consultation(
        customer, by=advisor, at=at(2026, 6, 20, 15, 0), notes="詢問延長保固"
    )
    return customer


def call(customer, advisor, moment, **extra):
    fields = {
        "direction": "out",
        "purpose": "first_followup",
        "reached": True,
        "topics": ["usage_and_opinion", "new_needs"],
        "notes": "客戶對服務滿意",
    }
    fields.update(extra)
    return followups.record_call(customer, by=advisor, at=moment, **fields)


def table_rows(html: str, number: int) -> int:
    """How many record rows the page's table `number` (1-based) prints."""
    match = re.search(rf'<table class="register" id="table-{number}">(.*?)</table>', html, re.S)
    assert match, f"no table {number}"
    return match.group(1).count('<tr class="record"')


def sheet_rows(content: bytes, sheet_index: int = 0, *, first_header: str = "No."):
    """(header row, record rows) of a sheet: the rows after the first one whose first cell is
    `first_header`; title lines above it are skipped."""
    book = load_workbook(BytesIO(content))
    rows = list(book.worksheets[sheet_index].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_header)
    return rows[start], rows[start + 1 :]


def sheet_names(content: bytes) -> list[str]:
    return load_workbook(BytesIO(content)).sheetnames
