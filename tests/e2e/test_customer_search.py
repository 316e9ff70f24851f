"""In a real browser: the advisor finds a customer by pinyin initials as they type, opens the
customer page, and the page fits a phone.
"""

from pathlib import Path

from playwright.sync_api import Page, expect

from aftercare.customers import queries
from aftercare.customers.models import Customer
from aftercare.org.models import User

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def result_ids(page: Page) -> list[int]:
    ids = page.locator("#customer-results li.customer-row").evaluate_all(
        "rows => rows.map(row => row.dataset.id)"
    )
    return sorted(int(value) for value in ids)


def assert_fits(page: Page, what: str) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width + 1, (
        f"{what}: the page is {scroll_width}px wide on a {client_width}px screen"
    )


def test_advisor_finds_a_customer_by_initials_and_opens_the_page(page: Page, log_in, app_url):
    log_in("advisor1")
    advisor = User.objects.get(username="advisor1")
    customer = Customer.objects.filter(followup_advisor=advisor).order_by("id").first()
    assert customer is not None and customer.name_initials, "the demo gives advisor1 customers"
    initials = customer.name_initials
    expected = sorted(queries.search(advisor, initials).values_list("id", flat=True))
    everyone = queries.search(advisor, "").count()
    assert customer.pk in expected and len(expected) < everyone, "the initials narrow the list"

    page.goto(app_url("/customers/"))
    expect(page.locator("#customer-q")).to_be_focused()
    assert len(result_ids(page)) == min(everyone, 25)

    # Typed key by key: HTMX asks the server 300 ms after the last key, no submit needed.
    page.locator("#customer-q").press_sequentially(initials, delay=80)
    link = page.locator(f"#customer-results a[href='/customers/{customer.pk}/']")
    expect(link).to_be_visible()
    expect(page.locator("#customer-results li.customer-row")).to_have_count(len(expected))
    assert result_ids(page) == expected
    assert f"q={initials}" in page.url  # the search is in the address, so Back returns to it
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "customer-search.png", full_page=True)

    with page.expect_navigation():
        link.click()
    expect(page.locator("#customer-name")).to_have_text(customer.name)
    expect(page.locator("#log-call")).to_have_attribute(
        "href", f"/calls/new/?customer={customer.pk}"
    )
    expect(page.locator("#vehicles .vehicle").first).to_be_visible()
    expect(page.locator("#history tr.repair-order").first).to_be_visible()

    # Chinese comes from an input method or a paste, not from key presses: the search runs
    # on the text changing, whatever brought it.
    page.goto(app_url("/customers/"))
    page.locator("#customer-q").evaluate(
        "(box, name) => {"
        " box.value = name; box.dispatchEvent(new Event('input', {bubbles: true})); }",
        customer.name,
    )
    by_name = sorted(queries.search(advisor, customer.name).values_list("id", flat=True))
    expect(page.locator("#customer-results li.customer-row")).to_have_count(len(by_name))
    assert result_ids(page) == by_name
    with page.expect_navigation():
        page.locator(f"#customer-results a[href='/customers/{customer.pk}/']").click()

    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    expect(page.locator("#customer-name")).to_be_visible()
    assert_fits(page, "customer page")
    page.screenshot(path=ARTIFACTS / "customer-page-375.png", full_page=True)
    page.goto(app_url(f"/customers/?q={initials}"))
    assert_fits(page, "customer search")
