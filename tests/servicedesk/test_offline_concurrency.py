"""The same queued action sent twice at once (a phone retrying while the first request is still
on its way), on PostgreSQL: one event, and both requests get the same answer."""

import threading
import uuid

import pytest
import time_machine
from django.db import connections
from django.test import Client

from aftercare.servicedesk import actions
from aftercare.servicedesk.models import FieldReceipt, TicketEvent
from tests.servicedesk.helpers import at, hotline

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_concurrent_duplicate_answers_the_first_answer():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 9, 0))
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 9, 5))
    key = str(uuid.uuid4())
    start = threading.Barrier(6)
    answers = [None] * 6

    def run(i):
        try:
            client = Client()
            client.force_login(h.eve)
            start.wait(timeout=30)
            answers[i] = client.post(
                f"/api/v1/tickets/{ticket.pk}/arrival", {"at": "2026-06-02T10:05:00+08:00"},
                content_type="application/json", headers={"Idempotency-Key": key},
            )  # fmt: skip
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    with time_machine.travel(at(2026, 6, 2, 10, 40), tick=False):  # the whole process's clock
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive()
    assert [answer.status_code for answer in answers] == [200] * 6, answers
    assert len({answer.content for answer in answers}) == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="arrived").count() == 1
    assert FieldReceipt.objects.filter(key=key).count() == 1
