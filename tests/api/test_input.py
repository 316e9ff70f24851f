"""Input that never 500s and never loses data (issue 9, item 3), as an integration sees it.

Every refusal answers in the error format `{"code", "message", "fields"}` with a translated
message and leaves the database as it was. The suite runs on SQLite and PostgreSQL alike, so
each case here is checked on both (NUL characters and out-of-range years used to differ).
"""

import json

import pytest
from django.test import Client
from django.utils import timezone

from aftercare.customers.models import Customer, CustomerPhone, Vehicle
from aftercare.followups.models import Call
from aftercare.obligations.models import Obligation
from aftercare.org.actions import create_api_token
from aftercare.org.models import ApiToken
from aftercare.outreach.models import Campaign
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Text must not contain the NUL character (\\u0000)."


def snapshot() -> tuple:
    """What a refused request must not change."""
    return (
        list(Customer.objects.order_by("pk").values()),
        list(CustomerPhone.objects.order_by("pk").values()),
        list(Vehicle.objects.order_by("pk").values()),
        list(Call.objects.order_by("pk").values()),
        list(Campaign.objects.order_by("pk").values()),
        list(Obligation.objects.order_by("pk").values()),
    )


@pytest.fixture
def api(api_client, desk):
    return api_client.as_user(desk.alice)


@pytest.fixture
def customer(api):
    response = api.post("/customers", {"name": "張三", "phones": ["138 0013 8000"]})
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def vehicle(api, customer):
    body = {"customer_id": customer["id"], "plate": "京A12345", "make": "豐田", "model": "凱美瑞"}
    response = api.post("/vehicles", body)
    assert response.status_code == 201, response.json()
    return response.json()


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert isinstance(body["fields"], dict)
    return body


# --- null, unknown fields, JSON types -------------------------------------------------------


@pytest.mark.parametrize("field", ["vin", "make", "model", "vehicle_type", "plate"])
def test_null_for_a_vehicle_text_is_a_422_naming_it(api, customer, vehicle, field):
    before = snapshot()
    created = api.post("/vehicles", {"customer_id": customer["id"], "plate": "京B1", field: None})
    body = refused(created, 422, "invalid_input")
    assert body["fields"] == {field: ["This field cannot be null."]}
    patched = api.patch(f"/vehicles/{vehicle['id']}", {field: None})
    assert refused(patched, 422, "invalid_input")["fields"] == {
        field: ["This field cannot be null."]
    }
    assert snapshot() == before


def test_null_for_a_customer_name_is_refused_not_ignored(api, customer):
    before = snapshot()
    body = refused(api.patch(f"/customers/{customer['id']}", {"name": None}), 422, "invalid_input")
    assert body["fields"] == {"name": ["This field cannot be null."]}
    assert snapshot() == before


def test_null_clears_a_nullable_field(api, customer, desk):
    api.patch(f"/customers/{customer['id']}", {"followup_advisor_id": desk.alice.pk})
    cleared = api.patch(f"/customers/{customer['id']}", {"followup_advisor_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["followup_advisor_id"] is None


def test_a_misspelt_field_is_named_not_dropped(api):
    before = snapshot()
    response = api.post("/customers", {"name": "李四", "phone": "13900139000"})
    body = refused(response, 422, "invalid_input")
    assert body["fields"] == {"phone": ["Unknown field."]}
    assert snapshot() == before


def test_unknown_fields_are_refused_in_nested_objects_too(api, customer):
    before = snapshot()
    call = {
        "customer_id": customer["id"], "direction": "out", "purpose": "other",
        "occurred_at": "2026-02-03T10:00:00+08:00",
        "raised_items": [{"kind": "complaint", "text": "異響", "severity": "high"}],
    }  # fmt: skip
    body = refused(api.post("/calls", call), 422, "invalid_input")
    assert body["fields"] == {"raised_items.0.severity": ["Unknown field."]}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "王五", "prefers_letters": 1}, "prefers_letters"),
        ({"name": "王五", "prefers_letters": "true"}, "prefers_letters"),
        ({"name": "王五", "followup_advisor_id": "ALICE"}, "followup_advisor_id"),
        ({"name": 5}, "name"),
        ({"name": "王五", "phones": "13900139000"}, "phones"),
    ],
)
def test_json_types_are_taken_as_they_are(api, desk, body, field):
    if body.get(field) == "ALICE":  # a valid advisor, but as text: "5" is not 5
        body = {**body, field: str(desk.alice.pk)}
        assert api.post("/customers", {**body, field: desk.alice.pk}).status_code == 201
    before = snapshot()
    assert field in refused(api.post("/customers", body), 422, "invalid_input")["fields"]
    assert snapshot() == before


def test_a_number_is_not_a_moment(api, customer):
    before = snapshot()
    call = {"customer_id": customer["id"], "direction": "out", "purpose": "other"}
    body = refused(api.post("/calls", {**call, "occurred_at": 0}), 422, "invalid_input")
    assert list(body["fields"]) == ["occurred_at"]
    assert snapshot() == before


def test_an_array_body_is_a_422(api, desk):
    from aftercare.obligations import actions

    obligation = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    before = snapshot()
    body = refused(api.post("/customers", [{"name": "趙六"}]), 422, "invalid_input")
    assert body["fields"] == {"__all__": ["Send a JSON object."]}
    fulfil = f"/obligations/{obligation.pk}/fulfil"
    refused(api.post(fulfil, [{"outcome": "done"}]), 422, "invalid_input")
    assert snapshot() == before


# --- content type and size -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_body_that_is_not_json_is_a_415(client, desk, content_type):
    client.force_login(desk.alice)
    before = snapshot()
    data = json.dumps({"name": "孫七"})
    response = client.post("/api/v1/customers", data, content_type=content_type)
    refused(response, 415, "unsupported_media_type")
    assert snapshot() == before


def test_a_body_over_two_megabytes_is_a_413(client, desk):
    client.force_login(desk.alice)
    before = snapshot()
    body = json.dumps({"name": "周八", "notes": "x" * (3 * 1024 * 1024)})
    response = client.post("/api/v1/customers", body, content_type="application/json")
    assert refused(response, 413, "too_large")["message"] == (
        "The request body is too large (at most 2 MB)."
    )
    assert snapshot() == before


def test_malformed_json_is_a_400_in_the_error_format(client, desk):
    client.force_login(desk.alice)
    response = client.post("/api/v1/customers", "{name:", content_type="application/json")
    refused(response, 400, "malformed")


# --- NUL characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/customers", {"name": "吳\u0000九"}, "name"),
        ("/customers", {"name": "吳九", "phones": ["1390013\u00009000"]}, "phones"),
        ("/customers", {"name": "吳九", "wanted_services_note": "\u0000"}, "wanted_services_note"),
    ],
)
def test_nul_characters_are_refused_with_one_message(api, path, body, field):
    before = snapshot()
    response = refused(api.post(path, body), 422, "invalid_input")
    assert response["fields"] == {field: [NUL_MESSAGE]}
    assert snapshot() == before


def test_nul_is_refused_in_free_values_and_nested_texts(api, customer):
    call = api.post(
        "/calls", {"customer_id": customer["id"], "direction": "in", "purpose": "consultation"}
    ).json()
    before = snapshot()
    amendment = {"field": "notes", "value": "改\u0000", "reason": "補記"}
    body = refused(api.post(f"/calls/{call['id']}/amendments", amendment), 422, "invalid_input")
    assert body["fields"] == {"value": [NUL_MESSAGE]}
    item = {"kind": "complaint", "text": "異\u0000響"}
    new_call = {"customer_id": customer["id"], "direction": "in", "purpose": "other",
                "raised_items": [item]}  # fmt: skip
    body = refused(api.post("/calls", new_call), 422, "invalid_input")
    assert body["fields"] == {"raised_items.0.text": [NUL_MESSAGE]}
    assert snapshot() == before


# --- moments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("0001-01-01T00:00:00Z", "Choose a moment between the years 2000 and 2100."),
        ("1999-12-31T23:59:59Z", "Choose a moment between the years 2000 and 2100."),
        ("2101-01-01T00:00:00+08:00", "Choose a moment between the years 2000 and 2100."),
        ("2026-02-03T10:00:00", "Give the moment with its offset, e.g. 2026-05-01T09:00:00+08:00."),
    ],
)
def test_an_implausible_call_moment_is_refused_and_no_register_line_written(
    api, customer, moment, message
):
    before = snapshot()
    call = {"customer_id": customer["id"], "direction": "out", "purpose": "other",
            "occurred_at": moment}  # fmt: skip
    body = refused(api.post("/calls", call), 422, "invalid_input")
    assert body["fields"] == {"occurred_at": [message]}
    assert snapshot() == before
    assert not Call.objects.exists()


def test_a_plausible_moment_in_any_offset_is_kept_exactly(api, customer):
    call = {"customer_id": customer["id"], "direction": "out", "purpose": "other",
            "occurred_at": "2026-02-03T02:00:00Z"}  # fmt: skip
    response = api.post("/calls", call)
    assert response.status_code == 201
    assert response.json()["occurred_at"] == "2026-02-03T10:00:00+08:00"
    assert response.json()["register_number"].endswith("-000001")


def test_a_moment_a_minute_ahead_is_skew_more_is_the_future(api, customer):
    now = timezone.now()
    call = {"customer_id": customer["id"], "direction": "out", "purpose": "other"}
    soon = (now + timezone.timedelta(seconds=30)).isoformat()
    assert api.post("/calls", {**call, "occurred_at": soon}).status_code == 201
    later = (now + timezone.timedelta(minutes=5)).isoformat()
    refused(api.post("/calls", {**call, "occurred_at": later}), 422, "future_moment")


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_a_campaign_in_year_955_cannot_be_created(api_client, desk, field):
    api = api_client.as_user(desk.sam)
    before = snapshot()
    campaign = {"name": "春季保養", "kind": "other", "starts_at": "2026-05-01T09:00:00+08:00",
                "ends_at": "2026-05-02T17:00:00+08:00"}  # fmt: skip
    campaign[field] = "0955-05-01T09:00:00+08:00"
    body = refused(api.post("/campaigns", campaign), 422, "invalid_input")
    assert list(body["fields"]) == [field]
    assert snapshot() == before


def test_an_implausible_moment_in_a_filter_is_a_422(api):
    body = refused(api.get("/letters", sent_from="0170-01-01T00:00:00Z"), 422, "invalid_input")
    assert list(body["fields"]) == ["sent_from"]


def test_obligation_work_in_year_170_is_refused(api, desk):
    from aftercare.obligations import actions

    obligation = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 3, 1, 9)
    )
    before = snapshot()
    response = api.post(f"/obligations/{obligation.pk}/fulfil", {"at": "0170-03-02T10:00:00Z"})
    assert list(refused(response, 422, "invalid_input")["fields"]) == ["at"]
    assert snapshot() == before


# --- tokens, routes, methods ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/customers"), ("POST", "/api/v1/customers"), ("PATCH", "/api/v1/customers/1")],
)
def test_a_bad_bearer_token_is_401_on_any_method(desk, method, path):
    """Any method the route has; one it lacks is a 405 whoever asks. A real client gets CSRF
    checks, which answered a wrong token on a write with 403 "CSRF check Failed"."""
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    response = client.generic(
        method,
        path,
        json.dumps({"name": "鄭十"}),
        content_type="application/json",
        headers={"Authorization": "Bearer ac_not-a-token"},
    )
    assert refused(response, 401, "unauthenticated")["message"] == (
        "Log in or send a valid API token."
    )
    assert snapshot() == before


def test_a_revoked_token_is_401_on_a_write(desk):
    client = Client(enforce_csrf_checks=True)
    token = create_api_token(desk.alice)
    ApiToken.objects.update(revoked_at=timezone.now())
    before = snapshot()
    response = client.post(
        "/api/v1/customers",
        {"name": "鄭十"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    refused(response, 401, "unauthenticated")
    assert snapshot() == before


def test_a_live_token_writes_without_csrf(desk):
    token = create_api_token(desk.alice)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/customers",
        {"name": "鄭十"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_a_session_write_without_csrf_is_a_translated_403(desk):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "zh-hant"})
    client.force_login(desk.alice)
    before = snapshot()
    response = client.post("/api/v1/customers", {"name": "鄭十"}, content_type="application/json")
    body = refused(response, 403, "csrf_failed")
    assert "CSRF check Failed" not in body["message"]
    assert snapshot() == before


def test_anonymous_write_is_401_not_a_csrf_failure():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/customers", {"name": "x"}, content_type="application/json")
    refused(response, 401, "unauthenticated")


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/customers/1/nothing"])
def test_unknown_api_routes_are_a_json_404(client, desk, method, path):
    client.force_login(desk.alice)
    response = getattr(client, method)(path)
    assert refused(response, 404, "not_found")["message"] == "There is no such API route."


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/me", "GET"),
        ("get", "/api/v1/obligations/1/fulfil", "POST"),
        ("put", "/api/v1/customers/1", "GET, PATCH"),
    ],
)
def test_a_wrong_method_is_a_json_405(client, desk, method, path, allowed):
    client.force_login(desk.alice)
    response = getattr(client, method)(path)
    refused(response, 405, "method_not_allowed")
    assert sorted(response["Allow"].split(", ")) == sorted(allowed.split(", "))


# --- translated ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_refusals_are_translated(desk, language):
    client = Client(headers={"Accept-Language": language})
    client.force_login(desk.alice)
    english = Client(headers={"Accept-Language": "en"})
    english.force_login(desk.alice)
    cases = [
        ("post", "/api/v1/customers", json.dumps({"name": "x", "phone": "1"}), "application/json"),
        ("post", "/api/v1/customers", json.dumps({"name": "\u0000"}), "application/json"),
        ("post", "/api/v1/customers", "{}", "text/plain"),
        ("get", "/api/v1/nothing-here", None, None),
        ("delete", "/api/v1/me", None, None),
    ]
    for method, path, data, content_type in cases:
        kwargs = {"data": data, "content_type": content_type} if data is not None else {}
        local = getattr(client, method)(path, **kwargs).json()
        base = getattr(english, method)(path, **kwargs).json()
        assert local["message"] != base["message"], (path, local)
        assert local["fields"].keys() == base["fields"].keys()
        for key in base["fields"]:
            assert local["fields"][key] != base["fields"][key], (path, key)


# --- what is already stored ----------------------------------------------------------------

RFC3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$"


def test_moments_stored_before_strict_input_still_answer_in_rfc3339(api_client, desk):
    """Lax input let year-955 campaigns and year-170 `triggered_at` in; their local time has a
    local-mean-time offset (+08:05:43) that no RFC 3339 parser takes. They answer in UTC."""
    import re
    from datetime import UTC, datetime

    from aftercare.obligations import actions

    api = api_client.as_user(desk.sam)
    campaign = {"name": "春季保養", "kind": "other", "starts_at": "2026-05-01T09:00:00+08:00",
                "ends_at": "2026-05-02T17:00:00+08:00"}  # fmt: skip
    created = api.post("/campaigns", campaign).json()
    Campaign.objects.filter(pk=created["id"]).update(
        starts_at=datetime(955, 5, 1, 1, tzinfo=UTC), ends_at=datetime(9999, 12, 31, 23, tzinfo=UTC)
    )
    obligation = actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.sam, event_at=at(2026, 3, 1, 9)
    )
    Obligation.objects.filter(pk=obligation.pk).update(
        triggered_at=datetime(170, 3, 1, 1, tzinfo=UTC)
    )
    stored = api.get(f"/campaigns/{created['id']}").json()
    assert stored["starts_at"] == "0955-05-01T01:00:00+00:00"
    assert stored["ends_at"] == "9999-12-31T23:00:00+00:00"
    [item] = api.get("/worklist").json()["items"]
    assert item["triggered_at"] == "0170-03-01T01:00:00+00:00"
    assert re.match(RFC3339, item["due_at"]) and item["due_at"].endswith("+08:00")


def test_nul_in_a_query_parameter_is_a_422(api):
    body = refused(api.get("/customers", q="張\u0000"), 422, "invalid_input")
    assert body["fields"] == {"q": [NUL_MESSAGE]}


def test_every_request_body_is_a_closed_object_in_the_openapi_document(client):
    """Every body schema (nested ones included) is an `apischema.Input`: the document says
    `additionalProperties: false`, so integrations and schemathesis know unknown fields fail."""
    spec = client.get("/api/v1/openapi.json").json()
    components = spec["components"]["schemas"]

    def objects(schema, seen):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                yield name, components[name]
                yield from objects(components[name], seen)
            return
        for value in schema.values():
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, dict):
                    yield from objects(child, seen)

    bodies = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            # An upload (POST /documents) is multipart: form fields and a file, read by name.
            if body and "multipart/form-data" not in body["content"]:
                bodies[f"{method.upper()} {path}"] = body["content"]["application/json"]["schema"]
    assert len(bodies) >= 25
    for label, schema in bodies.items():
        for name, component in objects(schema, set()):
            if component.get("type") == "object":
                assert component.get("additionalProperties") is False, (label, name)
