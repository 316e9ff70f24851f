"""The workshop board over HTTP: what is in the shop and waiting for pick-up, in one branch,
with the shop's own repair-order number and the items typed beside the catalogue."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from aftercare.customers import actions as customers
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions as workshop
from aftercare.workshop.models import RepairOrder, ServiceItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cars(desk):
    ServiceItem.objects.create(
        organisation=desk.org, code="oil", name="機油保養", kind="maintenance"
    )
    zhang = customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name="張三", phones=["13800138000"]
    )
    li = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="李四")
    wang = customers.create_customer(branch=desk.branch_b, by=desk.carol, name="王五")
    return {
        "zhang": customers.add_vehicle(zhang, by=desk.alice, plate="京A12345", model="凱美瑞"),
        "li": customers.add_vehicle(li, by=desk.alice, plate="京B67890"),
        "wang": customers.add_vehicle(wang, by=desk.carol, plate="滬C11111"),
    }


def board_of(client, user, **query) -> str:
    client.force_login(user)
    response = client.get("/workshop/", query)
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, element_id: str) -> str:
    return page.split(f'id="{element_id}"')[1].split("</section>")[0]


def test_the_board_lists_the_branch_cars_in_the_shop_with_age_number_and_items(client, desk, cars):
    now = timezone.now()
    workshop.check_in(
        cars["zhang"], by=desk.alice, at=now - timedelta(hours=5), items=["oil"],
        extra_items=["更換左後視鏡", "  ", "洗車"], shop_order_number="RO-2026-0815",
    )  # fmt: skip
    li = workshop.check_in(cars["li"], by=desk.bob, at=now - timedelta(days=3, hours=1))
    workshop.mark_ready(li, by=desk.bob)
    done = workshop.check_in(cars["zhang"], by=desk.alice, at=now - timedelta(days=9))
    workshop.record_pickup(done, by=desk.alice, at=now - timedelta(days=8))
    workshop.check_in(cars["wang"], by=desk.carol, at=now - timedelta(hours=1))

    page = board_of(client, desk.bob)
    in_work, ready = section(page, "board-in-work"), section(page, "board-ready")
    assert in_work.count('class="card mb-2 board-order"') == 1  # picked-up car is gone
    assert "京A12345" in in_work and "in the shop 5 hours" in in_work
    assert "RO-2026-0815" in in_work and "alice" in in_work
    assert "機油保養" in in_work and "更換左後視鏡" in in_work and "洗車" in in_work
    assert "京B67890" in ready and "in the shop 3 days" in ready
    south = cars["wang"].plate  # stored as typed in the archive's normal form
    assert south and south not in page  # branch B's car is not on branch A's board
    assert "board-branch" not in page  # one branch: its name would be noise
    everywhere = board_of(client, desk.ada)  # the administrator sees every branch, named
    assert south in everywhere and "京A12345" in everywhere
    assert '<span class="board-branch">南區店</span>' in everywhere

    client.cookies["django_language"] = "zh-hant"
    page = board_of(client, desk.bob)
    assert '<h1 class="h3 mb-0">維修看板</h1>' in page
    assert "等待取車" in section(page, "board-ready")


def test_the_board_finds_a_car_by_repair_order_number_plate_or_name(client, desk, cars):
    now = timezone.now() - timedelta(hours=2)
    workshop.check_in(cars["zhang"], by=desk.alice, at=now, shop_order_number="RO-2026-0815")
    workshop.check_in(cars["li"], by=desk.alice, at=now, shop_order_number="RO-2026-0900")
    for text, plates in [
        ("ro-2026-08", ["京A12345"]),
        ("RO-2026", ["京A12345", "京B67890"]),
        ("京B678", ["京B67890"]),
        ("李四", ["京B67890"]),
        ("8000", ["京A12345"]),  # last 4 digits of the phone
        ("nothing", []),
    ]:
        page = board_of(client, desk.alice, q=text)
        found = [plate for plate in ("京A12345", "京B67890") if f'data-plate="{plate}"' in page]
        assert found == plates, text


def test_ready_and_pick_up_from_the_board_come_back_to_it(client, desk, cars):
    order = workshop.check_in(cars["zhang"], by=desk.alice, at=timezone.now() - timedelta(hours=3))
    client.force_login(desk.bob)
    response = client.post(f"/workshop/orders/{order.pk}/ready/", {"next": "board", "q": "張"})
    assert response.status_code == 302 and response["Location"] == "/workshop/?q=%E5%BC%B5"
    order.refresh_from_db()
    assert abs(order.ready_at - timezone.now()) < timedelta(minutes=1)
    assert "京A12345" in section(board_of(client, desk.bob), "board-ready")
    response = client.post(f"/workshop/orders/{order.pk}/ready/", {"next": "board"}, follow=True)
    assert "This vehicle is already marked ready." in response.content.decode()

    response = client.post(f"/workshop/orders/{order.pk}/pickup/", {"next": "board"})
    assert response["Location"] == "/workshop/"
    order.refresh_from_db()
    assert order.picked_up_at is not None
    assert Obligation.objects.filter(rule="DS-3", subject_id=order.pk).count() == 1
    assert 'data-plate="京A12345"' not in board_of(client, desk.bob)
    # Any other "next" goes to the customer's page, never to a URL someone typed.
    other = workshop.check_in(cars["li"], by=desk.alice, at=timezone.now() - timedelta(hours=1))
    response = client.post(f"/workshop/orders/{other.pk}/ready/", {"next": "https://evil.example"})
    assert response["Location"] == f"/customers/{cars['li'].customer_id}/"


def test_the_repair_order_number_is_unique_in_a_branch_and_can_come_later(client, desk, cars):
    at = timezone.now() - timedelta(hours=3)
    workshop.check_in(cars["zhang"], by=desk.alice, at=at, shop_order_number="RO-1")
    later = workshop.check_in(cars["li"], by=desk.alice, at=at)
    workshop.check_in(cars["wang"], by=desk.carol, at=at, shop_order_number="RO-1")  # branch B
    client.force_login(desk.alice)
    response = client.post(
        f"/workshop/orders/{later.pk}/number/",
        {"shop_order_number": " RO-1 ", "next": "board"}, follow=True,
    )  # fmt: skip
    assert "Repair order RO-1 is already on file in this branch." in response.content.decode()
    later.refresh_from_db()
    assert later.shop_order_number == ""
    client.post(f"/workshop/orders/{later.pk}/number/", {"shop_order_number": "RO-2"})
    later.refresh_from_db()
    assert later.shop_order_number == "RO-2"


def test_check_in_takes_free_text_items_and_the_number_and_shows_them(client, desk, cars):
    car = cars["zhang"]
    client.force_login(desk.alice)
    page = client.get(f"/workshop/check-in/{car.pk}/").content.decode()
    assert 'name="extra_items"' in page and 'name="shop_order_number"' in page
    response = client.post(
        f"/workshop/check-in/{car.pk}/",
        {"items": ["oil"], "extra_items": "更換左後視鏡\r\n\r\n補胎\r\n",
         "shop_order_number": "A-77"},
    )  # fmt: skip
    assert response.status_code == 302
    order = RepairOrder.objects.get()
    assert (order.extra_items, order.shop_order_number) == (["更換左後視鏡", "補胎"], "A-77")
    assert order.item_names == ["機油保養", "更換左後視鏡", "補胎"]
    customer_page = client.get(f"/customers/{car.customer_id}/").content.decode()
    assert "更換左後視鏡" in customer_page and "補胎" in customer_page
    api = client.get(f"/api/v1/repair-orders/{order.pk}").json()
    assert api["items"] == ["oil", "更換左後視鏡", "補胎"]
    assert (api["extra_items"], api["shop_order_number"]) == (["更換左後視鏡", "補胎"], "A-77")
    form1 = client.get(f"/forms/customers/{car.customer_id}/").content.decode()
    assert "更換左後視鏡" in form1 and "補胎" in form1


def test_a_taken_number_or_an_overlong_item_refuses_the_check_in_and_writes_nothing(
    client, desk, cars
):
    workshop.check_in(cars["li"], by=desk.alice, at=timezone.now() - timedelta(hours=1),
                      shop_order_number="A-77")  # fmt: skip
    client.force_login(desk.alice)
    client.cookies["django_language"] = "zh-hant"
    response = client.post(
        f"/workshop/check-in/{cars['zhang'].pk}/",
        {"extra_items": "x" * 201, "shop_order_number": "A-77"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A-77" in html and "Repair order" not in html  # the message is translated
    assert RepairOrder.objects.count() == 1
    assert not Obligation.objects.filter(customer=cars["zhang"].customer).exists()


def test_check_in_starts_from_the_customer_search(client, desk, cars):
    client.force_login(desk.alice)
    page = client.get("/workshop/check-in/").content.decode()
    assert 'id="check-in-q"' in page and "check-in-vehicle" not in page
    page = client.get("/workshop/check-in/", {"q": "京A123"}).content.decode()
    assert f'href="/workshop/check-in/{cars["zhang"].pk}/"' in page
    south = cars["wang"].plate
    page = client.get("/workshop/check-in/", {"q": south}).content.decode()
    assert "No customer matches." in page and f"/workshop/check-in/{cars['wang'].pk}/" not in page


def test_the_menu_has_the_board_and_check_in_for_the_desk_only(client, desk):
    client.force_login(desk.alice)
    page = client.get("/workshop/").content.decode()
    assert 'href="/workshop/"' in page and 'href="/workshop/check-in/"' in page
    engineer = UserFactory(username="eng", branch=desk.branch_a, roles=["engineer"])
    client.force_login(engineer)
    response = client.get(reverse("obligations:my-work"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/workshop/"' not in page and "Workshop board" not in page


@pytest.mark.parametrize("role", ["engineer", "parts_clerk", "training_coordinator"])
def test_roles_without_the_desk_are_refused_and_nothing_is_written(client, desk, cars, role):
    order = workshop.check_in(cars["zhang"], by=desk.alice, at=timezone.now() - timedelta(hours=1))
    client.force_login(UserFactory(username=role, branch=desk.branch_a, roles=[role]))
    assert client.get("/workshop/").status_code == 403
    assert client.get("/workshop/check-in/").status_code == 403
    assert client.post(f"/workshop/orders/{order.pk}/ready/").status_code == 403
    assert (
        client.post(f"/workshop/orders/{order.pk}/number/", {"shop_order_number": "X"}).status_code
        == 403
    )
    assert client.post(f"/workshop/orders/{order.pk}/pickup/").status_code == 403
    order.refresh_from_db()
    assert (order.ready_at, order.shop_order_number, order.picked_up_at) == (None, "", None)


def test_the_other_branch_gets_404_and_changes_nothing(client, desk, cars):
    order = workshop.check_in(cars["zhang"], by=desk.alice, at=timezone.now() - timedelta(hours=1))
    client.force_login(desk.carol)
    assert client.post(f"/workshop/orders/{order.pk}/ready/").status_code == 404
    assert (
        client.post(f"/workshop/orders/{order.pk}/number/", {"shop_order_number": "X"}).status_code
        == 404
    )
    order.refresh_from_db()
    assert (order.ready_at, order.shop_order_number) == (None, "")
    assert 'data-plate="京A12345"' not in board_of(client, desk.carol)


def test_signed_out_visitors_go_to_the_login(client, desk, cars):
    response = client.get("/workshop/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_age_reads_in_minutes_hours_then_days():
    from django.utils import translation

    from aftercare.workshop.queries import age_label

    now = timezone.now()
    ages = [timedelta(minutes=1), timedelta(minutes=59), timedelta(hours=1), timedelta(hours=47),
            timedelta(hours=48), timedelta(days=9, hours=23)]  # fmt: skip
    assert [age_label(now - age, now) for age in ages] == [
        "1 minute", "59 minutes", "1 hour", "47 hours", "2 days", "9 days",
    ]  # fmt: skip
    assert age_label(now + timedelta(minutes=5), now) == "0 minutes"  # clock skew: never negative
    with translation.override("zh-hant"):
        assert [age_label(now - age, now) for age in ages[:4:3]] == ["1 分鐘", "47 小時"]
