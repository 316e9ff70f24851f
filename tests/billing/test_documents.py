"""Issue 13's acceptance for bills (BS-10), built through the real actions: an uncovered repair
with two cameras at 350.00, a metre of cable at 12.50 and 95 minutes of labour at 120.00 per
started hour (minimum 100.00) is 712.50 + 240.00 = 952.50; the PDF says 玖佰伍拾貳元伍角整; an
issued bill answers 409 to a change and keeps what it was; a credit note keeps both."""

from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from aftercare.billing import actions
from aftercare.billing.models import Bill, BillLine, CreditNote
from tests.parts.helpers import at, resolve, stores

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 3, 12, 0)


def uncovered_bill():
    """The acceptance's repair on the uncovered fire-alarm system, resolved on 3 June 2026."""
    s = stores()
    actions.save_settings(
        s.h.b.org, by=s.h.b.ada, labour_mode="per_hour", labour_rate="120.00",
        labour_minimum="100.00", labour_rounding="hour", company_name="弘安弱電工程有限公司",
        address="上海市中山路1號", phone="021-5555 0000", payment_terms="收到本單後30天內付款",
    )  # fmt: skip
    s.receive(s.camera_part, 2, at=at(2026, 6, 1, 9, 0))
    s.receive(s.cable, 10, at=at(2026, 6, 1, 9, 0))
    ticket = s.uncovered_call(at(2026, 6, 2, 9, 0))
    resolve(
        s, ticket, at(2026, 6, 2, 11, 0), minutes=95,
        parts_used=[{"part_id": s.camera_part.pk, "quantity": 2},
                    {"part_id": s.cable.pk, "quantity": 1}],
    )  # fmt: skip
    return s, Bill.objects.get(ticket=ticket)


def test_the_bill_of_an_uncovered_repair_is_parts_at_cost_plus_the_labour_fee():
    with time_machine.travel(NOW, tick=False):
        _s, bill = uncovered_bill()
    lines = [(line.kind, line.quantity, line.unit_price, line.amount) for line in bill.lines.all()]
    assert lines == [
        ("part", Decimal(2), Decimal("350.00"), Decimal("700.00")),
        ("part", Decimal(1), Decimal("12.50"), Decimal("12.50")),
        ("labour", Decimal(2), Decimal("120.00"), Decimal("240.00")),
    ]
    assert (bill.parts_total, bill.labour_total, bill.total) == (
        Decimal("712.50"), Decimal("240.00"), Decimal("952.50"),
    )  # fmt: skip
    assert bill.state == "draft" and bill.number == ""


def pdf_of(client, user, bill, language="zh-hant"):
    client.force_login(user)
    client.cookies.load({"django_language": language})
    response = client.get(reverse("billing:pdf", args=[bill.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_issued_bill_as_pdf_shows_the_total_in_capitals_and_the_letterhead(client, pdf_text):
    with time_machine.travel(NOW, tick=False):
        s, bill = uncovered_bill()
        bill = actions.issue(bill, by=s.sam)
    text = pdf_text(pdf_of(client, s.sam, bill))
    assert "玖佰伍拾貳元伍角整" in text
    assert "維修費用單" in text
    assert "BS-B-2026-000001" in text
    for fact in ("弘安弱電工程有限公司", "上海市中山路1號", "宏遠置業有限公司", "宏遠大廈",
                 bill.ticket.number, "半球攝像機", "六類網線", "712.50", "240.00", "952.50",
                 "收到本單後30天內付款"):  # fmt: skip
        assert fact in text, fact
    assert "草稿" not in text
    # In English the reader's name stands beside the Chinese title; the capitals stay Chinese.
    english = pdf_text(pdf_of(client, s.sam, bill, language="en"))
    assert "維修費用單" in english and "Repair bill" in english
    assert "玖佰伍拾貳元伍角整" in english


def test_a_drafts_pdf_is_marked_as_a_draft_and_carries_no_number(client, pdf_text):
    with time_machine.travel(NOW, tick=False):
        s, bill = uncovered_bill()
    text = pdf_text(pdf_of(client, s.sam, bill, language="en"))
    assert "草稿" in text and "Draft" in text
    assert "-B-" not in text
    # The letterhead of a draft is the organisation's current one.
    assert "弘安弱電工程有限公司" in text


def test_an_issued_bill_refuses_changes_and_a_credit_note_keeps_both(api_client):
    with time_machine.travel(NOW, tick=False):
        s, bill = uncovered_bill()
        bill = actions.issue(bill, by=s.sam)
    before = list(BillLine.objects.filter(bill=bill).values())
    api = api_client.as_user(s.sam)
    response = api.patch(f"/bills/{bill.pk}", {"note": "改一下", "labour_minutes": 30})
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "bill_issued"
    after = Bill.objects.get(pk=bill.pk)
    assert (after.note, after.labour_minutes, after.total) == ("", 95, Decimal("952.50"))
    assert list(BillLine.objects.filter(bill=bill).values()) == before

    cable_line = bill.lines.get(code="CAT6")
    response = api.post(
        f"/bills/{bill.pk}/credit-notes",
        {"reason": "網線未用完，退回", "lines": [{"bill_line_id": cable_line.pk, "quantity": 1}]},
    )
    assert response.status_code == 201, response.content
    note = CreditNote.objects.get()
    assert note.number == "BS-C-2026-000001" and note.total == Decimal("12.50")
    kept = Bill.objects.get(pk=bill.pk)
    assert (kept.number, kept.state) == ("BS-B-2026-000001", "issued")
    assert kept.total == Decimal("952.50")
    assert list(BillLine.objects.filter(bill=bill).values()) == before
    shown = api.get(f"/bills/{bill.pk}").json()
    assert (shown["total"], shown["credited"]) == ("952.50", "12.50")
    assert [n["number"] for n in shown["credit_notes"]] == ["BS-C-2026-000001"]


def test_the_credit_note_is_listed_on_the_pdf(client, pdf_text):
    with time_machine.travel(NOW, tick=False):
        s, bill = uncovered_bill()
        bill = actions.issue(bill, by=s.sam)
        line = bill.lines.get(kind="labour")
        actions.credit(bill, by=s.sam, reason="工時多算半小時", lines=[
            {"bill_line_id": line.pk, "amount": "60.00"}])  # fmt: skip
    text = pdf_text(pdf_of(client, s.sam, bill))
    assert "BS-C-2026-000001" in text and "工時多算半小時" in text and "60.00" in text


def money_cells(sheet):
    return {
        (cell.row, cell.column): cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.number_format == "0.00"
    }


def test_the_bill_as_xlsx_holds_money_as_numbers_with_two_decimals(client):
    with time_machine.travel(NOW, tick=False):
        s, bill = uncovered_bill()
        bill = actions.issue(bill, by=s.sam)
    client.force_login(s.sam)
    response = client.get(reverse("billing:xlsx", args=[bill.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = [cell.value for cell in money_cells(sheet).values()]
    assert all(isinstance(value, int | float) for value in values)
    assert 952.5 in values and 712.5 in values and 240 in values and 12.5 in values
    text = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "玖佰伍拾貳元伍角整" in text
    assert any("BS-B-2026-000001" in value for value in text)
