"""Property-based check of /api/v1/: no input makes the server fail, every answer fits the schema.

Schemathesis reads the OpenAPI document from the app itself (in process, no server) and calls
every operation with generated input, authenticated with a supervisor's bearer token over a
small demo organisation. A 5xx, an undeclared status code or a body that does not match its
declared schema fails the test.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from aftercare import demo
from aftercare.obligations.models import Obligation
from aftercare.org.actions import create_api_token
from aftercare.org.models import User

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# Every check is on. Schema-valid input may still be refused with the documented 422 by what
# JSON Schema cannot say: a business rule (work done before the event that required it, an
# invalid phone number, a plate already taken) or a moment outside the years 2000 to 2100;
# `refused_only_for_what_json_schema_cannot_say` below holds those 422s to exactly that. Any
# other refusal of valid input (400, 413, 415) fails the run.
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx", "401", "403", "404", "409", "422",
]  # fmt: skip
SCHEMA_REFUSAL = "Some fields are not valid."
BEYOND_JSON_SCHEMA = {
    "Choose a moment between the years 2000 and 2100.",  # format date-time has no years
    "Choose a date between 1900 and 2100.",
    "Text must not contain the NUL character (\\u0000).",  # PostgreSQL cannot store it
    # A float such as 0.30000000000000004 (3 × 0.1) has more digits than a capacity keeps.
    "Decimal input should have no more than 1 decimal place",
    "Decimal input should have no more than 7 digits in total",
}


def refused_only_for_what_json_schema_cannot_say(ctx, response, case):
    """A 422 to schema-valid input comes from a business rule (its own message) or from the
    few input rules listed above; never from the input layer disagreeing with its own schema
    (this found two enums named `Channel` sharing one schema, and capacities offered as text)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    body = response.json()
    if body["message"] != SCHEMA_REFUSAL:
        return None  # a domain rule, with its own message
    disagreements = {
        field: messages
        for field, messages in body["fields"].items()
        if not set(messages) <= BEYOND_JSON_SCHEMA
    }
    assert not disagreements, f"schema-valid input refused by the input layer: {disagreements}"
    return None


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, whose request_finished handler would close the
    connection inside the test's transaction (PostgreSQL then fails every later query).
    Django's own test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _demo(build_once):
    with build_once(lambda: demo.load(customers_per_branch=3)):
        yield


@pytest.fixture
def supervisor(db, _demo) -> User:
    """A supervisor of the demo's first branch, with staff, customers and work around them."""
    return User.objects.get(username="supervisor1")


@pytest.fixture
def bearer(supervisor) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_api_token(supervisor, name='schemathesis')}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(
        headers=bearer, additional_checks=[refused_only_for_what_json_schema_cannot_say]
    )


def call(bearer, method: str, path: str, expected_status: int, **data):
    """One hand-written case on real data, checked by the same rules as the generated ones."""
    case = schema[f"/api/v1{path}"][method].Case(**data)
    response = case.call_and_validate(headers=bearer)
    assert response.status_code == expected_status, response.text
    return response.json()


def test_operations_on_real_work_conform(supervisor, bearer):
    """Generated ids rarely hit a real obligation: walk the 2xx and 409 answers on purpose."""
    branch = supervisor.branch
    pending = list(Obligation.objects.pending().filter(branch=branch).order_by("id"))
    assert len(pending) >= 2, "the demo leaves work pending"
    first, second = ({"obligation_id": o.id} for o in pending[:2])
    elsewhere = {"obligation_id": Obligation.objects.exclude(branch=branch).first().id}
    advisor1 = User.objects.get(username="advisor1")
    advisor2 = User.objects.get(username="advisor2")

    assert call(bearer, "GET", "/me", 200)["username"] == "supervisor1"
    staff = {user["username"] for user in call(bearer, "GET", "/users", 200)}
    assert {"advisor1", "advisor2"} <= staff
    listed = call(bearer, "GET", "/obligations", 200, query={"limit": 100})
    assert {row["branch_id"] for row in listed["items"]} == {branch.id}
    call(bearer, "GET", "/worklist", 200)

    one = "/obligations/{obligation_id}"
    assert call(bearer, "GET", one, 200, path_parameters=first)["id"] == pending[0].id
    call(bearer, "GET", one, 404, path_parameters=elsewhere)
    body = {"owner_id": advisor2.id, "reason": "leave"}
    moved = call(bearer, "POST", f"{one}/reassign", 200, path_parameters=first, body=body)
    assert moved["owner"] == advisor2.id
    body = {"outcome": "called back"}
    done = call(bearer, "POST", f"{one}/fulfil", 200, path_parameters=first, body=body)
    assert done["done_at"] is not None
    again = call(bearer, "POST", f"{one}/fulfil", 409, path_parameters=first, body=body)
    assert again["code"] == "obligation_done"
    body = {"reason": "sold the car"}
    cancelled = call(bearer, "POST", f"{one}/cancel", 200, path_parameters=second, body=body)
    assert cancelled["status"] == "cancelled"

    now = timezone.now()
    body = {
        "user_id": advisor1.id,
        "stand_in_id": advisor2.id,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(),
        "reason": "training",
    }
    assert call(bearer, "POST", "/absences", 201, body=body)["stand_in_id"] == advisor2.id
