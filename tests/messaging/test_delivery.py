"""Delivery: a real SMTP server and a real HTTP gateway, retries with back-off, quiet hours,
opt-outs, once per reason."""

import json
from datetime import time, timedelta

import pytest

from aftercare.customers import actions as customers
from aftercare.messaging import actions, tick
from aftercare.messaging.models import Message
from aftercare.messaging.quiet import parse_interval, quiet_until
from tests.obligations.helpers import SH, at

pytestmark = pytest.mark.django_db


def queue(customer, capture, *, channel="sms", reason="test:1", when=None, body="保養提醒"):
    with capture(execute=True):
        message = actions.queue_message(
            customer, channel=channel, reason=reason, subject="保養提醒 京A12345", body=body,
            at=when or at(2026, 3, 2, 10, 0),
        )  # fmt: skip
    message.refresh_from_db()
    return message


def test_email_is_delivered_to_the_smtp_server(
    desk, zhang, smtp_server, django_capture_on_commit_callbacks
):
    message = queue(
        zhang, django_capture_on_commit_callbacks, channel="email", body="張三您好，保養到期了。"
    )
    assert message.status == "sent"
    assert message.attempts == 1
    assert message.sent_at == at(2026, 3, 2, 10, 0)
    [received] = smtp_server.messages
    assert received["to"] == ["zhang@example.test"]
    assert received["from"] == "service@beifeng.test"
    mail = received["mail"]
    assert mail["Subject"] == "保養提醒 京A12345"
    assert mail.get_content().strip() == "張三您好，保養到期了。"
    assert message.provider_id == mail["Message-ID"]


def test_sms_is_posted_to_the_gateway_as_the_template_says(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    message = queue(zhang, django_capture_on_commit_callbacks, body='張三 "您好"\n保養到期')
    assert message.status == "sent"
    assert message.provider_id == "sms-1"
    [request] = sms_gateway.requests
    assert request["path"] == "/v1/sms"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    # Quotes and newlines in the text stay valid JSON: values are filled after parsing.
    assert request["json"] == {
        "sender": "BEIFENG",
        "messages": [{"mobile": "+8613800138000", "content": '張三 "您好"\n保養到期'}],
    }


def test_the_file_gateway_is_the_embedded_default(
    desk, zhang, settings, django_capture_on_commit_callbacks
):
    message = queue(zhang, django_capture_on_commit_callbacks)
    assert message.status == "sent"
    with open(settings.AFTERCARE_SMS_LOG, encoding="utf-8") as log:
        [line] = log.read().splitlines()
    assert json.loads(line)["to"] == "+8613800138000"
    assert json.loads(line)["text"] == "保養提醒"


def test_gateway_failures_are_retried_with_back_off_until_sent(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.statuses = [500, 500, 200]
    message = queue(zhang, django_capture_on_commit_callbacks)
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.next_attempt_at == at(2026, 3, 2, 10, 1)
    assert message.last_error.startswith("HTTP 500")

    assert tick.run(at(2026, 3, 2, 10, 0, 59))["messages_due"] == 0  # not yet
    tick.run(at(2026, 3, 2, 10, 1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 2)
    assert message.next_attempt_at == at(2026, 3, 2, 10, 6)

    tick.run(at(2026, 3, 2, 10, 6))
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert message.sent_at == at(2026, 3, 2, 10, 6)
    assert message.provider_id == "sms-3"
    assert message.last_error == ""
    assert message.next_attempt_at is None
    assert len(sms_gateway.requests) == 3
    assert tick.run(at(2026, 3, 2, 11, 0))["messages_due"] == 0  # never again


def test_permanent_failure_stops_after_the_last_attempt(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.statuses = [500, 500, 500, 503]
    message = queue(zhang, django_capture_on_commit_callbacks)
    for moment in (at(2026, 3, 2, 10, 1), at(2026, 3, 2, 10, 6), at(2026, 3, 2, 10, 31)):
        tick.run(moment)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 4)
    assert message.next_attempt_at is None
    assert message.last_error.startswith("HTTP 503")
    assert tick.run(at(2026, 3, 2, 12, 0))["messages_due"] == 0
    assert len(sms_gateway.requests) == 4


def test_an_unreachable_gateway_counts_as_a_failed_attempt(
    desk, zhang, settings, django_capture_on_commit_callbacks
):
    from tests.messaging.conftest import free_port

    settings.AFTERCARE_SMS_BACKEND = "http"
    settings.AFTERCARE_SMS_URL = f"http://127.0.0.1:{free_port()}/sms"
    message = queue(zhang, django_capture_on_commit_callbacks)
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error.startswith("ConnectionError")


def test_smtp_refusal_is_retried(desk, zhang, settings, django_capture_on_commit_callbacks):
    from tests.messaging.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = queue(zhang, django_capture_on_commit_callbacks, channel="email")
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.next_attempt_at == at(2026, 3, 2, 10, 1)
    assert "ConnectionRefusedError" in message.last_error


@pytest.mark.parametrize(
    ("queued", "deferred_to"),
    [
        (at(2026, 3, 2, 22, 30), at(2026, 3, 3, 8, 0)),
        (at(2026, 1, 31, 22, 30), at(2026, 2, 1, 8, 0)),  # across a month end
        (at(2026, 12, 31, 21, 0), at(2027, 1, 1, 8, 0)),  # the first quiet minute, year end
        (at(2026, 3, 3, 6, 15), at(2026, 3, 3, 8, 0)),  # early morning: the same day
    ],
)
def test_quiet_hours_defer_the_message(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks, queued, deferred_to
):
    message = queue(zhang, django_capture_on_commit_callbacks, when=queued)
    assert message.status == "deferred"
    assert message.next_attempt_at == deferred_to
    assert sms_gateway.requests == []
    assert tick.run(deferred_to - timedelta(seconds=1))["messages_due"] == 0
    tick.run(deferred_to)
    message.refresh_from_db()
    assert (message.status, message.sent_at) == ("sent", deferred_to)
    assert len(sms_gateway.requests) == 1


def test_deferred_message_goes_out_when_quiet_hours_end(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    message = queue(zhang, django_capture_on_commit_callbacks, when=at(2026, 1, 31, 22, 30))
    assert tick.run(at(2026, 2, 1, 7, 59))["messages_due"] == 0
    tick.run(at(2026, 2, 1, 8, 0))
    message.refresh_from_db()
    assert (message.status, message.sent_at) == ("sent", at(2026, 2, 1, 8, 0))
    assert len(sms_gateway.requests) == 1


def test_a_retry_that_would_fall_in_quiet_hours_waits_for_the_morning(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.statuses = [500]
    message = queue(zhang, django_capture_on_commit_callbacks, when=at(2026, 3, 2, 20, 59, 30))
    assert (message.status, message.attempts) == ("deferred", 1)
    assert message.next_attempt_at == at(2026, 3, 3, 8, 0)


def test_quiet_hours_follow_the_organisation_time_zone(desk, settings):
    settings.AFTERCARE_QUIET_HOURS = "21:00-08:00"
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    # 14:30 UTC is 22:30 in Shanghai: quiet there, not in UTC.
    moment = at(2026, 3, 2, 22, 30).astimezone(utc)
    assert quiet_until(moment, SH) == at(2026, 3, 3, 8, 0)
    assert quiet_until(moment, utc) is None
    assert parse_interval("") is None
    assert parse_interval("12:00-14:00") == (time(12), time(14))
    assert quiet_until(at(2026, 3, 2, 13, 0), SH, parse_interval("12:00-14:00")) == at(
        2026, 3, 2, 14, 0
    )
    assert quiet_until(at(2026, 3, 2, 14, 0), SH, parse_interval("12:00-14:00")) is None


def test_no_sms_consent_is_suppressed_and_recorded(
    desk, sms_gateway, django_capture_on_commit_callbacks
):
    li = customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name="李四", phones=["13900139000"]
    )
    message = queue(li, django_capture_on_commit_callbacks)
    assert (message.status, message.suppressed_because) == ("suppressed", "no_consent")
    assert message.to == "+8613900139000"
    assert sms_gateway.requests == []
    assert tick.run(at(2026, 3, 3, 10, 0))["messages_due"] == 0


def test_email_opt_out_is_suppressed(desk, zhang, smtp_server, django_capture_on_commit_callbacks):
    deferred = queue(
        zhang, django_capture_on_commit_callbacks, channel="email", reason="night",
        when=at(2026, 3, 1, 23, 0),
    )  # fmt: skip
    actions.opt_out(zhang, channel="email", by=desk.alice, reason="客戶來電要求")
    deferred.refresh_from_db()
    assert (deferred.status, deferred.suppressed_because) == ("suppressed", "opted_out")
    later = queue(zhang, django_capture_on_commit_callbacks, channel="email", reason="later")
    assert (later.status, later.suppressed_because) == ("suppressed", "opted_out")
    tick.run(at(2026, 3, 3, 10, 0))
    assert smtp_server.messages == []
    # SMS is a separate channel: still allowed.
    sms = queue(zhang, django_capture_on_commit_callbacks, reason="sms")
    assert sms.status == "sent"


def test_no_address_is_suppressed(desk, django_capture_on_commit_callbacks):
    wang = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="王五")
    message = queue(wang, django_capture_on_commit_callbacks, channel="email")
    assert (message.status, message.suppressed_because) == ("suppressed", "no_address")


def test_the_same_reason_is_sent_once(desk, zhang, sms_gateway, django_capture_on_commit_callbacks):
    first = queue(zhang, django_capture_on_commit_callbacks, reason="DS-2M:vehicle:1:2026-03-09")
    second = queue(zhang, django_capture_on_commit_callbacks, reason="DS-2M:vehicle:1:2026-03-09")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(sms_gateway.requests) == 1


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        actions.queue_message(zhang, channel="sms", reason="x", body="hi")
        raise RuntimeError
    assert Message.objects.count() == 0
    assert sms_gateway.requests == []


def test_a_message_cut_off_mid_send_is_failed_not_resent(
    desk, zhang, sms_gateway, django_capture_on_commit_callbacks
):
    message = queue(zhang, django_capture_on_commit_callbacks, when=at(2026, 3, 2, 22, 0))
    Message.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, last_attempt_at=at(2026, 3, 3, 8, 0)
    )
    assert tick.run(at(2026, 3, 3, 8, 14))["messages_interrupted"] == 0
    assert tick.run(at(2026, 3, 3, 8, 16))["messages_interrupted"] == 1
    message.refresh_from_db()
    assert message.status == "failed"
    assert sms_gateway.requests == []
