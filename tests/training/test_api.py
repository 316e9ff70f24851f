"""The training API: bad input is a 422 naming the field and writes nothing; another branch's
records are missing (404) and a role without the permission is refused (403)."""

from datetime import date

import pytest
import time_machine

from aftercare.training import actions
from aftercare.training.models import Assessment, Trainee, TrainingPlan, TrainingSession
from tests.factories import UserFactory
from tests.training.helpers import at, confirmed_plan, qualify, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        yield world()


def test_bad_input_names_the_field_and_writes_nothing(w, api_client):
    api = api_client.as_user(w.cora)
    trainees = Trainee.objects.count()
    for body, field in [
        ({"customer_id": w.b.owner.pk, "name": "", "education": "none"}, "name"),
        ({"customer_id": w.b.owner.pk, "name": "甲", "education": "phd"}, "education"),
        ({"customer_id": w.b.owner.pk, "name": "甲", "english_level": 3}, "english_level"),
        ({"customer_id": 999999, "name": "甲"}, "customer_id"),
        ({"customer_id": w.b.owner.pk, "name": "甲", "phone": "1"}, "phone"),
    ]:
        response = api.post("/trainees", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["fields"], (body, response.json())
    assert Trainee.objects.count() == trainees
    plan_cases = [
        ({"system_id": w.alarm.pk, "track": "driver"}, "track"),
        ({"system_id": 999999, "track": "operator"}, "system_id"),
        ({"system_id": w.alarm.pk, "track": "operator", "topics": "all"}, "topics"),
        ({"system_id": w.alarm.pk, "track": "operator", "min_english_level": "native"},
         "min_english_level"),
    ]  # fmt: skip
    for body, field in plan_cases:
        response = api.post("/training-plans", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["fields"], (body, response.json())
    assert not TrainingPlan.objects.exists()
    plan = confirmed_plan(w)
    for body, field in [
        ({"topics": ["operator.principles"], "trainee_ids": []}, "trainee_ids"),
        ({"topics": ["manager.parameters"], "trainee_ids": [w.staff[0].pk]}, "topics"),
        ({"topics": ["operator.principles"], "trainee_ids": [999999]}, "trainee_ids"),
        ({"topics": ["operator.principles"], "trainee_ids": [w.staff[0].pk],
          "held_at": "2026-08-21T09:00:00"}, "held_at"),
        ({"topics": ["operator.principles"], "trainee_ids": [w.staff[0].pk],
          "held_at": "2026-09-21T09:00:00+08:00"}, "held_at"),
    ]:  # fmt: skip
        response = api.post("/training-sessions", {"plan_id": plan.pk, **body})
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["fields"], (body, response.json())
    assert not TrainingSession.objects.exists()
    trainee = w.staff[0]
    for body, field in [
        ({"system_id": w.b.other_site.pk * 1000, "track": "operator", "passed": True}, "system_id"),
        ({"system_id": w.alarm.pk, "track": "operator", "passed": "yes"}, "passed"),
    ]:
        response = api.post(f"/trainees/{trainee.pk}/assessments", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["fields"]
    assert not Assessment.objects.exists()
    for body, field in [
        ({"left_on": "2026-09-30"}, "left_on"),
        ({"left_on": "1 Sept"}, "left_on"),
        ({"left_on": "2026-08-01", "replaced_by_id": trainee.pk}, "replaced_by_id"),
    ]:
        response = api.post(f"/trainees/{trainee.pk}/departure", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["fields"]
    trainee.refresh_from_db()
    assert trainee.left_on is None


def test_another_branch_sees_nothing_and_an_engineer_only_reads(w, api_client):
    plan = confirmed_plan(w)
    trainee = w.staff[0]
    other = UserFactory(username="otto", branch=w.b.other_branch, roles=["training_coordinator"])
    api = api_client.as_user(other)
    assert api.get(f"/trainees/{trainee.pk}").status_code == 404
    assert api.get(f"/training-plans/{plan.pk}").status_code == 404
    assert api.get(f"/sites/{w.b.site.pk}/training-coverage").status_code == 404
    assert api.get("/trainees").json()["count"] == 0
    assert (
        api.post(
            f"/trainees/{trainee.pk}/assessments",
            {"system_id": w.alarm.pk, "track": "operator", "passed": True},
        ).status_code
        == 404
    )
    assert api.post("/training-sessions", {
        "plan_id": plan.pk, "topics": ["operator.principles"], "trainee_ids": [trainee.pk],
    }).status_code == 404  # fmt: skip
    assert api.post("/trainees", {"customer_id": w.b.owner.pk, "name": "甲"}).status_code == 422
    engineer = api_client.as_user(w.b.eve)
    assert engineer.get(f"/trainees/{trainee.pk}").status_code == 200
    assert engineer.get(f"/sites/{w.b.site.pk}/training-coverage").status_code == 200
    refused = engineer.post("/trainees", {"customer_id": w.b.owner.pk, "name": "甲"})
    assert refused.status_code == 403
    assert engineer.post(f"/trainees/{trainee.pk}/departure", {"left_on": "2026-08-19"}
                         ).status_code == 403  # fmt: skip
    assert Trainee.objects.count() == 3
    assert not Trainee.objects.filter(left_on__isnull=False).exists()


def test_one_trainee_with_sessions_assessments_and_qualifications(w, api_client):
    plan = confirmed_plan(w)
    first, second, _third = w.staff
    qualify(w, plan, [first, second], at(2026, 8, 10, 9, 0))
    api = api_client.as_user(w.cora)
    data = api.get(f"/trainees/{first.pk}").json()
    assert [s["topics"] for s in data["sessions"]] == [[
        "operator.principles", "operator.equipment", "operator.maintenance", "operator.drawings",
    ]]  # fmt: skip
    assert data["assessments"][0]["passed"] and data["assessments"][0]["qualified"]
    assert data["qualifications"][0]["system_id"] == w.alarm.pk
    assert data["qualifications"][0]["qualified_at"] == "2026-08-10T11:00:00+08:00"
    coverage = api.get(f"/sites/{w.b.site.pk}/training-coverage").json()
    alarm = next(s for s in coverage["systems"] if s["system_id"] == w.alarm.pk)
    operators = next(t for t in alarm["tracks"] if t["track"] == "operator")
    assert operators["count"] == 2 and operators["ok"] and operators["obligation_id"] is None
    managers = next(t for t in alarm["tracks"] if t["track"] == "manager")
    assert managers["count"] == 0 and not managers["ok"]
    with time_machine.travel(at(2026, 9, 1, 12, 0), tick=False):
        left = api.post(f"/trainees/{first.pk}/departure", {"left_on": "2026-09-01"})
    assert left.status_code == 201, left.content
    assert left.json()["trainee"]["left_on"] == "2026-09-01"
    assert [r["system_id"] for r in left.json()["retrainings"]] == [w.alarm.pk]
    again = api.post(f"/trainees/{first.pk}/departure", {"left_on": "2026-09-01"})
    assert again.status_code == 409
    coverage = api.get(f"/sites/{w.b.site.pk}/training-coverage").json()
    alarm = next(s for s in coverage["systems"] if s["system_id"] == w.alarm.pk)
    operators = next(t for t in alarm["tracks"] if t["track"] == "operator")
    assert operators["count"] == 1 and operators["obligation_id"] is not None
    assert operators["due_at"] == "2026-10-01T23:59:59.999999+08:00"
    assert [p["name"] for p in operators["people"]] == ["林家豪"]
    listed = api.get("/trainees", present="true").json()
    assert first.pk not in [row["id"] for row in listed["items"]]
    plans = api.get("/training-plans", site_id=w.b.site.pk).json()
    assert [p["id"] for p in plans["items"]] == [plan.pk]
    assert actions.qualified_count(w.alarm, "operator") == 1
    assert date(2026, 9, 1) == Trainee.objects.get(pk=first.pk).left_on


def test_the_plan_goes_through_the_shared_plan_api_by_its_own_id(w, api_client):
    from aftercare.training.demo import SIGNATURE

    api = api_client.as_user(w.cora)
    plan = api.post("/training-plans", {"system_id": w.alarm.pk, "track": "manager"}).json()
    body = {"plan_id": plan["id"], "topics": ["manager.structure"], "trainee_ids": [w.staff[0].pk]}
    assert api.post("/training-sessions", body).status_code == 409
    assert api.post(f"/plans/training/{plan['id']}/submit", {}).status_code == 200
    confirmed = api.post(
        f"/plans/training/{plan['id']}/confirm",
        {"confirmed_by": "王經理", "signature_png": SIGNATURE},
    )
    assert confirmed.status_code == 200, confirmed.content
    assert api.get(f"/training-plans/{plan['id']}").json()["deliverable"] is True
    assert api.post("/training-sessions", body).status_code == 201
