"""In a real browser: the supervisor plans a campaign watching the live target count, schedules
it, and the follow-up advisor finds the phone notices (DS-7) on My work."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from aftercare.obligations.models import Obligation
from aftercare.outreach.models import Campaign


def count(page: Page) -> int:
    text = page.locator("#target-count").inner_text()
    return int(re.search(r"\d+", text).group())


def test_plan_a_campaign_schedule_it_and_see_the_notices(page: Page, log_in, app_url):
    log_in("supervisor1")
    page.goto(app_url("/campaigns/new/"))
    everyone = count(page)
    assert everyone > 0
    page.fill("input[name=vehicle_model]", "沒有這個車型")
    expect(page.locator("#target-count")).to_have_text(re.compile(r"^\D*0\D*$"))
    page.fill("input[name=vehicle_model]", "")
    expect(page.locator("#target-count")).to_contain_text(str(everyone))

    starts = timezone.localtime(timezone.now()) + timedelta(days=40)
    page.fill("input[name=name]", "秋季車主聯誼會")
    page.select_option("select[name=kind]", "club_event")
    page.fill("textarea[name=content]", "茶點與抽獎")
    page.fill("input[name=address]", "北區店二樓")
    page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT10:00"))
    page.fill("input[name=ends_at]", starts.strftime("%Y-%m-%dT16:00"))
    with page.expect_navigation():
        page.click("#save-campaign")
    expect(page.locator("#campaign-name")).to_have_text("秋季車主聯誼會")

    with page.expect_navigation():
        page.click("#schedule-campaign")
    expect(page.locator("#schedule-state")).to_be_visible()
    campaign = Campaign.objects.get(name="秋季車主聯誼會")
    assert campaign.scheduled_at is not None and campaign.notices_late is False
    expect(page.locator("#targets .target-row")).to_have_count(min(everyone, 100))

    notice = Obligation.objects.filter(rule="DS-7", subject_id=campaign.pk).first()
    owner = notice.owner.username
    page.context.clear_cookies()
    log_in(owner)
    page.goto(app_url("/work/"))
    expect(page.locator("tr.obligation[data-rule='DS-7']").first).to_be_visible()


def test_campaign_pages_fit_a_phone(page: Page, log_in, app_url):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in("supervisor1")
    page.goto(app_url("/campaigns/new/"))
    expect(page.locator("#target-count")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(app_url("/campaigns/letters/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
