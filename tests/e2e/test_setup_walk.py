"""Issue 10's acceptance walk: a real shop from an empty database, without the demo.

`aftercare setup` makes the organisation and its administrator; the administrator adds a branch,
an advisor and a service item in the browser; the advisor logs in, changes their password,
records a customer with a vehicle and checks the car in — in Traditional Chinese and in English.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from aftercare.org.models import User
from aftercare.workshop.models import RepairOrder
from tests.e2e.test_login_and_language import switch_language
from tests.e2e.walk import HTML_LANG

ADMIN_PASSWORD = "Shop-Owner-2026"
FIRST_PASSWORD = "Given-By-Admin-2026"
OWN_PASSWORD = "Chosen-By-Dora-2026"

# What the user reads on the way, in the page's language.
TEXT = {
    "zh-hant": {"created": "朵拉 現在可以用「dora」登入。", "changed": "您的密碼已變更。",
                "checked_in": "已辦理進廠"},
    "en": {"created": "朵拉 can now log in as “dora”.", "changed": "Your password was changed.",
           "checked_in": "is checked in."},
}  # fmt: skip


def log_in(page: Page, app_url, username: str, password: str) -> None:
    page.goto(app_url("/accounts/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    expect(page.locator("#current-user")).to_be_visible()


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.click("#logout")


def open_menu(page: Page, href: str) -> None:
    """Open a page from the navbar's Organisation drop-down, as an administrator would."""
    item = f"a.dropdown-item[href='{href}']"
    page.locator("#mainnav li.dropdown", has=page.locator(item)).locator(
        "a.dropdown-toggle"
    ).click()
    link = page.locator(f"#mainnav {item}")
    with page.expect_navigation():
        link.click()


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_a_new_shop_is_set_up_and_checks_a_car_in(page: Page, app_url, transactional_db,
                                                  language):  # fmt: skip
    text = TEXT[language]
    call_command(
        "setup", "--no-input", "--organisation", "東海汽車", "--time-zone", "Asia/Shanghai",
        "--region", "CN", "--branch-code", "main", "--branch-name", "東海汽車 總店",
        "--admin-username", "owner", "--admin-password", ADMIN_PASSWORD,
    )  # fmt: skip

    log_in(page, app_url, "owner", ADMIN_PASSWORD)
    if language != "zh-hant":
        switch_language(page, language)

    # A second branch.
    open_menu(page, "/settings/branches/")
    page.fill("#branch-form input[name=code]", "east")
    page.fill("#branch-form input[name=name]", "東海汽車 東區店")
    with page.expect_navigation():
        page.click("#branch-form button")
    expect(page.locator("#branches tr[data-code=east]")).to_contain_text("東海汽車 東區店")

    # An advisor of the new branch.
    open_menu(page, "/settings/staff/")
    with page.expect_navigation():
        page.click("#add-staff")
    page.fill("input[name=username]", "dora")
    page.fill("input[name=display_name]", "朵拉")
    page.select_option("select[name=branch]", label="東海汽車 東區店")
    page.check("input[name=roles][value=advisor]")
    page.check("input[name=roles][value=followup_advisor]")
    page.fill("input[name=password1]", FIRST_PASSWORD)
    page.fill("input[name=password2]", FIRST_PASSWORD)
    with page.expect_navigation():
        page.click("#staff-form button")
    expect(page.locator(".alert-success")).to_have_text(text["created"])
    expect(page.locator("#staff tr[data-username=dora]")).to_contain_text("東海汽車 東區店")

    # A line of the service catalogue.
    open_menu(page, "/settings/service-items/")
    page.fill("#service-item-form input[name=code]", "oil")
    page.fill("#service-item-form input[name=name]", "更換機油")
    page.select_option("#service-item-form select[name=kind]", "maintenance")
    with page.expect_navigation():
        page.click("#service-item-form button")
    expect(page.locator("#service-items tr[data-code=oil]")).to_contain_text("更換機油")
    log_out(page)

    # The advisor's first day: a password of their own, a customer, a car checked in.
    log_in(page, app_url, "dora", FIRST_PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    with page.expect_navigation():
        page.click("#change-password")
    page.fill("input[name=old_password]", FIRST_PASSWORD)
    page.fill("input[name=new_password1]", OWN_PASSWORD)
    page.fill("input[name=new_password2]", OWN_PASSWORD)
    with page.expect_navigation():
        page.click("#password-change-form button")
    expect(page.locator("#password-changed")).to_have_text(text["changed"])
    log_out(page)
    log_in(page, app_url, "dora", OWN_PASSWORD)

    page.goto(app_url("/customers/new/"))
    page.fill("#customer-form input[name=name]", "周杰")
    page.fill("#customer-form textarea[name=phones]", "13912345678")
    with page.expect_navigation():
        page.click("#customer-form button[type=submit]")
    with page.expect_navigation():
        page.locator("a[href$='/vehicles/new/']").first.click()
    page.fill("input[name=plate]", "京A12345")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    with page.expect_navigation():
        page.locator("main a[href*='/workshop/check-in/']").first.click()
    page.fill("input[name=mileage]", "12000")
    page.check("#item-oil")
    with page.expect_navigation():
        page.click("#check-in-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text(text["checked_in"])

    order = RepairOrder.objects.get()
    dora = User.objects.get(username="dora")
    assert (order.advisor, order.branch.code, order.mileage) == (dora, "east", 12000)
    assert [item.code for item in order.items.all()] == ["oil"]
    assert re.search("京A12345", page.content())
