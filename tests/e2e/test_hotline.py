"""In a real browser at phone width (375 px), in Traditional Chinese: the demo's engineer scans
an equipment item's QR label, finds the item's open ticket from it, and works it on the phone
page — Arrived (with the phone's position), Pause for parts, Resume, then Resolve with the
owner's signature drawn on the screen. The visit report PDF carries the drawn signature and the
Chinese title (BS-7, BS-8)."""

import subprocess
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from aftercare.org.models import User
from aftercare.servicedesk import actions
from aftercare.servicedesk.models import Ticket
from aftercare.sites.models import Equipment


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide"


def _ticket(demo_org) -> Ticket:
    """A call about a camera of the demo's office tower, dispatched to engineer1."""
    supervisor = User.objects.get(username="supervisor3")
    engineer = User.objects.get(username="engineer1")
    item = (
        Equipment.objects.filter(
            system__site__branch__organisation=demo_org,
            system__site__name="浦江國際金融大廈",
            system__kind="cctv",
            name="半球攝像機",
        )
        .order_by("id")
        .last()
    )
    now = timezone.now()
    ticket = actions.report(
        by=supervisor, site=item.system.site, equipment=item, caller_name="李國強",
        caller_phone="13817001001", category="line_fault", description="23F 電梯廳攝像機無畫面",
        reported_at=now - timedelta(minutes=40),
    )  # fmt: skip
    return actions.dispatch(
        ticket, engineer=engineer, by=supervisor, at=now - timedelta(minutes=30)
    )


def _sign(page: Page) -> None:
    """Draw a signature on the canvas with the pointer: down, a few strokes, up."""
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(
            x + 20 + step * (box["width"] - 40) / 24,
            y + box["height"] * (0.3 if step % 2 else 0.7),
            steps=3,
        )
    page.mouse.up()


def test_an_engineer_works_a_ticket_from_its_qr_label_on_a_phone(
    page: Page, log_in, app_url, demo_org, tmp_path
):
    ticket = _ticket(demo_org)
    page.set_viewport_size({"width": 375, "height": 812})
    page.context.grant_permissions(["geolocation"], origin=app_url(""))
    page.context.set_geolocation({"latitude": 31.2351, "longitude": 121.5052})
    log_in("engineer1")

    # The QR label encodes the item's page; from there the call form lists its open ticket.
    page.goto(app_url(f"/sites/equipment/{ticket.equipment_id}/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    with page.expect_navigation():
        page.click("#report-fault")
    expect(page.locator("#item-open-tickets")).to_contain_text(ticket.number)
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click(f"#item-open-tickets a:has-text('{ticket.number}')")
    assert page.url.endswith(f"/hotline/field/{ticket.pk}/")
    expect(page.locator("#call-caller")).to_have_attribute("href", "tel:13817001001")
    expect(page.locator("#field-address")).to_contain_text("世紀大道100號")
    _fits_the_screen(page)

    # Arrived: the phone's position fills the form without holding the button back.
    expect(page.locator("#arrive-form input[name=latitude]")).to_have_value("31.235100")
    with page.expect_navigation():
        page.click("#arrive-button")
    expect(page.locator("#ticket-badges [data-state]")).to_have_attribute("data-state", "on_site")
    ticket.refresh_from_db()
    assert ticket.state == "on_site" and str(ticket.latitude) == "31.235100"

    page.select_option("#pause-form select[name=reason]", "parts")
    with page.expect_navigation():
        page.click("#pause-button")
    expect(page.locator("#paused-note")).to_be_visible()
    expect(page.locator("[data-clock-state=stopped]")).to_have_count(1)  # BS-8; BS-7 is met
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click("#resume-button")
    expect(page.locator("#paused-note")).to_have_count(0)

    # Resolve: first without a signature (refused, nothing typed lost), then signed.
    page.fill("textarea[name=work_done]", "更換攝像機電源適配器，畫面恢復")
    page.fill("textarea[name=cause]", "電源適配器損壞")
    page.fill("input[name=labour_minutes]", "45")
    page.fill("input[name=signed_by]", "李國強")
    with page.expect_navigation():
        page.click("#resolve-button")
    expect(page.locator("#resolve-form .invalid-feedback")).to_be_visible()
    expect(page.locator("textarea[name=work_done]")).to_have_value("更換攝像機電源適配器，畫面恢復")
    _sign(page)
    signature = page.locator("input[name=signature_png]").input_value()
    assert signature.startswith("data:image/png;base64,")
    page.click("#signature-clear")
    expect(page.locator("input[name=signature_png]")).to_have_value("")
    _sign(page)
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click("#resolve-button")
    expect(page.locator("#ticket-badges [data-state]")).to_have_attribute("data-state", "resolved")
    ticket.refresh_from_db()
    assert (ticket.state, ticket.signed_by, ticket.labour_minutes) == ("resolved", "李國強", 45)

    # The visit report, fetched as the engineer's browser would download it.
    response = page.request.get(app_url(page.locator("#report-link").get_attribute("href")))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "維修服務報告" in text and ticket.number in text
    assert "更換攝像機電源適配器" in text and "李國強" in text
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]  # fmt: skip
    drawn = [line.split() for line in listed if line.split()[2] == "image"]
    assert [row[3:5] for row in drawn] == [["600", "240"]]  # the canvas, as signed
