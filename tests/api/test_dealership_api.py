"""The dealership desk over the API: the paths and fields integrations rely on."""

import pytest

from aftercare.customers.models import Customer, Vehicle
from aftercare.followups.models import Call
from aftercare.workshop.models import RepairOrder, ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client, desk):
    ServiceItem.objects.create(
        organisation=desk.org, code="oil", name="機油保養", kind="maintenance"
    )
    return api_client.as_user(desk.alice)


def create_customer(api, **extra):
    body = {"name": "張三", "phones": ["138 0013 8000"], "address": "北京市朝陽區建國路88號"}
    response = api.post("/customers", {**body, **extra})
    assert response.status_code == 201, response.json()
    return response.json()


def obligations(api, customer_id):
    items = api.get("/obligations", customer_id=customer_id).json()["items"]
    return {o["rule"]: o for o in items}


def test_whole_loop_over_the_api(api, desk):
    customer = create_customer(api, followup_advisor_id=desk.alice.pk, prefers_letters=True)
    assert customer["phones"] == ["+8613800138000"]
    assert customer["prefers_letters"] is True and customer["consents_to_letters"] is True
    vehicle = api.post(
        "/vehicles",
        {"customer_id": customer["id"], "plate": "京a 12345", "model": "凱美瑞",
         "vehicle_type": "轎車", "maintenance_months": 6},
    ).json()  # fmt: skip
    assert vehicle["plate"] == "京A12345"
    order = api.post(
        "/repair-orders",
        {"vehicle_id": vehicle["id"], "checked_in_at": "2026-01-27T09:00:00+08:00",
         "mileage": 15000, "items": ["oil"]},
    )  # fmt: skip
    assert order.status_code == 201, order.json()
    assert order.json()["items"] == ["oil"]
    assert obligations(api, customer["id"])["DS-1"]["due_at"] == "2026-01-29T23:59:59.999999+08:00"
    pickup = api.post(
        f"/repair-orders/{order.json()['id']}/pickup", {"picked_up_at": "2026-01-29T18:30:00+08:00"}
    )
    assert pickup.status_code == 200
    ds3 = obligations(api, customer["id"])["DS-3"]
    assert (ds3["opens_at"], ds3["due_at"]) == (
        "2026-02-01T00:00:00+08:00", "2026-02-05T23:59:59.999999+08:00",
    )  # fmt: skip
    assert ds3["owner"] == ds3["acting_owner"] == desk.alice.pk
    assert ds3["customer_id"] == customer["id"]

    call = api.post(
        "/calls",
        {"customer_id": customer["id"], "direction": "out", "purpose": "first_followup",
         "occurred_at": "2026-02-03T10:00:00+08:00", "reached": True,
         "topics": ["usage_and_opinion", "new_needs"], "notes": "保養後有異響",
         "raised_items": [{"kind": "complaint", "text": "保養後異響", "answered_in_call": False}]},
    )  # fmt: skip
    assert call.status_code == 201, call.json()
    [item] = call.json()["raised_items"]
    assert item["state"] == "open" and item["id"]
    rules = obligations(api, customer["id"])
    assert rules["DS-3"]["status"] == "done_on_time"
    assert (rules["DS-6"]["opens_at"], rules["DS-6"]["due_at"]) == (
        "2026-02-10T00:00:00+08:00", "2026-02-17T23:59:59.999999+08:00",
    )  # fmt: skip
    assert rules["DS-4"]["due_at"] == "2026-02-05T23:59:59.999999+08:00"

    assert (
        api.post(
            f"/raised-items/{item['id']}/escalate", {"at": "2026-02-04T11:00:00+08:00"}
        ).status_code
        == 200
    )
    supervisor = api.as_user(desk.sam)
    assert [i["id"] for i in supervisor.get("/raised-items/queue").json()["items"]] == [item["id"]]
    solved = supervisor.post(
        f"/raised-items/{item['id']}/solution",
        {"text": "更換襯套", "at": "2026-02-06T15:00:00+08:00"},
    )
    assert solved.status_code == 200
    assert (
        obligations(supervisor, customer["id"])["DS-5"]["due_at"]
        == "2026-02-06T23:59:59.999999+08:00"
    )
    informed = api.as_user(desk.alice).post(
        f"/raised-items/{item['id']}/inform", {"satisfied": True, "at": "2026-02-06T17:00:00+08:00"}
    )
    assert informed.json()["state"] == "closed"
    # The queue is the supervisor's (issue 9: an advisor read it over the API).
    assert api.get("/raised-items/queue").status_code == 403
    assert api.as_user(desk.sam).get("/raised-items/queue").json()["items"] == []


def test_search_by_pinyin_initials_phone_tail_plate_and_vin(api, desk):
    customer = create_customer(api)
    api.post(
        "/vehicles",
        {"customer_id": customer["id"], "plate": "京A·12345", "vin": "1M8GDM9AXKP042788"},
    )
    for q in ["zs", "zhangsan", "張三", "张三", "8000", "13800138000", "京A12345", "京a 12345",
              "1M8GDM9AXKP042788"]:  # fmt: skip
        found = [c["id"] for c in api.get("/customers", q=q).json()["items"]]
        assert found == [customer["id"]], q
    assert api.get("/customers", q="ls").json()["items"] == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/customers", {"name": "李四", "phones": ["12345"]}, "phones.0"),
        ("/customers", {"name": "  "}, "name"),
        ("/vehicles", {"customer_id": None, "plate": "XX-?"}, "plate"),
        (
            "/vehicles",
            {"customer_id": None, "plate": "京A12345", "vin": "1M8GDM9AXKP042789"},
            "vin",
        ),
    ],
)
def test_bad_input_is_refused_with_a_field_and_writes_nothing(api, desk, path, body, field):
    if body.get("customer_id", 0) is None:
        body = {**body, "customer_id": create_customer(api)["id"]}
    customers, vehicles = Customer.objects.count(), Vehicle.objects.count()
    response = api.post(path, body)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert response.json()["message"]
    assert (Customer.objects.count(), Vehicle.objects.count()) == (customers, vehicles)


def test_unknown_vehicle_is_404(api):
    assert api.post("/repair-orders", {"vehicle_id": 999999}).status_code == 404


def test_pickup_before_check_in_is_refused(api):
    customer = create_customer(api)
    vehicle = api.post("/vehicles", {"customer_id": customer["id"], "plate": "京A12345"}).json()
    order = api.post(
        "/repair-orders",
        {"vehicle_id": vehicle["id"], "checked_in_at": "2026-01-27T09:00:00+08:00"},
    ).json()
    response = api.post(
        f"/repair-orders/{order['id']}/pickup", {"picked_up_at": "2026-01-27T08:00:00+08:00"}
    )
    assert response.status_code == 422
    assert "picked_up_at" in response.json()["fields"]
    assert RepairOrder.objects.get().picked_up_at is None


def test_future_moments_are_refused(api):
    customer = create_customer(api)
    response = api.post(
        "/calls",
        {"customer_id": customer["id"], "direction": "out", "purpose": "other",
         "occurred_at": "2099-01-01T00:00:00+08:00"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "future_moment"
    assert not Call.objects.exists()


def test_other_branch_customers_are_invisible(api, api_client, desk):
    customer = create_customer(api)
    carol = api_client.as_user(desk.carol)
    assert carol.get(f"/customers/{customer['id']}").status_code == 404
    assert carol.patch(f"/customers/{customer['id']}", {"name": "改名"}).status_code == 404
    assert carol.get("/customers", q="zs").json()["items"] == []
    assert Customer.objects.get().name == "張三"


def test_unreached_attempts_keep_ds3_open_until_three_then_unreachable(api, desk):
    customer = create_customer(api)
    vehicle = api.post("/vehicles", {"customer_id": customer["id"], "plate": "京A12345"}).json()
    order = api.post(
        "/repair-orders",
        {"vehicle_id": vehicle["id"], "checked_in_at": "2026-01-27T09:00:00+08:00"},
    ).json()
    api.post(f"/repair-orders/{order['id']}/pickup", {"picked_up_at": "2026-01-29T18:30:00+08:00"})
    ds3 = obligations(api, customer["id"])["DS-3"]
    for day in (2, 3):
        api.post(
            "/calls",
            {"customer_id": customer["id"], "direction": "out", "purpose": "first_followup",
             "occurred_at": f"2026-02-0{day}T10:00:00+08:00", "reached": False},
        )  # fmt: skip
        refused = api.post(f"/obligations/{ds3['id']}/close-unreachable", {})
        assert refused.status_code == 409
    assert obligations(api, customer["id"])["DS-3"]["done_at"] is None
    api.post(
        "/calls",
        {"customer_id": customer["id"], "direction": "out", "purpose": "first_followup",
         "occurred_at": "2026-02-04T10:00:00+08:00", "reached": False},
    )  # fmt: skip
    closed = api.post(
        f"/obligations/{ds3['id']}/close-unreachable", {"at": "2026-02-04T10:05:00+08:00"}
    )
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "unreachable"
    assert "DS-6" not in obligations(api, customer["id"])


def test_call_register_is_append_only_amendments_keep_the_original(api):
    customer = create_customer(api)
    call = api.post(
        "/calls",
        {"customer_id": customer["id"], "direction": "in", "purpose": "consultation",
         "notes": "詢問保養價格"},
    ).json()  # fmt: skip
    amended = api.post(
        f"/calls/{call['id']}/amendments",
        {"field": "notes", "value": "詢問 10,000 公里保養價格", "reason": "記錄不完整"},
    )
    assert amended.status_code == 201
    again = api.get(f"/calls/{call['id']}").json()
    assert again["notes"] == "詢問保養價格"
    assert again["amendments"][0]["old_value"] == "詢問保養價格"
    assert again["amendments"][0]["new_value"] == "詢問 10,000 公里保養價格"
    refused = api.post(
        f"/calls/{call['id']}/amendments", {"field": "notes", "value": "x", "reason": ""}
    )
    assert refused.status_code == 422


def test_the_board_over_the_api_number_free_text_items_ready_and_in_shop(api, desk):
    customer = create_customer(api)
    vehicle = api.post("/vehicles", {"customer_id": customer["id"], "plate": "京A54321"}).json()
    body = {
        "vehicle_id": vehicle["id"],
        "checked_in_at": "2026-01-27T09:00:00+08:00",
        "items": ["oil"],
        "extra_items": [" 更換左後視鏡 ", ""],
        "shop_order_number": "RO-9",
    }
    order = api.post("/repair-orders", body)  # fmt: skip
    assert order.status_code == 201, order.json()
    data = order.json()
    assert data["items"] == ["oil", "更換左後視鏡"] and data["extra_items"] == ["更換左後視鏡"]
    assert (data["shop_order_number"], data["ready_at"]) == ("RO-9", None)
    taken = api.post("/repair-orders", {**body, "checked_in_at": "2026-01-28T09:00:00+08:00"})
    assert taken.status_code == 422 and "shop_order_number" in taken.json()["fields"]
    assert RepairOrder.objects.count() == 1

    ready = api.post(
        f"/repair-orders/{data['id']}/ready", {"ready_at": "2026-01-27T16:00:00+08:00"}
    )
    assert ready.status_code == 200 and ready.json()["ready_at"] == "2026-01-27T16:00:00+08:00"
    assert api.post(f"/repair-orders/{data['id']}/ready", {}).status_code == 409
    in_shop = api.get("/repair-orders", in_shop=True).json()["items"]
    assert [o["id"] for o in in_shop] == [data["id"]]
    api.post(f"/repair-orders/{data['id']}/pickup", {"picked_up_at": "2026-01-27T17:00:00+08:00"})
    assert api.get("/repair-orders", in_shop=True).json()["items"] == []


def test_telling_the_customer_by_phone_over_the_api_is_a_call(api, desk):
    customer = Customer.objects.get(pk=create_customer(api)["id"])
    call = api.post(
        "/calls",
        {"customer_id": customer.pk, "direction": "in", "purpose": "complaint",
         "raised_items": [{"kind": "complaint", "text": "異響"}]},
    ).json()  # fmt: skip
    item_id = call["raised_items"][0]["id"]
    assert api.post(f"/raised-items/{item_id}/solution", {"text": "更換襯套"}).status_code == 200
    informed = api.post(f"/raised-items/{item_id}/inform", {"satisfied": True, "told_by": "phone"})
    assert informed.status_code == 200, informed.json()
    reply = Call.objects.get(purpose="item_reply")
    assert informed.json()["events"][-1]["call_id"] == reply.pk
    assert informed.json()["state"] == "closed" and reply.customer_id == customer.pk
