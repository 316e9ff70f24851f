"""In a real browser: the supervisor reads the dashboard (charts drawn), drills into a figure,
then writes and finalises last month's review (DS-11)."""

import re

from playwright.sync_api import Page, expect

from aftercare.reviews.models import Review
from tests.e2e.conftest import ARTIFACTS_DIR as ARTIFACTS
from tests.e2e.test_login_and_language import row_ids


def test_supervisor_dashboard_drill_down_and_finalise(page: Page, log_in, app_url):
    log_in("supervisor1")
    page.goto(app_url("/reviews/dashboard/?period=range&from=2000-01-01&to=2099-12-31"))
    expect(page.locator("#by-rule")).to_be_visible()
    for chart in ("#chart-weekly", "#chart-monthly"):
        expect(page.locator(chart)).to_be_visible()
    drawn = page.evaluate("['chart-weekly', 'chart-monthly'].map(id => !!Chart.getChart(id))")
    assert drawn == [True, True]
    assert page.locator("#chart-weekly").evaluate("c => c.width") > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reviews-dashboard.png", full_page=True)

    # Drill down: the figure "fell due" of DS-3 lists exactly that many obligations.
    link = page.locator('#by-rule tr[data-rule="DS-3"] a[data-figure="due"]')
    count = int(link.inner_text())
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(re.compile(r"/work/obligations/\?.*figure=due"))
    expect(page.locator("#due-range")).to_be_visible()
    ids = row_ids(page)
    assert len(ids) == min(count, 50)
    assert set(page.locator("td.obligation-rule").all_inner_texts()) == {"DS-3"}

    # Last month's review is a draft: write the summary and finalise it.
    draft = Review.objects.get(branch__code="north", status="draft")
    page.goto(app_url("/reviews/"))
    with page.expect_navigation():
        page.click(f'tr[data-id="{draft.pk}"] a')
    page.fill("textarea[name=summary]", "本月跟蹤準時率尚可，逾期工作已重新分派。")
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#finalise")
    expect(page.locator("#review-status")).to_have_text(re.compile(r"\S"))
    expect(page.locator("#review-form")).to_have_count(0)
    expect(page.locator("#review-summary")).to_contain_text("逾期工作已重新分派")
    draft.refresh_from_db()
    assert draft.status == "finalised"
