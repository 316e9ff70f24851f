"""DS-12: a rag bin's clearance obligations, day by day, and the clearance log."""

from datetime import date, time, timedelta

import pytest

from aftercare import tick
from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.obligations.models import Notification, Obligation
from aftercare.safety import actions
from aftercare.safety import tick as safety_tick
from aftercare.safety.models import BinPeriod, Clearance
from tests.obligations.helpers import at, end
from tests.safety.helpers import place

pytestmark = pytest.mark.django_db


def daily_bin(desk, starts_on, now, **kwargs):
    return actions.add_bin(
        place=place(desk), by=desk.sam, label="廢布桶 1", owner=desk.alice, starts_on=starts_on,
        now=now, **kwargs,
    )  # fmt: skip


def ds12(bin_):
    return Obligation.objects.filter(rule="DS-12", subject_id__in=bin_.periods.values("pk"))


def test_a_daily_bin_is_due_at_the_end_of_each_day_across_a_month_end(desk):
    bin_ = daily_bin(desk, date(2026, 1, 30), at(2026, 1, 30, 8, 0))
    for day in (30, 31):
        safety_tick.run(at(2026, 1, day, 0, 0, 5))
    safety_tick.run(at(2026, 2, 1, 0, 0, 5))
    dues = [(o.triggered_at, o.due_at, o.owner) for o in ds12(bin_).order_by("due_at")]
    assert dues == [
        (at(2026, 1, 30, 0, 0), end(2026, 1, 30), desk.alice),
        (at(2026, 1, 31, 0, 0), end(2026, 1, 31), desk.alice),
        (at(2026, 2, 1, 0, 0), end(2026, 2, 1), desk.alice),
    ]


def test_a_daily_bin_across_the_leap_day_2028(desk):
    bin_ = daily_bin(desk, date(2028, 2, 27), at(2028, 2, 27, 7, 0))
    for moment in (at(2028, 2, 28, 6, 0), at(2028, 2, 29, 0, 0), at(2028, 3, 1, 23, 59)):
        safety_tick.run(moment)
    assert [o.due_at for o in ds12(bin_).order_by("due_at")] == [
        end(2028, 2, 27),
        end(2028, 2, 28),
        end(2028, 2, 29),
        end(2028, 3, 1),
    ]


def test_the_day_follows_shanghai_not_utc(desk):
    """23:30 UTC on 31 January is already 1 February in Shanghai."""
    bin_ = daily_bin(desk, date(2026, 1, 31), at(2026, 1, 31, 8, 0))
    safety_tick.run(at(2026, 2, 1, 7, 30))  # = 2026-01-31 23:30 UTC
    assert list(bin_.periods.values_list("day", flat=True)) == [date(2026, 1, 31), date(2026, 2, 1)]


def test_tick_twice_opens_nothing_twice(desk):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    first = safety_tick.run(at(2026, 3, 2, 9, 0))
    second = safety_tick.run(at(2026, 3, 2, 9, 1))
    assert first == {"safety_opened": 1}
    assert second == {"safety_opened": 0}
    assert ds12(bin_).count() == 2
    assert BinPeriod.objects.filter(bin=bin_).count() == 2


def test_every_three_days_with_a_clearance_time(desk):
    bin_ = daily_bin(desk, date(2026, 2, 26), at(2026, 2, 26, 8, 0), every_days=3,
                     clear_at=time(17, 30))  # fmt: skip
    for day in range(26, 29):
        safety_tick.run(at(2026, 2, day, 12, 0))
    for day in range(1, 5):
        safety_tick.run(at(2026, 3, day, 12, 0))
    rows = list(ds12(bin_).order_by("due_at"))
    assert [o.due_at for o in rows] == [end(2026, 2, 26), end(2026, 3, 1), end(2026, 3, 4)]
    assert (
        rows[0].display_title
        == "Clear the rag bin 油漆房 · 廢布桶 1 (usual time 17:30, due end of day)"
    )


def test_an_inactive_bin_opens_nothing(desk):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    bin_.active = False
    bin_.save()
    safety_tick.run(at(2026, 3, 5, 9, 0))
    assert ds12(bin_).count() == 1


def test_a_clearance_fulfils_the_days_obligation_on_time(desk):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    clearance = actions.log_clearance(bin_, by=desk.bob, at=at(2026, 3, 1, 17, 40), note="清空")
    ob = ds12(bin_).get()
    assert (ob.done_at, ob.done_by, ob.status_label) == (
        at(2026, 3, 1, 17, 40),
        desk.bob,
        "Done on time",
    )
    assert (clearance.by, clearance.note) == (desk.bob, "清空")


def test_a_late_clearance_settles_the_missed_day_late_but_not_the_next(desk):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    safety_tick.run(at(2026, 3, 2, 0, 1))
    actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 1, 23, 59))
    actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 2, 0, 30))
    march_1, march_2 = ds12(bin_).order_by("due_at")
    assert march_1.status_label == "Done on time"
    assert march_2.done_at == at(2026, 3, 2, 0, 30)

    safety_tick.run(at(2026, 3, 3, 9, 0))
    safety_tick.run(at(2026, 3, 4, 9, 0))
    actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 4, 10, 0))
    march_3, march_4 = ds12(bin_).order_by("due_at")[2:]
    assert march_3.status_label == "Done late"
    assert march_4.status_label == "Done on time"


def test_a_clearance_entered_afterwards_fulfils_only_its_own_day(desk):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    safety_tick.run(at(2026, 3, 2, 9, 0))
    actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 1, 18, 0))
    march_1, march_2 = ds12(bin_).order_by("due_at")
    assert march_1.done_at == at(2026, 3, 1, 18, 0)
    assert march_2.is_pending


def test_a_clearance_in_the_future_is_refused_and_nothing_written(desk):
    from django.utils import timezone

    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    with pytest.raises(InvalidInput) as error:
        actions.log_clearance(bin_, by=desk.alice, at=timezone.now() + timedelta(hours=2))
    assert error.value.fields == {"at": ["A moment in the future cannot be recorded."]}
    assert Clearance.objects.count() == 0
    assert ds12(bin_).get().is_pending


def test_another_branch_may_not_log_a_clearance(desk):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    with pytest.raises(NotAllowed):
        actions.log_clearance(bin_, by=desk.carol, at=at(2026, 3, 1, 9, 0))
    assert Clearance.objects.count() == 0


def test_bad_frequency_and_owner_are_refused(desk):
    where = place(desk)
    with pytest.raises(InvalidInput) as error:
        actions.add_bin(place=where, by=desk.sam, label=" ", owner=desk.carol, every_days=0)
    assert set(error.value.fields) == {"label", "owner", "every_days"}
    assert not where.bins.exists()


def test_an_advisor_may_not_add_a_bin(desk):
    with pytest.raises(NotAllowed):
        actions.add_bin(place=place(desk), by=desk.alice, label="桶", owner=desk.alice)


def test_a_missed_clearance_reaches_the_supervisor(desk, mailoutbox):
    """The full periodic pass: yesterday's DS-12 was not done; today's tick opens today's
    and obligations.tick tells the owner's supervisor about yesterday's, once."""
    from django.utils import timezone

    from tests.obligations.helpers import SH

    now = timezone.now()
    yesterday = timezone.localtime(now, SH).date() - timedelta(days=1)
    bin_ = daily_bin(desk, yesterday, at(yesterday.year, yesterday.month, yesterday.day, 9, 0))
    missed = ds12(bin_).get()
    tick.run(now)
    tick.run(now)
    assert ds12(bin_).count() == 2
    notes = Notification.objects.filter(obligation__rule="DS-12")
    assert [(n.obligation, n.recipient) for n in notes] == [(missed, desk.sam)]
    assert len([m for m in mailoutbox if "DS-12" in m.subject]) == 1


def test_retiring_a_bin_cancels_its_open_days_keeps_its_log_and_opens_nothing_more(desk, client):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 1, 17, 0))
    safety_tick.run(at(2026, 3, 2, 8, 0))  # 03-02 is open, not cleared
    actions.retire_bin(bin_, by=desk.sam, reason="改用密閉金屬桶", at=at(2026, 3, 2, 9, 0))
    done, cancelled = ds12(bin_).order_by("due_at")
    assert done.done_at == at(2026, 3, 1, 17, 0)
    assert (cancelled.cancelled_at, cancelled.cancel_reason) == (
        at(2026, 3, 2, 9, 0),
        "改用密閉金屬桶",
    )
    safety_tick.run(at(2026, 3, 5, 9, 0))
    assert ds12(bin_).count() == 2 and Clearance.objects.filter(bin=bin_).count() == 1
    with pytest.raises(Conflict):
        actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 5, 10, 0))


def test_retiring_needs_a_reason_and_the_right_people(desk, client):
    bin_ = daily_bin(desk, date(2026, 3, 1), at(2026, 3, 1, 8, 0))
    with pytest.raises(InvalidInput):
        actions.retire_bin(bin_, by=desk.sam, reason="  ", at=at(2026, 3, 1, 9, 0))
    with pytest.raises(NotAllowed):
        actions.retire_bin(bin_, by=desk.alice, reason="x", at=at(2026, 3, 1, 9, 0))
    with pytest.raises(NotAllowed):
        actions.retire_bin(bin_, by=desk.sue, reason="x", at=at(2026, 3, 1, 9, 0))
    bin_.refresh_from_db()
    assert bin_.active and ds12(bin_).get().cancelled_at is None

    client.force_login(desk.sam)
    page = client.get(f"/safety/bins/{bin_.pk}/").content.decode()
    assert 'id="retire-bin"' in page
    response = client.post(f"/safety/bins/{bin_.pk}/retire/", {"reason": "撤除"}, follow=True)
    assert "The bin is retired; its clearance log stays." in response.content.decode()
    bin_.refresh_from_db()
    assert not bin_.active
    assert 'id="bin-retired"' in client.get(f"/safety/bins/{bin_.pk}/").content.decode()
