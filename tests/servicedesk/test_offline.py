"""Actions queued on a phone without a signal and sent later (docs/architecture.md, "Working
offline"): the server takes them with the moment they happened, once per idempotency key,
and a refusal because the ticket changed meanwhile is recorded for the supervisor."""

import uuid

import pytest
import time_machine
from django.urls import reverse

from aftercare.servicedesk import actions
from aftercare.servicedesk.models import FieldConflict, FieldReceipt, Ticket, TicketEvent
from tests.servicedesk.helpers import at, clocks, hotline, png

pytestmark = pytest.mark.django_db

EIGHT_TO_SIX = [[["08:00", "18:00"]]] * 5 + [[], []]
SENT_AT = at(2026, 6, 2, 10, 40)  # the phone is back online


@pytest.fixture
def h():
    return hotline(EIGHT_TO_SIX)


@pytest.fixture
def ticket(h):
    """Reported 08:30 on a Tuesday (arrival due 10:30 on the 08:00–18:00 calendar), dispatched
    to eve at 08:40."""
    ticket = h.call(at(2026, 6, 2, 8, 30))
    return actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 8, 40))


@pytest.fixture(autouse=True)
def _back_online():
    with time_machine.travel(SENT_AT, tick=False):
        yield


def send(client, user, ticket, action, body, key):
    client.force_login(user)
    return client.post(
        f"/api/v1/tickets/{ticket.pk}/{action}", body, content_type="application/json",
        headers={"Idempotency-Key": str(key)},
    )  # fmt: skip


def written():
    return (TicketEvent.objects.count(), FieldReceipt.objects.count(),
            FieldConflict.objects.count())  # fmt: skip


def test_queued_actions_keep_the_phone_moments_and_a_replay_changes_nothing(h, ticket, client):
    assert clocks(ticket)["BS-7"].due_at == at(2026, 6, 2, 10, 30)
    queue = [
        ("arrival", {"at": "2026-06-02T10:05:00+08:00"}, uuid.uuid4()),
        ("pause", {"at": "2026-06-02T10:12:00+08:00", "reason": "parts"}, uuid.uuid4()),
        ("resume", {"at": "2026-06-02T10:20:00+08:00"}, uuid.uuid4()),
        ("resolve", {"at": "2026-06-02T10:31:00+08:00", "work_done": "更換電源", "cause": "",
                     "labour_minutes": 25, "signed_by": "李經理", "signature_png": png(),
                     "parts": []}, uuid.uuid4()),
    ]  # fmt: skip
    answers = [send(client, h.eve, ticket, *entry) for entry in queue]
    assert [a.status_code for a in answers] == [200, 200, 200, 200], answers[-1].content
    before = written()
    assert before[1] == 4
    ticket.refresh_from_db()
    assert ticket.arrived_at == at(2026, 6, 2, 10, 5)  # when tapped, not when sent (10:40)
    assert ticket.resolved_at == at(2026, 6, 2, 10, 31) and ticket.signed_by == "李經理"
    arrival = clocks(ticket)["BS-7"]
    assert arrival.done_at == at(2026, 6, 2, 10, 5) and arrival.status_at() == "done_on_time"
    kinds = list(ticket.events.order_by("at", "id").values_list("kind", "at"))
    assert kinds[-4:] == [
        ("arrived", at(2026, 6, 2, 10, 5)), ("paused", at(2026, 6, 2, 10, 12)),
        ("resumed", at(2026, 6, 2, 10, 20)), ("resolved", at(2026, 6, 2, 10, 31)),
    ]  # fmt: skip

    # The whole queue again (a lost answer, a replay): the same answers, nothing written.
    again = [send(client, h.eve, ticket, *entry) for entry in queue]
    assert [a.status_code for a in again] == [200, 200, 200, 200]
    assert [a.json() for a in again] == [a.json() for a in answers]
    assert written() == before


def test_a_key_is_one_request_of_one_person(h, ticket, client):
    key = uuid.uuid4()
    body = {"at": "2026-06-02T10:05:00+08:00"}
    assert send(client, h.eve, ticket, "arrival", body, key).status_code == 200
    before = written()
    for user, action, data in [
        (h.sam, "arrival", body),  # someone else's key
        (h.eve, "pause", {"at": "2026-06-02T10:06:00+08:00", "reason": "parts"}),  # another action
        (h.eve, "arrival", {"at": "2026-06-02T10:06:00+08:00"}),  # another body
    ]:
        answer = send(client, user, ticket, action, data, key)
        assert answer.status_code == 409, answer.content
        assert answer.json()["code"] == "idempotency_key_reused"
    client.force_login(h.eve)
    answer = client.post(
        f"/api/v1/tickets/{ticket.pk}/resume", {}, content_type="application/json",
        headers={"Idempotency-Key": "not-a-uuid"},
    )  # fmt: skip
    assert answer.status_code == 422
    assert written() == before


def test_without_a_key_the_api_works_as_before(h, ticket, client):
    client.force_login(h.eve)
    answer = client.post(
        f"/api/v1/tickets/{ticket.pk}/arrival", {}, content_type="application/json"
    )
    assert answer.status_code == 200 and FieldReceipt.objects.count() == 0


def test_a_refusal_is_kept_as_the_answer_of_its_key(h, ticket, client):
    """A pause before the arrival is refused as ever (422); sent again it answers the same."""
    assert send(client, h.eve, ticket, "arrival", {"at": "2026-06-02T10:05:00+08:00"},
                uuid.uuid4()).status_code == 200  # fmt: skip
    key = uuid.uuid4()
    early = {"at": "2026-06-02T10:00:00+08:00", "reason": "parts"}
    first = send(client, h.eve, ticket, "pause", early, key)
    assert first.status_code == 422, first.content
    before = written()
    again = send(client, h.eve, ticket, "pause", early, key)
    assert (again.status_code, again.json()) == (422, first.json())
    assert written() == before and FieldConflict.objects.count() == 0
    ticket.refresh_from_db()
    assert ticket.paused_since is None


def test_a_redispatched_ticket_refuses_the_queue_and_the_supervisor_sees_it(h, ticket, client):
    """eve arrives at 10:05 in the basement; at 10:20 sam, hearing nothing, sends kim; eve's
    phone sends at 10:40: refused, recorded, shown on the ticket and the board."""
    actions.dispatch(ticket, engineer=h.kim, by=h.sam, at=at(2026, 6, 2, 10, 20))
    key = uuid.uuid4()
    body = {"at": "2026-06-02T10:05:00+08:00"}
    answer = send(client, h.eve, ticket, "arrival", body, key)
    assert answer.status_code == 403, answer.content
    assert answer.json()["message"] == "This ticket is dispatched to someone else."
    conflict = FieldConflict.objects.get()
    assert (conflict.ticket, conflict.engineer, conflict.action, conflict.reason) == (
        ticket, h.eve, "arrival", "redispatched"
    )  # fmt: skip
    assert conflict.at == at(2026, 6, 2, 10, 5) and conflict.received_at == SENT_AT
    assert not ticket.events.filter(kind="arrived").exists()
    before = written()
    again = send(client, h.eve, ticket, "arrival", body, key)
    assert (again.status_code, again.json()) == (403, answer.json())
    assert written() == before

    client.force_login(h.sam)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.pk])).content.decode()
    assert 'id="ticket-conflicts"' in page and 'data-conflict="redispatched"' in page
    assert "2026-06-02 10:05" in page
    board = client.get(reverse("servicedesk:board")).content.decode()
    assert ticket.number in board.split('id="board-conflicts"')[1]


def test_a_queued_action_on_a_ticket_resolved_meanwhile_is_a_conflict(h, ticket, client):
    send(client, h.eve, ticket, "arrival", {"at": "2026-06-02T10:05:00+08:00"}, uuid.uuid4())
    actions.resolve(
        Ticket.objects.get(pk=ticket.pk), by=h.sam, at=at(2026, 6, 2, 10, 30), work_done="遠程重啟",
        labour_minutes=10, signed_by="李經理", signature_png=png(),
    )  # fmt: skip
    answer = send(client, h.eve, ticket, "pause",
                  {"at": "2026-06-02T10:12:00+08:00", "reason": "parts"}, uuid.uuid4())  # fmt: skip
    assert answer.status_code == 409 and answer.json()["code"] == "ticket_resolved"
    assert FieldConflict.objects.get().reason == "resolved"


def test_a_refusal_of_access_writes_nothing(h, ticket, client):
    """kim was never sent to this ticket: refused as ever, no receipt, no conflict."""
    before = written()
    answer = send(client, h.kim, ticket, "arrival", {"at": "2026-06-02T10:05:00+08:00"},
                  uuid.uuid4())  # fmt: skip
    assert answer.status_code == 403
    assert written() == before


def test_the_field_pages_service_worker(client, h):
    """Served under the field pages (its scope covers them) to anyone: it holds no user data."""
    answer = client.get(reverse("servicedesk:field_worker"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    field = reverse("servicedesk:field")
    assert answer["Service-Worker-Allowed"] == field and answer["Cache-Control"] == "no-cache"
    text = answer.content.decode()
    assert text.startswith("const FIELD_WORKER = {") and '"/static/js/fieldqueue.js"' in text
    assert reverse("servicedesk:field_worker").startswith(field)


def test_the_ticket_page_offers_its_forms_to_the_queue(h, ticket, client):
    client.force_login(h.eve)
    page = client.get(reverse("servicedesk:field_ticket", args=[ticket.pk])).content.decode()
    assert f'data-field-queue="ticket:{ticket.pk}"' in page and "js/fieldqueue.js" in page
    assert f'data-field-url="/api/v1/tickets/{ticket.pk}/arrival"' in page
    # Pause then resume without a signal: the resume form is there, hidden until needed.
    resume = page.split('id="resume-form"')[1].split(">")[0]
    assert "hidden" in resume and f"/api/v1/tickets/{ticket.pk}/resume" in resume
    listing = client.get(reverse("servicedesk:field")).content.decode()
    assert 'data-field-worker="/hotline/field/sw.js"' in listing
