"""Acceptance in a real browser: log in, switch language, see the work, stay inside one's branch.

The demo organisation (``aftercare.demo``) provides the staff and the work; the browser asks for
Taiwanese Chinese (``zh-TW``), so the first page is in the shipped default, zh-Hant.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aftercare.obligations import queries
from aftercare.obligations.models import Obligation
from aftercare.org.models import User
from aftercare.standard.models import RuleSetting
from tests.e2e.walk import HTML_LANG

REPO_ROOT = Path(__file__).resolve().parents[2]
WRONG_PASSWORD = "Wrong username or password. Please try again."


def switch_language(page: Page, code: str) -> None:
    """Pick a language in the navbar; the form submits on change and comes back to this page."""
    select = page.locator("#language-select")
    if not select.is_visible():  # a phone: the navbar is folded behind its toggler
        page.click(".navbar-toggler")
        expect(select).to_be_visible()
    with page.expect_navigation():
        page.select_option("#language-select", code)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[code])


def row_ids(page: Page) -> list[int]:
    """The ids of the obligations listed on the page (``<tr class="obligation" data-id>``)."""
    ids = page.locator("tr.obligation").evaluate_all("rows => rows.map(row => row.dataset.id)")
    return [int(value) for value in ids]


def test_advisor_switches_languages_and_sees_worklist(page: Page, log_in):
    log_in("advisor1")
    assert page.url.endswith("/work/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-Hant")

    advisor = User.objects.get(username="advisor1")
    expected = sorted(queries.worklist(advisor).values_list("id", flat=True))
    assert expected, "the demo gives advisor1 pending work"
    for section in ("overdue", "today", "open", "upcoming"):
        expect(page.locator(f"#section-{section}")).to_be_visible()
    expect(page.locator("tr.obligation").first).to_be_visible()
    assert sorted(row_ids(page)) == expected

    switch_language(page, "zh-hans")
    assert page.url.endswith("/work/")
    assert sorted(row_ids(page)) == expected

    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("My work")
    assert sorted(row_ids(page)) == expected

    switch_language(page, "zh-hant")
    assert sorted(row_ids(page)) == expected


def test_worklist_rows_show_their_status(page: Page, log_in, app_url):
    log_in("advisor1")
    switch_language(page, "en")
    expect(page.locator("tr.obligation").first).to_be_visible()
    expected = {"overdue": "Overdue", "today": "Open", "open": "Open", "upcoming": "Upcoming"}
    for section, label in expected.items():
        for status in page.locator(f"#section-{section} tr.obligation td[class^='status-']").all():
            expect(status).to_have_text(label)


@pytest.mark.parametrize(
    ("code", "heading", "standard_link"),
    [("zh-hant", "我的工作", "服務規範"), ("zh-hans", "我的工作", "服务规范")],
    ids=["zh-hant", "zh-hans"],
)
def test_pages_speak_chinese(page: Page, log_in, code, heading, standard_link):
    log_in("admin")
    if page.locator("html").get_attribute("lang") != code:
        switch_language(page, code)
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("#mainnav a[href='/settings/standard/']")).to_have_text(standard_link)


def test_wrong_password_is_refused(page: Page, log_in, app_url):
    page.goto(app_url("/accounts/login/"))
    switch_language(page, "en")
    log_in("advisor1", password="not-the-password")
    expect(page.locator("#login-error")).to_have_text(WRONG_PASSWORD)
    assert page.url.split("?")[0].endswith("/accounts/login/")
    expect(page.locator("#current-user")).to_have_count(0)
    # The form is still there to try again, with the username kept.
    expect(page.locator("input[name=username]")).to_have_value("advisor1")


def test_supervisor_sees_nothing_of_the_other_branch(page: Page, log_in, app_url, demo_org):
    log_in("supervisor1")
    supervisor = User.objects.get(username="supervisor1")
    seen: list[int] = []
    number = 1
    while True:
        page.goto(app_url(f"/work/obligations/?page={number}"))
        seen += row_ids(page)
        if page.locator("nav a:has-text('›')").count() == 0:
            break
        number += 1

    branches = demo_org.branches.order_by("id")
    own = set(Obligation.objects.filter(branch=branches[0]).values_list("id", flat=True))
    other = set(Obligation.objects.filter(branch=branches[1]).values_list("id", flat=True))
    assert supervisor.branch_id == branches[0].id
    assert other, "the demo has work in branch 2"
    assert not set(seen) & other
    assert sorted(seen) == sorted(own)

    response = page.goto(app_url("/settings/standard/"))
    assert response is not None and response.status == 403
    page.goto(app_url("/work/"))
    expect(page.locator("#mainnav a[href='/settings/standard/']")).to_have_count(0)


def test_admin_changes_the_first_follow_up_deadline(page: Page, log_in, app_url, demo_org):
    log_in("admin")
    page.goto(app_url("/settings/standard/"))
    row = page.locator("#rule-DS-3")
    expect(row.locator("input[name=due_after]")).to_have_value("7")

    row.locator("input[name=due_after]").fill("10")
    with page.expect_navigation():
        row.locator("button:not([name=reset])").click()

    assert page.url.endswith("/settings/standard/")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".alert-danger")).to_have_count(0)
    row = page.locator("#rule-DS-3")
    expect(row.locator("input[name=due_after]")).to_have_value("10")
    expect(row).to_have_class(re.compile(r"\btable-warning\b"))  # shown as overridden
    setting = RuleSetting.objects.get(organisation=demo_org, rule_id="DS-3")
    assert setting.due_after == 10
    assert setting.opens_after == 3  # untouched


@pytest.mark.browser_context_args(
    viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2
)
def test_worklist_fits_a_phone(page: Page, log_in):
    log_in("advisor1")
    expect(page.locator("tr.obligation").first).to_be_visible()
    for code in ("zh-hant", "en"):
        if page.locator("html").get_attribute("lang") != code:
            switch_language(page, code)
        scroll_width, client_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width + 1, (
            f"{code}: the page is {scroll_width}px wide on a {client_width}px screen"
        )


def test_readme_screenshot(page: Page, log_in):
    """docs/screenshot.png: advisor1's work in zh-Hant (AFTERCARE_UPDATE_SCREENSHOT=1)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in("advisor1")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("tr.obligation").first).to_be_visible()
    if os.environ.get("AFTERCARE_UPDATE_SCREENSHOT") == "1":
        target = REPO_ROOT / "docs" / "screenshot.png"
    else:
        target = REPO_ROOT / "test-artifacts" / "readme-screenshot.png"
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=target)
    assert target.stat().st_size > 10_000


@pytest.mark.parametrize("width", [1280, 375])
def test_supervisors_menu_fits_one_line_and_opens_by_group(page: Page, log_in, width, request):
    """Sixteen destinations in four groups: on a laptop the bar stays one line high (with the
    count of new notices on My work); on a phone the groups unfold behind the toggler. Either
    way the dashboard is two clicks away."""
    from aftercare.obligations.models import Notification

    supervisor = User.objects.get(username="supervisor1")
    added = []
    for obligation in Obligation.objects.filter(branch_id=supervisor.branch_id)[:12]:
        notice, created = Notification.objects.get_or_create(
            recipient=supervisor, obligation=obligation, kind=Notification.Kind.ESCALATED
        )
        if created:
            added.append(notice.pk)
    request.addfinalizer(lambda: Notification.objects.filter(pk__in=added).delete())
    unread = supervisor.notifications.filter(read_at__isnull=True).count()
    assert unread >= 10  # two digits: the widest count a bar shows in practice
    page.set_viewport_size({"width": width, "height": 800})
    log_in("supervisor1")
    switch_language(page, "en")
    if width < 768:
        page.click(".navbar-toggler")
    else:
        height = page.locator("nav.navbar").bounding_box()["height"]
        assert height < 80, f"the menu wraps: the bar is {height}px high"
    badge = page.locator("#unread-notifications")
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("title", f"{unread} new notices")
    page.locator("#mainnav .dropdown-toggle", has_text="Supervision").click()
    with page.expect_navigation():
        page.locator("#mainnav a.dropdown-item", has_text="Dashboard").click()
    assert "/reviews/dashboard/" in page.url
    expect(page.locator("#mainnav .dropdown-toggle.active")).to_have_text("Supervision")


def test_api_docs_work_without_the_internet(page: Page, log_in, app_url):
    """Swagger UI comes from our own static files, not a CDN an intranet cannot reach."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in("advisor1")
    page.goto(app_url("/api/v1/docs"))
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Aftercare API")
    assert errors == []
    assert "cdn" not in page.content().lower()
