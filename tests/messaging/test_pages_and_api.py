"""The messages page and API: who may see and retry, scoped by branch; opt-outs."""

import pytest

from aftercare.customers import actions as customers
from aftercare.messaging import actions
from aftercare.messaging.models import Message, OptOut
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(desk, zhang, sms_gateway, django_capture_on_commit_callbacks):
    """Branch A: one sent, one failed (4 × 500); branch B: one failed."""
    wu = customers.create_customer(
        branch=desk.branch_b, by=desk.carol, name="吳六", phones=["13600136000"],
        consents_to_sms=True,
    )  # fmt: skip
    sms_gateway.statuses = [200, *([500] * 4), *([500] * 4)]
    rows = {}
    with django_capture_on_commit_callbacks(execute=True):
        rows["sent"] = actions.queue_message(
            zhang, channel="sms", reason="a-sent", body="一", at=at(2026, 3, 2, 10, 0)
        )
    for name, customer in (("failed", zhang), ("other_branch", wu)):
        with django_capture_on_commit_callbacks(execute=True):
            message = actions.queue_message(
                customer, channel="sms", reason=name, body="二", at=at(2026, 3, 2, 10, 0)
            )
        for minute in (1, 6, 31):
            actions.deliver(message.pk, now=at(2026, 3, 2, 10, minute))
        rows[name] = message
    for message in rows.values():
        message.refresh_from_db()
    assert rows["failed"].status == rows["other_branch"].status == "failed"
    return rows


def test_page_is_for_supervisors_of_the_branch(client, desk, outbox):
    assert client.get("/messages/").status_code == 302  # anonymous → login
    client.force_login(desk.alice)
    assert client.get("/messages/").status_code == 403
    client.force_login(desk.sam)
    page = client.get("/messages/")
    assert page.status_code == 200
    assert f'id="message-{outbox["sent"].pk}"' in page.text
    assert f'id="message-{outbox["failed"].pk}"' in page.text
    assert f'id="message-{outbox["other_branch"].pk}"' not in page.text
    assert "HTTP 500" in page.text
    assert 'id="delivery-settings"' in page.text
    assert "secret-token" not in page.text  # the gateway's token is never shown
    failed_only = client.get("/messages/", {"status": "failed"})
    assert f'id="message-{outbox["sent"].pk}"' not in failed_only.text
    assert f'id="message-{outbox["failed"].pk}"' in failed_only.text


def test_htmx_filter_returns_only_the_rows(client, desk, outbox):
    client.force_login(desk.sam)
    response = client.get("/messages/", {"status": "sent"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.text
    assert f'id="message-{outbox["sent"].pk}"' in response.text


def test_supervisor_retries_a_failed_message(client, desk, outbox):
    client.force_login(desk.sam)
    response = client.post(f"/messages/{outbox['failed'].pk}/retry/")
    assert response.status_code == 302
    message = Message.objects.get(pk=outbox["failed"].pk)
    # Queued again (the worker sends it after commit) with a new round of attempts; the
    # earlier 4 stay in the count.
    assert (message.status, message.attempts, message.attempt_limit) == ("queued", 4, 8)


def test_retry_sends_again(desk, outbox, sms_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_message(outbox["failed"], by=desk.sam, at=at(2026, 3, 2, 11, 0))
    message = Message.objects.get(pk=outbox["failed"].pk)
    assert (message.status, message.attempts, message.sent_at) == (
        "sent", 5, at(2026, 3, 2, 11, 0),
    )  # fmt: skip


def test_retry_refused_for_other_branches_and_non_failed(client, desk, outbox):
    client.force_login(desk.sam)
    assert client.post(f"/messages/{outbox['other_branch'].pk}/retry/").status_code == 404
    response = client.post(f"/messages/{outbox['sent'].pk}/retry/", follow=True)
    assert "Only a failed message can be retried." in response.text
    client.force_login(desk.alice)
    assert client.post(f"/messages/{outbox['failed'].pk}/retry/").status_code == 403
    assert Message.objects.get(pk=outbox["failed"].pk).status == "failed"
    assert Message.objects.get(pk=outbox["other_branch"].pk).status == "failed"


def test_api_lists_and_retries(api_client, desk, outbox):
    assert api_client.as_user(desk.alice).get("/messages").status_code == 403
    response = api_client.as_user(desk.sam).get("/messages", status="failed")
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["items"]] == [outbox["failed"].pk]
    assert response.json()["items"][0]["last_error"].startswith("HTTP 500")
    conflict = api_client.post(f"/messages/{outbox['sent'].pk}/retry")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "message_not_failed")
    assert api_client.post(f"/messages/{outbox['other_branch'].pk}/retry").status_code == 404
    assert (
        api_client.as_user(desk.sue)
        .post(f"/messages/{outbox['other_branch'].pk}/retry")
        .status_code
        == 200
    )


def test_api_records_an_opt_out(api_client, desk, zhang):
    response = api_client.as_user(desk.alice).post(
        "/message-opt-outs", {"customer_id": zhang.pk, "channel": "email", "reason": "來電要求"}
    )
    assert response.status_code == 201
    assert OptOut.objects.get().channel == "email"
    other = api_client.as_user(desk.carol).post(
        "/message-opt-outs", {"customer_id": zhang.pk, "channel": "sms"}
    )
    assert other.status_code == 404
    assert OptOut.objects.count() == 1


def test_the_page_speaks_to_users_not_to_operators(client, desk):
    """Issue 10: /messages/ told supervisors to read docs/operations.md."""
    client.force_login(desk.sam)
    page = client.get("/messages/").content.decode()
    assert "docs/operations.md" not in page
    assert "ask whoever runs the server" in page
