"""The owner's portal in a real browser at phone width (375 px), in Traditional Chinese: the
demo's second building owner's contact accepts an invitation (chooses a password and is signed
in), reports a fault and sees its clock, then confirms a maintenance plan with a signature
drawn with a finger."""

from playwright.sync_api import Page, expect

from aftercare.agreements import actions as agreements
from aftercare.agreements.queries import latest_version
from aftercare.customers.models import Customer
from aftercare.maintenance import actions as maintenance
from aftercare.org.models import User
from aftercare.portal import actions as portal
from aftercare.servicedesk.models import Ticket
from aftercare.sites.models import Site
from tests.e2e.test_hotline import _fits_the_screen, _sign


def test_an_owner_accepts_an_invitation_reports_a_fault_and_confirms_a_plan(
    page: Page, app_url, demo_org
):
    supervisor = User.objects.get(username="supervisor3")
    owner = Customer.objects.get(branch__organisation=demo_org, name="上海仁濟醫療集團有限公司")
    contact = owner.contacts.order_by("position", "id").first()
    site = Site.objects.get(customer=owner)
    system = site.systems.order_by("id").first()
    invited = portal.invite_owner(by=supervisor, customer=owner, contact=contact)
    plan = maintenance.create_plan(by=supervisor, site=site, terms={
        "system_ids": [system.pk], "every_months": 3, "starts_on": "2027-01-04",
        "ends_on": "2027-12-31",
    })  # fmt: skip
    agreements.submit(plan.agreement, by=supervisor)
    page.set_viewport_size({"width": 375, "height": 812})

    # The invitation's link: choose a password, and be signed in to the portal.
    page.goto(app_url(f"/portal/invite/{invited.token}/"))
    expect(page.locator("#accept-username")).to_have_text(invited.invitation.address)
    page.fill("input[name=password1]", "Hospital-Portal-2026")
    page.fill("input[name=password2]", "Hospital-Portal-2026")
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click("#accept-button")
    assert page.url.endswith("/portal/")
    expect(page.locator("#portal-brand")).to_have_text(owner.name)
    expect(page.locator(f'[data-plan="{plan.pk}"]')).to_be_visible()  # awaiting them
    _fits_the_screen(page)

    # Report a fault from the phone.
    page.click("#home-report")
    page.select_option("select[name=system]", str(system.pk))
    page.select_option("select[name=category]", "equipment_fault")
    page.fill("textarea[name=description]", "急診大堂攝像機無畫面")
    expect(page.locator("input[name=caller_name]")).to_have_value(contact.name)
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click("#fault-send")
    ticket = Ticket.objects.get(site=site, description="急診大堂攝像機無畫面")
    assert ticket.recorded_by.username == invited.invitation.address
    arrival = page.locator('#ticket-clock [data-clock="BS-7"] time')
    expect(arrival).to_be_visible()
    assert arrival.get_attribute("datetime").startswith(ticket.next_due_at.date().isoformat()[:4])
    expect(page.locator("#ticket-badges [data-state]")).to_have_attribute("data-state", "reported")
    _fits_the_screen(page)

    # Confirm the plan with a drawn signature.
    page.goto(app_url(f"/portal/plans/{plan.pk}/"))
    page.click("#plan-confirm")
    expect(page.locator("input[name=confirmed_by]")).to_have_value(contact.name)
    _sign(page)
    assert (
        page.locator("input[name=signature_png]").input_value().startswith("data:image/png;base64,")
    )
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click("#confirm-button")
    expect(page.locator("#plan-state")).to_have_attribute("data-state", "confirmed")
    version = latest_version(plan.agreement)
    assert (version.state, version.confirmed_by) == ("confirmed", contact.name)
    assert version.signature.read().startswith(b"\x89PNG")
