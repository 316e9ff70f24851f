"""In a real browser at phone width (375 px), in Traditional Chinese: the building-systems
supervisor opens a draft bill of the demo from the list, reads its total in capitals, issues
it, and sees its number (BS-10)."""

from playwright.sync_api import Page, expect

from aftercare.billing.models import Bill
from aftercare.obligations.actions import first_supervisor


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide"


def test_a_supervisor_issues_a_draft_bill_on_a_phone(page: Page, log_in, app_url, demo_org):
    draft = (
        Bill.objects.filter(branch__organisation=demo_org, state="draft")
        .order_by("-drafted_at", "-id")
        .first()
    )
    assert draft is not None, "the demo has a draft bill"
    supervisor = first_supervisor(draft.branch)
    assert supervisor is not None
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(supervisor.username)

    page.goto(app_url("/bills/?state=draft"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click(f"#bill-list a[href$='/bills/{draft.pk}/']")
    expect(page.locator("#bill-state")).to_have_attribute("data-state", "draft")
    expect(page.locator("#bill-capitals")).to_contain_text("元")
    _fits_the_screen(page)

    with page.expect_navigation():
        page.click("#issue-button")
    draft.refresh_from_db()
    assert draft.state == "issued" and "-B-" in draft.number
    expect(page.locator("#bill-number")).to_have_text(draft.number)
    expect(page.locator("#bill-state")).to_have_attribute("data-state", "issued")
    expect(page.locator("#issue-button")).to_have_count(0)
    _fits_the_screen(page)
    assert draft.issued_by == supervisor
