"""Forms 3 跟蹤服務電話登記表 and 4 跟蹤服務信函登記表: a branch's registers for a period of
local dates (Asia/Shanghai), as a page, a PDF and a workbook."""

from datetime import datetime

import pytest

from aftercare.followups import actions as followups
from aftercare.outreach import actions as outreach
from aftercare.outreach.targets import TargetFilters
from tests.factories import UserFactory
from tests.paperwork.helpers import archived_customer, at, call, sheet_rows, table_rows

pytestmark = pytest.mark.django_db
CALLS, LETTERS = "跟蹤服務電話登記表", "跟蹤服務信函登記表"
JULY = {"from": "2026-07-01", "to": "2026-07-31"}
CALL_HEADER = (
    "No.", "Register no.", "Date and time", "Customer", "Phone", "Purpose", "Direction",
    "Reached", "Advisor", "Summary", "Corrected",
)  # fmt: skip
LETTER_HEADER = (
    "No.", "Register no.", "Date sent", "Customer", "Address", "Kind", "Subject", "Sent by",
    "Remarks",
)  # fmt: skip


@pytest.fixture
def july(desk):
    """Calls of branch A around July 2026 (local time), and one of branch B inside July."""
    zhang = archived_customer(desk.branch_a, desk.alice)
    lee = archived_customer(
        desk.branch_a, desk.bob, name="李四", plate="京A99999", phone="13900139000"
    )
    wu = archived_customer(desk.branch_b, desk.carol, name="吳五", plate="京C11111")
    calls = {
        "june_last": call(zhang, desk.alice, at(2026, 6, 30, 23, 59)),
        "july_first": call(zhang, desk.alice, at(2026, 7, 1, 0, 0)),
        "inbound": call(
            lee,
            desk.bob,
            at(2026, 7, 15, 14, 30),
            direction="in",
            purpose="complaint",
            topics=[],
            notes="抱怨等候太久",
        ),  # fmt: skip
        "july_last": call(lee, desk.bob, at(2026, 7, 31, 23, 59), reached=False, topics=[]),
        "august_first": call(zhang, desk.alice, at(2026, 8, 1, 0, 0)),
        "branch_b": call(wu, desk.carol, at(2026, 7, 10, 9, 0)),
    }
    return calls


def test_form_3_lists_every_call_of_the_month_and_nothing_outside_it(client, desk, july):
    client.force_login(desk.alice)
    response = client.get("/forms/call-register/", JULY)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="form-title" id="form-title">{CALLS}</h1>' in html
    assert "Period: 2026-07-01 to 2026-07-31" in html
    assert "北豐汽車 · 北區店" in html
    assert table_rows(html, 1) == 3
    for name in ("july_first", "inbound", "july_last"):
        assert july[name].register_number in html, name
    for name in ("june_last", "august_first", "branch_b"):
        assert july[name].register_number not in html, name
    assert "2026-07-31 23:59" in html and "2026-07-01 00:00" in html
    assert "抱怨等候太久" in html and "Inbound complaint" in html


def test_form_3_workbook_has_the_header_and_one_row_per_call_in_order(client, desk, july):
    client.force_login(desk.sam)
    content = client.get("/forms/call-register/form3.xlsx", JULY).content
    header, rows = sheet_rows(content)
    assert header == CALL_HEADER
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (1, july["july_first"].register_number, datetime(2026, 7, 1, 0, 0)),
        (2, july["inbound"].register_number, datetime(2026, 7, 15, 14, 30)),
        (3, july["july_last"].register_number, datetime(2026, 7, 31, 23, 59)),
    ]
    inbound = rows[1]
    assert inbound[3:9] == ("李四", "139 0013 9000", "Inbound complaint", "Inbound", "Yes", "bob")
    assert inbound[9] == "抱怨等候太久"
    assert rows[2][7] == "No"


def test_form_3_pdf_draws_the_title_and_the_customers(client, desk, july, pdf_text):
    client.force_login(desk.alice)
    response = client.get("/forms/call-register/form3.pdf", JULY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert CALLS in text
    assert "張三" in text and "李四" in text
    assert "吳五" not in text


def test_form_3_shows_calls_as_corrected(client, desk, july):
    followups.amend_call(
        july["july_last"], by=desk.sam, field="reached", value=True, reason="其實有接通"
    )
    client.force_login(desk.alice)
    _header, rows = sheet_rows(client.get("/forms/call-register/form3.xlsx", JULY).content)
    assert rows[2][7] == "Yes"
    assert rows[2][10] == "Reached"


def test_a_period_without_calls_prints_an_empty_register(client, desk, july):
    client.force_login(desk.alice)
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    html = client.get("/forms/call-register/", period).content.decode()
    assert table_rows(html, 1) == 0 and "No calls in this period." in html
    header, rows = sheet_rows(client.get("/forms/call-register/form3.xlsx", period).content)
    assert header == CALL_HEADER and rows == []


def test_administrator_chooses_the_branch(client, desk, july):
    client.force_login(desk.ada)
    html = client.get("/forms/call-register/", {**JULY, "branch": desk.branch_b.pk}).content
    html = html.decode()
    assert "北豐汽車 · 南區店" in html
    assert table_rows(html, 1) == 1 and july["branch_b"].register_number in html


def test_another_branchs_register_is_not_found(client, desk, july):
    client.force_login(desk.carol)
    for suffix in ("", "form3.pdf", "form3.xlsx"):
        url = f"/forms/call-register/{suffix}"
        assert client.get(url, {**JULY, "branch": desk.branch_a.pk}).status_code == 404
    client.force_login(desk.sue)
    assert client.get("/forms/letter-register/", {"branch": desk.branch_a.pk}).status_code == 404
    # Without a branch, carol gets her own branch's register.
    html = client.get("/forms/call-register/", JULY).content.decode()
    assert "南區店" in html and july["inbound"].register_number not in html


def test_staff_without_desk_rights_are_refused(client, desk):
    client.force_login(UserFactory(username="ed", branch=desk.branch_a, roles=["engineer"]))
    assert client.get("/forms/call-register/").status_code == 403
    assert client.get("/forms/letter-register/").status_code == 403
    assert client.get("/forms/").status_code == 403


def test_a_backwards_or_overlong_period_is_refused_with_a_clear_message(client, desk):
    client.force_login(desk.alice)
    response = client.get(
        "/forms/call-register/form3.xlsx", {"from": "2026-07-31", "to": "2026-07-01"}
    )
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()
    response = client.get("/forms/letter-register/", {"from": "2025-01-01", "to": "2026-07-01"})
    assert response.status_code == 400
    assert "Choose at most 366 days at a time." in response.content.decode()


def test_without_a_period_the_register_is_of_the_current_month(client, desk):
    from django.utils import timezone

    client.force_login(desk.alice)
    html = client.get("/forms/call-register/").content.decode()
    today = timezone.localtime(timezone.now(), desk.org.tz).date()
    assert f"Period: {today:%Y-%m}-01 to " in html


# ---------------------------------------------------------------- Form 4


@pytest.fixture
def letters(desk):
    """Letters of branch A: two in July (one a reply to a complaint), one on August 1st."""
    zhang = archived_customer(desk.branch_a, desk.alice)
    wu = archived_customer(desk.branch_b, desk.carol, name="吳五", plate="京C11111")
    campaign = outreach.create_campaign(
        by=desk.sam, branch=desk.branch_a, name="夏季免費檢測", kind="free_inspection",
        content="免費檢測二十項", starts_at=at(2026, 8, 10, 9, 0), ends_at=at(2026, 8, 12, 17, 0),
        address="北區店", filters=TargetFilters(customer_ids=[zhang.pk]),
    )  # fmt: skip
    complaint = call(
        zhang, desk.alice, at(2026, 7, 2, 10, 0),
        raised_items=[{"kind": "complaint", "text": "冷氣不冷"}],
    ).raised_items.get()  # fmt: skip
    campaign_b = outreach.create_campaign(
        by=desk.sue, branch=desk.branch_b, name="南區活動", kind="promotion", content="優惠",
        starts_at=at(2026, 8, 10, 9, 0), ends_at=at(2026, 8, 12, 17, 0), address="南區店",
        filters=TargetFilters(customer_ids=[wu.pk]),
    )  # fmt: skip
    return {
        "invitation": outreach.record_letter(
            zhang, by=desk.alice, kind="invitation", at=at(2026, 7, 1, 0, 0), campaign=campaign
        ),
        "reply": outreach.record_letter(
            zhang,
            by=desk.bob,
            kind="reply",
            at=at(2026, 7, 31, 23, 59),
            raised_item=complaint,
            subject="關於冷氣問題的答復",
        ),  # fmt: skip
        "august": outreach.record_letter(
            zhang, by=desk.alice, kind="invitation", at=at(2026, 8, 1, 0, 0), campaign=campaign
        ),
        "branch_b": outreach.record_letter(
            wu, by=desk.carol, kind="invitation", at=at(2026, 7, 5, 9, 0), campaign=campaign_b
        ),
    }


def test_form_4_lists_the_letters_of_the_month(client, desk, letters):
    client.force_login(desk.alice)
    response = client.get("/forms/letter-register/", JULY)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="form-title" id="form-title">{LETTERS}</h1>' in html
    assert table_rows(html, 1) == 2
    assert letters["invitation"].register_number in html
    assert letters["reply"].register_number in html
    assert letters["august"].register_number not in html
    assert letters["branch_b"].register_number not in html
    assert "關於冷氣問題的答復" in html and "Campaign: 夏季免費檢測" in html


def test_form_4_workbook_has_one_row_per_letter(client, desk, letters):
    client.force_login(desk.alice)
    header, rows = sheet_rows(client.get("/forms/letter-register/form4.xlsx", JULY).content)
    assert header == LETTER_HEADER
    assert [row[:3] for row in rows] == [
        (1, letters["invitation"].register_number, datetime(2026, 7, 1, 0, 0)),
        (2, letters["reply"].register_number, datetime(2026, 7, 31, 23, 59)),
    ]
    reply = rows[1]
    assert reply[3:8] == ("張三", "北京市朝陽區建國路 88 號", "Reply", "關於冷氣問題的答復", "bob")
    assert reply[8].startswith("Reply to: ")


def test_form_4_shows_a_corrected_line_as_corrected(client, desk, letters):
    outreach.amend_letter(
        letters["reply"], by=desk.sam, field="subject", value="冷氣問題答復函", reason="標題有誤"
    )
    client.force_login(desk.alice)
    _header, rows = sheet_rows(client.get("/forms/letter-register/form4.xlsx", JULY).content)
    assert rows[1][6] == "冷氣問題答復函"
    assert "Corrected: Subject" in rows[1][8]


def test_form_4_pdf_draws_the_title_and_the_customer(client, desk, letters, pdf_text):
    client.force_login(desk.alice)
    text = pdf_text(client.get("/forms/letter-register/form4.pdf", JULY).content)
    assert LETTERS in text
    assert "張三" in text and "吳五" not in text


def test_form_4_with_no_letters_still_prints_and_exports(client, desk, pdf_text):
    client.force_login(desk.alice)
    html = client.get("/forms/letter-register/", JULY).content.decode()
    assert f'<h1 class="form-title" id="form-title">{LETTERS}</h1>' in html
    assert "No letters in this period." in html
    header, rows = sheet_rows(client.get("/forms/letter-register/form4.xlsx", JULY).content)
    assert header == LETTER_HEADER and rows == []
    assert LETTERS in pdf_text(client.get("/forms/letter-register/form4.pdf", JULY).content)


def test_administrator_prints_the_other_branchs_letters(client, desk, letters):
    client.force_login(desk.ada)
    params = {**JULY, "branch": desk.branch_b.pk}
    _header, rows = sheet_rows(client.get("/forms/letter-register/form4.xlsx", params).content)
    assert [row[1] for row in rows] == [letters["branch_b"].register_number]


# ---------------------------------------------------------------- the index


def test_index_lists_the_four_forms_with_period_pickers(client, desk):
    client.force_login(desk.alice)
    html = client.get("/forms/").content.decode()
    for title in ("客戶檔案基本資料表", "跟蹤服務電話記錄表", CALLS, LETTERS):
        assert title in html
    assert 'id="form3-period"' in html and 'id="form4-period"' in html
    assert 'name="branch"' not in html  # an advisor prints only her own branch
    client.force_login(desk.ada)
    html = client.get("/forms/").content.decode()
    assert 'id="form3-branch"' in html and "南區店" in html


def test_the_call_register_page_links_to_form_3_for_the_shown_period(client, desk):
    client.force_login(desk.alice)
    html = client.get("/calls/register/", JULY).content.decode()
    assert "/forms/call-register/form3.pdf?from=2026-07-01&amp;to=2026-07-31" in html
    assert "/forms/call-register/form3.xlsx?from=2026-07-01&amp;to=2026-07-31" in html


def test_headers_follow_the_users_language_and_the_title_stays_the_standards(client, desk, july):
    client.force_login(desk.alice)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/forms/"})
    content = client.get("/forms/call-register/form3.xlsx", JULY).content
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == CALLS
    header = next(row for row in rows if "登記編號" in row)
    assert "客戶" in header and "通話目的" in header


def test_a_long_register_runs_over_pages_numbered_with_the_header_on_each(client, desk, pdf_text):
    zhang = archived_customer(desk.branch_a, desk.alice)
    for day in range(1, 31):
        for hour in (9, 15):
            call(zhang, desk.alice, at(2026, 7, day, hour, 0), purpose="other", topics=[])
    client.force_login(desk.alice)
    text = pdf_text(client.get("/forms/call-register/form3.pdf", JULY).content)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Register no." in page  # the header row repeats on every sheet
        assert f"{number} / {len(pages)}" in page or f"{number}/{len(pages)}" in page
    assert "Handled by (signature)" in pages[-1]
