"""In a real browser, on a phone (375 px) in Traditional Chinese: the advisor opens the
workshop board from the menu, checks a car in from the search with the shop's repair-order
number and a free-text item, marks it ready and hands it over — all without leaving the board.
"""

from playwright.sync_api import Page, expect

from aftercare.customers.models import Vehicle
from aftercare.workshop.models import RepairOrder
from tests.e2e.conftest import ARTIFACTS_DIR


def assert_fits(page: Page, what: str) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width + 1, (
        f"{what}: the page is {scroll_width}px wide on a {client_width}px screen"
    )


def test_the_board_on_a_phone_in_traditional_chinese(page: Page, log_in, app_url):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in("advisor1")
    vehicle = (
        Vehicle.objects.filter(customer__branch__code=_branch_of("advisor1"))
        .exclude(repair_orders__picked_up_at__isnull=True, repair_orders__isnull=False)
        .order_by("id")
        .first()
    )
    assert vehicle is not None, "the demo gives advisor1's branch cars"

    # The menu: "維修車間" → "辦理進廠" (the check-in starts from the customer search).
    page.locator(".navbar-toggler").click()
    page.get_by_role("button", name="維修車間").click()  # the drop-down toggle
    with page.expect_navigation():
        page.locator("#mainnav a.dropdown-item[href='/workshop/check-in/']").click()
    expect(page.locator("h1")).to_have_text("辦理進廠")
    page.fill("#check-in-q", vehicle.plate)
    with page.expect_navigation():
        page.locator("#check-in-search button[type=submit]").click()
    with page.expect_navigation():
        page.locator(f"a.check-in-vehicle[href='/workshop/check-in/{vehicle.pk}/']").click()
    assert_fits(page, "check-in")
    page.fill("input[name=shop_order_number]", "RO-E2E-0815")
    page.fill("textarea[name=extra_items]", "更換左後視鏡\n洗車")
    if vehicle.mileage is not None:
        page.fill("input[name=mileage]", str(vehicle.mileage + 100))
    with page.expect_navigation():
        page.locator("#check-in-form button[type=submit]").click()
    order = RepairOrder.objects.get(shop_order_number="RO-E2E-0815")
    assert order.extra_items == ["更換左後視鏡", "洗車"] and order.picked_up_at is None

    # The board, found by the shop's number.
    page.goto(app_url("/workshop/"))
    expect(page.locator("h1")).to_have_text("維修看板")
    expect(page.locator("#in-work-title")).to_contain_text("維修中")
    expect(page.locator("#ready-title")).to_contain_text("等待取車")
    assert_fits(page, "board")
    page.fill("#board-q", "ro-e2e")
    with page.expect_navigation():
        page.locator("#board-search button[type=submit]").click()
    card = page.locator(f"#board-in-work article.board-order[data-id='{order.pk}']")
    expect(card).to_be_visible()
    expect(page.locator("article.board-order")).to_have_count(1)
    expect(card.locator(".board-number")).to_have_text("RO-E2E-0815")
    expect(card.locator(".board-items")).to_contain_text("更換左後視鏡")
    expect(card.locator(".board-age")).to_contain_text("在廠")
    assert_fits(page, "board, searched")
    page.locator(f"#number-{order.pk}").evaluate("input => input.closest('details').open = true")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS_DIR / "workshop-board-375.png", full_page=True)

    with page.expect_navigation():
        card.locator("button.board-mark-ready").click()
    ready = page.locator(f"#board-ready article.board-order[data-id='{order.pk}']")
    expect(ready).to_be_visible()
    expect(page.locator(".alert")).to_contain_text("已完工，可取車")
    assert "q=ro-e2e" in page.url  # back on the board with the search kept
    with page.expect_navigation():
        ready.locator("button.board-pickup").click()
    expect(page.locator(f"article.board-order[data-id='{order.pk}']")).to_have_count(0)
    order.refresh_from_db()
    assert order.ready_at is not None and order.picked_up_at is not None
    assert_fits(page, "board after pick-up")


def _branch_of(username: str) -> str:
    from aftercare.org.models import User

    return User.objects.get(username=username).branch.code
