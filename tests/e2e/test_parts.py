"""In a real browser at phone width (375 px), in Traditional Chinese: the demo's parts clerk
opens the dome camera of the catalogue, sees its reservations in serving order (the covered
owner's served, the uncovered one waiting for stock), records a receipt of one camera, and the
waiting reservation is served by it (BS-12)."""

from playwright.sync_api import Page, expect

from aftercare.parts.models import Part, Reservation, StockMovement


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide"


def test_the_parts_clerk_records_a_receipt_that_serves_the_waiting_reservation(
    page: Page, log_in, app_url, demo_org
):
    camera = Part.objects.get(organisation=demo_org, code="CAM-D2")
    assert set(Reservation.objects.filter(part=camera).values_list("state", flat=True)) == {
        "served", "waiting",
    }  # fmt: skip
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("parts1")

    page.goto(app_url("/parts/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    _fits_the_screen(page)
    with page.expect_navigation():
        page.click(f"#part-list a:has-text('{camera.code}')")
    assert page.url.endswith(f"/parts/{camera.pk}/")
    queue = page.locator("#part-queue > li")
    expect(queue).to_have_count(2)
    expect(queue.nth(0)).to_have_attribute("data-served", "true")
    expect(queue.nth(1)).to_have_attribute("data-served", "false")
    expect(queue.nth(1).locator("[data-why]")).not_to_be_empty()
    _fits_the_screen(page)

    page.select_option("#movement-form select[name=kind]", "receipt")
    page.fill("#movement-form input[name=quantity]", "1")
    with page.expect_navigation():
        page.click("#movement-button")
    expect(page.locator("#part-ledger tbody tr").first).to_have_attribute("data-kind", "receipt")
    expect(page.locator("#part-queue > li[data-served=true]")).to_have_count(2)
    _fits_the_screen(page)
    line = StockMovement.objects.filter(part=camera).order_by("-id").first()
    assert (line.kind, line.quantity, line.by.username) == ("receipt", 1, "parts1")
