"""In a real browser: a supervisor retries a failed SMS on a phone-sized screen; an advisor
subscribes to their calendar feed and the .ics holds their open work."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from aftercare.customers import actions as customers
from aftercare.messaging import actions
from aftercare.messaging.models import Message
from aftercare.obligations.models import Obligation
from aftercare.org.models import Branch, User


def failed_sms(settings) -> Message:
    """An SMS to a north-branch customer whose gateway refused every attempt."""
    from tests.messaging.conftest import free_port

    settings.AFTERCARE_QUIET_HOURS = ""
    settings.AFTERCARE_SMS_BACKEND = "http"
    settings.AFTERCARE_SMS_URL = f"http://127.0.0.1:{free_port()}/sms"
    branch = Branch.objects.get(code="north")
    supervisor = User.objects.get(username="supervisor1")
    customer = customers.create_customer(
        branch=branch, by=supervisor, name="測試簡訊客戶", phones=["13800138123"],
        consents_to_sms=True,
    )  # fmt: skip
    start = timezone.now() - timedelta(hours=2)
    message = actions.queue_message(
        customer, channel="sms", reason="e2e:failed", body="您的愛車保養到期了", at=start
    )
    for minutes in (1, 6, 31):
        actions.deliver(message.pk, now=start + timedelta(minutes=minutes))
    message.refresh_from_db()
    assert message.status == "failed"
    return message


def test_supervisor_retries_a_failed_sms_on_a_phone(page: Page, log_in, app_url, settings):
    message = failed_sms(settings)
    settings.AFTERCARE_SMS_BACKEND = "file"  # the gateway is back
    page.set_viewport_size({"width": 375, "height": 800})
    log_in("supervisor1")
    page.goto(app_url("/messages/"))
    row = page.locator(f"#message-{message.pk}")
    expect(row).to_have_attribute("data-status", "failed")
    expect(row.locator(".message-error")).to_contain_text("ConnectionError")
    retry = row.locator("button.retry")
    expect(retry).to_be_visible()
    retry.click()
    # HTMX swaps the row: the worker (immediate in tests) has sent it after the commit.
    expect(page.locator(f"#message-{message.pk}")).to_have_attribute("data-status", "sent")
    expect(page.locator(f"#message-{message.pk} button.retry")).to_have_count(0)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 5)

    page.select_option("select[name=status]", "failed")
    expect(page.locator(f"#message-{message.pk}")).to_have_count(0)
    expect(page.locator("#delivery-settings")).to_be_visible()


def test_advisor_subscribes_to_the_calendar_feed(page: Page, log_in, app_url):
    log_in("advisor1")
    page.goto(app_url("/messages/calendar/"))
    page.click("#feed-create")
    url = page.locator("#feed-url").input_value()
    assert "/messages/calendar/" in url and url.endswith(".ics")

    response = page.request.get(url)
    assert response.status == 200
    calendar = Calendar.from_ical(response.body())
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    advisor = User.objects.get(username="advisor1")
    expected = {
        f"obligation-{pk}@aftercare"
        for pk in Obligation.objects.pending()
        .filter(owner=advisor, due_at__gte=timezone.now() - timedelta(days=30))
        .values_list("pk", flat=True)
    }
    assert expected and uids >= expected
    assert all(uid.startswith(("obligation-", "campaign-")) for uid in uids)

    page.reload()
    expect(page.locator("#feed-url")).to_have_count(0)  # shown once only
    page.click("#feed-revoke")
    expect(page.locator("#feed-create")).to_be_visible()
    assert page.request.get(url).status == 404
