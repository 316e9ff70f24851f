"""DS-13: the fire equipment register, monthly inspections, replacement before expiry."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.obligations.models import Obligation
from aftercare.safety import actions
from aftercare.safety import tick as safety_tick
from aftercare.safety.models import Equipment, EquipmentDue, Inspection
from tests.obligations.helpers import SH, at, end
from tests.safety.helpers import extinguisher, place

pytestmark = pytest.mark.django_db


def ds13(item, kind="inspection"):
    dues = EquipmentDue.objects.filter(equipment=item, kind=kind).values("pk")
    return Obligation.objects.filter(rule="DS-13", subject_id__in=dues).order_by("due_at")


def test_monthly_inspection_due_at_each_month_end(desk):
    item = extinguisher(desk, place(desk), now=at(2026, 1, 10, 9, 0))
    safety_tick.run(at(2026, 1, 20, 9, 0))
    safety_tick.run(at(2026, 2, 1, 0, 0))
    safety_tick.run(at(2026, 2, 1, 0, 1))
    dues = list(ds13(item))
    assert [o.due_at for o in dues] == [end(2026, 1, 31), end(2026, 2, 28)]
    assert dues[0].due_at.astimezone(SH).isoformat() == "2026-01-31T23:59:59.999999+08:00"
    assert [o.owner for o in dues] == [desk.sam, desk.sam]
    assert dues[0].display_title == "Inspect Extinguisher, dry powder E-1 at 油漆房"


def test_a_quarterly_hydrant_is_due_at_the_quarters_end(desk):
    item = extinguisher(desk, place(desk), kind="hydrant", capacity=None, inspect_every_months=3,
                        now=at(2026, 2, 10, 9, 0))  # fmt: skip
    safety_tick.run(at(2026, 3, 31, 9, 0))
    safety_tick.run(at(2026, 4, 1, 9, 0))
    assert [o.due_at for o in ds13(item)] == [end(2026, 3, 31), end(2026, 6, 30)]


def test_an_inspection_fulfils_the_months_obligation(desk):
    item = extinguisher(desk, place(desk), now=at(2026, 1, 10, 9, 0))
    inspection = actions.record_inspection(
        item, by=desk.alice, result="ok", at=at(2026, 1, 15, 10, 0), pressure_ok=True,
        seal_ok=True, note="壓力正常",
    )  # fmt: skip
    january = ds13(item).get()
    assert (january.done_at, january.done_by, january.status_label) == (
        at(2026, 1, 15, 10, 0),
        desk.alice,
        "Done on time",
    )
    assert (inspection.result, inspection.pressure_ok, inspection.seal_ok) == ("ok", True, True)


def test_an_inspection_entered_late_does_not_fulfil_the_next_month(desk):
    item = extinguisher(desk, place(desk), now=at(2026, 1, 10, 9, 0))
    safety_tick.run(at(2026, 2, 2, 9, 0))
    actions.record_inspection(item, by=desk.sam, result="ok", at=at(2026, 1, 31, 16, 0))
    january, february = ds13(item)
    assert january.status_label == "Done on time"
    assert february.is_pending


def test_replacement_opens_30_days_ahead_due_the_day_before_expiry(desk):
    item = extinguisher(desk, place(desk), expires_on=date(2026, 3, 15), now=at(2026, 1, 10, 9, 0))
    safety_tick.run(at(2026, 2, 12, 23, 0))
    assert not ds13(item, "replacement").exists()
    safety_tick.run(at(2026, 2, 13, 0, 0))
    safety_tick.run(at(2026, 2, 14, 0, 0))
    replacement = ds13(item, "replacement").get()
    assert replacement.due_at == end(2026, 3, 14)
    assert replacement.display_title == "Replace Extinguisher, dry powder E-1 at 油漆房"


def test_replacing_fulfils_the_replacement_and_keeps_the_old_item(desk):
    old = extinguisher(desk, place(desk), expires_on=date(2026, 3, 15), now=at(2026, 2, 20, 9, 0))
    moment = timezone.now() - timedelta(hours=1)
    new = actions.replace_equipment(
        old, by=desk.sam, at=moment, kind="powder", label="E-2", capacity=Decimal("4"),
        unit="kg", installed_on=timezone.localdate(moment), expires_on=date(2031, 3, 1),
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == ("replaced", new)
    assert ds13(old, "replacement").get().done_at == moment
    assert ds13(old).get().cancelled_at == moment
    assert ds13(new).get().is_pending
    assert Equipment.objects.count() == 2


def test_a_replaced_item_cannot_be_inspected(desk):
    old = extinguisher(desk, place(desk))
    actions.remove_equipment(old, by=desk.sam, reason="損壞報廢")
    with pytest.raises(Conflict):
        actions.record_inspection(old, by=desk.sam, result="ok")
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"capacity": Decimal("-1")}, "capacity", "The capacity cannot be negative."),
        ({"expires_on": date(2025, 5, 1)}, "expires_on",
         "The expiry date must be after the installation date."),
        ({"installed_on": date(2027, 1, 1)}, "installed_on",
         "The installation date cannot be in the future."),
    ],
)  # fmt: skip
def test_bad_equipment_is_refused_and_nothing_written(desk, fields, field, message):
    where = place(desk)
    with pytest.raises(InvalidInput) as error:
        extinguisher(desk, where, now=at(2026, 1, 10, 9, 0), **fields)
    assert error.value.fields == {field: [message]}
    assert not Equipment.objects.exists()
    assert not Obligation.objects.filter(rule="DS-13").exists()


def test_an_inspection_in_the_future_is_refused(desk):
    item = extinguisher(desk, place(desk))
    with pytest.raises(InvalidInput):
        actions.record_inspection(
            item, by=desk.sam, result="ok", at=timezone.now() + timedelta(days=1)
        )
    assert not Inspection.objects.exists()


def test_advisors_inspect_but_do_not_keep_the_register(desk):
    where = place(desk)
    with pytest.raises(NotAllowed):
        actions.add_equipment(place=where, by=desk.alice, kind="co2", label="C",
                              installed_on=date(2026, 1, 1))  # fmt: skip
    assert not Equipment.objects.filter(label="C").exists()


def test_tick_is_idempotent_for_equipment(desk):
    item = extinguisher(desk, place(desk), expires_on=date(2026, 2, 5), now=at(2026, 1, 10, 9, 0))
    assert safety_tick.run(at(2026, 1, 20, 9, 0)) == {"safety_opened": 0}
    assert safety_tick.run(at(2026, 1, 20, 9, 1)) == {"safety_opened": 0}
    assert EquipmentDue.objects.filter(equipment=item).count() == 2
    assert Obligation.objects.filter(rule="DS-13").count() == 2
