"""Compliance figures per rule × owner × period, computed in SQL."""

import pytest

from aftercare.obligations import actions, queries
from aftercare.obligations.models import Obligation
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


def make(desk, owner, rule, event_at, done_at=None, cancel=False):
    o = actions.open_obligation(rule, branch=owner.branch, owner=owner, event_at=event_at)
    if done_at:
        actions.fulfil(o, by=owner, at=done_at)
    if cancel:
        actions.cancel(o, by=desk.sam, reason="duplicate", at=event_at)
    return o


@pytest.fixture
def march(desk):
    """DS-3 after pick-ups in March 2026 (window opens +3, due +7 days)."""
    make(desk, desk.alice, "DS-3", at(2026, 3, 2, 10), done_at=at(2026, 3, 6, 10))  # on time
    make(desk, desk.alice, "DS-3", at(2026, 3, 2, 10), done_at=at(2026, 3, 10, 10))  # late
    make(desk, desk.alice, "DS-3", at(2026, 3, 2, 10), done_at=at(2026, 3, 3, 10))  # early
    make(desk, desk.alice, "DS-3", at(2026, 3, 2, 10))  # overdue by 03-20
    make(desk, desk.bob, "DS-3", at(2026, 3, 18, 10))  # open on 03-20 (due 03-25)
    make(desk, desk.bob, "DS-3", at(2026, 3, 19, 10), cancel=True)  # cancelled
    make(desk, desk.bob, "DS-1", at(2026, 3, 10, 10), done_at=at(2026, 3, 11, 10))  # on time
    make(desk, desk.bob, "DS-1", at(2026, 2, 10, 10), done_at=at(2026, 2, 11, 10))  # February


def test_figures_by_rule_for_a_month(desk, march):
    figures = queries.compliance(
        Obligation.objects.filter(branch=desk.branch_a),
        start=at(2026, 3, 1),
        end=at(2026, 4, 1),
        group_by="rule",
        now=at(2026, 3, 20, 12),
    )
    by_rule = {f.key["rule"]: f for f in figures}
    ds3 = by_rule["DS-3"]
    assert (ds3.due, ds3.on_time, ds3.late, ds3.early, ds3.open, ds3.overdue, ds3.cancelled) == (
        4, 1, 1, 1, 1, 1, 1,
    )  # fmt: skip
    assert ds3.on_time_rate == 0.25  # the one due 03-25 is due later: outside the rate
    assert (by_rule["DS-1"].due, by_rule["DS-1"].on_time, by_rule["DS-1"].on_time_rate) == (
        1,
        1,
        1.0,
    )


def test_figures_by_owner(desk, march):
    figures = queries.compliance(
        Obligation.objects.all(),
        start=at(2026, 3, 1),
        end=at(2026, 4, 1),
        group_by="owner",
        now=at(2026, 3, 20, 12),
    )
    by_owner = {f.key["owner_id"]: (f.due, f.on_time, f.overdue) for f in figures}
    assert by_owner == {desk.alice.pk: (4, 1, 1), desk.bob.pk: (1, 1, 0)}


def test_empty_period_has_no_rate(desk):
    assert (
        queries.compliance(Obligation.objects.all(), start=at(2026, 1, 1), end=at(2026, 2, 1)) == []
    )
