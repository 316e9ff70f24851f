"""Form 2 跟蹤服務電話記錄表: one call, its seven topics ticked, what was raised, corrections."""

import pytest

from aftercare.followups import actions as followups
from tests.paperwork.helpers import archived_customer, at, call, sheet_names, sheet_rows, table_rows

pytestmark = pytest.mark.django_db
TITLE = "跟蹤服務電話記錄表"


@pytest.fixture
def record(desk):
    """A reached first follow-up that raised two items; its key points were corrected."""
    zhang = archived_customer(desk.branch_a, desk.alice)
    vehicle = zhang.vehicles.get()
    first = call(
        zhang, desk.alice, at(2026, 6, 8, 10, 15), vehicle=vehicle,
        topics=["usage_and_opinion", "car_care_tips", "visit"], other_topics="保險續保",
        notes="冷氣仍不夠冷", raised_items=[
            {"kind": "complaint", "text": "冷氣保養後仍不冷"},
            {"kind": "request", "text": "下次保養前提醒", "answered_in_call": True},
        ],
    )  # fmt: skip
    followups.amend_call(
        first, by=desk.sam, field="notes", value="冷氣仍不夠冷,已約回廠檢查", reason="補記"
    )
    return first


def urls(call) -> tuple[str, str, str]:
    base = f"/forms/calls/{call.pk}/"
    return base, base + "form2.pdf", base + "form2.xlsx"


def test_page_shows_the_record_the_checklist_the_items_and_the_correction(client, desk, record):
    client.force_login(desk.bob)  # any advisor of the branch
    response = client.get(urls(record)[0])
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="form-title" id="form-title">{TITLE}</h1>' in html
    for text in (
        record.register_number, "張三", "138 0013 8000", "京A12345 豐田 凱美瑞", "alice",
        "Outbound", "First follow-up", "2026-06-08 10:15", "保險續保",
        "冷氣保養後仍不冷", "Complaint", "下次保養前提醒", "Closed",
        "北豐汽車 · 北區店", "Handled by (signature)",
    ):  # fmt: skip
        assert text in html, text
    # The seven topics in the standard's order, three ticked.
    assert html.count('<li class="ticked">') == 3
    assert html.count('<li class="unticked">') == 4
    # The correction is shown beside the original, which is kept.
    assert '<s class="original" title="Original">冷氣仍不夠冷</s>' in html
    assert "冷氣仍不夠冷,已約回廠檢查" in html
    assert table_rows(html, 1) == 2  # raised items
    assert table_rows(html, 2) == 1  # amendments
    assert "補記" in html and "sam" in html


def test_pdf_draws_the_title_the_customer_and_the_ticks(client, desk, record, pdf_text):
    client.force_login(desk.alice)
    response = client.get(urls(record)[1])
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert TITLE in text
    assert "張三" in text
    assert record.register_number in text
    assert text.count("☑") == 3 and text.count("☐") == 4


def test_workbook_has_the_record_the_items_and_the_corrections(client, desk, record):
    client.force_login(desk.alice)
    content = client.get(urls(record)[2]).content
    assert sheet_names(content) == ["Follow-up call record", "Raised items", "Amendments"]
    header, rows = sheet_rows(content, 0, first_header="Field")
    assert header == ("Field", "Value", "Original")
    values = {row[0]: row[1:] for row in rows}
    assert values["Register no."] == (record.register_number, None)
    assert values["Key points"] == ("冷氣仍不夠冷,已約回廠檢查", "冷氣仍不夠冷")
    assert values["Reached"] == ("Yes", None)
    assert values["Car-use knowledge and precautions"] == ("☑", None)
    assert values["New service needs"] == ("☐", None)
    header, rows = sheet_rows(content, 1)
    assert header == ("No.", "Kind", "What was raised", "Answered in the call", "State", "Owner")
    assert [row[:3] for row in rows] == [
        (1, "Complaint", "冷氣保養後仍不冷"),
        (2, "Request", "下次保養前提醒"),
    ]
    header, rows = sheet_rows(content, 2)
    assert header == ("No.", "When", "Field", "Original", "Correction", "Reason", "By")
    assert [row[2:] for row in rows] == [
        ("Key points", "冷氣仍不夠冷", "冷氣仍不夠冷,已約回廠檢查", "補記", "sam")
    ]


def test_an_unanswered_call_prints_with_nothing_ticked(client, desk):
    lee = archived_customer(desk.branch_a, desk.alice, name="李四", plate="京A99999")
    missed = call(lee, desk.alice, at(2026, 6, 9, 9, 0), reached=False, topics=[], notes="")
    client.force_login(desk.alice)
    html = client.get(urls(missed)[0]).content.decode()
    assert html.count('<li class="ticked">') == 0
    assert "Nothing was raised." in html and "No corrections." in html
    _header, rows = sheet_rows(client.get(urls(missed)[2]).content, 1)
    assert rows == []


def test_a_corrected_checklist_shows_what_was_first_ticked(client, desk, record):
    followups.amend_call(
        record, by=desk.alice, field="topics", value=["usage_and_opinion"], reason="誤勾"
    )
    client.force_login(desk.alice)
    html = client.get(urls(record)[0]).content.decode()
    assert html.count('<li class="ticked">') == 1
    assert "Amended; first recorded:" in html
    assert "A visit to the customer" in html.split("Amended; first recorded:")[1]


def test_another_branch_gets_404_for_the_page_pdf_and_workbook(client, desk, record):
    for who in (desk.carol, desk.sue):
        client.force_login(who)
        for url in urls(record):
            assert client.get(url).status_code == 404


def test_supervisor_and_administrator_may_print_it(client, desk, record):
    for who in (desk.sam, desk.ada):
        client.force_login(who)
        assert client.get(urls(record)[0]).status_code == 200


def test_the_call_page_links_to_form_2(client, desk, record):
    client.force_login(desk.alice)
    html = client.get(f"/calls/{record.pk}/").content.decode()
    for url in urls(record):
        assert url in html
