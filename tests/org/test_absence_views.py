"""The absences page (DS-10): supervisors name a stand-in and see how much work moves."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from aftercare.obligations import actions as obligations
from aftercare.obligations.queries import worklist
from aftercare.org.models import Absence

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
URL = "/team/absences/"


def local(dt) -> str:
    return timezone.localtime(dt, SH).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def work(desk):
    """Alice owns two pending obligations and one done; Bob owns one."""
    kw = {"branch": desk.branch_a, "event_at": timezone.now() - timedelta(days=1)}
    mine = [obligations.open_obligation("DS-1", owner=desk.alice, **kw) for _ in range(3)]
    obligations.fulfil(mine[0], by=desk.alice)
    obligations.open_obligation("DS-1", owner=desk.bob, **kw)
    return mine


def form(desk, user=None, stand_in=None, **extra):
    now = timezone.now()
    data = {
        "user": (user or desk.alice).pk,
        "starts_at": local(now - timedelta(hours=1)),
        "ends_at": local(now + timedelta(days=2)),
        "stand_in": (stand_in or desk.bob).pk,
        "reason": "年假",
    }
    data.update(extra)
    return data


def test_supervisor_records_an_absence_and_sees_the_work_that_moves(client, desk, work):
    client.force_login(desk.sam)
    response = client.post(URL, form(desk))
    assert response.status_code == 302 and response["Location"] == URL
    absence = Absence.objects.get()
    assert (absence.user, absence.stand_in, absence.recorded_by) == (desk.alice, desk.bob, desk.sam)
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "2 open obligations move to bob" in message
    # The stand-in now carries Alice's two pending obligations (DS-10).
    assert set(worklist(desk.bob).values_list("owner_id", flat=True)) == {
        desk.alice.pk,
        desk.bob.pk,
    }
    page = client.get(URL).content.decode()
    row = page[page.index(f'data-id="{absence.pk}"') :]
    assert "away now" in row[:600] and "2 obligations move" in row[:1200]


def test_the_form_reads_times_in_the_organisations_time_zone(client, desk):
    client.force_login(desk.sam)
    client.post(URL, form(desk, starts_at="2026-03-01T09:00", ends_at="2026-03-02T18:00"))
    absence = Absence.objects.get()
    assert absence.starts_at.astimezone(SH).isoformat() == "2026-03-01T09:00:00+08:00"
    assert absence.ends_at.astimezone(SH).isoformat() == "2026-03-02T18:00:00+08:00"


def test_current_and_upcoming_come_first(client, desk):
    now = timezone.now()
    make = Absence.objects.create
    past = make(
        user=desk.alice,
        stand_in=desk.bob,
        recorded_by=desk.sam,
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=8),
        reason="過去",
    )
    later = make(
        user=desk.bob,
        stand_in=desk.alice,
        recorded_by=desk.sam,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=4),
        reason="之後",
    )
    current = make(user=desk.alice, stand_in=desk.bob, recorded_by=desk.sam,
                   starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5),
                   reason="現在")  # fmt: skip
    other = make(user=desk.carol, stand_in=desk.sue, recorded_by=desk.sue,
                 starts_at=now, ends_at=now + timedelta(days=1), reason="南區")  # fmt: skip
    client.force_login(desk.sam)
    page = client.get(URL).content.decode()
    ahead = page[page.index('id="absences-ahead"') : page.index('id="absences-past"')]
    assert ahead.index(f'data-id="{current.pk}"') < ahead.index(f'data-id="{later.pk}"')
    assert f'data-id="{past.pk}"' in page[page.index('id="absences-past"') :]
    assert f'data-id="{other.pk}"' not in page and "南區" not in page


def test_an_absence_must_end_after_it_starts(client, desk):
    client.force_login(desk.sam)
    now = timezone.now()
    response = client.post(
        URL, form(desk, starts_at=local(now), ends_at=local(now - timedelta(hours=2)))
    )
    assert response.status_code == 200
    assert "The absence must end after it starts." in response.content.decode()
    assert not Absence.objects.exists()


def test_the_stand_in_must_be_someone_else(client, desk):
    client.force_login(desk.sam)
    response = client.post(URL, form(desk, stand_in=desk.alice))
    assert "The stand-in must be someone else." in response.content.decode()
    assert not Absence.objects.exists()


def test_staff_of_another_branch_cannot_be_chosen(client, desk):
    client.force_login(desk.sam)
    page = client.get(URL).content.decode()
    assert "carol" not in page
    response = client.post(URL, form(desk, user=desk.carol, stand_in=desk.sue))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Absence.objects.exists()


def test_advisors_may_not_record_absences(client, desk):
    client.force_login(desk.alice)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(desk, user=desk.bob, stand_in=desk.alice)).status_code == 403
    assert not Absence.objects.exists()


def test_administrator_manages_every_branch(client, desk):
    client.force_login(desk.ada)
    response = client.post(URL, form(desk, user=desk.carol, stand_in=desk.sue))
    assert response.status_code == 302
    assert Absence.objects.get().user == desk.carol
