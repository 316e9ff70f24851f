"""The bill pages over HTTP: the list's filters and totals (and as .xlsx), the review, issue,
withdrawal and credit-note forms, the settings page; refusals write nothing."""

from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from aftercare.billing import actions
from aftercare.billing.models import Bill, BillingSettings, CreditNote
from tests.parts.helpers import at, resolve, stores

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 10, 12, 0)


@pytest.fixture
def world():
    """Two uncovered repairs: one with parts (issued on 3 June), one of labour only (a draft)."""
    with time_machine.travel(NOW, tick=False):
        s = stores()
        actions.save_settings(s.h.b.org, by=s.h.b.ada, labour_rate="120.00",
                              labour_minimum="100.00", labour_rounding="hour")  # fmt: skip
        s.receive(s.camera_part, 2, at=at(2026, 6, 1, 9, 0))
        s.receive(s.cable, 10, at=at(2026, 6, 1, 9, 0))
        first = s.uncovered_call(at(2026, 6, 2, 9, 0))
        resolve(s, first, at(2026, 6, 2, 11, 0), minutes=95, parts_used=[
            {"part_id": s.camera_part.pk, "quantity": 2}, {"part_id": s.cable.pk, "quantity": 1},
        ])  # fmt: skip
        second = s.uncovered_call(at(2026, 6, 4, 9, 0))
        resolve(s, second, at(2026, 6, 4, 10, 0), minutes=30)
        issued = actions.issue(Bill.objects.get(ticket=first), by=s.sam, at=at(2026, 6, 3, 10, 0))
        draft = Bill.objects.get(ticket=second)
    return s, issued, draft


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def listed(response):
    return [bill.pk for bill, _total, _credited in response.context["rows"]]


def test_the_list_filters_and_totals(client, world):
    s, issued, draft = world
    response = page(client, s.sam, "billing:list")
    assert response.status_code == 200
    assert set(listed(response)) == {issued.pk, draft.pk}
    totals = response.context["totals"]
    assert (totals.count, totals.total) == (2, Decimal("1072.50"))  # 952.50 + one started hour
    assert response.context["totals_text"]["total"] == "1,072.50"

    only_issued = page(client, s.sam, "billing:list", state="issued")
    assert listed(only_issued) == [issued.pk]
    assert only_issued.context["totals"].parts == Decimal("712.50")
    in_june = page(client, s.sam, "billing:list", issued_from="2026-06-03", issued_to="2026-06-03")
    assert listed(in_june) == [issued.pk]
    assert listed(page(client, s.sam, "billing:list", issued_from="2026-06-04")) == []
    assert set(listed(page(client, s.sam, "billing:list", q="宏遠"))) == {issued.pk, draft.pk}
    assert listed(page(client, s.sam, "billing:list", ticket=draft.ticket.number)) == [draft.pk]

    cable = issued.lines.get(code="CAT6")
    actions.credit(issued, by=s.sam, reason="退回網線",
                   lines=[{"bill_line_id": cable.pk, "quantity": 1}])  # fmt: skip
    totals = page(client, s.sam, "billing:list", state="issued").context["totals"]
    assert (totals.credited, totals.net) == (Decimal("12.50"), Decimal("940.00"))


def test_a_refused_filter_date_is_a_400_listing_nothing(client, world):
    s, _issued, _draft = world
    response = page(client, s.sam, "billing:list", issued_from="0001-01-01")
    assert response.status_code == 400
    assert response.context["page"] is None
    assert "Choose dates between 2000 and 2100." in response.content.decode()


def test_the_filtered_list_as_xlsx_with_its_totals(client, world):
    s, issued, _draft = world
    response = page(client, s.sam, "billing:list_xlsx", state="issued")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    numbers = [row[0] for row in rows]
    assert issued.number in numbers and "Total" in numbers
    total_row = rows[numbers.index("Total")]
    assert total_row[9] == 952.5
    assert sheet.cell(row=numbers.index("Total") + 1, column=10).number_format == "0.00"


def test_the_draft_page_shows_the_review_and_the_issue_button_to_a_supervisor(client, world):
    s, _issued, draft = world
    response = page(client, s.sam, "billing:bill", draft.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="review-form"' in html and 'id="issue-button"' in html
    assert "壹佰貳拾元整" in html  # 120.00 in capitals
    clerk = page(client, s.pat, "billing:bill", draft.pk)
    assert clerk.status_code == 200
    assert 'id="review-form"' not in clerk.content.decode()
    assert 'id="issue-button"' not in clerk.content.decode()


def test_issue_from_the_page(client, world):
    s, _issued, draft = world
    client.force_login(s.sam)
    response = client.post(reverse("billing:issue", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "issued" and draft.number == "BS-B-2026-000002"
    shown = client.get(reverse("billing:bill", args=[draft.pk])).content.decode()
    assert "BS-B-2026-000002" in shown and 'id="issue-button"' not in shown
    again = client.post(reverse("billing:issue", args=[draft.pk]))
    assert again.status_code == 409
    assert "never changed" in again.content.decode()


def test_the_parts_clerk_and_another_branch_cannot_issue(client, world):
    s, _issued, draft = world
    client.force_login(s.pat)
    assert client.post(reverse("billing:issue", args=[draft.pk])).status_code == 403
    client.force_login(s.h.b.sue)  # a supervisor of the other branch does not see the bill
    assert client.post(reverse("billing:issue", args=[draft.pk])).status_code == 404
    assert client.get(reverse("billing:bill", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.number == ""


def test_the_review_saves_and_bad_input_is_a_422_writing_nothing(client, world):
    s, issued, draft = world
    client.force_login(s.sam)
    url = reverse("billing:review", args=[draft.pk])
    bad = client.post(url, {"note": "", "labour_minutes": "-5"})
    assert bad.status_code == 422
    draft.refresh_from_db()
    assert (draft.labour_minutes, draft.total) == (30, Decimal("120.00"))
    good = client.post(url, {"note": "客戶同意", "labour_minutes": "150"})
    assert good.status_code == 302
    draft.refresh_from_db()
    assert (draft.note, draft.labour_minutes, draft.total) == ("客戶同意", 150, Decimal("360.00"))
    frozen = client.post(reverse("billing:review", args=[issued.pk]), {"note": "x"})
    assert frozen.status_code == 409
    issued.refresh_from_db()
    assert issued.note == ""


def test_withdraw_needs_a_reason(client, world):
    s, _issued, draft = world
    client.force_login(s.sam)
    url = reverse("billing:withdraw", args=[draft.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert client.post(url, {"reason": "保修期內，誤開"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.note) == ("void", "保修期內，誤開")


def test_the_credit_note_form(client, world):
    s, issued, _draft = world
    client.force_login(s.sam)
    shown = client.get(reverse("billing:bill", args=[issued.pk])).content.decode()
    assert 'id="credit-form"' in shown
    cable = issued.lines.get(code="CAT6")
    labour = issued.lines.get(kind="labour")
    url = reverse("billing:credit", args=[issued.pk])
    too_much = client.post(url, {"reason": "多算", f"amount_{labour.pk}": "240.01"})
    assert too_much.status_code == 422
    assert "At most 240.00 is left" in too_much.content.decode()
    three_places = client.post(url, {"reason": "多算", f"amount_{labour.pk}": "10.005"})
    assert three_places.status_code == 422
    assert "two decimal places" in three_places.content.decode()
    no_reason = client.post(url, {"reason": "", f"quantity_{cable.pk}": "1"})
    assert no_reason.status_code == 422
    assert not CreditNote.objects.exists()
    done = client.post(url, {"reason": "網線未用", f"quantity_{cable.pk}": "1",
                             f"amount_{labour.pk}": "60.00"})  # fmt: skip
    assert done.status_code == 302
    note = CreditNote.objects.get()
    assert (note.number, note.total) == ("BS-C-2026-000001", Decimal("72.50"))
    issued.refresh_from_db()
    assert issued.total == Decimal("952.50")
    shown = client.get(reverse("billing:bill", args=[issued.pk])).content.decode()
    assert "BS-C-2026-000001" in shown and "880.00" in shown


def settings_data(**changes):
    data = {
        "currency": "CNY", "labour_mode": "per_hour", "labour_rate": "150.00",
        "labour_minimum": "80.00", "labour_rounding": "half_hour", "company_name": "弘安",
        "address": "", "phone": "", "tax_number": "", "bank_account": "", "payment_terms": "",
    }  # fmt: skip
    return {**data, **changes}


def test_the_settings_page_a_supervisor_sees_but_may_not_save(client, world):
    s, _issued, _draft = world
    before = list(BillingSettings.objects.values())
    response = page(client, s.sam, "billing:settings")
    assert response.status_code == 200
    assert "disabled" in response.content.decode()
    refused = client.post(reverse("billing:settings_save"), settings_data())
    assert refused.status_code == 403
    assert list(BillingSettings.objects.values()) == before
    client.force_login(s.pat)
    assert client.get(reverse("billing:settings")).status_code == 403


def test_the_administrator_saves_the_settings_and_bad_money_writes_nothing(client, world):
    s, _issued, _draft = world
    before = list(BillingSettings.objects.values())
    client.force_login(s.h.b.ada)
    url = reverse("billing:settings_save")
    bad = client.post(url, settings_data(labour_rate="12.345", labour_minimum="-1"))
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "two decimal places" in html and "from 0.00" in html
    assert list(BillingSettings.objects.values()) == before
    assert client.post(url, settings_data(currency="XYZ")).status_code == 422
    good = client.post(url, settings_data(currency="TWD"))
    assert good.status_code == 302
    row = BillingSettings.objects.get()
    assert (row.currency, row.labour_rate, row.labour_rounding, row.company_name) == (
        "TWD", Decimal("150.00"), "half_hour", "弘安",
    )  # fmt: skip
