"""In a real browser: the supervisor opens the safety register, records an inspection of an
extinguisher that is due, and sees its badge turn to inspected (DS-13)."""

from playwright.sync_api import Page, expect

from aftercare.safety.models import Inspection


def test_supervisor_records_an_inspection(page: Page, log_in, app_url):
    log_in("supervisor1")
    page.goto(app_url("/safety/"))
    workshop = page.locator(".safety-place[data-place='維修車間東側']")
    expect(workshop).to_be_visible()
    row = workshop.locator(".equipment-row[data-label='MFZ-4-001']")
    expect(row.locator(".inspection-state")).to_have_attribute("data-state", "due")
    # MFZ-4-002 expires within 30 days: it still counts, with a warning badge.
    expect(workshop.locator(".equipment-row[data-label='MFZ-4-002'] .date-state")).to_have_class(
        "badge date-state bg-warning text-dark"
    )
    expect(page.locator(".safety-place[data-place='油漆房'] .sufficiency")).to_have_attribute(
        "data-sufficient", "no"
    )

    with page.expect_navigation():
        row.locator(".inspect-link").click()
    page.check("input[name=result][value=ok]")
    page.select_option("select[name=pressure_ok]", "yes")
    page.select_option("select[name=seal_ok]", "yes")
    page.fill("input[name=note]", "壓力錶在綠區")
    with page.expect_navigation():
        page.click("#record-inspection")

    row = page.locator(
        ".safety-place[data-place='維修車間東側'] .equipment-row[data-label='MFZ-4-001']"
    )
    expect(row.locator(".inspection-state")).to_have_attribute("data-state", "inspected")
    inspection = Inspection.objects.get(equipment__label="MFZ-4-001")
    assert (inspection.by.username, inspection.note) == ("supervisor1", "壓力錶在綠區")


def test_register_fits_a_phone(page: Page, log_in, app_url):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in("advisor1")
    page.goto(app_url("/safety/"))
    expect(page.locator(".safety-place").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    bin_row = page.locator(".bin-row[data-label='廢布桶 B']")
    # Yesterday it was not cleared: overdue until someone clears it.
    expect(bin_row.locator(".bin-state")).to_have_attribute("data-state", "overdue")
    bin_row.locator(".clear-now").click()
    expect(page.locator(".bin-row[data-label='廢布桶 B'] .bin-state")).to_have_attribute(
        "data-state", "cleared"
    )
