"""The issue's acceptance for owner training: BS-11 and BS-2 on a departure, sessions only on a
confirmed version (BS-4), the track's standard topics (BS-3), trainee requirements flagged,
never refused (BS-1). Organisation Asia/Shanghai; moments exact."""

import pytest
import time_machine

from aftercare.agreements import actions as agreements
from aftercare.errors import Conflict, InvalidInput
from aftercare.obligations.models import Obligation
from aftercare.training import actions, queries
from aftercare.training.models import Attendance, TrainingPlan, TrainingSession
from tests.training.helpers import at, confirmed_plan, end, qualify, world

pytestmark = pytest.mark.django_db


def pending(rule):
    return Obligation.objects.pending().filter(rule=rule)


def alarm_operators(w):
    return pending("BS-2").filter(title_params__system=w.alarm.name, title_params__track="operator")


def test_an_operator_leaving_opens_bs11_and_bs2_and_a_new_qualified_operator_fulfils_both():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        plan = confirmed_plan(w)
        first, second, newcomer = w.staff
        qualify(w, plan, [first, second], at(2026, 8, 10, 9, 0))
        assert actions.qualified_count(w.alarm, "operator") == 2
        assert not alarm_operators(w).exists()
    with time_machine.travel(at(2026, 9, 1, 17, 0), tick=False):
        from datetime import date

        actions.depart(first, by=w.cora, left_on=date(2026, 9, 1))
        (bs11,) = pending("BS-11")
        assert bs11.due_at == end(2026, 10, 1)
        assert bs11.owner == w.cora and bs11.customer_id == w.b.owner.pk
        (bs2,) = alarm_operators(w)
        assert bs2.owner == w.cora and bs2.due_at == end(2026, 10, 1)
        assert actions.qualified_count(w.alarm, "operator") == 1
    with time_machine.travel(at(2026, 9, 15, 17, 0), tick=False):
        qualify(w, plan, [newcomer], at(2026, 9, 15, 9, 0))
        bs11.refresh_from_db()
        bs2.refresh_from_db()
        assert bs11.done_at == at(2026, 9, 15, 11, 0) and bs11.done_by == w.cora
        assert bs2.done_at == at(2026, 9, 15, 11, 0)
        cells = {
            (row.system.pk, cell.track): cell for row in queries.coverage(w.b.site)
            for cell in row.cells
        }  # fmt: skip
        assert cells[(w.alarm.pk, "operator")].ok
        assert [t.name for t in cells[(w.alarm.pk, "operator")].names] == ["林家豪", "黃偉傑"]


def test_a_named_replacement_is_who_fulfils_the_retraining():
    with time_machine.travel(at(2026, 9, 20, 9, 0), tick=False):
        from datetime import date

        w = world()
        plan = confirmed_plan(w)
        first, second, third = w.staff
        replacement = actions.enrol(by=w.cora, customer=w.b.owner, name="吳美玲")
        qualify(w, plan, [first, second], at(2026, 8, 10, 9, 0))
        actions.depart(first, by=w.cora, left_on=date(2026, 9, 1), replaced_by=replacement)
        (bs11,) = pending("BS-11")
        qualify(w, plan, [third], at(2026, 9, 10, 9, 0))  # someone else: coverage, not BS-11
        bs11.refresh_from_db()
        assert bs11.done_at is None
        assert not alarm_operators(w).exists()
        qualify(w, plan, [replacement], at(2026, 9, 12, 9, 0))
        bs11.refresh_from_db()
        assert bs11.done_at == at(2026, 9, 12, 11, 0)


def test_a_session_on_an_unconfirmed_version_is_refused_and_writes_nothing(api_client):
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        plan = actions.draft_plan(by=w.cora, system=w.alarm, track="operator")
        with pytest.raises(Conflict) as refused:
            actions.hold_session(
                plan, by=w.cora, held_at=at(2026, 8, 20, 8, 0), topics=["operator.principles"],
                trainees=w.staff[:1], trainer="李工",
            )  # fmt: skip
        assert "awaits the owner's confirmation" in str(refused.value.message)
        api = api_client.as_user(w.cora)
        response = api.post("/training-sessions", {
            "plan_id": plan.pk, "held_at": "2026-08-20T08:00:00+08:00",
            "topics": ["operator.principles"], "trainee_ids": [w.staff[0].pk],
        })  # fmt: skip
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "plan_not_confirmed"
        assert not TrainingSession.objects.exists() and not Attendance.objects.exists()


def test_a_revised_plan_holds_sessions_back_until_the_new_version_is_confirmed(api_client):
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        plan = confirmed_plan(w)
        body = {
            "plan_id": plan.pk, "held_at": "2026-08-05T09:00:00+08:00",
            "topics": ["operator.principles"], "trainee_ids": [w.staff[0].pk],
        }  # fmt: skip
        api = api_client.as_user(w.cora)
        assert api.post("/training-sessions", body).status_code == 201
        agreements.revise(
            plan.agreement, by=w.cora, reason="業主要求增加聯動測試",
            changes={"topics": [*plan.agreement.versions.get().terms["topics"], "聯動測試"]},
            at=at(2026, 8, 6, 9, 0),
        )  # fmt: skip
        refused = api.post("/training-sessions", {**body, "held_at": "2026-08-07T09:00:00+08:00"})
        assert refused.status_code == 409 and "2" in refused.json()["message"]
        assert TrainingSession.objects.count() == 1
        agreements.submit(plan.agreement, by=w.cora, at=at(2026, 8, 8, 9, 0))
        assert api.post("/training-sessions", body).status_code == 409
        agreements.confirm(
            plan.agreement, by=w.cora, confirmed_by="王經理",
            signature_png=__import__("aftercare.training.demo", fromlist=["SIGNATURE"]).SIGNATURE,
            at=at(2026, 8, 9, 9, 0),
        )  # fmt: skip
        again = api.post(
            "/training-sessions",
            {**body, "held_at": "2026-08-10T09:00:00+08:00", "topics": ["聯動測試"]},
        )
        assert again.status_code == 201, again.content
        assert again.json()["version"] == 2


def test_a_plan_missing_a_standard_topic_is_refused_naming_it_and_extra_topics_are_allowed(
    api_client,
):
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        api = api_client.as_user(w.cora)
        topics = ["operator.principles", "operator.equipment", "operator.maintenance"]
        response = api.post(
            "/training-plans", {"system_id": w.alarm.pk, "track": "operator", "topics": topics}
        )
        assert response.status_code == 422
        assert "operator.drawings" in str(response.json()["fields"]["topics"])
        assert "as-built drawings" in str(response.json()["fields"]["topics"])
        assert not TrainingPlan.objects.exists()
        with pytest.raises(InvalidInput):
            actions.draft_plan(by=w.cora, system=w.alarm, track="manager",
                               topics=["manager.structure"])  # fmt: skip
        ok = api.post("/training-plans", {
            "system_id": w.alarm.pk, "track": "operator",
            "topics": [*topics, "operator.drawings", "消防聯動演練"],
        })  # fmt: skip
        assert ok.status_code == 201, ok.content
        assert [t["key"] for t in ok.json()["topics"]][-1] == "消防聯動演練"
        assert ok.json()["state"] == "draft" and ok.json()["id"] == TrainingPlan.objects.get().pk


def test_a_trainee_below_the_plans_requirement_is_flagged_never_refused(api_client, client):
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        plan = confirmed_plan(w, min_education="associate", min_english_level="reading")
        api = api_client.as_user(w.cora)
        response = api.post("/trainees", {
            "customer_id": w.b.owner.pk, "name": "張小明", "role": "值班員",
            "education": "secondary", "technical_background": "保安轉崗", "english_level": "none",
        })  # fmt: skip
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["flagged"] is True
        assert data["flags"][0]["plan_id"] == plan.pk
        assert any("Education below" in p for p in data["flags"][0]["problems"])
        assert any("English below" in p for p in data["flags"][0]["problems"])
        detail = api.get(f"/training-plans/{plan.pk}").json()
        assert "張小明" in [row["name"] for row in detail["flagged"]]
        # attending is not refused either
        session = api.post("/training-sessions", {
            "plan_id": plan.pk, "held_at": "2026-08-20T08:00:00+08:00",
            "topics": ["operator.principles"], "trainee_ids": [data["id"]],
        })  # fmt: skip
        assert session.status_code == 201
        client.force_login(w.cora)
        page = client.get(f"/training/trainees/{data['id']}/", HTTP_ACCEPT_LANGUAGE="en")
        assert "Below a plan" in page.content.decode()
        plan_page = client.get(f"/training/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        assert "張小明" in plan_page.content.decode()
