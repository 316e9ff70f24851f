"""The four forms in Chromium: each page shows its Chinese title, prints within A4's width, and
is saved as a screenshot in ``test-artifacts/`` (screen and print media)."""

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftercare.followups.models import Call
from aftercare.org.models import User
from aftercare.workshop.models import RepairOrder

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MM = 96 / 25.4  # CSS pixels per millimetre
# A4 less the page margins of print.css (12 mm left and right).
PORTRAIT, LANDSCAPE = (210, 186), (297, 273)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"forms-{name}.png", full_page=True)


def fits_a4(page: Page, name: str, paper: tuple[int, int]) -> None:
    """Laid out for print on a sheet of A4 width, nothing sticks out of the printable width."""
    page_mm, printable_mm = paper
    page.set_viewport_size({"width": round(page_mm * MM), "height": 1100})
    page.emulate_media(media="print")
    expect(page.locator("#screen-bar")).to_be_hidden()
    expect(page.locator("#form-title")).to_be_visible()
    sizes = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            sheet: document.querySelector('main.sheet').getBoundingClientRect().width,
            widest: Math.max(...[...document.querySelectorAll('main.sheet table')]
                .map(t => t.getBoundingClientRect().right
                          - document.querySelector('main.sheet').getBoundingClientRect().left)),
        })"""
    )
    assert sizes["sheet"] <= printable_mm * MM + 1, sizes
    assert sizes["widest"] <= sizes["sheet"] + 1, sizes  # no table wider than the sheet
    assert sizes["page"] <= round(page_mm * MM), sizes
    shot(page, f"{name}-print")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def advisor1(page: Page, log_in) -> User:
    log_in("advisor1")
    return User.objects.get(username="advisor1")


def test_form_1_customer_archive(page: Page, app_url, advisor1):
    order = RepairOrder.objects.filter(branch=advisor1.branch).order_by("id").first()
    page.goto(app_url(f"/customers/{order.customer_id}/"))
    with page.expect_navigation():
        page.click(f"#form1-links a[href='/forms/customers/{order.customer_id}/']")
    expect(page.locator("#form-title")).to_have_text("客戶檔案基本資料表")
    expect(page.locator("#form-fields")).to_contain_text(order.customer.name)
    expect(page.locator("#table-1 tr.record")).to_have_count(order.customer.vehicles.count())
    expect(page.locator("#table-2 tr.record")).to_have_count(order.customer.repair_orders.count())
    expect(page.locator("#signatures")).to_be_visible()
    shot(page, "1-customer-archive")
    fits_a4(page, "1-customer-archive", PORTRAIT)


def test_form_2_call_record(page: Page, app_url, advisor1):
    call = Call.objects.filter(branch=advisor1.branch, reached=True).order_by("id").first()
    page.goto(app_url(f"/calls/{call.pk}/"))
    with page.expect_navigation():
        page.click(f"#form2-links a[href='/forms/calls/{call.pk}/']")
    expect(page.locator("#form-title")).to_have_text("跟蹤服務電話記錄表")
    expect(page.locator("#form-fields")).to_contain_text(call.register_number)
    expect(page.locator(".checks li")).to_have_count(7)
    expect(page.locator(".checks li.ticked")).to_have_count(len(call.topics))
    shot(page, "2-call-record")
    fits_a4(page, "2-call-record", PORTRAIT)


def _last_100_days(tz) -> tuple:
    today = timezone.localtime(timezone.now(), tz).date()
    return today - timedelta(days=100), today


def test_form_3_call_register_from_the_forms_page(page: Page, app_url, advisor1):
    tz = advisor1.organisation.tz
    start, end = _last_100_days(tz)
    expected = Call.objects.filter(
        branch=advisor1.branch,
        occurred_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        occurred_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    ).count()
    assert expected > 0, "the demo has calls in the last 100 days"
    page.goto(app_url("/forms/"))
    expect(page.locator("#form-3")).to_contain_text("跟蹤服務電話登記表")
    page.fill("#form3-from", start.isoformat())
    page.fill("#form3-to", end.isoformat())
    with page.expect_navigation():
        page.click("#form3-show")
    expect(page.locator("#form-title")).to_have_text("跟蹤服務電話登記表")
    expect(page.locator("#table-1 tr.record")).to_have_count(expected)
    expect(page.locator("#form-org")).to_contain_text(advisor1.branch.name)
    shot(page, "3-call-register")
    fits_a4(page, "3-call-register", LANDSCAPE)


def test_form_4_letter_register_prints_even_when_empty(page: Page, app_url, advisor1):
    from aftercare.outreach.models import Letter

    start, end = _last_100_days(advisor1.organisation.tz)
    page.goto(app_url(f"/forms/letter-register/?from={start}&to={end}"))
    expect(page.locator("#form-title")).to_have_text("跟蹤服務信函登記表")
    letters = Letter.objects.filter(branch=advisor1.branch).count()
    if letters:
        expect(page.locator("#table-1 tr.record")).not_to_have_count(0)
    else:
        expect(page.locator("#table-1 tr.empty")).to_be_visible()
    shot(page, "4-letter-register")
    fits_a4(page, "4-letter-register", LANDSCAPE)


def test_forms_page_on_a_phone(page: Page, app_url, advisor1):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(app_url("/forms/"))
    for number in (1, 2, 3, 4):
        expect(page.locator(f"#form-{number}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "index-phone")
