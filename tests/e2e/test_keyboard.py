"""Issue 16: an advisor logs a call from My work with the keyboard alone.

After signing in, nothing is clicked: Tab, Shift+Tab, Enter, Space, the arrow keys and typing
carry the advisor through the language switcher, My work's "Log a call", the call form with two
raised items (the second row added with the keyboard; the focus moves into it), and Save. The
form, its added rows included, also passes axe-core.
"""

from playwright.sync_api import Page, expect

from aftercare.cases.models import RaisedItem
from aftercare.followups.models import Call
from tests.e2e.test_followup_flow import pending_first_follow_up
from tests.e2e.walk import axe_violations, describe_violations

MAX_TABS = 120


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector)


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(MAX_TABS):
        if focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key from {page.url}")


def test_advisor_logs_a_call_from_my_work_with_the_keyboard_only(page: Page, log_in):
    ds3 = pending_first_follow_up("advisor1")
    customer = ds3.customer
    log_in("advisor1")
    assert page.url.endswith("/work/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")

    # The first Tab offers to skip the menu.
    page.keyboard.press("Tab")
    assert focused(page, ".skip-link")
    expect(page.locator(".skip-link")).to_be_visible()

    # The language switcher: the arrows choose without leaving the page, Enter switches.
    tab_to(page, "#language-select")
    page.keyboard.press("ArrowDown")  # 简体中文
    page.keyboard.press("ArrowDown")  # English
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("My work")

    # My work: the row's "Log a call" button opens the call form for this duty.
    link = f'a.next-step[href*="obligation={ds3.pk}"]'
    expect(page.locator(link)).to_have_text("Log the call")
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#call-customer")).to_have_text(customer.name)

    # The first topic has the focus; Space ticks it.
    expect(page.locator("input[name=topics]").first).to_be_focused()
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=notes]")
    page.keyboard.type("Customer is happy with the service")

    # The first raised item: the arrows pick its kind, then type what was raised.
    tab_to(page, "select[name=items-0-kind]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "input[name=items-0-text]")
    page.keyboard.type("Wants a car wash next time")
    tab_to(page, "input[name=items-0-answered_in_call]")
    page.keyboard.press("Space")

    # "Add item" brings a row and puts the focus on its first field.
    tab_to(page, "#add-item")
    page.keyboard.press("Enter")
    expect(page.locator("select[name=items-3-kind]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.locator("input[name=items-3-text]")).to_be_focused()
    page.keyboard.type("Air conditioning still too weak")

    problems = describe_violations(page.url, 1280, "en", axe_violations(page))
    assert not problems, "\n".join(problems)

    tab_to(page, "#save-call")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(f"/customers/{customer.pk}/")
    call = Call.objects.get(customer=customer, purpose="first_followup", reached=True)
    expect(page.locator(".alert-success").first).to_contain_text(call.register_number)
    assert call.topics[0] == "usage_and_opinion"
    assert call.notes == "Customer is happy with the service"
    items = {item.text: item for item in RaisedItem.objects.filter(call=call)}
    assert set(items) == {"Wants a car wash next time", "Air conditioning still too weak"}
    assert all(item.kind for item in items.values())
    ds3.refresh_from_db()
    assert ds3.done_at is not None
