"""In a real browser at phone width (375 px), in Traditional Chinese: the training coordinator
hands the phone to the owner's representative, who confirms an operators' training plan with a
signature drawn on the screen (BS-4); the coordinator records the session and two passed
assessments, and the coverage matrix of the key system turns from red to green (BS-2)."""

from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect

from aftercare.agreements import actions as agreements
from aftercare.agreements.models import AgreementVersion
from aftercare.obligations.models import Obligation
from aftercare.org.models import User
from aftercare.sites.models import System
from aftercare.training import actions
from aftercare.training.choices import STANDARD_TOPICS, Track
from aftercare.training.models import CoverageGap, Trainee
from tests.e2e.test_hotline import _fits_the_screen, _sign


def _red_system_with_a_submitted_plan() -> tuple[System, int, list[Trainee]]:
    """The demo's second key system (no qualified operator) with an operators' plan awaiting
    the owner's confirmation, and two of the owner's staff not yet trained for it."""
    coordinator = User.objects.get(username="coordinator1")
    systems = System.objects.filter(site__branch=coordinator.branch, key=True).order_by(
        "site_id", "id"
    )
    red = systems[1]
    plan = actions.draft_plan(
        by=coordinator, system=red, track=Track.OPERATOR,
        topics=list(STANDARD_TOPICS[Track.OPERATOR]),
    )  # fmt: skip
    agreements.submit(plan.agreement, by=coordinator)
    people = list(Trainee.objects.filter(customer=red.site.customer).order_by("pk")[:2])
    return red, plan.pk, people


def test_the_owner_confirms_a_plan_and_the_coverage_turns_green(
    page: Page, log_in, app_url, demo_org
):
    red, plan_id, people = _red_system_with_a_submitted_plan()
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("coordinator1")

    # The coverage of the red key system: operators below two, with BS-2 open.
    page.goto(app_url(f"/training/sites/{red.site_id}/"))
    cell = page.locator(f'#coverage-matrix tr[data-system="{red.pk}"] td[data-track="operator"]')
    expect(cell).to_have_class("table-danger")
    expect(cell).to_have_attribute("data-count", "0")
    _fits_the_screen(page)

    # The owner's representative confirms at the screen with a drawn signature.
    page.goto(app_url(f"/training/plans/{plan_id}/"))
    expect(page.locator("#agreement-panel")).to_have_attribute("data-state", "submitted")
    with page.expect_navigation():
        page.click("#agreement-confirm")
    expect(page.locator("#plan-terms")).to_contain_text("竣工圖")  # the terms being confirmed
    page.fill("input[name=confirmed_by]", "陳志明")
    with page.expect_navigation():
        page.click("#confirm-button")  # unsigned: refused, the name kept
    expect(page.locator("#signature-errors")).to_be_visible()
    expect(page.locator("input[name=confirmed_by]")).to_have_value("陳志明")
    _fits_the_screen(page)
    _sign(page)
    with page.expect_navigation():
        page.click("#confirm-button")
    expect(page.locator("#agreement-panel")).to_have_attribute("data-state", "confirmed")
    expect(page.locator("#agreement-versions img.signature-thumb")).to_be_visible()
    version = AgreementVersion.objects.get(agreement_id=plan_id)
    assert version.confirmed_by == "陳志明"
    assert version.signature.read().startswith(b"\x89PNG")

    # The coordinator records the session on every standard topic, with both attending.
    page.goto(app_url(f"/training/plans/{plan_id}/sessions/new/"))
    for box in page.locator("input[name=topics]").all():
        box.check()
    for person in people:
        page.check(f'input[name=trainees][value="{person.pk}"]')
    with page.expect_navigation():
        page.click("#session-form button")
    # … and their passed assessments.
    for person in people:
        page.goto(app_url(f"/training/trainees/{person.pk}/assessment/"))
        page.select_option("select[name=system]", str(red.pk))
        page.select_option("select[name=track]", "operator")
        page.check('input[name=passed][value="yes"]')
        with page.expect_navigation():
            page.click("form button.btn-primary")

    page.goto(app_url(f"/training/sites/{red.site_id}/"))
    expect(cell).to_have_class("table-success")
    expect(cell).to_have_attribute("data-count", "2")
    for person in people:
        expect(cell).to_contain_text(person.name)
    _fits_the_screen(page)
    # BS-2 for the system's operators is fulfilled by the second qualification.
    gap = CoverageGap.objects.get(system=red, track=Track.OPERATOR)
    assert gap.closed_at is not None
    duty = Obligation.objects.get(
        rule="BS-2", subject_type=ContentType.objects.get_for_model(CoverageGap),
        subject_id=gap.pk,
    )  # fmt: skip
    assert duty.done_at is not None
