"""In a real browser at phone width (375 px): the building-systems supervisor of the demo
creates a site for an owner, adds a system and an item, prints its QR label and opens the
address the label encodes (issue 11)."""

from playwright.sync_api import Page, expect

from aftercare.sites.models import Equipment, Site


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide"


def test_a_supervisor_records_a_site_and_prints_a_label_on_a_phone(page: Page, log_in, app_url):
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("supervisor3")
    page.goto(app_url("/sites/"))
    expect(page.locator("#site-list")).to_contain_text("浦江國際金融大廈")
    _fits_the_screen(page)
    page.fill("input[name=serial]", "hkds")
    with page.expect_navigation():
        page.click("#site-search button[type=submit]")
    expect(page.locator("#serial-results tbody tr").first).to_contain_text("HKDS-")

    with page.expect_navigation():
        page.click("#site-create")
    page.select_option("select[name=customer]", label="上海浦江置業有限公司")
    page.fill("input[name=name]", "浦江二期")
    page.fill("input[name=address]", "上海市浦東新區世紀大道200號")
    with page.expect_navigation():
        page.click("#site-form button[type=submit]")
    site = Site.objects.get(name="浦江二期")
    expect(page.locator("#owner-contacts")).to_contain_text("李國強")
    _fits_the_screen(page)

    with page.expect_navigation():
        page.click("#system-add")
    page.select_option("select[name=kind]", "fire_alarm")
    page.fill("input[name=name]", "火災自動報警系統")
    page.check("input[name=key]")
    with page.expect_navigation():
        page.click("#system-form button[type=submit]")
    expect(page.locator("#key-badge")).to_be_visible()

    page.fill("#equipment-form input[name=name]", "感煙探測器")
    page.fill("#equipment-form input[name=serial]", "GST-2026-99001")
    page.fill("#equipment-form input[name=location]", "3F 走廊")
    page.fill("#equipment-form input[name=installed_on]", "2026-11-20")
    with page.expect_navigation():
        page.click("#equipment-form button[type=submit]")
    expect(page.locator("#equipment-list")).to_contain_text("GST-2026-99001")
    _fits_the_screen(page)
    item = Equipment.objects.get(serial="GST-2026-99001")
    assert item.system.site == site

    with page.expect_navigation():
        page.click(f"#equipment-list tr[data-id='{item.pk}'] a")
    with page.expect_navigation():
        page.click("#label-link")
    label = page.locator(".qr-label").first
    expect(label).to_contain_text("GST-2026-99001")
    assert page.evaluate("document.querySelector('.qr-code').naturalWidth") > 0
    address = label.get_attribute("data-url")
    assert address.endswith(f"/sites/equipment/{item.pk}/")
    page.goto(address)
    expect(page.locator("#item-serial")).to_have_text("GST-2026-99001")
    _fits_the_screen(page)
