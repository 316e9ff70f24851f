"""In a real browser: an advisor logs a first follow-up that raises a complaint, escalates it,
and the supervisor solves it from the queue (DS-3, DS-4, DS-5, DS-6)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aftercare.cases.models import RaisedItem
from aftercare.followups.models import Call
from aftercare.obligations.models import Obligation
from aftercare.org.models import User
from tests.e2e.test_login_and_language import row_ids

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"followup-flow-{name}.png", full_page=True)


def pending_first_follow_up(username: str) -> Obligation:
    """A DS-3 of one of the advisor's own demo customers, still to do."""
    advisor = User.objects.get(username=username)
    obligation = (
        Obligation.objects.pending()
        .filter(rule="DS-3", owner=advisor, customer__followup_advisor=advisor)
        .order_by("due_at", "id")
        .first()
    )
    assert obligation is not None, "the demo gives advisor1 a pending first follow-up"
    return obligation


def log_out(page: Page) -> None:
    if not page.locator("#logout").is_visible():
        page.click(".navbar-toggler")
    with page.expect_navigation():
        page.click("#logout")


@pytest.fixture
def complaint(page: Page, log_in, app_url) -> RaisedItem:
    """advisor1 logs a reached first follow-up raising a complaint not answered in the call."""
    ds3 = pending_first_follow_up("advisor1")
    customer = ds3.customer
    log_in("advisor1")
    page.goto(app_url(f"/calls/new/?customer={customer.pk}&obligation={ds3.pk}"))
    expect(page.locator("#call-customer")).to_have_text(customer.name)
    expect(page.locator("select[name=purpose]")).to_have_value("first_followup")
    expect(page.locator("input[name=reached]")).to_be_checked()
    expect(page.locator("#close-unreachable")).to_have_count(0)
    # The first topic has the focus: the advisor ticks as the conversation goes.
    expect(page.locator("input[name=topics]").first).to_be_focused()
    page.keyboard.press("Space")
    page.check("input[name=topics][value=new_needs]")
    page.fill("textarea[name=notes]", "客戶反映保養後冷氣仍不夠冷")
    page.select_option("select[name=items-0-kind]", "complaint")
    page.fill("input[name=items-0-text]", "保養後冷氣仍不夠冷")
    expect(page.locator("input[name=items-0-answered_in_call]")).not_to_be_checked()
    page.click("#add-item")  # HTMX fetches one more row
    expect(page.locator("input[name=items-3-text]")).to_be_visible()
    expect(page.locator("#id_items-TOTAL_FORMS")).to_have_value("4")
    shot(page, "1-call-form")
    with page.expect_navigation():
        page.click("#save-call")

    assert page.url.endswith(f"/customers/{customer.pk}/")
    call = Call.objects.get(customer=customer, purpose="first_followup", reached=True)
    expect(page.locator(".alert-success").first).to_contain_text(call.register_number)
    assert call.topics == ["usage_and_opinion", "new_needs"]
    ds3.refresh_from_db()
    assert ds3.done_at is not None and ds3.outcome == call.register_number
    rules = set(Obligation.objects.filter(customer=customer).values_list("rule", flat=True))
    assert {"DS-6", "DS-4"} <= rules

    page.goto(app_url("/work/"))
    expect(page.locator("tr.obligation").first).to_be_visible()
    listed = row_ids(page)
    assert ds3.pk not in listed
    for rule in ("DS-4", "DS-6"):
        new = Obligation.objects.get(customer=customer, rule=rule)
        expect(page.locator(f"[id^=section-] tr.obligation[data-id='{new.pk}']")).to_have_count(1)
    return RaisedItem.objects.get(call=call)


def test_advisor_logs_a_first_follow_up_with_a_complaint(page: Page, complaint, app_url):
    assert (complaint.kind, complaint.state, complaint.answered_in_call) == (
        "complaint", "open", False,
    )  # fmt: skip
    shot(page, "2-work-after-call")

    # The second follow-up shows what the first covered and warns until something is new.
    ds6 = Obligation.objects.get(customer=complaint.customer, rule="DS-6")
    page.goto(app_url(f"/calls/new/?customer={ds6.customer_id}&obligation={ds6.pk}"))
    expect(page.locator("select[name=purpose]")).to_have_value("second_followup")
    expect(page.locator("#first-items")).to_contain_text("保養後冷氣仍不夠冷")
    expect(page.locator("#nothing-new")).to_be_visible()
    page.check("input[name=topics][value=new_needs]")  # covered already: still nothing new
    page.wait_for_timeout(800)
    expect(page.locator("#nothing-new")).to_be_visible()
    page.check("input[name=topics][value=events_and_offers]")
    expect(page.locator("#nothing-new")).to_have_count(0)
    expect(page.locator("input[name=topics][value=events_and_offers]")).to_be_checked()
    shot(page, "4-second-follow-up")


def test_supervisor_solves_an_escalated_complaint_from_the_queue(
    page: Page, complaint, log_in, app_url
):
    page.goto(app_url(f"/items/{complaint.pk}/"))
    with page.expect_navigation():
        page.click("#move-escalate button")
    expect(page.locator(".item-state")).to_have_class(re.compile(r"\bstate-escalated\b"))
    expect(page.locator("#waiting-for-supervisor")).to_be_visible()
    expect(page.locator("#move-solve")).to_have_count(0)
    complaint.refresh_from_db()
    assert complaint.state == "escalated"

    log_out(page)
    log_in("supervisor1")
    page.goto(app_url("/items/queue/"))
    row = page.locator(f"tr.queue-item[data-id='{complaint.pk}']")
    expect(row).to_be_visible()
    shot(page, "3-queue")
    with page.expect_navigation():
        row.locator("a[href^='/items/']").click()
    page.fill("#move-solve textarea[name=text]", "已更換冷氣濾網並補充冷媒")
    with page.expect_navigation():
        page.click("#move-solve button")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#item-solution")).to_contain_text("已更換冷氣濾網並補充冷媒")
    complaint.refresh_from_db()
    assert complaint.state == "solved"
    assert Obligation.objects.filter(rule="DS-5", subject_id=complaint.pk).exists()

    page.goto(app_url("/items/queue/"))
    expect(page.locator(f"tr.queue-item[data-id='{complaint.pk}']")).to_have_count(0)


@pytest.mark.browser_context_args(
    viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_the_call_form_fits_a_phone(page: Page, log_in, app_url):
    ds3 = pending_first_follow_up("advisor1")
    log_in("advisor1")
    page.goto(app_url(f"/calls/new/?customer={ds3.customer_id}&obligation={ds3.pk}"))
    expect(page.locator("#save-call")).to_be_visible()
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width + 1, f"{scroll_width}px wide on {client_width}px"
