"""DS-4E (our rule): an escalation puts "answer the escalation" on the branch supervisor's My
work, due at the end of the next working day (Asia/Shanghai, mainland holidays), and tells
them once, in the app and by e-mail; recording the solution fulfils it."""

import pytest
from django.core import mail

from aftercare.cases import actions
from aftercare.customers import actions as customers
from aftercare.followups import actions as followups
from aftercare.obligations import tasks
from aftercare.obligations.models import Notification, Obligation
from tests.obligations.helpers import at, end

pytestmark = pytest.mark.django_db


def escalated_item(desk, when):
    customer = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    call = followups.record_call(
        customer, by=desk.alice, direction="in", purpose="complaint", at=when,
        raised_items=[{"kind": "complaint", "text": "冷氣不冷"}],
    )  # fmt: skip
    item = call.raised_items.get()
    actions.escalate(item, by=desk.alice, at=when.replace(hour=15))
    return item


@pytest.mark.parametrize(
    ("escalated_on", "due_on"),
    [
        # Wednesday 30 September, before the National Day holidays (1–7 October; Sunday the
        # 4th is no make-up day): due at the end of Thursday 8 October.
        (at(2026, 9, 30, 9), end(2026, 10, 8)),
        # Friday 9 October: Saturday 10 October is a make-up working day, so it is due then.
        (at(2026, 10, 9, 9), end(2026, 10, 10)),
        # Thursday 24 September: Friday the 25th is Mid-Autumn, so Monday the 28th.
        (at(2026, 9, 24, 9), end(2026, 9, 28)),
    ],
)
def test_escalation_is_due_from_the_supervisor_the_next_working_day(desk, escalated_on, due_on):
    item = escalated_item(desk, escalated_on)
    duty = Obligation.objects.get(rule="DS-4E")
    assert (duty.owner, duty.branch, duty.customer, duty.subject) == (
        desk.sam, desk.branch_a, item.customer, item,
    )  # fmt: skip
    assert duty.due_at == due_on
    assert duty.triggered_at == escalated_on.replace(hour=15)


def test_the_supervisor_is_told_once_in_the_app_and_by_mail(desk):
    item = escalated_item(desk, at(2026, 9, 30, 9))
    duty = Obligation.objects.get(rule="DS-4E")
    notices = Notification.objects.filter(kind="escalated")
    assert [(n.recipient, n.obligation) for n in notices] == [(desk.sam, duty)]
    assert notices.get().emailed_at is not None
    assert [m.to for m in mail.outbox] == [[desk.sam.email]]
    assert "張三: 冷氣不冷" in mail.outbox[0].subject
    assert "2026-10-08 23:59" in mail.outbox[0].body
    # The task retried (a worker crash after sending) adds nothing and sends nothing.
    assert tasks.notify_escalated.call(duty.pk) == 0
    assert (notices.count(), len(mail.outbox)) == (1, 1)
    item.refresh_from_db()
    assert item.state == "escalated"


def test_the_duty_is_on_my_work_with_a_link_to_the_item(client, desk):
    item = escalated_item(desk, at(2026, 9, 30, 9))
    client.force_login(desk.sam)
    html = client.get("/work/").content.decode()
    assert 'data-rule="DS-4E"' in html
    assert f'href="/items/{item.pk}/">Answer the escalation</a>' in html
    assert "Escalated to you" in html


def test_recording_the_solution_fulfils_it(desk):
    item = escalated_item(desk, at(2026, 9, 30, 9))
    actions.record_solution(item, by=desk.sam, text="更換冷媒", at=at(2026, 10, 8, 10))
    duty = Obligation.objects.get(rule="DS-4E")
    assert (duty.done_at, duty.done_by) == (at(2026, 10, 8, 10), desk.sam)
    assert duty.status_at(at(2026, 10, 9)) == "done_on_time"


def test_a_disabled_rule_opens_nothing_and_tells_nobody(desk):
    from aftercare.standard.models import RuleSetting

    RuleSetting.objects.create(organisation=desk.org, rule_id="DS-4E", enabled=False)
    escalated_item(desk, at(2026, 9, 30, 9))
    assert not Obligation.objects.filter(rule="DS-4E").exists()
    assert (Notification.objects.count(), len(mail.outbox)) == (0, 0)


def test_the_settings_page_lists_ds4e_and_its_setting_moves_the_deadline(client, desk):
    client.force_login(desk.ada)
    page = client.get("/settings/standard/").content.decode()
    assert "DS-4E" in page and "Escalation answered by the supervisor" in page
    response = client.post(
        "/settings/standard/rules/DS-4E/",
        {"due_after": "2", "day_count": "working", "enabled": "on"},
    )
    assert response.status_code == 302
    escalated_item(desk, at(2026, 10, 9, 9))  # Friday: Saturday 10th (make-up), then Monday
    assert Obligation.objects.get(rule="DS-4E").due_at == end(2026, 10, 12)
