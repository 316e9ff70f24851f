"""The printed forms: 培訓簽到表 per session and the training record (培訓記錄表) per trainee
and per site, with the Chinese title drawn (not boxes) and the facts of the record."""

import pytest
import time_machine
from django.urls import reverse

from tests.training.helpers import at, confirmed_plan, qualify, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        plan = confirmed_plan(w, place="B1 消防控制室")
        session = qualify(w, plan, w.staff[:2], at(2026, 8, 10, 9, 0))
        yield w, plan, session


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_attendance_sheet_has_the_chinese_title_the_session_and_a_line_per_trainee(
    trained, client, pdf_text
):
    w, plan, session = trained
    client.force_login(w.cora)
    client.cookies.load({"django_language": "zh-hant"})
    response = client.get(reverse("training:attendance_sheet", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(body(response))
    assert "培訓簽到表" in text
    for fact in ("宏遠大廈", "宏遠置業有限公司", "火警報警主機", "李工", "陳志明", "林家豪"):
        assert fact in text, fact
    assert "2026-08-10 09:00" in text
    assert "黃偉傑" not in text  # did not attend


def test_the_training_record_in_english_names_the_form_and_the_qualification(
    trained, client, pdf_text
):
    w, plan, session = trained
    client.force_login(w.cora)
    response = client.get(
        reverse("training:trainee_record", args=[w.staff[0].pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = pdf_text(body(response))
    assert "培訓記錄表" in text and "Training record" in text
    assert "Passed" in text and "2026-08-10 11:00" in text and "火警報警主機" in text
    site = pdf_text(body(client.get(reverse("training:site_record", args=[w.b.site.pk]))))
    assert all(name in site for name in ("陳志明", "林家豪", "黃偉傑"))


def test_another_branch_cannot_print_them(trained, client):
    w, plan, session = trained
    client.force_login(w.b.sue)
    assert client.get(reverse("training:attendance_sheet", args=[session.pk])).status_code == 404
    assert client.get(reverse("training:trainee_record", args=[w.staff[0].pk])).status_code == 404
