"""Workshop pages over HTTP: check-in opens DS-1/DS-2, pick-up opens DS-3, inside one branch."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aftercare.customers import actions
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions as workshop
from aftercare.workshop.models import Consultation, RepairOrder, ServiceItem

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def car(desk):
    for code, name, kind in [
        ("oil", "機油保養", "maintenance"),
        ("pkg-10k", "10,000 公里保養套餐", "package"),
        ("brake", "煞車片更換", "repair"),
    ]:
        ServiceItem.objects.create(organisation=desk.org, code=code, name=name, kind=kind)
    customer = actions.create_customer(
        branch=desk.branch_a, by=desk.alice, name="張三", phones=["13800138000"],
        followup_advisor=desk.bob,
    )  # fmt: skip
    return actions.add_vehicle(
        customer, by=desk.alice, plate="京A12345", model="凱美瑞", maintenance_months=6,
        mileage=14000,
    )  # fmt: skip


def rules(customer) -> dict:
    return {o.rule: o for o in Obligation.objects.filter(customer=customer)}


def test_check_in_form_lists_the_catalogue_by_kind(client, desk, car):
    client.force_login(desk.alice)
    page = client.get(f"/workshop/check-in/{car.pk}/").content.decode()
    now = timezone.localtime(timezone.now(), SHANGHAI).strftime("%Y-%m-%dT%H:")
    assert 'type="datetime-local"' in page and f'value="{now}' in page  # default: now, local
    assert page.index(">Maintenance package<") < page.index(">Repair<")
    for code in ("oil", "pkg-10k", "brake"):
        assert f'id="item-{code}"' in page


def test_check_in_creates_the_repair_order_and_opens_ds1_ds2(client, desk, car):
    client.force_login(desk.alice)
    response = client.post(
        f"/workshop/check-in/{car.pk}/",
        {"moment": "2026-03-02T09:30", "mileage": "15000", "description": "冷氣不夠冷",
         "items": ["oil", "brake"]},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain == [(f"/customers/{car.customer_id}/", 302)]
    assert "京A12345 is checked in." in response.content.decode()
    order = RepairOrder.objects.get()
    assert order.checked_in_at == datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
    assert (order.advisor, order.mileage, order.description) == (desk.alice, 15000, "冷氣不夠冷")
    assert sorted(order.items.values_list("code", flat=True)) == ["brake", "oil"]
    opened = rules(car.customer)
    assert set(opened) == {"DS-1", "DS-2"}
    assert opened["DS-1"].owner == desk.bob  # the customer's follow-up advisor
    assert opened["DS-1"].due_at == datetime(2026, 3, 4, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    car.refresh_from_db()
    assert car.mileage == 15000


def test_a_future_moment_is_refused_with_the_translated_message(client, desk, car):
    client.force_login(desk.alice)
    tomorrow = timezone.localtime(timezone.now(), SHANGHAI) + timedelta(days=1)
    body = {"moment": tomorrow.strftime("%Y-%m-%dT%H:%M"), "mileage": "15000", "items": ["oil"]}
    response = client.post(f"/workshop/check-in/{car.pk}/", body)
    assert response.status_code == 200
    assert "A moment in the future cannot be recorded." in response.content.decode()
    client.cookies["django_language"] = "zh-hant"
    response = client.post(f"/workshop/check-in/{car.pk}/", body)
    html = response.content.decode()
    assert "不能記錄未來的時間。" in html
    assert 'name="moment"' in html and "is-invalid" in html.split('name="moment"')[1][:200]
    assert not RepairOrder.objects.exists() and not Obligation.objects.exists()


def test_mileage_below_the_last_reading_is_refused_on_the_field(client, desk, car):
    client.force_login(desk.alice)
    response = client.post(f"/workshop/check-in/{car.pk}/", {"mileage": "9000"})
    assert "lower than the last reading (14000 km)" in response.content.decode()
    assert not RepairOrder.objects.exists()


def test_pickup_opens_ds3_and_restarts_the_maintenance_cycle(client, desk, car):
    order = workshop.check_in(
        car, by=desk.alice, at=datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), items=["oil"]
    )
    client.force_login(desk.alice)
    page = client.get(f"/customers/{car.customer_id}/").content.decode()
    assert f'action="/workshop/orders/{order.pk}/pickup/"' in page
    response = client.post(f"/workshop/orders/{order.pk}/pickup/", {"moment": "2026-03-02T18:00"})
    assert response.status_code == 302 and response["Location"] == f"/customers/{car.customer_id}/"
    order.refresh_from_db()
    assert order.picked_up_at == datetime(2026, 3, 2, 18, tzinfo=SHANGHAI)
    ds3 = rules(car.customer)["DS-3"]
    assert ds3.opens_at == datetime(2026, 3, 5, tzinfo=SHANGHAI)
    assert ds3.due_at == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    car.refresh_from_db()
    assert car.last_maintenance_on.isoformat() == "2026-03-02"
    page = client.get(f"/customers/{car.customer_id}/").content.decode()
    assert f'action="/workshop/orders/{order.pk}/pickup/"' not in page
    assert "2026-03-02 18:00" in page


def test_pickup_without_a_moment_is_now_and_twice_is_refused(client, desk, car):
    order = workshop.check_in(car, by=desk.alice, at=timezone.now() - timedelta(hours=3))
    client.force_login(desk.alice)
    client.post(f"/workshop/orders/{order.pk}/pickup/", {"moment": ""})
    order.refresh_from_db()
    assert abs(order.picked_up_at - timezone.now()) < timedelta(minutes=1)
    response = client.post(f"/workshop/orders/{order.pk}/pickup/", {}, follow=True)
    assert "This vehicle was already picked up." in response.content.decode()
    assert Obligation.objects.filter(rule="DS-3").count() == 1


def test_pickup_in_the_future_is_refused(client, desk, car):
    order = workshop.check_in(car, by=desk.alice, at=timezone.now() - timedelta(hours=3))
    client.force_login(desk.alice)
    later = timezone.localtime(timezone.now(), SHANGHAI) + timedelta(hours=2)
    response = client.post(
        f"/workshop/orders/{order.pk}/pickup/",
        {"moment": later.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "A moment in the future cannot be recorded." in response.content.decode()
    order.refresh_from_db()
    assert order.picked_up_at is None and not Obligation.objects.filter(rule="DS-3").exists()


def test_pickup_is_post_only(client, desk, car):
    order = workshop.check_in(car, by=desk.alice, at=timezone.now() - timedelta(hours=3))
    client.force_login(desk.alice)
    assert client.get(f"/workshop/orders/{order.pk}/pickup/").status_code == 405


def test_consultation_visit_opens_ds1_ds2_ds3(client, desk, car):
    client.force_login(desk.alice)
    page = client.get(f"/workshop/consultation/{car.customer_id}/").content.decode()
    assert 'value="walk_in"' in page and 'value="phone"' in page
    response = client.post(
        f"/workshop/consultation/{car.customer_id}/",
        {"moment": "2026-03-02T10:00", "channel": "phone", "notes": "問保養價格",
         "vehicle": car.pk},
    )  # fmt: skip
    assert response.status_code == 302
    visit = Consultation.objects.get()
    assert (visit.channel, visit.notes, visit.advisor) == ("phone", "問保養價格", desk.alice)
    assert visit.occurred_at == datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    assert set(rules(car.customer)) == {"DS-1", "DS-2", "DS-3"}
    assert "問保養價格" in client.get(f"/customers/{car.customer_id}/").content.decode()


def test_carol_of_the_other_branch_gets_404_and_changes_nothing(client, desk, car):
    order = workshop.check_in(car, by=desk.alice, at=timezone.now() - timedelta(hours=3))
    client.force_login(desk.carol)
    assert client.get(f"/workshop/check-in/{car.pk}/").status_code == 404
    assert client.post(f"/workshop/check-in/{car.pk}/", {"mileage": "20000"}).status_code == 404
    assert client.post(f"/workshop/orders/{order.pk}/pickup/", {}).status_code == 404
    assert client.get(f"/workshop/consultation/{car.customer_id}/").status_code == 404
    assert (
        client.post(
            f"/workshop/consultation/{car.customer_id}/", {"channel": "walk_in"}
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.picked_up_at is None
    assert RepairOrder.objects.count() == 1 and not Consultation.objects.exists()
    assert set(rules(car.customer)) == {"DS-1", "DS-2"}


def test_anonymous_cannot_check_in(client, car):
    response = client.post(f"/workshop/check-in/{car.pk}/", {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not RepairOrder.objects.exists()
