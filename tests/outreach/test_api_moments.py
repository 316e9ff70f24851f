"""Letter filters refuse moments the database cannot hold, before they reach it (PostgreSQL
would abort the transaction)."""

import pytest


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sent_from", "9999-12-31T23:59:59Z"),
        ("sent_before", "0001-01-01T00:00:00+23:59"),
        ("sent_from", "2026-01-01T00:00:00"),  # no offset: which time zone?
    ],
)
def test_an_implausible_or_naive_moment_is_a_422(api_client, desk, name, value):
    response = api_client.as_user(desk.sam).get("/letters", **{name: value})
    assert response.status_code == 422
    assert name in response.json()["fields"]
    assert api_client.get("/letters").status_code == 200  # the connection is still usable


def test_a_plausible_moment_filters(api_client, desk):
    response = api_client.as_user(desk.sam).get("/letters", sent_from="2026-01-01T00:00:00+08:00")
    assert response.status_code == 200 and response.json()["count"] == 0
