"""The outreach API over HTTP: campaigns, scheduling, targets, letters, notice calls."""

from aftercare.obligations.models import Obligation
from aftercare.outreach.models import Campaign, CampaignTarget, Letter
from tests.factories import CustomerFactory
from tests.obligations.helpers import at

CAMPAIGN = {
    "name": "會員聯誼會",
    "kind": "club_event",
    "content": "車主聯誼，備有茶點",
    "starts_at": "2026-05-20T09:00:00+08:00",
    "ends_at": "2026-05-20T17:00:00+08:00",
    "address": "北區店二樓",
}


def customers(desk, n=3, **extra):
    return [
        CustomerFactory(
            branch=desk.branch_a,
            name=f"客戶{i}",
            followup_advisor=desk.alice,
            address="北京市一號",
            **extra,
        )  # fmt: skip
        for i in range(n)
    ]


def test_create_schedule_and_list_targets(desk, api_client):
    people = customers(desk)
    api = api_client.as_user(desk.sam)
    created = api.post("/campaigns", {**CAMPAIGN, "customer_ids": [c.pk for c in people]})
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert created.json()["scheduled_at"] is None

    scheduled = api.post(f"/campaigns/{campaign_id}/schedule", {"at": "2026-04-01T10:00:00+08:00"})
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["targets"] == 3 and scheduled.json()["notices_late"] is False
    dues = {o.due_at.isoformat() for o in Obligation.objects.filter(rule="DS-7")}
    assert dues == {"2026-05-06T15:59:59.999999+00:00"}

    again = api.post(f"/campaigns/{campaign_id}/schedule", {})
    assert again.status_code == 409
    assert Obligation.objects.filter(rule="DS-7").count() == 3

    targets = api.get(f"/campaigns/{campaign_id}/targets")
    assert targets.status_code == 200
    assert sorted(t["customer_name"] for t in targets.json()["items"]) == [
        "客戶0",
        "客戶1",
        "客戶2",
    ]
    listed = api.get("/campaigns")
    assert [c["id"] for c in listed.json()["items"]] == [campaign_id]


def test_filters_select_by_consent(desk, api_client):
    people = customers(desk, 2)
    CustomerFactory(branch=desk.branch_a, name="不收信", consents_to_letters=False)
    api = api_client.as_user(desk.sam)
    created = api.post("/campaigns", {**CAMPAIGN, "filters": {"consent": "letters"}})
    assert created.status_code == 201, created.content
    api.post(f"/campaigns/{created.json()['id']}/schedule", {"at": "2026-04-01T10:00:00+08:00"})
    targets = set(CampaignTarget.objects.values_list("customer_id", flat=True))
    assert targets == {c.pk for c in people}


def test_advisors_may_not_plan_campaigns_and_nothing_is_written(desk, api_client):
    response = api_client.as_user(desk.alice).post("/campaigns", CAMPAIGN)
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_other_branches_campaigns_are_not_found(desk, api_client):
    api = api_client.as_user(desk.sam)
    campaign_id = api.post("/campaigns", CAMPAIGN).json()["id"]
    other = api_client.as_user(desk.sue)
    assert other.get(f"/campaigns/{campaign_id}").status_code == 404
    assert other.post(f"/campaigns/{campaign_id}/schedule", {}).status_code == 404


def test_bad_campaigns_are_refused(desk, api_client):
    api = api_client.as_user(desk.sam)
    backwards = api.post("/campaigns", {**CAMPAIGN, "ends_at": "2026-05-19T09:00:00+08:00"})
    assert backwards.status_code == 422 and "ends_at" in backwards.json()["fields"]
    stranger = CustomerFactory(branch=desk.branch_b)
    foreign = api.post("/campaigns", {**CAMPAIGN, "customer_ids": [stranger.pk]})
    assert foreign.status_code == 422 and "customer_ids" in foreign.json()["fields"]
    assert api.post("/campaigns", {**CAMPAIGN, "kind": "party"}).status_code == 422
    assert not Campaign.objects.exists()


def test_notice_call_and_letter_over_the_api(desk, api_client):
    (wang,) = customers(desk, 1, prefers_letters=True)
    sam = api_client.as_user(desk.sam)
    campaign_id = sam.post("/campaigns", {**CAMPAIGN, "customer_ids": [wang.pk]}).json()["id"]
    sam.post(f"/campaigns/{campaign_id}/schedule", {"at": "2026-04-01T10:00:00+08:00"})
    alice = api_client.as_user(desk.alice)
    call = alice.post("/calls", {
        "customer_id": wang.pk, "direction": "out", "purpose": "campaign_notice",
        "occurred_at": "2026-05-05T15:00:00+08:00", "reached": True, "campaign_id": campaign_id,
    })  # fmt: skip
    assert call.status_code == 201, call.content
    letter_due = Obligation.objects.get(rule="DS-7L")
    assert letter_due.due_at == at(2026, 5, 7, 23, 59, 59, 999999)

    letter = alice.post("/letters", {
        "customer_id": wang.pk, "kind": "notice", "sent_at": "2026-05-06T10:00:00+08:00",
        "campaign_id": campaign_id,
    })  # fmt: skip
    assert letter.status_code == 201, letter.content
    assert letter.json()["register_number"] == "A-L-2026-000001"
    letter_due.refresh_from_db()
    assert letter_due.done_at is not None
    listed = alice.get("/letters", campaign_id=campaign_id)
    assert [x["id"] for x in listed.json()["items"]] == [letter.json()["id"]]


def test_bad_letters_are_refused_with_nothing_written(desk, api_client):
    (li,) = customers(desk, 1)
    api = api_client.as_user(desk.alice)
    future = api.post("/letters", {"customer_id": li.pk, "kind": "invitation",
                                   "sent_at": "2099-01-01T10:00:00+08:00"})  # fmt: skip
    assert future.status_code == 422
    unknown = api.post("/letters", {"customer_id": 999999, "kind": "notice"})
    assert unknown.status_code == 404
    reply = api.post("/letters", {"customer_id": li.pk, "kind": "reply"})
    assert reply.status_code == 422 and "raised_item_id" in reply.json()["fields"]
    assert not Letter.objects.exists()


def test_a_notice_call_for_a_campaign_of_another_branch_is_not_found(desk, api_client):
    (li,) = customers(desk, 1)
    sue = api_client.as_user(desk.sue)
    other = sue.post("/campaigns", CAMPAIGN).json()["id"]
    call = api_client.as_user(desk.alice).post("/calls", {
        "customer_id": li.pk, "direction": "out", "purpose": "campaign_notice",
        "reached": True, "campaign_id": other,
    })  # fmt: skip
    assert call.status_code == 404
    assert not li.calls.exists()
