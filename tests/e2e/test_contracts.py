"""In a real browser, in Chinese and in English: a supervisor of the building-systems desk
creates a service calendar with a lunch break, previews a deadline on it, offers a maintenance
contract for two systems of a site and records its signature (BS-6)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftercare.contracts.models import Contract
from aftercare.customers.models import Customer
from aftercare.sites import actions as sites
from tests.e2e.test_login_and_language import switch_language
from tests.factories import PASSWORD, BranchFactory, UserFactory

WORDS = {
    "zh-hant": {"offered": "已提出", "signed": "已簽訂", "due": "2026-12-07 10:00（星期一）"},
    "en": {"offered": "Offered", "signed": "Signed", "due": "2026-12-07 10:00 (Monday)"},
}


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_supervisor_offers_and_signs_a_contract(page: Page, log_in, app_url, demo_org, language):
    words = WORDS[language]
    branch = BranchFactory(
        organisation=demo_org, code="bse", name="弱電工程部", runs_dealership=False,
        runs_building_systems=True,
    )  # fmt: skip
    boss = UserFactory(username="bs_supervisor", branch=branch, roles=["supervisor"])
    owner = Customer.objects.create(branch=branch, name="宏遠置業有限公司", kind="company")
    site = sites.create_site(by=boss, customer=owner, name="宏遠大廈")
    sites.add_system(by=boss, site=site, kind="cctv", name="閉路電視")
    sites.add_system(by=boss, site=site, kind="fire_alarm", name="火災報警")

    log_in("bs_supervisor", PASSWORD)
    if language == "en":
        switch_language(page, "en")
    page.goto(app_url("/contracts/calendars/"))
    expect(page.locator("nav a[href='/contracts/calendars/']")).to_have_count(1)
    expect(page.locator("#calendar-list")).to_contain_text("24×7")
    with page.expect_navigation():
        page.click("a[href='/contracts/calendars/new/']")
    page.fill("input[name=name]", "辦公時間（午休）")
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        page.fill(f"input[name={day}]", "09:00-12:00, 13:00-18:00")
    page.check("input[name=follows_holidays]")
    with page.expect_navigation():
        page.click("#calendar-form button")
    expect(page.locator("#calendar-week")).to_contain_text("09:00-12:00, 13:00-18:00")

    # Friday 17:00 + 2 service hours: 1 h on Friday, 1 h on Monday morning.
    page.fill("input[name=at]", "2026-12-04T17:00")
    page.fill("input[name=hours]", "2")
    with page.expect_navigation():
        page.click("#preview-form button")
    expect(page.locator("#preview-result")).to_contain_text(words["due"])

    page.goto(app_url(f"/contracts/new/?site={site.pk}"))
    page.get_by_label("閉路電視").check()
    page.get_by_label("火災報警").check()
    today = timezone.localdate(timezone.now(), demo_org.tz)
    page.fill("input[name=starts_on]", (today + timedelta(days=30)).isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=394)).isoformat())
    page.select_option("select[name=service_calendar]", label="辦公時間（午休）")
    page.fill("input[name=price]", "48000")
    page.fill("input[name=emergency_arrival]", "1")
    page.fill("input[name=emergency_fix]", "4")
    page.fill("input[name=escalation_1_minutes]", "30")
    page.select_option("select[name=escalation_1_user]", label="bs_supervisor")
    with page.expect_navigation():
        page.click("#contract-form button")
    expect(page.locator("#contract-status")).to_have_text(words["offered"])
    expect(page.locator("#contract-systems")).to_contain_text("閉路電視")
    expect(page.locator("#contract-escalation")).to_contain_text("bs_supervisor")

    page.fill("input[name=signed_on]", today.isoformat())
    with page.expect_navigation():
        page.click("#sign-form button")
    expect(page.locator("#contract-status")).to_have_text(words["signed"])
    contract = Contract.objects.get(site=site)
    assert contract.signed_on == today
    assert contract.coverage.count() == 2
