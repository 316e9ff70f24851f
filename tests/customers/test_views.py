"""Customer pages over HTTP: search, Form 1, vehicles and the customer page, inside one branch."""

import re
from datetime import date

import pytest

from aftercare.customers import actions
from aftercare.customers.models import Customer, CustomerPhone, Vehicle
from aftercare.followups import actions as followups
from aftercare.workshop import actions as workshop
from aftercare.workshop.models import ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang(desk):
    """張三 of branch A, with a car and one visit; the address is still missing."""
    ServiceItem.objects.create(
        organisation=desk.org, code="oil", name="機油保養", kind="maintenance"
    )
    customer = actions.create_customer(
        branch=desk.branch_a,
        by=desk.alice,
        name="張三",
        phones=["138 0013 8000"],
        wanted_services=["club_events"],
        followup_advisor=desk.alice,
    )
    vehicle = actions.add_vehicle(
        customer,
        by=desk.alice,
        plate="京A·12345",
        vin="1M8GDM9AXKP042788",
        make="豐田",
        model="凱美瑞",
        vehicle_type="轎車",
        maintenance_months=6,
        last_maintenance_on=date(2026, 1, 10),
    )
    order = workshop.check_in(
        vehicle, by=desk.alice, at=_moment(2026, 3, 2, 9), mileage=15000, items=["oil"],
        description="冷氣不夠冷",
    )  # fmt: skip
    followups.record_call(
        customer, by=desk.alice, direction="out", purpose="other", at=_moment(2026, 3, 3, 10),
        reached=True, topics=["new_needs"], notes="想換輪胎",
        raised_items=[{"kind": "wish", "text": "希望提供代步車", "answered_in_call": False}],
    )  # fmt: skip
    customer.refresh_from_db()
    return {"customer": customer, "vehicle": vehicle, "order": order}


@pytest.fixture
def li(desk):
    return actions.create_customer(
        branch=desk.branch_b, by=desk.carol, name="李四", phones=["139 1234 5678"]
    )


def _moment(*args):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_customer_page_shows_the_whole_archive(client, desk, zhang):
    customer = zhang["customer"]
    client.force_login(desk.alice)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    for expected in [
        "張三", "+8613800138000", "京A12345", "1M8GDM9AXKP042788", "凱美瑞", "轎車",
        "Club events", "機油保養", "冷氣不夠冷", "2026-03-02 09:00",  # repair order, local time
        "想換輪胎", "New service needs", "希望提供代步車", "/items/",
        f'href="/calls/new/?customer={customer.pk}"', f"/workshop/check-in/{zhang['vehicle'].pk}/",
        f"/workshop/orders/{zhang['order'].pk}/pickup/", f"/workshop/consultation/{customer.pk}/",
        'data-rule="DS-1"', 'data-rule="DS-2"', "Archive incomplete",
        "Ask about satisfaction with the last visit", "/calls/plans/",
    ]:  # fmt: skip
        assert expected in page, expected
    missing = page.split('id="missing-fields"')[1].split("</div>")[0]
    assert "address" in missing and "phone" not in missing
    call = customer.calls.get()
    assert f'href="/calls/{call.pk}/"' in page and call.register_number in page


@pytest.mark.parametrize(
    "q", ["zs", "zhangsan", "張三", "张三", "8000", "京a 12345", "京A12345", "2345"]
)
def test_search_finds_zhang_san_every_way(client, desk, zhang, q):
    other = actions.create_customer(branch=desk.branch_a, by=desk.alice, name="王五")
    client.force_login(desk.alice)
    page = client.get("/customers/", {"q": q}).content.decode()
    assert f'href="/customers/{zhang["customer"].pk}/"' in page
    assert f'href="/customers/{other.pk}/"' not in page


def test_search_returns_a_partial_to_htmx(client, desk, zhang):
    client.force_login(desk.alice)
    response = client.get("/customers/", {"q": "zs"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="customer-results"' in html
    assert "張三" in html and "京A12345" in html and "Archive incomplete" in html
    assert str(desk.alice) in html  # the follow-up advisor


def test_list_is_paginated_by_25(client, desk):
    for number in range(30):
        actions.create_customer(branch=desk.branch_a, by=desk.alice, name=f"客戶{number:02}")
    client.force_login(desk.alice)
    first = client.get("/customers/").content.decode()
    assert first.count('class="list-group-item customer-row"') == 25 and "1 / 2" in first
    second = client.get("/customers/", {"page": 2}).content.decode()
    assert second.count('class="list-group-item customer-row"') == 5
    assert "客戶29" in second and "客戶24" not in second and "2 / 2" in second
    beyond = client.get("/customers/", {"page": 99}).content.decode()  # the last page
    assert beyond.count('class="list-group-item customer-row"') == 5 and "2 / 2" in beyond
    assert client.get("/customers/", {"page": "x"}).content.decode().count("customer-row") == 25
    assert "30 customers" in client.get("/customers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_page_of_the_list_reads_the_page_its_phones_and_its_cars(client, desk, zhang):
    """The list (and its HTMX partial) reads a page in three statements, however many rows:
    the page with the length beside each row, their phones, their cars."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(desk.alice)
    client.get("/customers/")  # the session and the permissions, read once per sign-in
    with CaptureQueriesContext(connection) as one_row:
        html = client.get("/customers/", headers={"HX-Request": "true"}).content.decode()
    assert html.count("customer-row") == 1
    for number in range(30):
        actions.create_customer(
            branch=desk.branch_a,
            by=desk.alice,
            name=f"客戶{number:02}",
            phones=[f"1380000{number:04}"],
        )
    with CaptureQueriesContext(connection) as full_page:
        html = client.get("/customers/", headers={"HX-Request": "true"}).content.decode()
    assert html.count("customer-row") == 25 and "138 0000 0003" in html
    assert len(full_page.captured_queries) == len(one_row.captured_queries) <= 5, [
        q["sql"][:60] for q in full_page.captured_queries
    ]


def test_search_stays_inside_the_branch(client, desk, zhang, li):
    client.force_login(desk.carol)
    page = client.get("/customers/", {"q": "zs"}).content.decode()
    assert f'href="/customers/{zhang["customer"].pk}/"' not in page
    everyone = client.get("/customers/").content.decode()
    assert f'href="/customers/{li.pk}/"' in everyone
    assert f'href="/customers/{zhang["customer"].pk}/"' not in everyone


def test_anonymous_is_sent_to_log_in(client, zhang):
    response = client.get(f"/customers/{zhang['customer'].pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_customer_with_form_1(client, desk):
    client.force_login(desk.alice)
    response = client.post(
        "/customers/new/",
        {
            "kind": "person", "name": "趙六", "phones": "138 0013 8001\n+852 9123 4567\n",
            "address": "北京市海淀區", "email": "zhao@example.test", "contact_time": "evening",
            "contact_channel": "phone", "wanted_services": ["club_events", "promotions"],
            "wanted_services_note": "代步車", "consents_to_sms": "on", "prefers_letters": "on",
            "followup_advisor": desk.bob.pk, "notes": "老客戶",
        },
    )  # fmt: skip
    customer = Customer.objects.get(name="趙六")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert list(customer.phones.values_list("number", flat=True)) == [
        "+8613800138001",
        "+85291234567",
    ]
    assert customer.branch == desk.branch_a and customer.followup_advisor == desk.bob
    assert customer.wanted_services == ["club_events", "promotions"]
    assert (customer.consents_to_sms, customer.consents_to_letters, customer.prefers_letters) == (
        True, False, True,
    )  # fmt: skip
    assert (customer.contact_time, customer.email) == ("evening", "zhao@example.test")


def test_create_with_a_malformed_phone_shows_the_error_and_writes_nothing(client, desk):
    client.force_login(desk.alice)
    response = client.post(
        "/customers/new/", {"kind": "person", "name": "李四", "phones": "138 0013 8001\n12345"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "“12345” is not a valid phone number" in html
    assert "The customer cannot be saved." in html
    # the error sits under the phone field, which keeps what was typed
    textarea = re.search(r'<textarea name="phones"[^>]*>([^<]*)</textarea>', html)
    assert "is-invalid" in textarea[0] and "12345" in textarea[1]
    assert not Customer.objects.exists() and not CustomerPhone.objects.exists()


def test_follow_up_advisor_must_work_at_the_branch(client, desk):
    client.force_login(desk.alice)
    response = client.post(
        "/customers/new/", {"kind": "person", "name": "李四", "followup_advisor": desk.carol.pk}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Customer.objects.exists()


def test_edit_changes_only_what_was_typed(client, desk, zhang):
    customer = zhang["customer"]
    client.force_login(desk.bob)
    form = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "+8613800138000" in form and 'value="張三"' in form
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {"kind": "person", "name": "張三", "phones": "+8613800138000",
         "address": "北京市朝陽區建國路88號", "wanted_services": ["club_events"],
         "followup_advisor": desk.alice.pk, "consents_to_letters": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.address == "北京市朝陽區建國路88號"
    assert customer.phones.get().number == "+8613800138000"


def test_carol_of_the_other_branch_gets_404_and_changes_nothing(client, desk, zhang):
    customer, vehicle = zhang["customer"], zhang["vehicle"]
    client.force_login(desk.carol)
    for path in [
        f"/customers/{customer.pk}/",
        f"/customers/{customer.pk}/edit/",
        f"/customers/{customer.pk}/vehicles/new/",
        f"/customers/vehicles/{vehicle.pk}/edit/",
    ]:
        assert client.get(path).status_code == 404, path
    assert (
        client.post(f"/customers/{customer.pk}/edit/", {"kind": "person", "name": "X"}).status_code
        == 404
    )
    assert (
        client.post(f"/customers/{customer.pk}/vehicles/new/", {"plate": "京B11111"}).status_code
        == 404
    )
    assert (
        client.post(f"/customers/vehicles/{vehicle.pk}/edit/", {"plate": "京B11111"}).status_code
        == 404
    )
    customer.refresh_from_db()
    assert customer.name == "張三"
    assert list(Vehicle.objects.values_list("plate", flat=True)) == ["京A12345"]


def test_add_vehicle_computes_the_next_maintenance(client, desk, zhang):
    customer = zhang["customer"]
    client.force_login(desk.alice)
    form = client.get(f"/customers/{customer.pk}/vehicles/new/").content.decode()
    assert 'list="vehicle-types"' in form and '<option value="SUV">' in form
    response = client.post(
        f"/customers/{customer.pk}/vehicles/new/",
        {"plate": "京b 54321", "model": "RAV4", "vehicle_type": "SUV", "maintenance_months": "6",
         "maintenance_km": "5000", "last_maintenance_on": "2026-05-01",
         "last_maintenance_km": "20000"},
    )  # fmt: skip
    assert response.status_code == 302
    vehicle = customer.vehicles.get(plate="京B54321")
    assert (vehicle.next_maintenance_on, vehicle.next_maintenance_km) == (date(2026, 11, 1), 25000)
    assert not vehicle.next_maintenance_overridden


def test_bad_plate_is_shown_and_nothing_written(client, desk, zhang):
    client.force_login(desk.alice)
    response = client.post(f"/customers/{zhang['customer'].pk}/vehicles/new/", {"plate": "XX-?"})
    assert response.status_code == 200
    assert "The vehicle cannot be saved." in response.content.decode()
    assert Vehicle.objects.count() == 1


def test_edit_vehicle_sets_and_keeps_a_hand_set_next_maintenance(client, desk, zhang):
    vehicle = zhang["vehicle"]
    client.force_login(desk.alice)
    computed = vehicle.next_maintenance_on
    assert computed == date(2026, 7, 10)
    # An untouched "next maintenance" stays computed: the form shows it empty.
    page = client.get(f"/customers/vehicles/{vehicle.pk}/edit/").content.decode()
    assert 'name="next_maintenance_on" value="' not in page and "2026-07-10" in page
    client.post(
        f"/customers/vehicles/{vehicle.pk}/edit/",
        {"plate": "京A12345", "vin": vehicle.vin, "make": "豐田", "model": "凱美瑞 Hybrid",
         "vehicle_type": "轎車", "maintenance_months": "6", "last_maintenance_on": "2026-01-10"},
    )  # fmt: skip
    vehicle.refresh_from_db()
    assert vehicle.model == "凱美瑞 Hybrid" and not vehicle.next_maintenance_overridden
    client.post(
        f"/customers/vehicles/{vehicle.pk}/edit/",
        {"plate": "京A12345", "vin": vehicle.vin, "make": "豐田", "model": "凱美瑞 Hybrid",
         "vehicle_type": "轎車", "maintenance_months": "6", "last_maintenance_on": "2026-01-10",
         "next_maintenance_on": "2026-06-01"},
    )  # fmt: skip
    vehicle.refresh_from_db()
    assert vehicle.next_maintenance_on == date(2026, 6, 1) and vehicle.next_maintenance_overridden


def test_administrator_picks_the_branch_of_a_new_customer(client, desk):
    client.force_login(desk.ada)
    assert 'name="branch"' in client.get("/customers/new/").content.decode()
    response = client.post(
        "/customers/new/", {"branch": desk.branch_b.pk, "kind": "company", "name": "北豐物流"}
    )
    assert response.status_code == 302
    assert Customer.objects.get(name="北豐物流").branch == desk.branch_b


def test_pages_speak_the_users_language(client, desk, zhang):
    client.force_login(desk.alice)
    client.cookies["django_language"] = "zh-hant"
    page = client.get(f"/customers/{zhang['customer'].pk}/").content.decode()
    assert '<html lang="zh-Hant">' in page


def test_the_customer_page_shows_phones_grouped_with_a_dialable_link(client, desk):
    from aftercare.customers import actions

    customer = actions.create_customer(
        branch=desk.branch_a, by=desk.alice, name="張三", phones=["13619856055"]
    )
    client.force_login(desk.alice)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert '<a href="tel:+8613619856055">136 1985 6055</a>' in page


def test_the_customer_page_reads_each_list_once_however_long_the_history(
    client, desk, zhang, django_assert_max_num_queries
):
    """The customer page reads each list in one statement (customers/page.py): two cars,
    more visits, calls (one amended), consultations and their obligations add rows, never
    statements. Its rows are dicts built in Python: what users typed is still escaped."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer, first_car = zhang["customer"], zhang["vehicle"]
    url = f"/customers/{customer.pk}/"
    client.force_login(desk.alice)
    client.get(url)  # the session and the permissions, read once per sign-in
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    second_car = actions.add_vehicle(
        customer, by=desk.alice, plate="京B·54321", make="本田", model="雅閣",
        vehicle_type="轎車", maintenance_months=12,
    )  # fmt: skip
    for day, car in [(4, second_car), (5, first_car), (6, second_car)]:
        order = workshop.check_in(
            car, by=desk.alice, at=_moment(2026, 3, day, 9), items=["oil"],
            extra_items=["洗車"], description="<b>異響</b>",
        )  # fmt: skip
        workshop.record_pickup(order, by=desk.alice, at=_moment(2026, 3, day, 17))
        followups.record_call(
            customer, by=desk.alice, direction="out", purpose="other",
            at=_moment(2026, 3, day, 18), reached=True, topics=["new_needs"],
            raised_items=[{"kind": "wish", "text": f"願望 {day}", "answered_in_call": False}],
        )  # fmt: skip
    workshop.record_consultation(customer, by=desk.alice, at=_moment(2026, 3, 7, 10), notes="問價")
    followups.amend_call(
        customer.calls.first(), by=desk.alice, field="notes", value="改", reason="typo"
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    # The session, the user, then the page's own: the customer, phones, cars, visits with
    # their items, consultations, calls, raised items, obligations, the plan; the menu's
    # unread count.
    assert len(few.captured_queries) <= 12, [q["sql"][:80] for q in few.captured_queries]
    assert page.count('class="card h-100 vehicle"') == 2
    assert page.count('class="repair-order"') == 4 and page.count('class="call"') == 4
    assert page.count('class="list-group-item raised-item"') == 4
    assert page.count('class="obligation"') >= 8 and "問價" in page
    assert page.count("amended") == 1 and page.count("洗車") == 3
    assert "&lt;b&gt;異響&lt;/b&gt;" in page and "<b>異響" not in page


def test_the_customer_pages_obligations_are_what_each_reader_may_see(client, desk, zhang):
    """The page's obligations statement is compiled once per kind of reader: each reader
    still sees exactly their scope's rows (`Obligation.objects.visible_to`), a stand-in the
    work they carry while the colleague is away, and nothing after."""
    from datetime import timedelta

    from django.utils import timezone

    from aftercare.obligations.models import Obligation
    from aftercare.org.models import Absence

    customer = zhang["customer"]

    def shown(user) -> list[int]:
        client.force_login(user)
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        return [
            int(pk)
            for pk in re.findall(r'class="obligation" data-rule="[^"]+" data-id="(\d+)"', page)
        ]

    def visible(user) -> list[int]:
        rows = Obligation.objects.visible_to(user).filter(customer=customer)
        return list(rows.order_by("due_at", "id").values_list("pk", flat=True))

    alices = visible(desk.alice)
    assert alices and shown(desk.alice) == alices
    assert shown(desk.sam) == visible(desk.sam) == alices  # the branch's supervisor
    assert shown(desk.ada) == visible(desk.ada) == alices  # the organisation's administrator
    assert shown(desk.bob) == visible(desk.bob) == []  # a colleague: not his work
    now = timezone.now()
    away = Absence.objects.create(
        user=desk.alice, stand_in=desk.bob, recorded_by=desk.sam,
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1),
    )  # fmt: skip
    assert shown(desk.bob) == visible(desk.bob) == alices  # carried while she is away
    away.ends_at = now - timedelta(minutes=1)
    away.save()
    assert shown(desk.bob) == []
