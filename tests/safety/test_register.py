"""The register: per place, is the fire equipment sufficient and in date (DS-13)?"""

from datetime import date
from decimal import Decimal

import pytest

from aftercare.safety import actions, queries
from tests.obligations.helpers import at
from tests.safety.helpers import extinguisher, place

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 10, 10, 0)


def row_of(desk, name="油漆房"):
    return next(r for r in queries.register(desk.branch_a, now=NOW) if r.place.name == name)


def test_below_the_minimum_count_is_not_sufficient(desk):
    where = place(desk, min_count=2)
    extinguisher(desk, where, label="E-1", now=NOW)
    row = row_of(desk)
    assert (row.available_count, row.count_ok, row.sufficient) == (1, False, False)
    extinguisher(desk, where, label="E-2", now=NOW)
    assert row_of(desk).sufficient


def test_an_expired_item_does_not_count(desk):
    where = place(desk, min_count=2, min_capacity=Decimal("8"))
    extinguisher(desk, where, label="E-1", now=NOW)
    extinguisher(desk, where, label="E-2", expires_on=date(2026, 3, 10), now=NOW)
    row = row_of(desk)
    assert (row.in_date, row.expiring, row.expired) == (1, 0, 1)
    assert (row.available_count, row.available_capacity) == (1, Decimal("4"))
    assert not row.sufficient


def test_expiring_soon_still_counts(desk):
    where = place(desk, min_count=1)
    extinguisher(desk, where, expires_on=date(2026, 4, 9), now=NOW)
    row = row_of(desk)
    assert (row.expiring, row.available_count, row.sufficient) == (1, 1, True)
    assert row.items[0].date_label == "Expiring soon"


def test_capacity_counts_only_the_places_unit(desk):
    where = place(desk, min_count=2, min_capacity=Decimal("10"))
    extinguisher(desk, where, label="E-1", capacity=Decimal("6"), now=NOW)
    extinguisher(desk, where, label="F-1", kind="foam", capacity=Decimal("9"), unit="L", now=NOW)
    row = row_of(desk)
    assert (row.available_count, row.available_capacity) == (2, Decimal("6"))
    assert (row.count_ok, row.capacity_ok, row.sufficient) == (True, False, False)
    extinguisher(desk, where, label="E-2", capacity=Decimal("4"), now=NOW)
    assert row_of(desk).sufficient


def test_a_defect_makes_the_item_unavailable_until_inspected_ok(desk):
    where = place(desk, min_count=1)
    item = extinguisher(desk, where, now=NOW)
    actions.record_inspection(item, by=desk.sam, result="defect", at=at(2026, 3, 10, 9, 0),
                              pressure_ok=False)  # fmt: skip
    row = row_of(desk)
    assert (row.items[0].inspection_state, row.defects, row.sufficient) == ("inspected", 1, False)
    actions.record_inspection(item, by=desk.sam, result="ok", at=at(2026, 3, 10, 9, 30))
    assert row_of(desk).sufficient


def test_inspection_state_due_then_overdue(desk):
    where = place(desk)
    item = extinguisher(desk, where, now=at(2026, 2, 10, 9, 0))
    assert row_of(desk).items[0].inspection_state == "overdue"  # February's was not done
    actions.record_inspection(item, by=desk.sam, result="ok", at=at(2026, 3, 2, 9, 0))
    assert row_of(desk).items[0].inspection_state == "inspected"


def test_removed_and_replaced_items_leave_the_count(desk):
    where = place(desk, min_count=1)
    item = extinguisher(desk, where, now=NOW)
    actions.remove_equipment(item, by=desk.sam, reason="移走")
    assert row_of(desk).items == []
    assert not row_of(desk).sufficient


def test_bins_show_their_state(desk):
    where = place(desk)
    bin_ = actions.add_bin(place=where, by=desk.sam, label="桶", owner=desk.alice,
                           starts_on=date(2026, 3, 9), now=at(2026, 3, 9, 8, 0))  # fmt: skip
    [b] = row_of(desk).bins
    assert b.state == "overdue"  # 9 March was not cleared
    actions.log_clearance(bin_, by=desk.alice, at=at(2026, 3, 10, 9, 0))
    [b] = row_of(desk).bins
    assert (b.state, b.last_cleared_at) == ("cleared", at(2026, 3, 10, 9, 0))
