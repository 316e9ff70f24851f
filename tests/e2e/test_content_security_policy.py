"""The Content-Security-Policy holds in a real browser, and the suite would notice if it broke.

Every browser test fails on a CSP violation (``_no_csp_violations`` in conftest.py); these tests
prove that check sees one, and walk the pages whose scripts moved out of the templates.
"""

import re

from playwright.sync_api import Page, expect


def test_injected_inline_script_is_refused_and_reported(page: Page, log_in, _no_csp_violations):
    log_in("advisor1")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
          const handler = '<img src="x" onerror="window.injected=1">';
          document.body.insertAdjacentHTML("beforeend", handler);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in v for v in _no_csp_violations), _no_csp_violations
    _no_csp_violations.clear()  # seen: this test's violations are the point


def test_policy_forbids_inline_script_and_framing(page: Page, app_url):
    response = page.goto(app_url("/accounts/login/"))
    policy = response.headers["content-security-policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_language_switch_works_without_an_inline_handler(page: Page, app_url):
    page.goto(app_url("/accounts/login/"))
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    expect(page.locator("h1")).to_have_text("Log in")


def test_dashboard_draws_its_charts(page: Page, log_in, app_url):
    log_in("supervisor1")
    page.goto(app_url("/reviews/dashboard/"))
    for chart in ("#chart-weekly", "#chart-monthly"):
        canvas = page.locator(chart)
        expect(canvas).to_be_visible()
        # Chart.js sized the canvas to its box (220 px high), so the script ran.
        assert canvas.bounding_box()["height"] > 150
    drawn = page.evaluate("() => Object.keys(Chart.instances).length")
    assert drawn == 2


def test_finalising_a_review_asks_first(page: Page, log_in, app_url, demo_org):
    from aftercare.reviews.models import Review

    review = Review.objects.get(branch__code="north", status="draft")
    log_in("supervisor1")
    page.goto(app_url(f"/reviews/{review.pk}/"))
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#finalise")
    page.wait_for_timeout(300)
    assert asked and re.search("Finalise|定稿", asked[0]), asked
    review.refresh_from_db()
    assert review.status == "draft"  # "Cancel" sent nothing


def test_admin_site_works_under_the_policy(page: Page, log_in, app_url, demo_password):
    """Django's admin (where a superuser unlocks a locked-out login) ships no inline script."""
    from aftercare.org.models import User

    User.objects.create_superuser("root", "root@example.test", demo_password)
    log_in("root")
    for path in ("/admin/", "/admin/axes/accessattempt/", "/admin/auth/group/add/"):
        response = page.goto(app_url(path))
        assert response is not None and response.status == 200, path
        expect(page.locator("#content h1")).to_be_visible()
