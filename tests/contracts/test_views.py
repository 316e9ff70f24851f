"""The contract pages: calendars with the preview, offering and signing, and BS-6's next step."""

from datetime import date

import pytest
from django.urls import reverse

from aftercare.apps import next_step
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.obligations.models import Obligation
from tests.contracts.helpers import accept, building, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def b():
    return building()


def test_a_calendar_with_a_lunch_break_previews_its_deadline(b, client):
    client.force_login(b.sam)
    week = {"monday": "09:00-12:00, 13:00-18:00", "tuesday": "09:00-12:00，13:00-18:00"}
    response = client.post(
        reverse("contracts:calendar-new"), {"name": "午休日曆", **week, "follows_holidays": "on"}
    )
    calendar = ServiceCalendar.objects.get(name="午休日曆")
    assert response.status_code == 302
    assert calendar.weekly[:3] == [
        [["09:00", "12:00"], ["13:00", "18:00"]],
        [["09:00", "12:00"], ["13:00", "18:00"]],
        [],
    ]
    assert calendar.follows_holidays
    page = client.get(
        reverse("contracts:calendar", args=[calendar.pk]), {"at": "2026-12-07T11:00", "hours": "2"}
    )
    text = page.content.decode()
    assert "A fault reported at 2026-12-07 11:00 with 2 service hours is due at " in text
    assert "2026-12-07 14:00 (Monday)" in text
    # How it is counted: the hour before lunch, the hour after it.
    assert "2026-12-07 (Mon) 11:00–12:00: 1 h 00 min" in text
    assert "2026-12-07 (Mon) 13:00–14:00: 1 h 00 min" in text
    listing = client.get(reverse("contracts:calendars")).content.decode()
    assert "24×7" in listing and "午休日曆" in listing


def test_an_overlap_is_shown_on_its_day_and_nothing_is_saved(b, client):
    client.force_login(b.sam)
    response = client.post(
        reverse("contracts:calendar-new"), {"name": "壞", "wednesday": "09:00-13:00, 12:00-18:00"}
    )
    assert response.status_code == 422
    assert (
        "Wednesday: the intervals 09:00–13:00 and 12:00–18:00 overlap." in response.content.decode()
    )
    response = client.post(
        reverse("contracts:calendar-new"), {"name": "壞", "friday": "九點到五點"}
    )
    assert response.status_code == 422
    assert "Friday: write the hours as 09:00-12:00, 13:00-18:00." in response.content.decode()
    assert not ServiceCalendar.objects.filter(name="壞").exists()


def test_offer_and_sign_through_the_pages(b, client):
    client.force_login(b.sam)
    duty = accept(b, b.cctv, date(2026, 3, 16))
    step = next_step(duty, b.sam)
    assert step is not None
    assert step[1] == f"{reverse('contracts:new')}?site={b.site.pk}"
    page = client.get(step[1])
    assert page.status_code == 200
    assert "閉路電視" in page.content.decode() and "火災報警" in page.content.decode()
    calendar = client.get(reverse("contracts:calendars")) and ServiceCalendar.objects.get(
        builtin=True
    )
    form = {
        "systems": [b.cctv.pk], "starts_on": "2028-03-16", "ends_on": "2029-03-15",
        "service_calendar": calendar.pk, "price": "36000", "visits_per_year": "4",
        "labour_included": "on", "line_fault_arrival": "2", "line_fault_fix": "4",
        "emergency_arrival": "1", "emergency_fix": "4",
        "escalation_1_minutes": "30", "escalation_1_user": b.sam.pk,
    }  # fmt: skip
    bad = client.post(step[1], {**form, "ends_on": "2028-03-01"})
    assert bad.status_code == 422
    assert "The contract cannot end before it starts." in bad.content.decode()
    assert not Contract.objects.exists()
    response = client.post(step[1], form)
    contract = Contract.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Offered" in detail and "after 30 minutes: sam" in detail
    assert "On site within 1 h, fixed within 4 h, around the clock." in detail
    response = client.post(
        reverse("contracts:sign", args=[contract.pk]), {"signed_on": "2026-12-01"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.signed_on == date(2026, 12, 1)
    duty.refresh_from_db()
    assert duty.done_at is not None
    renewal = Obligation.objects.exclude(pk=duty.pk).get(rule="BS-6")
    assert next_step(renewal, b.sam)[1] == f"{reverse('contracts:new')}?site={b.site.pk}"


def test_the_engineer_reads_but_does_not_sign(b, client):
    contract = offer(b)
    client.force_login(b.eve)
    page = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert page.status_code == 200
    assert 'id="sign-form"' not in page.content.decode()
    refused = client.post(
        reverse("contracts:sign", args=[contract.pk]), {"signed_on": "2026-12-01"}
    )
    assert refused.status_code == 403
    contract.refresh_from_db()
    assert contract.signed_on is None
    assert client.get(reverse("contracts:new")).status_code == 403


def test_the_contract_list_shows_todays_status(b, client):
    from datetime import timedelta

    from django.utils import timezone

    from aftercare.contracts import actions

    today = timezone.localdate(timezone.now(), b.org.tz)
    signed = offer(b, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300))
    actions.sign_contract(by=b.sam, contract=signed, signed_on=today - timedelta(days=40))
    offer(b, systems=[b.fire])
    client.force_login(b.sam)
    text = client.get(reverse("contracts:list")).content.decode()
    assert "Active" in text and "Offered" in text


def test_the_preview_explains_a_fault_reported_before_the_may_holidays(b, client):
    """Issue 12's example: reported Thursday 2026-04-30 16:30 on Mon–Fri 09:00–18:00 following
    the mainland's holidays (1–5 May): 1 h 30 on 30 April, 30 min on 6 May → due 09:30."""
    client.force_login(b.sam)
    office = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), "09:00-18:00")
    client.post(
        reverse("contracts:calendar-new"), {"name": "辦公", **office, "follows_holidays": "on"}
    )
    calendar = ServiceCalendar.objects.get(name="辦公")
    client.cookies.load({"django_language": "zh-hant"})
    page = client.get(
        reverse("contracts:calendar", args=[calendar.pk]), {"at": "2026-04-30T16:30", "hours": "2"}
    )
    text = page.content.decode()
    assert "2026-05-06 09:30" in text
    assert "2026-04-30（星期四）16:30–18:00：1 小時 30 分鐘" in text
    assert "2026-05-06（星期三）09:00–09:30：0 小時 30 分鐘" in text
