"""A visit's result recorded on a phone without a signal and sent later (docs/architecture.md,
"Working offline"): the queue sends it with an `Idempotency-Key` and `at`, the moment it was
recorded. The same key again answers the recorded visit and changes nothing; another result
for a done visit is a 409 the phone shows as refused. The visit pages' service worker."""

import uuid

import pytest
import time_machine
from django.urls import reverse

from aftercare.maintenance.models import MaintenanceVisit
from aftercare.servicedesk.models import Ticket
from tests.maintenance.helpers import at, confirm, draft, hotline, png, visits

pytestmark = pytest.mark.django_db

SENT_AT = at(2026, 1, 15, 12, 0)


@pytest.fixture(autouse=True)
def _back_online():
    with time_machine.travel(SENT_AT, tick=False):
        yield


@pytest.fixture
def h():
    return hotline()


@pytest.fixture
def visit(h):
    plan = draft(h)
    confirm(h, plan)
    return visits(plan)[0]


def body(client, visit, **extra):
    checks = client.get(f"/api/v1/maintenance-visits/{visit.pk}").json()["checks"]
    items = [
        {
            "check_id": row["id"],
            "result": "ok",
            "reading": "30" if row["kind"] == "reading" else None,
            "note": "",
        }  # fmt: skip
        for row in checks
    ]
    items[0] = {**items[0], "result": "defect", "note": "畫面模糊"}
    return {"items": items, "signed_by": "李經理", "signature_png": png(),
            "at": "2026-01-15T10:05:00+08:00", **extra}  # fmt: skip


def send(client, user, visit, payload, key):
    client.force_login(user)
    return client.post(
        f"/api/v1/maintenance-visits/{visit.pk}/result", payload,
        content_type="application/json", headers={"Idempotency-Key": str(key)},
    )  # fmt: skip


def written():
    return (Ticket.objects.count(), MaintenanceVisit.objects.filter(state="done").count())


def test_the_same_key_twice_records_the_visit_once_and_answers_the_same(client, h, visit):
    client.force_login(h.eve)
    payload = body(client, visit)
    key = uuid.uuid4()
    first = send(client, h.eve, visit, payload, key)
    assert first.status_code == 200, first.json()
    assert written() == (1, 1)
    stored = MaintenanceVisit.objects.get(pk=visit.pk)
    assert stored.result_key == key and stored.done_by == h.eve
    again = send(client, h.eve, visit, payload, key)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert written() == (1, 1)  # no second ticket for the defect, the visit as it was
    assert MaintenanceVisit.objects.get(pk=visit.pk).history.count() == stored.history.count()


def test_the_phones_moment_is_the_visits_unless_done_at_is_given(client, h, visit):
    client.force_login(h.eve)
    done = send(client, h.eve, visit, body(client, visit), uuid.uuid4())
    assert done.status_code == 200, done.json()
    stored = MaintenanceVisit.objects.get(pk=visit.pk)
    assert stored.done_at == at(2026, 1, 15, 10, 5)  # when recorded, not when sent (12:00)
    ticket = Ticket.objects.get()
    assert ticket.reported_at == at(2026, 1, 15, 10, 5)


def test_done_at_wins_over_the_phones_moment(client, h, visit):
    client.force_login(h.eve)
    payload = body(client, visit, done_at="2026-01-15T09:30:00+08:00")
    assert send(client, h.eve, visit, payload, uuid.uuid4()).status_code == 200
    assert MaintenanceVisit.objects.get(pk=visit.pk).done_at == at(2026, 1, 15, 9, 30)


def test_another_key_or_another_engineer_after_done_is_refused(client, h, visit):
    client.force_login(h.eve)
    payload = body(client, visit)
    key = uuid.uuid4()
    assert send(client, h.eve, visit, payload, key).status_code == 200
    other = send(client, h.eve, visit, payload, uuid.uuid4())
    assert other.status_code == 409 and other.json()["code"] == "visit_done"
    assert other.json()["message"]
    without = send(client, h.eve, visit, payload, key)
    assert without.status_code == 200
    # The same key from someone else is not their answer.
    kim = send(client, h.kim, visit, payload, key)
    assert kim.status_code == 409
    assert written() == (1, 1)
    assert MaintenanceVisit.objects.get(pk=visit.pk).result_key == key


def test_a_key_used_for_another_visit_is_refused(client, h):
    plan = draft(h)
    confirm(h, plan)
    first, second = visits(plan)[:2]
    client.force_login(h.eve)
    key = uuid.uuid4()
    assert send(client, h.eve, first, body(client, first), key).status_code == 200
    reused = send(client, h.eve, second, body(client, second), key)
    assert reused.status_code == 409
    assert MaintenanceVisit.objects.get(pk=second.pk).state == "planned"


def test_a_malformed_key_is_a_422(client, h, visit):
    client.force_login(h.eve)
    answer = client.post(
        f"/api/v1/maintenance-visits/{visit.pk}/result", body(client, visit),
        content_type="application/json", headers={"Idempotency-Key": "not-a-uuid"},
    )  # fmt: skip
    assert answer.status_code == 422
    assert written() == (0, 0)


def test_the_visit_pages_service_worker(client):
    """Served under the visit pages (its scope covers them) to anyone: it holds no user data."""
    answer = client.get(reverse("maintenance:visit_worker"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/maintenance/visits/"
    assert answer["Cache-Control"] == "no-cache"
    text = answer.content.decode()
    assert text.startswith("const FIELD_WORKER = {")
    assert '"scope": "/maintenance/visits/"' in text and '"/static/js/maintenance.js"' in text
    assert '"shellCache": "aftercare-visits-shell"' in text
    # The hotline's worker is as it was: its own scope and shell cache.
    hotline_worker = client.get(reverse("servicedesk:field_worker")).content.decode()
    settings = hotline_worker.split("\n", 1)[0]
    assert '"scope": "/hotline/field/"' in settings and "shellCache" not in settings


def test_the_visit_page_offers_its_result_to_the_queue(client, h, visit):
    client.force_login(h.eve)
    page = client.get(reverse("maintenance:visit", args=[visit.pk])).content.decode()
    assert f'data-field-queue="visit:{visit.pk}"' in page
    assert f'data-field-url="/api/v1/maintenance-visits/{visit.pk}/result"' in page
    assert 'data-field-worker="/maintenance/visits/sw.js"' in page
    assert 'data-field-scope="/maintenance/visits/"' in page
    assert "js/fieldqueue.js" in page and "js/maintenance.js" in page
    assert "data-text-no-result=" in page
