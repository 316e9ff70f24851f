"""Page filters take dates of the years 2000 to 2100 (formfields.FilterDateField).

A hand-edited `?from=0001-01-01` or `9999-12-31` used to overflow date arithmetic (a 500).
Now every filter page shows itself with the translated error, answers 400 and lists nothing
computed from the refused value; the same on SQLite and PostgreSQL.
"""

import pytest
from django.test import Client

from aftercare.customers.models import Customer

pytestmark = pytest.mark.django_db

PAGES = [
    ("/calls/register/", "from", "to"),
    ("/forms/", "from", "to"),
    ("/forms/call-register/", "from", "to"),
    ("/forms/call-register/form3.xlsx", "from", "to"),
    ("/forms/letter-register/", "from", "to"),
    ("/forms/letter-register/form4.xlsx", "from", "to"),
    ("/work/obligations/", "due_from", "due_to"),
    ("/items/", "from", "to"),
    ("/campaigns/letters/", "start", "end"),
    ("/reviews/dashboard/", "from", "to"),
]
MESSAGE = "Choose dates between 2000 and 2100."


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
@pytest.mark.parametrize(("url", "first", "last"), PAGES)
def test_an_implausible_filter_date_is_a_form_error_not_a_500(
    client, desk, url, first, last, value
):
    client.force_login(desk.sam)
    for name in (first, last):
        params = {"period": "range"} if url.startswith("/reviews/") else {}
        response = client.get(url, {**params, name: value})
        assert response.status_code == 400, (url, name, response.status_code)
        assert response["Content-Type"].startswith("text/html")
        assert MESSAGE in response.content.decode(), (url, name)


@pytest.mark.parametrize(("url", "first", "last"), PAGES)
def test_plausible_filter_dates_are_a_200(client, desk, url, first, last):
    client.force_login(desk.sam)
    params = {"period": "range"} if url.startswith("/reviews/") else {}
    response = client.get(url, {**params, first: "2026-07-01", last: "2026-07-31"})
    assert response.status_code == 200, url


def test_the_message_is_translated(desk):
    client = Client(headers={"Accept-Language": "zh-hant"})
    client.force_login(desk.sam)
    response = client.get("/calls/register/", {"from": "0001-01-01"})
    assert response.status_code == 400
    assert "請選擇 2000 年至 2100 年之間的日期。" in response.content.decode()


def test_a_page_form_refuses_nul_characters_on_every_database(client, desk):
    """Django's CharField refuses NUL itself; PostgreSQL would otherwise raise DataError."""
    client.force_login(desk.alice)
    response = client.post("/customers/new/", {"name": "張\u0000三", "phones": "13800138000"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/customers/", {"q": "張\u0000"}),
        ("/work/obligations/", {"rule": "DS-1\u0000", "status": "\u0000"}),
        ("/items/", {"state": "\u0000", "kind": "\u0000"}),
        ("/calls/register/", {"purpose": "\u0000", "from": "2026-07-01\u0000"}),
        ("/campaigns/letters/", {"kind": "\u0000"}),
        ("/messages/", {"status": "\u0000"}),
    ],
)
def test_nul_in_a_page_filter_is_never_a_server_error(client, desk, url, params):
    """PostgreSQL refuses NUL in a query; the filter forms refuse it first."""
    client.force_login(desk.sam)
    response = client.get(url, params)
    assert response.status_code in (200, 400), (url, response.status_code)
