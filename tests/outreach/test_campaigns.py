"""Campaign notices (DS-7) and the letters that follow (DS-7L, DS-9)."""

import pytest

from aftercare.errors import Conflict, InvalidInput
from aftercare.followups.actions import record_call
from aftercare.obligations.models import Obligation
from aftercare.outreach import actions
from aftercare.outreach.models import CampaignTarget, Letter
from aftercare.outreach.queries import letter_register, results
from aftercare.outreach.targets import TargetFilters
from tests.factories import CustomerFactory
from tests.obligations.helpers import at, end


def customer(desk, name, **extra):
    defaults = {
        "branch": desk.branch_a,
        "followup_advisor": desk.alice,
        "address": "北京市朝陽區一號",
    }
    return CustomerFactory(name=name, **{**defaults, **extra})


def campaign_for(desk, customers, starts=None):
    return actions.create_campaign(
        by=desk.sam, branch=desk.branch_a, name="春季免費檢測", kind="free_inspection",
        content="免費檢測二十項", starts_at=starts or at(2026, 5, 20, 9, 0),
        ends_at=at(2026, 5, 24, 17, 0),
        address="北區店", filters=TargetFilters(customer_ids=[c.pk for c in customers]),
    )  # fmt: skip


def notice_call(desk, who, campaign, moment, reached=True):
    return record_call(
        who, by=desk.alice, direction="out", purpose="campaign_notice", at=moment,
        reached=reached, campaign=campaign,
    )  # fmt: skip


def test_acceptance_three_notices_a_letter_and_its_register_line(desk):
    wang = customer(desk, "王小明", prefers_letters=True)
    li, zhang = customer(desk, "李四"), customer(desk, "張三")
    campaign = campaign_for(desk, [wang, li, zhang])

    campaign = actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 4, 1, 10, 0))

    notices = Obligation.objects.filter(rule="DS-7").order_by("customer__name")
    assert notices.count() == 3
    assert {o.due_at for o in notices} == {end(2026, 5, 6)}
    assert {o.owner for o in notices} == {desk.alice}
    assert campaign.notices_late is False

    call = notice_call(desk, wang, campaign, at(2026, 5, 5, 15, 0))

    done = Obligation.objects.get(rule="DS-7", customer=wang)
    assert done.done_at == at(2026, 5, 5, 15, 0) and done.outcome == call.register_number
    assert Obligation.objects.pending().filter(rule="DS-7").count() == 2
    letter_due = Obligation.objects.get(rule="DS-7L", customer=wang)
    assert letter_due.due_at == end(2026, 5, 7)

    letter = actions.record_letter(
        wang, by=desk.alice, kind="notice", at=at(2026, 5, 6, 11, 0), campaign=campaign
    )

    letter_due.refresh_from_db()
    assert letter_due.done_at == at(2026, 5, 6, 11, 0)
    assert letter.register_number == "A-L-2026-000001"
    register = list(letter_register(desk.branch_a, at(2026, 5, 1, 0, 0), at(2026, 6, 1, 0, 0)))
    assert register == [letter]
    assert "王小明" in letter.body and "免費檢測二十項" in letter.body
    assert letter.address == "北京市朝陽區一號"
    figures = results(campaign)
    assert (figures["targets"], figures["reached"], figures["letters"]) == (3, 1, 1)


def test_a_reached_customer_who_takes_calls_gets_no_letter(desk):
    li = customer(desk, "李四")
    campaign = actions.schedule_campaign(
        campaign_for(desk, [li]), by=desk.sam, at=at(2026, 4, 1, 10, 0)
    )
    notice_call(desk, li, campaign, at(2026, 5, 2, 9, 0))
    assert not Obligation.objects.filter(rule="DS-7L").exists()
    assert Obligation.objects.get(rule="DS-7").done_at == at(2026, 5, 2, 9, 0)


def test_third_failed_attempt_opens_the_letter_and_closes_the_phone_notice(desk):
    li = customer(desk, "李四")
    campaign = actions.schedule_campaign(
        campaign_for(desk, [li]), by=desk.sam, at=at(2026, 4, 1, 10, 0)
    )
    notice_call(desk, li, campaign, at(2026, 5, 1, 9, 0), reached=False)
    notice_call(desk, li, campaign, at(2026, 5, 2, 9, 0), reached=False)
    assert not Obligation.objects.filter(rule="DS-7L").exists()
    notice_call(desk, li, campaign, at(2026, 5, 3, 18, 30), reached=False)
    letter_due = Obligation.objects.get(rule="DS-7L")
    assert letter_due.due_at == end(2026, 5, 5)
    notice = Obligation.objects.get(rule="DS-7")
    assert notice.done_at == at(2026, 5, 3, 18, 30) and notice.outcome == "unreachable"
    target = CampaignTarget.objects.get()
    assert target.reached is False and target.notified_at is None


def test_a_late_campaign_is_flagged_and_its_notices_are_due_that_day(desk):
    li = customer(desk, "李四")
    campaign = campaign_for(desk, [li])
    campaign = actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 5, 10, 16, 0))
    assert campaign.notices_late is True
    assert Obligation.objects.get(rule="DS-7").due_at == end(2026, 5, 10)


def test_scheduled_on_the_last_day_in_time_is_not_late(desk):
    campaign = campaign_for(desk, [customer(desk, "李四")])
    campaign = actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 5, 6, 23, 0))
    assert campaign.notices_late is False
    assert Obligation.objects.get(rule="DS-7").due_at == end(2026, 5, 6)


def test_scheduling_twice_is_refused_and_writes_nothing(desk):
    campaign = campaign_for(desk, [customer(desk, "李四")])
    actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 4, 1, 10, 0))
    with pytest.raises(Conflict):
        actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 4, 2, 10, 0))
    assert Obligation.objects.filter(rule="DS-7").count() == 1
    assert CampaignTarget.objects.count() == 1


def test_a_campaign_that_has_started_cannot_be_scheduled(desk):
    campaign = campaign_for(desk, [customer(desk, "李四")])
    with pytest.raises(InvalidInput):
        actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 5, 21, 10, 0))
    assert not CampaignTarget.objects.exists()


def test_customers_without_an_advisor_are_owed_by_the_scheduler(desk):
    campaign = campaign_for(desk, [customer(desk, "李四", followup_advisor=None)])
    actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 4, 1, 10, 0))
    assert Obligation.objects.get(rule="DS-7").owner == desk.sam


def test_a_notice_call_for_someone_not_targeted_is_refused_with_nothing_written(desk):
    li, outsider = customer(desk, "李四"), customer(desk, "外人")
    campaign = actions.schedule_campaign(
        campaign_for(desk, [li]), by=desk.sam, at=at(2026, 4, 1, 10, 0)
    )
    with pytest.raises(InvalidInput) as refused:
        notice_call(desk, outsider, campaign, at(2026, 5, 2, 9, 0))
    assert "campaign_id" in refused.value.fields
    assert not outsider.calls.exists()


def test_attendance_and_replies_count_in_the_results(desk):
    li, zhang = customer(desk, "李四"), customer(desk, "張三")
    campaign = actions.schedule_campaign(
        campaign_for(desk, [li, zhang]), by=desk.sam, at=at(2026, 4, 1, 10, 0)
    )
    target = CampaignTarget.objects.get(customer=li)
    actions.record_attendance(target, by=desk.alice, attended=True, replied=True)
    figures = results(campaign)
    assert (figures["attended"], figures["replied"], figures["targets"]) == (1, 1, 2)


def test_only_supervisors_plan_campaigns(desk):
    from aftercare.errors import NotAllowed

    with pytest.raises(NotAllowed):
        actions.create_campaign(
            by=desk.alice, branch=desk.branch_a, name="x", kind="other", content="",
            starts_at=at(2026, 5, 20, 9, 0), ends_at=at(2026, 5, 20, 12, 0), address="",
            filters=TargetFilters(),
        )  # fmt: skip


def test_letters_are_append_only_and_amendments_keep_the_original(desk):
    li = customer(desk, "李四")
    campaign = campaign_for(desk, [li])
    letter = actions.record_letter(
        li, by=desk.alice, kind="invitation", at=at(2026, 5, 6, 11, 0), campaign=campaign
    )
    original = letter.subject
    amendment = actions.amend_letter(
        letter, by=desk.alice, field="subject", value="更正的標題", reason="錯字"
    )
    letter.refresh_from_db()
    assert letter.subject == original
    assert (amendment.old_value, amendment.new_value) == (original, "更正的標題")
    assert actions.effective_value(letter, "subject") == "更正的標題"


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [("reply", {}, "raised_item_id"), ("notice", {}, "campaign_id"), ("letter", {}, "kind")],
)
def test_bad_letters_are_refused_with_nothing_written(desk, kind, extra, field):
    li = customer(desk, "李四")
    with pytest.raises(InvalidInput) as refused:
        actions.record_letter(li, by=desk.alice, kind=kind, at=at(2026, 5, 6, 11, 0), **extra)
    assert field in refused.value.fields
    assert not Letter.objects.exists()


def test_the_next_service_plan_suggests_upcoming_campaigns(desk):
    from aftercare.followups.actions import suggest_topics

    li = customer(desk, "李四")
    actions.schedule_campaign(campaign_for(desk, [li]), by=desk.sam, at=at(2026, 4, 1, 10, 0))
    assert "free_inspection" in suggest_topics(li, at=at(2026, 4, 2, 10, 0))
    assert "free_inspection" not in suggest_topics(li, at=at(2026, 5, 25, 10, 0))  # over


def test_a_big_campaign_is_scheduled_by_the_worker(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    people = [customer(desk, f"客戶{i}") for i in range(3)]
    campaign = campaign_for(desk, people)
    monkeypatch.setattr(actions, "SCHEDULE_IN_REQUEST_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):
        requested = actions.request_schedule(campaign, by=desk.sam, at=at(2026, 4, 1, 10, 0))
        assert requested.scheduled_at is None and requested.schedule_total == 3
    campaign.refresh_from_db()
    assert campaign.scheduled_at == at(2026, 4, 1, 10, 0)
    assert Obligation.objects.filter(rule="DS-7").count() == 3


def test_a_notice_call_logged_without_its_campaign_finds_it_from_the_worklist(desk, client):
    wang = customer(desk, "王小明", prefers_letters=True)
    campaign = actions.schedule_campaign(
        campaign_for(desk, [wang]), by=desk.sam, at=at(2026, 4, 1, 10, 0)
    )
    notice = Obligation.objects.get(rule="DS-7")
    client.force_login(desk.alice)
    page = client.get(f"/calls/new/?customer={wang.pk}&obligation={notice.pk}")
    assert page.status_code == 200
    response = client.post(f"/calls/new/?customer={wang.pk}&obligation={notice.pk}", {
        "direction": "out", "purpose": "campaign_notice", "moment": "2026-05-05T15:00",
        "reached": "on", "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    notice.refresh_from_db()
    assert notice.done_at == at(2026, 5, 5, 15, 0)
    assert Obligation.objects.get(rule="DS-7L").due_at == end(2026, 5, 7)
    assert CampaignTarget.objects.get(campaign=campaign).reached is True


def test_the_vehicle_filter_reads_the_make_and_the_model(desk):
    """Issue 10: "別克" found nothing because the make and the model are separate fields."""
    from aftercare.outreach.targets import target_customers
    from tests.factories import VehicleFactory

    buick, camry, other_buick = (customer(desk, n) for n in ("王小明", "李四", "張三"))
    VehicleFactory(customer=buick, make="別克", model="君威")
    VehicleFactory(customer=camry, make="豐田", model="凱美瑞")
    VehicleFactory(customer=other_buick, make="別克", model="英朗")

    def found(text):
        customers = target_customers(desk.branch_a, TargetFilters(vehicle_model=text))
        return sorted(c.name for c in customers)

    assert found("別克") == ["張三", "王小明"]
    assert found("別克 君威") == ["王小明"]
    assert found("凱美瑞") == ["李四"]
