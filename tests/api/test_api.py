"""The JSON API over HTTP: auth, error format, scoping by branch, the worklist."""

import pytest

from aftercare.obligations import actions
from aftercare.obligations.models import Obligation
from aftercare.org.actions import create_api_token
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(desk):
    kw = {"event_at": at(2026, 3, 1, 9)}
    return {
        "alice": actions.open_obligation("DS-1", branch=desk.branch_a, owner=desk.alice, **kw),
        "bob": actions.open_obligation("DS-3", branch=desk.branch_a, owner=desk.bob, **kw),
        "carol": actions.open_obligation("DS-1", branch=desk.branch_b, owner=desk.carol, **kw),
    }


def test_anonymous_gets_401_in_the_error_format(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert body["message"]
    assert body["fields"] == {}


def test_openapi_is_public_and_lists_the_worklist(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/worklist" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_me_with_bearer_token(client, desk):
    token = create_api_token(desk.alice)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    me = response.json()
    assert (me["username"], me["roles"], me["branch_id"]) == (
        "alice", ["advisor", "followup_advisor"], desk.branch_a.pk,
    )  # fmt: skip
    assert me["time_zone"] == "Asia/Shanghai"


def test_bad_token_is_401(client, desk):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_users_is_for_supervisors_and_administrators(api_client, desk):
    assert api_client.as_user(desk.alice).get("/users").status_code == 403
    names = [u["username"] for u in api_client.as_user(desk.sam).get("/users").json()]
    assert names == ["alice", "bob", "sam"]
    everyone = [u["username"] for u in api_client.as_user(desk.ada).get("/users").json()]
    assert set(everyone) == {"alice", "bob", "sam", "carol", "sue", "ada"}


def test_worklist_returns_own_work_with_owner_fields(api_client, desk, work):
    body = api_client.as_user(desk.alice).get("/worklist").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == work["alice"].pk
    assert item["rule"] == "DS-1"
    assert item["owner"] == item["acting_owner"] == desk.alice.pk
    assert item["status"] == "overdue"
    assert item["due_at"] == "2026-03-03T23:59:59.999999+08:00"


def test_obligation_filters(api_client, desk, work):
    api = api_client.as_user(desk.sam)
    ids = lambda **q: sorted(o["id"] for o in api.get("/obligations", **q).json()["items"])  # noqa: E731
    assert ids() == sorted([work["alice"].pk, work["bob"].pk])
    assert ids(rule="DS-3") == [work["bob"].pk]
    assert ids(owner=desk.alice.pk) == [work["alice"].pk]
    assert ids(status="overdue") == sorted([work["alice"].pk, work["bob"].pk])
    assert ids(status="done_on_time") == []


def test_unknown_status_filter_is_422_with_field(api_client, desk):
    response = api_client.as_user(desk.sam).get("/obligations", status="soon")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "status" in response.json()["fields"]


def test_branch_a_cannot_see_or_change_branch_b(api_client, desk, work):
    api = api_client.as_user(desk.sam)
    carols = work["carol"].pk
    assert api.get(f"/obligations/{carols}").status_code == 404
    assert api.post(f"/obligations/{carols}/fulfil", {}).status_code == 404
    assert api.post(f"/obligations/{carols}/cancel", {"reason": "x"}).status_code == 404
    assert carols not in [o["id"] for o in api.get("/obligations").json()["items"]]
    work["carol"].refresh_from_db()
    assert work["carol"].done_at is None and work["carol"].cancelled_at is None


def test_advisor_cannot_see_a_colleagues_work(api_client, desk, work):
    api = api_client.as_user(desk.alice)
    assert api.get(f"/obligations/{work['bob'].pk}").status_code == 404


def test_fulfil_over_api_and_refuse_twice_with_409(api_client, desk, work):
    api = api_client.as_user(desk.alice)
    url = f"/obligations/{work['alice'].pk}/fulfil"
    response = api.post(url, {"at": "2026-03-02T10:00:00+08:00", "outcome": "已完成"})
    assert response.status_code == 200
    assert response.json()["status"] == "done_on_time"
    again = api.post(url, {"at": "2026-03-02T11:00:00+08:00"})
    assert again.status_code == 409
    assert again.json()["code"] == "obligation_done"


def test_future_moment_is_422_and_changes_nothing(api_client, desk, work):
    api = api_client.as_user(desk.alice)
    response = api.post(
        f"/obligations/{work['alice'].pk}/fulfil", {"at": "2099-01-01T00:00:00+08:00"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "future_moment"
    assert "at" in response.json()["fields"]
    assert Obligation.objects.get(pk=work["alice"].pk).done_at is None


def test_error_message_is_translated(api_client, desk, work):
    api = api_client.as_user(desk.alice)
    url = f"/obligations/{work['alice'].pk}/fulfil"
    body = {"at": "2099-01-01T00:00:00+08:00"}
    from django.test import Client

    client = Client(headers={"Accept-Language": "zh-hant"})
    client.force_login(desk.alice)
    zh = client.post(f"/api/v1{url}", body, content_type="application/json").json()["message"]
    en = api.post(url, body).json()["message"]
    assert en == "A moment in the future cannot be recorded."
    assert zh != en


def test_supervisor_records_absence_and_stand_in_sees_work(api_client, desk, work):
    response = api_client.as_user(desk.sam).post(
        "/absences",
        {
            "user_id": desk.bob.pk,
            "starts_at": "2026-01-01T00:00:00+08:00",
            "ends_at": "2099-01-01T00:00:00+08:00",
            "stand_in_id": desk.alice.pk,
        },
    )
    assert response.status_code == 201
    items = api_client.as_user(desk.alice).get("/worklist").json()["items"]
    bobs = next(i for i in items if i["id"] == work["bob"].pk)
    assert (bobs["owner"], bobs["acting_owner"]) == (desk.bob.pk, desk.alice.pk)


def test_advisor_cannot_record_absences(api_client, desk):
    response = api_client.as_user(desk.alice).post(
        "/absences",
        {
            "user_id": desk.alice.pk,
            "starts_at": "2026-01-01T00:00:00+08:00",
            "ends_at": "2026-01-02T00:00:00+08:00",
            "stand_in_id": desk.alice.pk,
        },
    )
    assert response.status_code in (403, 404)
